"""The site's search: an entry per block of text, shipped as a script (search-index.js)."""

from __future__ import annotations

import json

from make_book.core.model import Chapter, Element
from make_book.writers.common import kept_notes
from make_book.writers.html.bodies import plain_text
from make_book.writers.html.pages import Page

BLOCKS = ("p", "li", "h2", "h3", "h4", "h5", "h6", "figcaption", "dt", "dd", "td", "th",
          "blockquote")


def search_entries(chapter: Chapter, body: Element, page: int,
                   taken: set[str]) -> list[list[object]]:
    """List the search entries of a chapter's body, [page, anchor, text], one per block of
    text and one per note; each block gets an id to land on (unless that id is taken)."""
    entries: list[list[object]] = []
    count = 0
    for element in body.iter(*BLOCKS):
        if any(child.tag in BLOCKS for child in element.iterdescendants()):
            continue  # the inner blocks are indexed themselves
        text = plain_text(element)
        if not text:
            continue
        anchor = element.get("id")
        if not anchor:
            count += 1
            anchor = f"{chapter.key}-p{count}"
            if anchor in taken:
                continue
            element.set("id", anchor)
        entries.append([page, anchor, text])
    for note in kept_notes(chapter.notes, body):
        # Land on the call: the note stands beside it (wide) or is one tap away (narrow).
        entries.append([page, note.ref_id, plain_text(note.body)])
    return entries


def search_script(pages: list[Page], entries: list[list[object]]) -> str:
    """Write the index as a script assigning a global: loadable from file://, where fetch()
    is not."""
    docs = [[p.href, p.title] for p in pages]
    data = json.dumps({"docs": docs, "entries": entries}, ensure_ascii=False,
                      separators=(",", ":"))
    return f"window.MAKE_BOOK_SEARCH = {data};\n"
