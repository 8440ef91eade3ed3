"""The site's pages: one per document of the edition, and what navigation and metadata need
to know of each."""

from __future__ import annotations

from dataclasses import dataclass

from make_book.core.editions import Doc
from make_book.core.model import Part
from make_book.writers.html.bodies import plain_text


@dataclass
class Page:
    """One HTML page of the site and what the navigation needs to know about it."""

    doc: Doc
    href: str
    title: str
    description: str = ""
    chapter_index: int | None = None  # position among the chapters, 1-based


def site_pages(docs: list[Doc]) -> list[Page]:
    """A page per document, in reading order, the chapters numbered."""
    pages, count = [], 0
    for doc in docs:
        index = None
        if doc.kind == "chapter" and doc.part is not None:  # not the back matter
            count += 1
            index = count
        pages.append(Page(doc, doc.stem + ".html", doc.title, doc_description(doc), index))
    return pages


def part_href(pages: list[Page], part: Part) -> str | None:
    """The page of a part's title, when this edition has it."""
    return next((p.href for p in pages if p.doc.kind == "part" and p.doc.part is part), None)


def doc_description(doc: Doc) -> str:
    """A sentence or two for search engines and link previews: the part's summary or the
    chapter's first paragraph, cut at a word near 160 characters."""
    if doc.kind == "part" and doc.part is not None and doc.part.summary:
        return doc.part.summary
    chapter = doc.text
    if chapter is None:
        return doc.title
    first = next((p for p in chapter.body.iter("p") if plain_text(p)), None)
    text = plain_text(first) if first is not None else doc.title
    if len(text) <= 160:
        return text
    return text[:160].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
