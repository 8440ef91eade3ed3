"""The preflight (`make-book check --print`): no finding on the files make-book builds for KDP,
and each finding once on a file spoilt in one way."""

from __future__ import annotations

import zlib
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from make_book.build.pipeline import build
from make_book.cli import main
from make_book.core.model import Book
from make_book.lint.preflight import preflight
from make_book.read.reader import read_book

ISBN = "978-2-1234-5680-3"
PARAGRAPH = ("The press runs at dawn, and the sheets come off it warm; each one is folded, "
             "gathered with the others, sewn and trimmed, so that a book is a stack of leaves "
             "before it is a text. ") * 4


def long_book(root: Path) -> Path:
    """A book long enough for KDP (24 pages at least), with no low-resolution image."""
    manuscript = root / "manuscript"
    manuscript.mkdir(parents=True)
    (manuscript / "book.toml").write_text(
        f'[book]\ntitle = "Leaves"\nlang = "en"\nauthor = "A. Writer"\npublisher = "Test Press"\n'
        f'date = 2024-05-01\nisbn = "{ISBN}"\ndescription = "A book about books."\n\n'
        '[print]\ntarget = "kdp"\n', encoding="utf-8")
    for number in range(1, 4):
        text = f"# Chapter {number}\n\n" + "\n\n".join([PARAGRAPH] * 20) + "\n"
        (manuscript / f"0{number}-chapter.md").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Book, Path, Path]:
    root = long_book(tmp_path_factory.mktemp("preflight") / "book")
    build(root, root / "dist", ("pdf",), "omnibus")
    book, _ = read_book(root)
    return book, root / "dist" / "leaves.pdf", root / "dist" / "leaves-cover.pdf"


def codes(book: Book, interior: Path, cover: Path | None, isbn: str | None = ISBN) -> list[str]:
    return [d.code for d in preflight(book, interior, cover, isbn).items]


def spoilt(source: Path, dest: Path, change) -> Path:  # noqa: ANN001
    """A copy of a PDF with one change made by pikepdf."""
    with pikepdf.open(source) as pdf:
        change(pdf)
        pdf.save(dest)
    return dest


def test_the_built_files_pass(built):
    book, interior, cover = built
    with pikepdf.open(interior) as pdf:
        assert len(pdf.pages) >= 24
    assert codes(book, interior, cover) == []


def test_check_print_reports_nothing_on_the_built_book(tmp_path):
    root = long_book(tmp_path / "book")
    result = CliRunner().invoke(main, ["check", "--print", str(root)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert (root / "dist" / "leaves-cover.pdf").is_file()


def _resize(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].obj.MediaBox = pikepdf.Array([0, 0, 595, 842])
    pdf.pages[0].obj.TrimBox = pikepdf.Array([0, 0, 595, 842])


def _drop_last(pdf: pikepdf.Pdf) -> None:
    del pdf.pages[-1]


def _keep_two(pdf: pikepdf.Pdf) -> None:
    while len(pdf.pages) > 2:
        del pdf.pages[-1]


def _unembed(pdf: pikepdf.Pdf) -> None:
    for _key, font in pdf.pages[-3].obj.Resources.Font.items():
        descriptor = font.DescendantFonts[0].FontDescriptor
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            if key in descriptor:
                del descriptor[key]


def _no_intent(pdf: pikepdf.Pdf) -> None:
    del pdf.Root["/OutputIntents"]


def _annotate(pdf: pikepdf.Pdf) -> None:
    link = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[10, 10, 50, 50],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org"))))
    pdf.pages[min(3, len(pdf.pages) - 1)].obj.Annots = pikepdf.Array([link])


def _widen(pdf: pikepdf.Pdf) -> None:
    x0, y0, x1, y1 = (float(v) for v in pdf.pages[0].obj.MediaBox)
    pdf.pages[0].obj.MediaBox = pikepdf.Array([x0, y0, x1 + 7.2, y1])  # 0.1 in too wide
    pdf.pages[0].obj.BleedBox = pdf.pages[0].obj.MediaBox


def _shrink_images(factor: float):  # noqa: ANN202
    """The cover's background at `factor` of its pixels (placed at the same size)."""
    def change(pdf: pikepdf.Pdf) -> None:
        from PIL import Image

        for image in pdf.pages[0].get_images().values():
            pil = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
            small = pil.resize((round(pil.width * factor), round(pil.height * factor)),
                               Image.Resampling.BILINEAR)
            image.write(zlib.compress(small.tobytes()), filter=pikepdf.Name.FlateDecode)
            image.Width, image.Height = small.width, small.height
            image.ColorSpace = pikepdf.Name.DeviceRGB
            image.BitsPerComponent = 8
            for key in ("/DecodeParms", "/SMask"):
                if key in image:
                    del image[key]
    return change


@pytest.mark.parametrize(("code", "on", "change"), [
    ("E080", "interior", _resize),
    ("E081", "interior", _drop_last),
    ("E082", "interior", _keep_two),
    ("E083", "interior", _unembed),
    ("E085", "interior", _no_intent),
    ("E086", "interior", _annotate),
    ("E085", "cover", _no_intent),
    ("E086", "cover", _annotate),
    ("E087", "cover", _widen),
    ("E084", "cover", _shrink_images(0.5)),  # 150 ppi
    ("W080", "cover", _shrink_images(0.83)),  # 250 ppi
])
def test_each_wrong_file_gives_its_finding_once(built, tmp_path, code, on, change):
    book, interior, cover = built
    if on == "interior":
        wrong = spoilt(interior, tmp_path / "interior.pdf", change)
        found = codes(book, wrong, None)
    else:
        found = codes(book, interior, spoilt(cover, tmp_path / "cover.pdf", change))
    assert found == [code]


def test_a_barcode_of_another_isbn_is_a_finding(built):
    book, interior, cover = built
    found = preflight(book, interior, cover, "978-0-306-40615-7").items
    assert [d.code for d in found] == ["E088"]
    assert "9782123456803" in found[0].message and found[0].line == 1


def test_lettering_on_a_spine_too_narrow_is_a_finding(built, tmp_path, monkeypatch):
    import dataclasses

    from make_book.assets import wrapcover
    from make_book.assets.covers import cover_spec
    from make_book.core.editions import editions
    from make_book.writers.wrap import wrap_pdf

    book, interior, _cover = built
    with pikepdf.open(interior) as pdf:
        pages = len(pdf.pages)
    assert pages < 79  # KDP keeps the spine of such a book bare
    edition = editions(book)[0]
    spec = wrapcover.wrap_spec(book, edition, cover_spec(book, edition), pages, "soon")
    monkeypatch.setattr(wrapcover, "MIN_SPINE_TEXT_MM", 0.0)  # a cover that letters it anyway
    lettered = tmp_path / "cover.pdf"
    lettered.write_bytes(wrap_pdf(dataclasses.replace(spec, spine_text=True), "t", 0))
    monkeypatch.undo()
    found = preflight(book, interior, lettered, ISBN).items
    assert [d.code for d in found] == ["W081"]
    assert "Leaves" in found[0].message


def test_release_strict_refuses_print_files_the_printer_would_reject(tmp_path):
    root = long_book(tmp_path / "book")
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + 'binding = "hardcover"\n\n'
                    '[pdf]\ntrim = "6in x 9in"\n', "utf-8")
    result = CliRunner().invoke(main, ["release", str(root), "--version", "1.0", "--strict"])
    assert result.exit_code == 1
    assert "E082" in result.output and "(hardcover)" in result.output  # KDP: 75 pages at least
    assert not (root / "dist" / "release" / "1.0").exists()
    without = CliRunner().invoke(main, ["release", str(root), "--version", "1.0"])
    assert without.exit_code == 0, without.output  # the preflight is --strict's


def test_the_price_add_on_is_read_with_the_barcode(built, tmp_path):
    from make_book.assets import wrapcover
    from make_book.assets.covers import cover_spec
    from make_book.core.editions import editions
    from make_book.lint.preflight import decode_barcodes
    from make_book.writers.wrap import wrap_pdf

    book, interior, _cover = built
    with pikepdf.open(interior) as pdf:
        pages = len(pdf.pages)
    edition = editions(book)[0]
    spec = wrapcover.wrap_spec(book, edition, cover_spec(book, edition), pages, "soon")
    priced = tmp_path / "cover.pdf"
    priced.write_bytes(wrap_pdf(spec, "t", 0, price_code="51995"))
    assert "978212345680351995" in decode_barcodes(priced, add_on=True)
    assert codes(book, interior, priced) == []
    assert [d.code for d in preflight(book, interior, priced, ISBN, "52495").items] == ["E088"]
