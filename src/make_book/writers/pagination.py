"""Print page numbers carried into the EPUB: where the print PDF turns its pages.

The print PDF gives each block of a chapter an anchor, nested ones included (the items of a
list, the paragraphs of a quotation, the cells of a table); once WeasyPrint has laid the
pages out, the first block that starts on each page tells where that page begins. The EPUB
then gets an `epub:type="pagebreak"` marker there (before a top-level block, at the start of
a nested one) and a `page-list` entry. The precision is a block: a page that begins
mid-paragraph is marked at the next block that starts on it, and a page on which no block
starts at all gets no marker. Readers can still cite the page of the printed book.
"""

from __future__ import annotations

from lxml import html

from make_book.assets.lettering import roman
from make_book.core.artifacts import PageBreaks
from make_book.core.model import Element

# (chapter key, block index); index -1 is the chapter's own start (its title)
BlockRef = tuple[str, int]

# The elements inside a top-level block that a page can start with, besides the top-level
# blocks themselves: a page that turns inside a list, a quotation or a table starts there.
NESTED_BLOCKS = frozenset({"li", "p", "dt", "dd", "blockquote", "figure", "figcaption", "pre",
                           "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "aside", "div"})


def top_blocks(body: Element) -> list[Element]:
    """The body's element children, in order."""
    return [child for child in body if isinstance(child.tag, str)]


def page_blocks(body: Element) -> list[Element]:
    """The blocks a page can start with, in document order: every top-level block, and the
    nested blocks inside them. The print and the EPUB bodies, copies of one model, count
    them alike, so that an index names the same block in both."""
    blocks: list[Element] = []
    for block in top_blocks(body):
        blocks.append(block)
        blocks += [el for el in block.iterdescendants()
                   if isinstance(el.tag, str) and el.tag in NESTED_BLOCKS]
    return blocks


def tag_blocks(body: Element, key: str, anchors: dict[str, BlockRef]) -> None:
    """Give every block of a print body a page can start with an anchor, remembering which
    it is."""
    for index, block in enumerate(page_blocks(body)):
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
        # A block and its first nested one start at the same height: the outer one, which
        # comes first in the body, wins.
        found = [(box[1], anchors[name][1], box[0], name) for name, box in page.anchors.items()
                 if name in anchors and name not in seen]
        seen.update(found_name for *_, found_name in found)
        if not found:
            continue
        *_, name = min(found)
        key, index = anchors[name]
        starts.setdefault(key, []).append((labels[number - 1], index))
    return starts


def insert_markers(body: Element, marks: list[tuple[str, int]]) -> None:
    """Put a page-break marker where each marked block starts (index -1: at the very start):
    before a top-level block, as the first thing inside a nested one (a marker between two
    list items or table cells would break the markup)."""
    blocks = page_blocks(body)
    for label, index in reversed(marks):
        marker = html.Element("span", {"class": "pagebreak", "id": f"page-{label}",
                                       "role": "doc-pagebreak", "aria-label": label})
        if index < 0 or index >= len(blocks):
            _prepend(body, marker)
        elif blocks[index].getparent() is body:
            blocks[index].addprevious(marker)
        else:
            _prepend(blocks[index], marker)


def _prepend(parent: Element, marker: Element) -> None:
    """Make marker the first child of parent, before its text."""
    marker.tail = parent.text
    parent.text = None
    parent.insert(0, marker)
