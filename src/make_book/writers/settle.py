"""The PDF laid out again until it is settled: its hyphenation as a typesetter wants it (see
writers/hyphen_lines.py) and its index printing the pages of the very layout it is in.

Each layout costs as much as the first (WeasyPrint lays out the whole document), so the
fixes found on one layout are made all at once in the next, and the index takes that
layout's page numbers in the same pass: a book without defects nor index is laid out once,
one with either usually twice.
"""

from __future__ import annotations

from collections.abc import Callable

from weasyprint import Document

from make_book.core.log import log
from make_book.writers.hyphen_lines import REQUIRED, WORDS, Defect, defects, page_lines, page_sides
from make_book.writers.hyphenation import Kept

# Layouts redone at most to mend hyphenation.
HYPHEN_PASSES = 3

Pages = dict[str, int] | None
Layout = Callable[[Pages, frozenset[Kept]], Document]


def settle(laid: list[Document], layout: Layout,
           index_pages: Callable[[Document], Pages] | None) -> tuple[Document, list[Defect]]:
    """The document laid out again by `layout(pages, kept)` until no defect of REQUIRED is
    left that keeping a word whole could mend (at most HYPHEN_PASSES times) and, when the
    book has an index, until `index_pages` of the layout are the pages it was given; with
    the defects left. The first layout comes in `laid`, which is emptied: the caller keeps no
    reference to it, so that each layout is freed before the next is made (a 1,000-page
    document holds hundreds of megabytes; three alive at once took a build past 2 GB)."""
    document = laid.pop()
    pages: Pages = None
    kept: frozenset[Kept] = frozenset()
    passes = layouts = 0
    while True:
        found = defects(page_lines(document), page_sides(document))
        new = {d.kept for d in found if d.kept is not None} - kept
        fix = passes < HYPHEN_PASSES and any(d.kind in REQUIRED and d.kept in new
                                             for d in found)
        wanted = index_pages(document) if index_pages is not None else None
        if not fix and wanted == pages:
            log.debug(f"hyphenation: {len(kept)} words kept whole, {layouts} more layouts")
            return document, [d for d in found if d.kind in REQUIRED]
        if fix:  # the tolerated ones too (a verso's foot): the pages are redone anyway
            kept, passes = kept | new, passes + 1
        pages = wanted
        del document  # read to the end: freed before the next layout, not after it
        document = layout(pages, kept)
        layouts += 1


def left_note(left: list[Defect], labels: list[str]) -> str | None:
    """What the build says of the hyphenated lines it could not mend, page by page."""
    if not left:
        return None
    where = "; ".join(f"p. {labels[d.line.page]} « {d.word} » ({WORDS[d.kind]})"
                      for d in left)
    return f"hyphenation left as laid out: {where}"
