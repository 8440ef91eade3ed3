"""Chapter bodies for the site: links made relative to the page, pictures of renditions,
notes as sidenotes beside their calls as well as at the end."""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import html
from markupsafe import Markup, escape

from make_book.core.model import Chapter, Element, Note
from make_book.writers.common import (
    Linker,
    body_copy,
    inner_html,
    kept_notes,
    shift_headings,
)
from make_book.writers.html.pictures import BODY_SIZES, Rendition, html5, picture_element

# The spaces a line may break at, and line breaks: what the text's own layout put in.
_BREAKING_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def chapter_body(chapter: Chapter, linker: Linker, pictures: dict[str, list[Rendition]],
                 back: str, shift: int, first_eager: bool, own: str = "",
                 index: Callable[[Element], None] | None = None) -> tuple[str, list[dict]]:
    """Render the chapter's body as HTML (links, pictures, sidenotes) with its notes.

    `own` is the page's file (its links to itself become fragments), `back` the label of a
    sidenote's link back to its call; `index` is given the body once its pictures are in and
    before the sidenotes are, so that a search entry holds a note's text only once."""
    body = body_copy(chapter.body, "web")
    for link in body.iter("a"):
        if link.get("data-in-note"):  # an index entry for a note: ids in notes are dropped
            link.set("href", "#" + link.get("data-in-note"))
    linker.relink(body)
    _local_links(body, own)
    shift_headings(body, shift)
    _pictures_in(body, pictures, first_eager)
    if index is not None:
        index(body)
    kept = kept_notes(chapter.notes, body)
    notes = [_note(note, linker, own) for note in kept]
    _place_sidenotes(body, kept, notes, back)
    return html5(inner_html(body)), notes


def plain_text(element: Element) -> str:
    """The words of a block without its note calls (whose numbers would glue to words), its
    runs of spaces and line breaks made one space; the no-break spaces typography put (before
    « ; », inside « ») stay, as they are no place to break a line."""
    copy = body_copy(element)
    for ref in copy.find_class("noteref"):
        ref.drop_tree()
    # Not str.split(): it takes U+00A0 and U+202F for spaces like any other.
    return _BREAKING_SPACES.sub(" ", copy.text_content()).strip(" ")


def _note(note: Note, linker: Linker, own: str) -> dict[str, object]:
    """Render a note for the end notes and its sidenote: relinked, without ids."""
    note_body = body_copy(note.body)
    linker.relink(note_body)
    _local_links(note_body, own)
    for element in note_body.iter():
        # The sidenote repeats the note: ids inside it would be duplicated.
        if isinstance(element.tag, str):
            element.attrib.pop("id", None)
    return {"id": note.id, "number": note.number, "ref_id": note.ref_id,
            "html": Markup(html5(inner_html(note_body)))}


def _pictures_in(body: Element, pictures: dict[str, list[Rendition]],
                 first_eager: bool) -> None:
    """Turn each <img> of the model into a <picture> of renditions; images below the first
    screen load lazily."""
    for position, img in enumerate(list(body.iter("img"))):
        name = img.get("src", "").removeprefix("images/")
        renditions = pictures.get(name)
        if not renditions:
            continue
        eager = first_eager and position == 0 and _near_top(body, img)
        picture = picture_element(renditions, img.get("alt", ""), BODY_SIZES, eager,
                                  int(img.get("width") or 0), int(img.get("height") or 0))
        picture.tail = img.tail
        img.getparent().replace(img, picture)


def _near_top(body: Element, img: Element) -> bool:
    """Whether an image is in the first two blocks of a page: likely on the first screen."""
    top = img
    while top.getparent() is not None and top.getparent() is not body:
        top = top.getparent()
    return body.index(top) < 2 if top.getparent() is body else False


def _local_links(body: Element, own: str) -> None:
    """`this-page.html#x` → `#x`: a jump within the page needs no file name."""
    if not own:
        return
    for link in body.iter("a"):
        href = link.get("href", "")
        if href.startswith(own + "#"):
            link.set("href", href[len(own):])


def _place_sidenotes(body: Element, notes: list[Note], rendered: list[dict], back: str) -> None:
    """Put a copy of each note before the top-level block holding its call; CSS floats it
    into the margin on wide screens and hides it (and shows the end notes) on narrow ones."""
    by_ref = {n.ref_id: r for n, r in zip(notes, rendered, strict=True)}
    for ref in list(body.find_class("noteref")):
        ref.set("role", "doc-noteref")
        note = by_ref.get(ref.get("id", ""))
        if note is None:
            continue
        block = ref
        while block.getparent() is not None and block.getparent() is not body:
            block = block.getparent()
        if block.getparent() is not body:
            continue
        aside = html.fragment_fromstring(
            f'<aside class="sidenote" role="doc-footnote" data-note="{note["id"]}" '
            f'tabindex="-1"><a class="note-number" href="#{note["ref_id"]}" '
            f'role="doc-backlink" aria-label="{escape(back)} ({note["number"]})">'
            f'{note["number"]}</a> {note["html"]}</aside>')
        block.addprevious(aside)
