"""One unit laid out by WeasyPrint in a worker process: its print and screen PDFs, and what
the assembly and the next round need of its layout (page count, anchors, bookmarks, links
to other units, hyphenation defects).

The worker is forked from the PDF job, so it inherits the `Setting` the job put in SETTING
before it started the pool; a job sends only the unit's HTML and where to write.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML, Document, Page
from weasyprint.formatting_structure.boxes import FootnoteAreaBox

from make_book.writers.fetcher import BookFetcher
from make_book.writers.hyphen_inline import mended
from make_book.writers.hyphen_lines import REQUIRED, Defect, defects, page_lines, page_sides
from make_book.writers.hyphenation import Kept
from make_book.writers.pieces.sheets import parsed_once
from make_book.writers.pieces.units import SENTINEL_CSS
from make_book.writers.printing import backgrounds_kept, date_document, stable_document_id
from make_book.writers.screen import screen_layout


@dataclass
class Setting:
    """What every unit of an edition is laid out and written with."""

    root: Path
    fonts: list[Path]
    epoch: int
    identifier: bytes
    print_options: dict[str, Any]
    screen_options: dict[str, Any]
    # Made in each process on first use: one per edition's job, as writers/pdf has one per
    # build (a configuration kept from another book would keep that book's @font-face).
    font_config: Any = None
    # The stylesheets parsed with that configuration, in this process (sheets.py).
    sheets: dict[Any, Any] = field(default_factory=dict)


# Set by the PDF job before it forks its workers (see layout.py).
SETTING: Setting | None = None
# Where a worker reports a unit's facts once laid out, before drawing it (schedule.py).
COUNTED: Any = None


@dataclass
class PageFacts:
    """What a laid-out page tells the assembly: its anchors (id → position), bookmarks,
    height, and whether it is one of WeasyPrint's blank pages."""

    anchors: dict[str, tuple[float, float]]
    bookmarks: list[Any]
    height: float
    blank: bool


@dataclass
class Piece:
    """A unit laid out: its pages' facts and, when drawn, its PDFs."""

    pages: list[PageFacts]
    defects: list[Defect]
    print_pdf: Path | None = None
    screen_pdf: Path | None = None
    # Links of the screen pages to places of other units: (screen page, PDF rect, id).
    foreign: list[tuple[int, list[float], str]] = field(default_factory=list)
    screen_pages: int = 0

    @property
    def count(self) -> int:
        return len(self.pages)

    @property
    def required(self) -> list[Defect]:
        """The defects a book must not keep."""
        return [d for d in self.defects if d.kind in REQUIRED]

    def asks(self, kept: frozenset[Kept]) -> frozenset[Kept]:
        """The words its required defects ask to keep whole that `kept` does not hold."""
        return frozenset({d.kept for d in self.required if d.kept is not None} - kept)


def lay_out(source: str, out: Path | None, job: int | None = None,
            kept: frozenset[Kept] | None = None) -> Piece:
    """Lay out one unit; when `out` is a path stem, write `<out>.print.pdf` and
    `<out>.screen.pdf` of it, unless `kept` is given and the unit has a defect asking for a
    word to be kept whole that is not in it (the next round lays it out again). With a job
    number, its facts are reported on COUNTED as soon as it is laid out: the next unit's
    numbers rest on its page count."""
    setting = SETTING
    assert setting is not None, "the PDF job sets SETTING before it lays out units"
    if setting.font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        setting.font_config = FontConfiguration()
    fetcher = BookFetcher(setting.root, setting.fonts)
    with parsed_once(setting.sheets), mended():
        document = HTML(string=source, base_url=str(setting.root),
                        url_fetcher=fetcher).render(
            font_config=setting.font_config, stylesheets=[CSS(string=SENTINEL_CSS)],
            presentational_hints=True)
    document = _trimmed(document)
    found = defects(page_lines(document), page_sides(document))
    facts = [PageFacts(dict(page.anchors), list(page.bookmarks), page.height,
                       page._page_box.page_type.blank)  # noqa: SLF001
             for page in document.pages]
    piece = Piece(facts, found)
    if job is not None and COUNTED is not None:
        COUNTED.put((job, piece))
    if out is not None and not (kept is not None and piece.asks(kept)):
        _draw(document, setting, out, piece)
    return piece


def _trimmed(document: Document) -> Document:
    """The document without the pages the sentinel added: its own page, and the verso
    before it, unless footnotes went there."""
    kept = list(document.pages)
    if len(kept) > 1 and not _has_notes(kept[-1]):  # the sentinel's own page
        kept.pop()
    if len(kept) > 1 and kept[-1]._page_box.page_type.blank and not _has_notes(kept[-1]):  # noqa: SLF001
        kept.pop()  # the verso break-before: right added, with no note on it
    return document.copy(kept) if len(kept) != len(document.pages) else document


def _has_notes(page: Page) -> bool:
    """Whether footnotes were placed on the page."""
    return any(isinstance(box, FootnoteAreaBox) and box.children
               for box in page._page_box.children)  # noqa: SLF001 - the page's boxes


def _draw(document: Document, setting: Setting, out: Path, piece: Piece) -> None:
    """Write the unit's print PDF (no links: PDF/X forbids annotations) and then its screen
    PDF (no blank pages, centred, tagged), as writers/pdf.py does for a whole edition."""
    printed = document.copy([_unlinked(page) for page in document.pages])
    printed.metadata = copy.copy(document.metadata)
    printed.color_profiles = dict(document.color_profiles)
    date_document(printed, setting.epoch)
    print_path = out.with_name(out.name + ".print.pdf")
    screen_path = out.with_name(out.name + ".screen.pdf")
    with stable_document_id(setting.identifier), backgrounds_kept(printed):
        printed.write_pdf(print_path, uncompressed_pdf=False,
                          pdf_identifier=setting.identifier, **setting.print_options)
    on_screen = screen_layout(document, [])
    with stable_document_id(setting.identifier):
        on_screen.write_pdf(screen_path, uncompressed_pdf=False,
                            pdf_identifier=setting.identifier, **setting.screen_options)
    own = {name for page in on_screen.pages for name in page.anchors}
    for index, page in enumerate(on_screen.pages):
        for kind, target, rect, _box in page.links:
            if kind == "internal" and target not in own:
                # WeasyPrint's own transform: 0.75 pt a CSS pixel, y upwards.
                x1, y1, x2, y2 = rect
                height = page.height
                piece.foreign.append((index, [x1 * .75, (height - y2) * .75, x2 * .75,
                                              (height - y1) * .75], target))
    piece.print_pdf, piece.screen_pdf = print_path, screen_path
    piece.screen_pages = len(on_screen.pages)


def _unlinked(page: Page) -> Page:
    bare = copy.copy(page)
    bare.links = []
    return bare
