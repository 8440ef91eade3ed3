"""The print index's page numbers: where each marked place was laid out, ranges merged."""

from __future__ import annotations

from lxml import etree

from make_book.core.model import Element

PREFIX = "ix-"  # the anchors of marked places (transforms/indexing.py)
PLACEHOLDER = "000"  # the first layout's locator, about as wide as a page number


def anchor_pages(document, body_start: str | None = None) -> dict[str, int]:  # noqa: ANN001
    """Each marked place's page number in a laid-out WeasyPrint document: the folio its page
    prints, counted from 1 at the page holding `body_start` (the text's first part or
    chapter, where the page counter restarts after the front matter)."""
    start = next((i for i, page in enumerate(document.pages)
                  if body_start is not None and body_start in page.anchors), 0)
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1 - start):
        for name in page.anchors:
            if name.startswith(PREFIX):
                pages.setdefault(name, number)
    return pages


def print_locators(body: Element, pages: dict[str, int] | None) -> None:
    """Replace the index's locators (chapter titles) by page numbers, in place: one per page,
    consecutive pages merged into a range (« 12–14 ») linked to its first place. Without
    pages (the first layout) each locator reads PLACEHOLDER."""
    for locators in body.find_class("index-locators"):
        links = [a for a in locators if a.tag == "a" and a.get("href", "").startswith("#")]
        first: dict[int, str] = {}  # page → the first place's anchor on it
        for link in links:
            anchor = link.get("href")[1:]
            page = pages.get(anchor) if pages is not None else None
            if page is None and pages is not None:
                continue  # not laid out (it cannot happen but for a place out of the book)
            first.setdefault(page if page is not None else -len(first) - 1, anchor)
        for child in list(locators):
            locators.remove(child)
        locators.text = " "
        numbers = sorted(first)
        ranges: list[list[int]] = []
        for number in numbers:
            if ranges and number == ranges[-1][-1] + 1 and number > 0:
                ranges[-1].append(number)
            else:
                ranges.append([number])
        for i, run in enumerate(ranges):
            link = etree.SubElement(locators, "a", {"class": "index-locator",
                                                    "href": "#" + first[run[0]]})
            if run[0] < 0:
                link.text = PLACEHOLDER
            else:
                link.text = str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}"
            link.tail = ", " if i < len(ranges) - 1 else None
