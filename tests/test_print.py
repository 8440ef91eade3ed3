"""Print targets ([print] target): each printer's table, the interior they get (trim exactly,
an even page count, PDF/X-4 with an output intent, no annotation), checked with pikepdf."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from conftest import FIXTURES, Built, copy_project

from make_book.build.pipeline import build
from make_book.core import isbn
from make_book.core.config import load_config
from make_book.core.diagnostics import BookError
from make_book.core.printers import INGRAMSPARK, KDP, OFFSET, cover_size_mm, interior_geometry

IN = 25.4
ISBN = "978-2-1234-5680-3"
PT = 72 / 25.4  # points per millimetre


def with_print(source: Path, dest: Path, table: str, book: str = "") -> Path:
    """A copy of a fixture book with a [print] table (and [book] keys) added."""
    root = copy_project(source, dest)
    toml = root / "manuscript" / "book.toml"
    text = toml.read_text(encoding="utf-8")
    if book:
        text = text.replace("[book]\n", "[book]\n" + book + "\n", 1)
    toml.write_text(text + "\n[print]\n" + table + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module", params=["kdp", "ingramspark"])
def printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = with_print(FIXTURES / "parts", tmp_path_factory.mktemp(request.param) / "book",
                      f'target = "{request.param}"', f'isbn = "{ISBN}"')
    result = build(root, root / "dist", ("pdf",), "omnibus")
    return Built(root, root / "dist", result)


def test_a5_is_offered_by_both_printers():
    assert KDP.trim_named(148, 210) == INGRAMSPARK.trim_named(148, 210) == "a5"
    assert KDP.trim_named(176, 250) is None
    assert OFFSET.trim_named(176, 250) == "custom"


def test_a_trim_the_printer_lacks_is_a_located_error_listing_those_it_offers(tmp_path):
    root = with_print(FIXTURES / "mini", tmp_path, 'target = "kdp"')
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[pdf]\ntrim = "b5"\n', "utf-8")
    with pytest.raises(BookError) as caught:
        load_config(toml)
    [found] = caught.value.diagnostics
    assert found.code == "E007" and found.line is not None
    assert "6in x 9in" in found.message and "a5" in found.message


def test_kdp_hardcovers_come_in_fewer_trims(tmp_path):
    assert KDP.trim_named(148, 210, "hardcover") is None
    assert KDP.trim_named(152.4, 228.6, "hardcover") == "6in x 9in"
    root = with_print(FIXTURES / "mini", tmp_path, 'target = "kdp"\nbinding = "hardcover"')
    with pytest.raises(BookError) as caught:
        load_config(root / "manuscript" / "book.toml")
    [found] = caught.value.diagnostics
    assert found.code == "E007" and "hardcover" in found.message
    assert "a5" not in found.message.split("offers")[1]


def test_isbn_check_digit():
    assert isbn.problem("978-2-1234-5680-3") is None
    assert "check digit" in isbn.problem("978-2-1234-5680-4")
    assert isbn.problem("2-1234-5680-2") is None  # ISBN-10
    assert isbn.ean13("2-1234-5680-2") == "9782123456803"


def test_interior_geometry_per_printer():
    a5 = (148.0, 210.0)
    for printer in (KDP, INGRAMSPARK):
        bare = interior_geometry(printer, a5, bleeds=False, offset_bleed_mm=3)
        assert bare.page_mm == a5 and not bare.crop_marks
        bleeding = interior_geometry(printer, a5, bleeds=True, offset_bleed_mm=0)
        # Outer edge only in width, top and bottom in height; nothing at the gutter.
        assert bleeding.page_mm == pytest.approx((148 + 0.125 * IN, 210 + 0.25 * IN))
    offset = interior_geometry(OFFSET, a5, bleeds=False, offset_bleed_mm=3)
    assert offset.page_mm == (154, 216) and offset.crop_marks


def test_kdp_minimum_gutter_by_page_count():
    assert [round(KDP.min_inside_mm(n) / IN, 3) for n in (24, 150, 151, 300, 500, 700, 701)] \
        == [0.375, 0.375, 0.5, 0.5, 0.625, 0.75, 0.875]
    assert KDP.min_outside_mm(False) == pytest.approx(0.25 * IN)
    assert KDP.min_outside_mm(True) == pytest.approx(0.375 * IN)


def test_spine_width_per_printer_and_paper():
    assert KDP.spine_mm(300, "white", 0) == pytest.approx(300 * 0.002252 * IN)
    assert KDP.spine_mm(300, "cream", 0) == pytest.approx(300 * 0.0025 * IN)
    assert KDP.spine_mm(300, "color", 0) == pytest.approx(300 * 0.002347 * IN)
    assert OFFSET.spine_mm(300, "white", 0.0572) == pytest.approx(300 * 0.0572)
    width, height = cover_size_mm(KDP, (148, 210), 10)
    assert (width, height) == pytest.approx((0.125 * IN + 148 + 10 + 148 + 0.125 * IN,
                                             210 + 0.25 * IN))


def test_gutter_widens_for_a_thick_kdp_book(tmp_path):
    from make_book.read.reader import read_book
    from make_book.writers.printing import INSIDE_MARGIN_MM, gutter_css

    root = with_print(FIXTURES / "mini", tmp_path, 'target = "kdp"')
    book, _ = read_book(root)
    assert gutter_css(book, 700) == ("", None)  # 0.75 in < pdf.css's 21 mm
    assert INSIDE_MARGIN_MM < 0.875 * IN
    css, note = gutter_css(book, 701)
    assert f"margin-left: {0.875 * IN:.2f}mm" in css
    assert note == ("inside margin widened from 21 to 22.2 mm: Amazon KDP wants 0.875 in "
                    "for 701 pages")
    css = (Path(__file__).parents[1] / "src/make_book/styles/pdf.css").read_text("utf-8")
    assert f"{INSIDE_MARGIN_MM:g}mm" in css


def test_interior_is_the_trim_exactly_with_an_even_page_count(printed):
    with pikepdf.open(printed.file("essais-en-trois-parties.pdf")) as pdf:
        assert len(pdf.pages) % 2 == 0
        for page in pdf.pages:
            for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
                x0, y0, x1, y1 = (float(v) for v in page.obj[box])
                assert (x0, y0) == (0, 0)
                assert (x1 / PT, y1 / PT) == pytest.approx((148, 210), abs=0.05), box
        # The page added to make the count even is blank: no text drawn on it.
        assert b"Tj" not in pdf.pages[-1].Contents.read_bytes()


def test_interior_is_pdf_x4_with_an_output_intent_and_no_annotation(printed):
    with pikepdf.open(printed.file("essais-en-trois-parties.pdf")) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            assert xmp.get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX" and "/DestOutputProfile" in intent
        assert not any("/Annots" in page.obj for page in pdf.pages)
        assert pdf.docinfo.get("/CreationDate") is not None
    with pikepdf.open(printed.file("essais-en-trois-parties-screen.pdf")) as screen:
        assert any("/Annots" in page.obj for page in screen.pages)  # links kept on screen
        assert "/OutputIntents" not in screen.Root


def test_wrap_cover_follows_the_printers_formula_for_the_real_page_count(printed):
    printer = KDP if "kdp" in str(printed.root) else INGRAMSPARK
    with pikepdf.open(printed.file("essais-en-trois-parties.pdf")) as interior:
        pages = len(interior.pages)
    spine_in = pages * printer.spine_in_per_page["white"]
    with pikepdf.open(printed.file("essais-en-trois-parties-cover.pdf")) as cover:
        [page] = cover.pages
        x0, y0, x1, y1 = (float(v) / 72 for v in page.obj["/MediaBox"])
        assert x1 - x0 == pytest.approx(0.125 + 148 / IN + spine_in + 148 / IN + 0.125,
                                        abs=0.01)
        assert y1 - y0 == pytest.approx(210 / IN + 0.25, abs=0.01)
        t0, _, t1, _ = (float(v) / 72 for v in page.obj["/TrimBox"])
        assert (t0 - x0, x1 - t1) == pytest.approx((0.125, 0.125), abs=0.001)
        with cover.open_metadata(set_pikepdf_as_editor=False) as xmp:
            assert xmp.get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
        assert "/OutputIntents" in cover.Root and "/Annots" not in page.obj


def test_wrap_cover_lettering_is_text_in_embedded_fonts(printed):
    from pypdf import PdfReader

    path = printed.file("essais-en-trois-parties-cover.pdf")
    text = PdfReader(path).pages[0].extract_text()
    assert "Essais en" in text and ISBN in text
    with pikepdf.open(path) as cover:
        fonts = cover.pages[0].Resources.Font
        assert fonts and all("/FontFile3" in f.FontDescriptor or "/FontFile2" in f.FontDescriptor
                             or "/FontFile" in f.FontDescriptor
                             for f in (fonts[k].get("/DescendantFonts", [fonts[k]])[0]
                                       for k in fonts))


def test_wrap_cover_art_is_300_ppi_at_placed_size(printed):
    from make_book.lint.preflight import image_resolutions

    with pikepdf.open(printed.file("essais-en-trois-parties-cover.pdf")) as cover:
        resolutions = image_resolutions(cover.pages[0])
    assert resolutions and min(resolutions) >= 299


def test_barcode_decodes_to_the_isbn(printed, tmp_path):
    from make_book.lint.preflight import decode_barcodes

    found = decode_barcodes(printed.file("essais-en-trois-parties-cover.pdf"))
    assert isbn.ean13(ISBN) in found


def test_a_build_widens_the_gutter_and_says_so(tmp_path, monkeypatch):
    import dataclasses

    from click.testing import CliRunner

    from make_book.cli import main
    from make_book.core import printers

    # A printer that wants an inch of gutter whatever the page count: a thin book shows it.
    wide = dataclasses.replace(KDP, inside_margin_in=((10**6, 1.0),))
    monkeypatch.setitem(printers.PRINTERS, "kdp", wide)
    root = with_print(FIXTURES / "mini", tmp_path / "book", 'target = "kdp"')
    result = CliRunner().invoke(main, ["build", str(root), "--format", "pdf"])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if line.startswith("note ")]
    assert len(notes) == 1, result.output
    assert notes[0].endswith("a-small-book.pdf: inside margin widened from 21 to 25.4 mm: "
                             "Amazon KDP wants 1.000 in for 10 pages")
    with pikepdf.open(root / "dist" / "a-small-book.pdf") as pdf:
        assert len(pdf.pages) % 2 == 0
