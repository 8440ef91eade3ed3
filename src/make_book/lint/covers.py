"""What the wrap covers will show badly, known before they are drawn: cover art too small for
the front's art block at 300 ppi (W070), a back whose text overflows its panel even at its
smallest (W071)."""

from __future__ import annotations

from pathlib import Path

from make_book.assets.covers import ART_BOX, cover_spec
from make_book.assets.wrapcover import back_text_fits, wrap_spec
from make_book.core.config import key_line
from make_book.core.diagnostics import Report, line_of
from make_book.core.editions import editions
from make_book.core.locales import strings
from make_book.core.model import Book

PRINT_PPI = 300


def run(book: Book, report: Report) -> None:
    """W070 and W071 for each edition's cover."""
    trim = (book.config.pdf.width_mm, book.config.pdf.height_mm)
    for part in book.parts:
        if part.hero is None or part.source is None or not part.hero.width:
            continue
        ppi = art_ppi((part.hero.width, part.hero.height or 1), trim)
        if ppi < PRINT_PPI - 1:
            width_in = (ART_BOX[2] - ART_BOX[0]) * trim[0] / 25.4
            written = getattr(part, "hero_path", None) or part.hero.name
            report.warn("W070", f"cover art `{written}` prints at {ppi:.0f} ppi on the "
                        f"front cover ({part.hero.width} × {part.hero.height} px): supply it "
                        f"at least {round(width_in * PRINT_PPI)} px wide", part.source,
                        line_of(part.source.read_text(encoding="utf-8"), "hero:"))
    label = strings(book.config.lang)["forthcoming"]
    for edition in editions(book):
        spec = wrap_spec(book, edition, cover_spec(book, edition), 0, label)
        if spec.blurb and not back_text_fits(spec):
            where, line = _blurb_source(book, edition.parts[0].source if edition.is_volume
                                        else None)
            report.warn("W071", f"the back cover's text of « {edition.title} » overflows its "
                        "panel into the barcode zone, even set at its smallest", where, line,
                        hint="shorten the summary (or the description) it shows")


def art_ppi(pixels: tuple[int, int], trim_mm: tuple[float, float]) -> float:
    """The resolution the art prints at in the front's art block (it fills the block,
    cropped: the tighter of the two axes decides)."""
    width_in = (ART_BOX[2] - ART_BOX[0]) * trim_mm[0] / 25.4
    height_in = (ART_BOX[3] - ART_BOX[1]) * trim_mm[1] / 25.4
    return min(pixels[0] / width_in, pixels[1] / height_in)


def _blurb_source(book: Book, part_source: Path | None) -> tuple[Path, int | None]:
    """Where the back's text is written: the part's summary, or [book] description."""
    if part_source is not None:
        return part_source, line_of(part_source.read_text(encoding="utf-8"), "summary:")
    toml = book.root / "manuscript" / "book.toml"
    return toml, key_line(toml.read_text(encoding="utf-8"), "book", "description")
