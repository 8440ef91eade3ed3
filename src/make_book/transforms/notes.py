"""Footnotes: out of pandoc's end-of-chapter list, into the model, numbered per chapter."""

from __future__ import annotations

import re

from lxml import html

from make_book.core.diagnostics import Report, line_of
from make_book.core.model import Book, Chapter, Note

# A note call pandoc left as text: `[^label]` with no `[^label]:` anywhere in the file.
_ORPHAN_CALL = re.compile(r"\[\^[^\]\s]+\]")


def run(book: Book, report: Report) -> None:
    for chapter in book.documents():
        orphan_calls(chapter, report)
        extract(chapter)


def orphan_calls(chapter: Chapter, report: Report) -> None:
    """W062: a note call whose note was never written, printed as `[^label]` otherwise."""
    for element in chapter.body.iter():
        if not isinstance(element.tag, str):
            continue
        literal = element.tag in ("code", "pre")  # `[^x]` shown as code is meant
        for text in ((element.tail,) if literal else (element.text, element.tail)):
            for call in _ORPHAN_CALL.findall(text or ""):
                report.warn("W062", f"note call `{call}` has no note: write `{call}: …` on a "
                            "line of its own, or remove the call", chapter.source,
                            line_of(chapter.text, call, chapter.line_offset + 1))


def extract(chapter: Chapter) -> None:
    """Replace pandoc's calls by `<a class="noteref">` and keep each note's body in the model."""
    section = chapter.body.find(".//section[@role='doc-endnotes']")
    if section is None:
        return
    bodies: dict[str, html.HtmlElement] = {}
    for item in section.iter("li"):
        for back in item.find_class("footnote-back"):
            back.drop_tree()
        container = html.Element("div")
        container.text = item.text
        for child in list(item):
            container.append(child)
        bodies[item.get("id", "")] = container
    section.drop_tree()
    number = 0
    for call in list(chapter.body.find_class("footnote-ref")):
        id_map = chapter.meta.get("id_map", {})
        old = call.get("href", "").lstrip("#")
        note_id = id_map.get(old, old)
        if note_id not in bodies:
            continue
        number += 1
        ref_id = call.get("id") or f"{note_id}-ref"
        ref = html.Element("a", {"class": "noteref", "href": f"#{note_id}", "id": ref_id})
        ref.text = str(number)
        ref.tail = call.tail
        call.getparent().replace(call, ref)
        chapter.notes.append(Note(id=note_id, number=number, body=bodies[note_id], ref_id=ref_id))
