"""Print page numbers carried into the EPUB: where the print PDF turns its pages.

The print PDF gives each top-level block of a chapter an anchor; once WeasyPrint has laid
the pages out, the first block that starts on each page tells where that page begins. The
EPUB then gets an `epub:type="pagebreak"` marker before that block and a `page-list` entry.
The precision is a block (paragraph, heading, figure): a page that begins mid-paragraph is
marked at the next block that starts on it, and a page on which no block starts gets no
marker. Readers can still cite the page of the printed book.
"""

from __future__ import annotations

from lxml import html

from make_book.assets.lettering import roman
from make_book.core.artifacts import PageBreaks
from make_book.core.model import Element

# (chapter key, block index); index -1 is the chapter's own start (its title)
BlockRef = tuple[str, int]


def top_blocks(body: Element) -> list[Element]:
    """The blocks a page can start with: the body's element children, in order."""
    return [child for child in body if isinstance(child.tag, str)]


def tag_blocks(body: Element, key: str, anchors: dict[str, BlockRef]) -> None:
    """Give every top-level block of a print body an anchor, remembering which it is."""
    for index, block in enumerate(top_blocks(body)):
        anchor = block.get("id") or f"pb-{key}-{index}"
        block.set("id", anchor)
        anchors[anchor] = (key, index)


def folio_labels(document, body_start: str | None) -> list[str]:  # noqa: ANN001
    """The folio of each page of a laid-out document, as printed: lower-case roman numerals
    up to the page holding `body_start` (the first part or chapter), arabic from 1 there
    (its CSS resets the page counter). Without that anchor, arabic throughout."""
    start = next((i for i, page in enumerate(document.pages)
                  if body_start is not None and body_start in page.anchors), 0)
    return [roman(i + 1).lower() if i < start else str(i - start + 1)
            for i in range(len(document.pages))]


def label_order(label: str) -> int:
    """A folio's place in the book: the roman front matter before the arabic text."""
    return int(label) if label.isdigit() else roman_value(label) - 10_000


def roman_value(label: str) -> int:
    """The number a roman numeral writes (``xiv`` → 14)."""
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for char, following in zip(label, label[1:] + " ", strict=True):
        value = values.get(char, 0)
        total += -value if values.get(following, 0) > value else value
    return total


def page_starts(document, anchors: dict[str, BlockRef],  # noqa: ANN001
                labels: list[str] | None = None) -> PageBreaks:
    """For a laid-out WeasyPrint document: chapter key → [(page label, block index)]."""
    labels = labels or [str(n) for n in range(1, len(document.pages) + 1)]
    starts: PageBreaks = {}
    seen: set[str] = set()
    for number, page in enumerate(document.pages, 1):
        # A block split across pages has its anchor on both: only its first page counts.
        found = [(box[1], box[0], name) for name, box in page.anchors.items()
                 if name in anchors and name not in seen]
        seen.update(name for _, _, name in found)
        if not found:
            continue
        _, _, name = min(found)
        key, index = anchors[name]
        starts.setdefault(key, []).append((labels[number - 1], index))
    return starts


def insert_markers(body: Element, marks: list[tuple[str, int]]) -> None:
    """Put a page-break marker before each marked block (index -1: at the very start)."""
    blocks = top_blocks(body)
    for label, index in reversed(marks):
        marker = html.Element("span", {"class": "pagebreak", "id": f"page-{label}",
                                       "role": "doc-pagebreak", "aria-label": label})
        if index < 0 or index >= len(blocks):
            marker.tail = body.text
            body.text = None
            body.insert(0, marker)
        else:
            blocks[index].addprevious(marker)
