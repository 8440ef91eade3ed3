"""One book with front and back matter: a dedication, an epigraph, a preface, an appendix and
acknowledgments around two parts, placed and marked in every edition, with roman then arabic
folios."""

from __future__ import annotations

import re
import zipfile

import pytest
from conftest import FIXTURES, Built, build_copy, epubcheck
from lxml import etree
from pypdf import PdfReader

EPUB_NS = "http://www.idpf.org/2007/ops"
X = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def onebook(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_copy(FIXTURES / "onebook", tmp_path_factory.mktemp("onebook"))


def test_one_book_is_one_edition(onebook: Built) -> None:
    assert sorted(p.name for p in onebook.dist.iterdir()) == [
        "html", "the-long-water-cover.pdf", "the-long-water-screen.pdf", "the-long-water.epub",
        "the-long-water.pdf"]
    assert onebook.result.report.warnings == []


def read(epub: zipfile.ZipFile, name: str) -> etree._Element:
    return etree.fromstring(epub.read(f"EPUB/{name}"))


def test_the_epub_marks_each_role(onebook: Built) -> None:
    with zipfile.ZipFile(onebook.file("*.epub")) as epub:
        names = epub.namelist()
        types = {}
        for name in names:
            if re.match(r"EPUB/(00|99)-", name):
                root = read(epub, name.removeprefix("EPUB/"))
                section = next(root.iter(f"{X}section"))
                body = next(root.iter(f"{X}body"))
                types[name] = (body.get(f"{{{EPUB_NS}}}type"), section.get(f"{{{EPUB_NS}}}type"),
                               section.get("role"))
        nav = read(epub, "nav.xhtml")
        appendix = etree.tostring(read(epub, "99-01-tide-tables.xhtml"), encoding="unicode")
    assert types == {
        "EPUB/00-01-dedication.xhtml": ("frontmatter", "dedication", "doc-dedication"),
        "EPUB/00-02-epigraph.xhtml": ("frontmatter", "epigraph", "doc-epigraph"),
        "EPUB/00-03-preface.xhtml": ("frontmatter", "preface", "doc-preface"),
        "EPUB/99-01-tide-tables.xhtml": ("backmatter", "appendix", "doc-appendix"),
        "EPUB/99-02-acknowledgments.xhtml": ("backmatter", "acknowledgments",
                                             "doc-acknowledgments"),
    }
    landmarks = {a.get(f"{{{EPUB_NS}}}type"): a.get("href") for a in nav.iter(f"{X}a")
                 if a.get(f"{{{EPUB_NS}}}type")}
    assert landmarks["bodymatter"] == "01-the-river.xhtml"  # the text, past the front matter
    assert "Appendix A" in appendix and "Figure A.1" in appendix  # lettered, own numbering
    toc = " ".join(nav.itertext())
    assert "Appendix A: Tide Tables" in toc and "Preface" in toc


@pytest.mark.epubcheck
def test_the_epub_passes_epubcheck(onebook: Built) -> None:
    assert epubcheck(onebook.file("*.epub")) == []


def test_roman_then_arabic_page_labels_in_both_pdfs(onebook: Built) -> None:
    printed = PdfReader(onebook.file("the-long-water.pdf"))
    labels = printed.page_labels
    first = labels.index("1")
    assert labels[:first] == [roman.lower() for roman in
                              ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
                               "XI", "XII")][:first]
    assert labels[first:] == [str(n) for n in range(1, len(labels) - first + 1)]
    assert "The River" in printed.pages[first].extract_text()  # the text starts at folio 1
    screen = PdfReader(onebook.file("the-long-water-screen.pdf")).page_labels
    assert screen[0] == "Cover"
    assert set(screen[1:]) <= set(labels) and screen.index("1") > 1  # the print folios


def test_print_places_the_front_and_back_matter(onebook: Built) -> None:
    pages = [page.extract_text() for page in PdfReader(onebook.file("the-long-water.pdf")).pages]
    where = {words: next(i for i, text in enumerate(pages) if words in text)
             for words in ("For my mother", "No man ever steps", "Contents", "Preface",
                           "The River", "Tide Tables", "Thanks to the ferrymen")}
    order = sorted(where, key=where.get)
    assert order == ["For my mother", "No man ever steps", "Contents", "Preface", "The River",
                     "Tide Tables", "Thanks to the ferrymen"]
    dedication = pages[where["For my mother"]]
    assert dedication.strip() == "For my mother, who taught me to read the river."  # alone
    assert where["For my mother"] % 2 == 0 and where["No man ever steps"] % 2 == 0  # rectos
    contents = pages[where["Contents"]]
    assert "Dedication" not in contents and "Epigraph" not in contents
    assert re.search(r"Preface\W+[ivx]+\b", contents), contents  # a roman folio
    assert re.search(r"Appendix A\s*Tide Tables\W+\d+", contents), contents


def test_the_web_edition_counts_only_chapters(onebook: Built) -> None:
    page = (onebook.dist / "html" / "01-01-source.html").read_text(encoding="utf-8")
    assert "Chapter 1 of 2" in page
    preface = (onebook.dist / "html" / "00-03-preface.html").read_text(encoding="utf-8")
    assert 'role="doc-preface"' in preface and "Chapter" not in preface.split("<main")[1][:400]


def test_contributors_are_credited_with_their_roles(onebook: Built) -> None:
    with zipfile.ZipFile(onebook.file("*.epub")) as epub:
        opf = epub.read("EPUB/content.opf").decode()
        title_page = " ".join(etree.fromstring(epub.read("EPUB/titlepage.xhtml")).itertext())
    assert re.search(r'<dc:creator id="creator1">Ada Marsh</dc:creator>', opf)
    assert re.search(r'refines="#creator1"[^>]*>aut<', opf)
    assert re.search(r'<dc:contributor id="contributor1">Jules Rivière</dc:contributor>', opf)
    assert re.search(r'refines="#contributor1"[^>]*>trl<', opf)
    assert "Translated by Jules Rivière" in title_page
    printed = PdfReader(onebook.file("the-long-water.pdf"))
    assert printed.metadata.author == "Ada Marsh"
    text = "\n".join(page.extract_text() for page in printed.pages[:4])
    assert "Translated by Jules Rivière" in text and "Original title: La Longue Eau" in text


def test_the_copyright_pages_carry_the_isbn_of_their_format(onebook: Built) -> None:
    with zipfile.ZipFile(onebook.file("*.epub")) as epub:
        page = " ".join(etree.fromstring(epub.read("EPUB/titlepage.xhtml")).itertext())
        opf = epub.read("EPUB/content.opf").decode()
    assert "ISBN 978-3-16-148410-0" in page and "978-0-306" not in page
    assert "urn:isbn:9783161484100" in opf
    assert "Edition of March 1, 2026" in page and "urn:uuid" not in page
    printed = PdfReader(onebook.file("the-long-water.pdf"))
    text = "\n".join(p.extract_text() for p in printed.pages[:4])
    assert "ISBN 978-0-306-40615-7" in text and "978-3-16" not in text
    assert "Printed by Harbour Print Works, February 2026" in text
    assert "urn:uuid" not in text


def test_a_french_copyright_page_has_its_printer_and_legal_deposit(tmp_path) -> None:  # noqa: ANN001
    from conftest import copy_project

    from make_book.build.pipeline import load
    from make_book.core.editions import editions
    root = copy_project(FIXTURES / "parts", tmp_path / "livre")
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "[book]\n", '[book]\nprinter = "Imprimerie du Port"\nprinted = "2026-11"\n'
        'legal_deposit = "2026-12"\nisbn = "978-2-07-036822-8"\n', 1), encoding="utf-8")
    book, _ = load(root)
    from make_book.writers.common import copyright_lines

    lines = copyright_lines(book, editions(book)[0], "pdf")
    assert "Achevé d’imprimer en novembre 2026 par Imprimerie du Port" in lines
    assert "Dépôt légal\u00a0: décembre 2026" in lines
    assert "ISBN 978-2-07-036822-8" in lines
    assert "Édition du 15 janvier 2025" in lines


def test_an_isbn_with_a_wrong_check_digit_is_a_located_error(tmp_path) -> None:  # noqa: ANN001
    from conftest import copy_project, run_cli

    root = copy_project(FIXTURES / "mini", tmp_path / "book")
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "[book]\n", '[book]\nisbn = "978-2-07-036822-7"\n', 1), encoding="utf-8")
    done = run_cli("check", str(root))  # and ebook_isbn's wrong digit is an E005
    toml.write_text(toml.read_text(encoding="utf-8").replace("isbn =", "ebook_isbn =", 1),
                    encoding="utf-8")
    ebook = run_cli("check", str(root))
    assert ebook.returncode == 1 and ("E005 [book] ebook_isbn: '978-2-07-036822-7' is not an "
                                      "ISBN: its check digit is wrong") in ebook.stdout
    assert done.returncode == 1
    assert ("manuscript/book.toml:2: E008 [book] isbn '978-2-07-036822-7' is not a valid "
            "ISBN: its check digit is 7") in done.stdout, done.stdout


def test_the_author_s_cover_is_used_as_made(onebook: Built) -> None:
    """Never cropped, never lettered over: the EPUB's, the web edition's and the screen PDF's
    cover are the author's picture, only scaled down."""
    import io

    from PIL import Image, ImageChops, ImageStat

    source = Image.open(FIXTURES / "onebook" / "assets" / "cover.jpg").convert("RGB")

    def same_picture(data: bytes) -> None:
        made = Image.open(io.BytesIO(data)).convert("RGB")
        assert abs(made.width / made.height - source.width / source.height) < 0.01
        small = source.resize(made.size, Image.Resampling.LANCZOS)
        difference = ImageStat.Stat(ImageChops.difference(small, made)).mean
        assert max(difference) < 4, difference  # the same pixels, scaled

    with zipfile.ZipFile(onebook.file("*.epub")) as epub:
        (cover,) = [n for n in epub.namelist() if "/images/omnibus-own-" in n]
        data = epub.read(cover)
        assert max(Image.open(io.BytesIO(data)).size) <= 2560
        same_picture(data)
    same_picture((onebook.dist / "html" / "covers" / "cover-omnibus-640.jpg").read_bytes())
    first = PdfReader(onebook.file("the-long-water-screen.pdf")).pages[0]
    # WeasyPrint shares one resource dictionary between pages: the cover is the JPEG.
    (image,) = [i for i in first.images if i.name.endswith(".jpg")]
    same_picture(image.data)


def test_the_wrap_cover_s_front_panel_is_the_author_s_cover(onebook: Built, tmp_path) -> None:  # noqa: ANN001
    """The printer's sheet: back and spine drawn by make-book, the front the author's."""
    import subprocess

    from PIL import Image, ImageChops, ImageStat

    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile",
                    str(onebook.file("the-long-water-cover.pdf")), str(tmp_path / "wrap")],
                   check=True)
    sheet = Image.open(tmp_path / "wrap.png").convert("RGB")
    source = Image.open(FIXTURES / "onebook" / "assets" / "cover.jpg").convert("RGB")
    # The front panel: the right half of the sheet, past the spine (thin for 24 pages).
    front = sheet.crop((round(sheet.width * 0.52), 0, sheet.width, sheet.height))
    small = source.resize(front.size, Image.Resampling.LANCZOS)
    assert max(ImageStat.Stat(ImageChops.difference(front, small)).mean) < 25
