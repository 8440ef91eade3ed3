"""The print edition's wrap-around cover: geometry from trim, bleed and page count, spine
lettering only when the spine can hold it, a clear barcode zone, and a real build."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_project
from PIL import Image, ImageChops, ImageFilter, ImageStat
from pypdf import PdfReader

from make_book.assets.covers import ACCENTS, CoverSpec
from make_book.assets.wrapcover import (
    MIN_SPINE_TEXT_MM,
    Entry,
    WrapSpec,
    barcode_box,
    isbn_of,
    render_wrap,
    spine_box,
    spine_width_mm,
    wrap_size_mm,
)
from make_book.build.pipeline import build
from make_book.writers.wrap import wrap_pdf

DPI = 100  # enough to see every element; keeps the tests fast
MM = 72 / 25.4  # points per millimetre


@pytest.fixture(scope="module")
def art(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("art") / "hero.jpg"
    red = Image.linear_gradient("L").rotate(90).resize((900, 600))
    Image.merge("RGB", (red, Image.linear_gradient("L").resize((900, 600)),
                        Image.new("L", (900, 600), 90))).save(path)
    return path


def spec(art: Path, pages: int = 320, lang: str = "fr", number: int | None = 3) -> WrapSpec:
    front = CoverSpec(title="Quand l’exécution s’effondre", subtitle=None,
                      series="Intelligence abondante", number=number, total=4,
                      publisher="A 42 Journey", author=None, art=art, lang=lang)
    return WrapSpec(front=front, trim_mm=(148.0, 210.0), bleed_mm=3.0,
                    spine_mm=spine_width_mm(pages, 0.0572),
                    blurb="Explorer comment l’IA redéfinit la valeur et déplace la valeur "
                          "humaine vers les idées et la direction.",
                    entries=(Entry(1, "Un guide", forthcoming=True), Entry(3, "Quand",
                                                                          current=True)),
                    forthcoming_label="À paraître", isbn="978-2-1234-5680-3")


def changed(a: Image.Image, b: Image.Image, box: tuple[int, int, int, int]) -> float:
    """Fraction of the pixels in box that differ visibly between a and b."""
    diff = ImageChops.difference(a.crop(box), b.crop(box)).convert("L")
    return ImageStat.Stat(diff.point(lambda v: 255 if v > 24 else 0)).mean[0] / 255


def blurred_difference(a: Image.Image, b: Image.Image, box: tuple[int, int, int, int]) -> float:
    """Mean difference in box of a and b, each softened first: glyphs drawn in the same
    place by two renderers come close, glyphs out of place do not."""
    soft = ImageFilter.GaussianBlur(1.5)
    diff = ImageChops.difference(a.crop(box).filter(soft), b.crop(box).filter(soft))
    return ImageStat.Stat(diff.convert("L")).mean[0]


def test_spine_and_sheet_geometry():
    assert spine_width_mm(320, 0.0572) == pytest.approx(18.304)
    assert wrap_size_mm((148, 210), 3, 18.304) == pytest.approx((2 * (148 + 3) + 18.304, 216))


def test_pdf_page_is_two_trims_two_bleeds_and_the_spine(art):
    wrap = spec(art)
    data = wrap_pdf(wrap, "t", 0)
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert float(page.mediabox.width) / MM == pytest.approx(2 * (148 + 3) + 320 * 0.0572,
                                                             abs=0.01)
    assert float(page.mediabox.height) / MM == pytest.approx(210 + 2 * 3, abs=0.01)
    x0, y0 = (float(v) / MM for v in page.mediabox.lower_left)
    trim = [float(v) / MM for v in page.trimbox]
    assert trim == pytest.approx([x0 + 3, y0 + 3, x0 + 3 + 2 * 148 + 320 * 0.0572, y0 + 213],
                                 abs=0.01)
    assert wrap_pdf(wrap, "t", 0) == data  # dated by the build, not the clock


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_vector_lettering_sits_where_pillow_draws_it(art, lang, tmp_path):
    """The PDF's text, rendered, covers the raster drawing's letters: same faces, sizes and
    baselines, the spine's turned the same way; and it is text, not pixels."""
    wrap = spec(art, lang=lang)
    pdf = tmp_path / "wrap.pdf"
    pdf.write_bytes(wrap_pdf(wrap, "t", 0, price_code="90000"))
    text = PdfReader(pdf).pages[0].extract_text()
    assert text.count("s’effondre") == 2  # front and spine
    # At 300 dpi, the resolution the lettering was laid out at (Pillow rounds sizes to whole
    # pixels), then compared at DPI.
    subprocess.run(["pdftoppm", "-png", "-r", "300", str(pdf), str(tmp_path / "v")],
                   check=True)
    full = Image.open(next(tmp_path.glob("v*.png"))).convert("RGB")
    size = render_wrap(wrap, dpi=DPI, draw_text=False).size

    def at_dpi(image: Image.Image) -> Image.Image:
        return image.resize(full.size).resize(size, Image.Resampling.BOX)

    vector, raster = at_dpi(full), at_dpi(render_wrap(wrap))
    bare = at_dpi(render_wrap(wrap, draw_text=False))
    w, h = vector.size
    bleed, trim_w = round(3 / 25.4 * DPI), round(148 / 25.4 * DPI)
    front_title = (w - bleed - round(trim_w * 0.92), bleed + round(h * 0.66),
                   w - bleed - round(trim_w * 0.08), bleed + round(h * 0.85))
    back_text = (bleed + round(trim_w * 0.08), bleed + round(h * 0.12),
                 bleed + round(trim_w * 0.9), bleed + round(h * 0.45))
    # The letters differ from the bare sheet, and far less from the raster drawing (what is
    # left is how two renderers smooth the edges of the same glyphs).
    for box in (front_title, back_text, spine_box(wrap, DPI)):
        assert blurred_difference(vector, bare, box) > 2 * blurred_difference(vector, raster,
                                                                             box), box


def test_title_blurb_and_spine_are_drawn(art):
    wrap = spec(art)
    with_text, bare = render_wrap(wrap, dpi=DPI), render_wrap(wrap, dpi=DPI, draw_text=False)
    w, h = with_text.size
    bleed, trim_w = round(3 / 25.4 * DPI), round(148 / 25.4 * DPI)
    front_title = (w - bleed - round(trim_w * 0.92), bleed + round(h * 0.66),
                   w - bleed - round(trim_w * 0.08), bleed + round(h * 0.85))
    assert changed(with_text, bare, front_title) > 0.04
    back_text = (bleed + round(trim_w * 0.08), bleed + round(h * 0.12),
                 bleed + round(trim_w * 0.9), bleed + round(h * 0.45))
    assert changed(with_text, bare, back_text) > 0.02
    assert changed(with_text, bare, spine_box(wrap, DPI)) > 0.02


def test_no_spine_lettering_on_a_thin_book(art):
    thin = spec(art, pages=80)
    assert thin.spine_mm < MIN_SPINE_TEXT_MM
    box = spine_box(thin, DPI)
    assert changed(render_wrap(thin, dpi=DPI), render_wrap(thin, dpi=DPI, draw_text=False),
                   box) == 0


def test_barcode_zone_is_empty_white(art):
    wrap = spec(art)
    x0, y0, x1, y1 = barcode_box(wrap, DPI)
    assert (x1 - x0, y1 - y0) == (round(50.8 / 25.4 * DPI), round(30.5 / 25.4 * DPI))
    zone = render_wrap(wrap, dpi=DPI).crop((x0, y0, x1, y1))
    assert zone.getextrema() == ((255, 255), (255, 255), (255, 255))
    assert x1 <= spine_box(wrap, DPI)[0] - round(6 / 25.4 * DPI)  # clear of the fold


@pytest.mark.parametrize(("lang", "numeral_at"), [("fr", "bottom"), ("en", "top")])
def test_spine_reads_upwards_in_french_and_downwards_in_english(art, lang, numeral_at):
    wrap = spec(art, lang=lang)
    spine = render_wrap(wrap, dpi=DPI).crop(spine_box(wrap, DPI))
    accent = ACCENTS[2]  # part 3's colour: only the numeral on the spine uses it
    ys = [y for y in range(spine.height) for x in range(spine.width)
          if all(abs(a - b) < 30 for a, b in zip(spine.getpixel((x, y)), accent, strict=True))]
    assert ys
    middle = sum(ys) / len(ys)
    assert (middle > spine.height * 0.7) if numeral_at == "bottom" else \
        (middle < spine.height * 0.3)


def test_isbn_only_from_an_isbn_identifier():
    assert isbn_of("urn:isbn:978-2-1234-5680-3") == "978-2-1234-5680-3"
    assert isbn_of("9782123456803") == "9782123456803"
    assert isbn_of("urn:uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0") is None


def test_build_writes_the_wrap_cover_sized_by_the_print_pdf(tmp_path):
    root = copy_project(FIXTURES / "parts", tmp_path / "book")
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[pdf]\npaper_thickness_mm = 0.1\n",
                    encoding="utf-8")
    result = build(root, root / "dist", ("pdf",), "omnibus")
    covers = [p for p in result.outputs if p.name.endswith("-cover.pdf")]
    assert [p.name for p in covers] == ["essais-en-trois-parties-cover.pdf"]
    pages = len(PdfReader(root / "dist" / "essais-en-trois-parties.pdf").pages)
    page = PdfReader(covers[0]).pages[0]
    # A5, no bleed in book.toml: the cover still bleeds 3 mm.
    assert float(page.mediabox.width) / MM == pytest.approx(2 * (148 + 3) + pages * 0.1,
                                                             abs=0.01)
    assert float(page.mediabox.height) / MM == pytest.approx(210 + 2 * 3, abs=0.01)
