"""PDF editions checked by parsing them: size, fonts, outline, TOC pages, running heads."""

from __future__ import annotations

import difflib
import re
import subprocess
from pathlib import Path

import pytest
from conftest import Built, copy_project, pdftoppm_available
from pypdf import PdfReader

MM = 72 / 25.4


EDITIONS = {"omnibus": ("intelligence-abondante", "Intelligence abondante"),
            "volume": ("intelligence-abondante-3-quand-l-execution-s-effondre",
                       "Quand l’exécution s’effondre")}


def _open(series, edition: str, suffix: str) -> PdfReader:
    stem, title = EDITIONS[edition]
    reader = PdfReader(series.file(f"{stem}{suffix}.pdf"))
    reader.stem, reader.edition_title, reader.edition = stem, title, edition  # type: ignore[attr-defined]
    return reader


@pytest.fixture(scope="module", params=sorted(EDITIONS))
def print_pdf(series, request) -> PdfReader:
    """Each print PDF of the series: the omnibus and the volume pass the same checks."""
    return _open(series, request.param, "")


@pytest.fixture(scope="module", params=sorted(EDITIONS))
def screen_pdf(series, request) -> PdfReader:
    return _open(series, request.param, "-screen")


_TEXTS: dict[int, list[str]] = {}


def page_texts(reader: PdfReader) -> list[str]:
    """Text of every page, extracted once per reader (pypdf's extraction is slow)."""
    if id(reader) not in _TEXTS:
        _TEXTS[id(reader)] = [page.extract_text() or "" for page in reader.pages]
    return _TEXTS[id(reader)]


def test_every_edition_has_print_and_screen(series):
    names = sorted(p.name for p in series.dist.glob("*.pdf"))
    assert names == [  # with each print edition's wrap-around cover
        "intelligence-abondante-3-quand-l-execution-s-effondre-cover.pdf",
        "intelligence-abondante-3-quand-l-execution-s-effondre-screen.pdf",
        "intelligence-abondante-3-quand-l-execution-s-effondre.pdf",
        "intelligence-abondante-cover.pdf",
        "intelligence-abondante-screen.pdf",
        "intelligence-abondante.pdf",
    ]


def test_print_is_a5_with_bleed(print_pdf):
    page = print_pdf.pages[0]
    trim = page.trimbox
    assert abs(float(trim.width) - 148 * MM) < 0.5
    assert abs(float(trim.height) - 210 * MM) < 0.5
    bleed = page.bleedbox
    assert abs(float(bleed.width) - 154 * MM) < 0.5  # 3 mm on each side
    assert float(page.mediabox.width) >= float(bleed.width) - 0.01


def test_screen_is_a5_without_bleed(screen_pdf):
    box = screen_pdf.pages[1].mediabox
    assert abs(float(box.width) - 148 * MM) < 0.5
    assert abs(float(box.height) - 210 * MM) < 0.5


def _fonts(reader: PdfReader) -> dict[str, dict]:
    found = {}
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        fonts = resources.get("/Font") or {}
        for font in fonts.values():
            font = font.get_object()
            found[str(font.get("/BaseFont"))] = font
    return found


def _check_fonts(reader: PdfReader) -> None:
    fonts = _fonts(reader)
    assert fonts
    for name, font in fonts.items():
        assert font.get("/Subtype") != "/Type3", name
        descendants = font.get("/DescendantFonts")
        descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
        descriptor = descriptor.get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
    names = " ".join(fonts)
    assert "Book-Serif" in names and "DejaVu" not in names


def test_print_fonts_embedded_none_type3(print_pdf):
    _check_fonts(print_pdf)


def test_screen_fonts_embedded_none_type3(screen_pdf):
    _check_fonts(screen_pdf)


def _outline(reader: PdfReader, items=None, depth=0) -> list[tuple[int, str, int]]:
    items = reader.outline if items is None else items
    found = []
    for item in items:
        if isinstance(item, list):
            found += _outline(reader, item, depth + 1)
        else:
            # A title broken by sense holds no-break spaces (transforms/titles.py).
            title = item.title.replace("\u00a0", " ")
            found.append((depth, title, reader.get_destination_page_number(item)))
    return found


def test_outline_is_the_table_of_contents(print_pdf):
    outline = _outline(print_pdf)
    titles = [t for _, t, _ in outline]
    assert "Quand l’exécution s’effondre" in titles
    # A forthcoming part is no page of the book: the series page, last, names it.
    assert "Un manuel pratique" not in titles
    assert titles[-1] == "Dans la même série"
    chapters = [t for d, t, _ in outline if d == 1]
    assert len(chapters) == 9
    assert chapters[-1] == "Vous êtes maintenant un architecte de l’inversion"


def test_toc_page_numbers_match_where_chapters_start(print_pdf):
    texts = page_texts(print_pdf)
    toc_index = next(i for i, t in enumerate(texts) if "Table des matières" in t)
    toc = texts[toc_index]
    outline = {t: p for _, t, p in _outline(print_pdf)}
    checked = 0
    for title, page in outline.items():
        if title == "Table des matières":
            continue
        start = re.escape(title[:18])
        match = re.search(rf"{start}[^\n]*?(\d+)\s*$", toc, re.M)
        assert match, f"{title} not in the table of contents"
        # The folio printed on that page (roman in the front matter, 1 at the text).
        assert match.group(1) == print_pdf.page_labels[page], title
        checked += 1
    assert checked >= 10


def test_chapters_and_parts_start_on_odd_pages_in_print(print_pdf):
    for _depth, title, page in _outline(print_pdf):
        if title != "Table des matières":
            assert (page + 1) % 2 == 1, f"{title} starts on page {page + 1}"


def test_screen_has_no_blank_pages_and_cover_first(screen_pdf):
    texts = page_texts(screen_pdf)
    assert texts[0].strip() == ""  # the cover is an image
    assert screen_pdf.pages[0].images, "the screen PDF opens on its cover"
    blank = [i + 1 for i, t in enumerate(texts[1:], 1) if not t.strip()
             and len(screen_pdf.pages[i].images) == 0]
    assert blank == []


def test_screen_pages_are_the_print_pages(series):
    """One layout for both: the screen edition is the cover, then every print page that is
    not blank, in order and with the same text (so the folios match)."""
    for edition in EDITIONS:
        printed, screen = _open(series, edition, ""), _open(series, edition, "-screen")
        # Every page but the blank ones carries text (a folio at least).
        kept = [text for text in page_texts(printed) if text.strip()]
        assert len(kept) < len(printed.pages), "the print edition has blank versos"
        assert page_texts(screen)[1:] == kept


LINK_RGB = re.compile(r"0\.478\d* 0\.227\d* 0\.133\d* rg")  # #7a3a22: links on screen


def _uri_pages(reader: PdfReader) -> list[int]:
    return [i for i, page in enumerate(reader.pages) for a in page.get("/Annots") or []
            if "/URI" in a.get_object().get("/A", {})]


def _fill_colours(page) -> str:
    data = page.get_contents().get_data().decode("latin-1")
    return " ".join(re.findall(r"[\d.]+ [\d.]+ [\d.]+ rg", data))


def test_links_coloured_on_screen_only(tmp_path):
    """Links in colour on screen, in the text's black in print, where they are no links at
    all (PDF/X forbids annotations); the table of contents keeps the text's colour on screen
    too."""
    from conftest import FIXTURES, copy_project

    from make_book.build.pipeline import build

    root = copy_project(FIXTURES / "mini", tmp_path)
    chapter = root / "manuscript" / "01-first.md"
    chapter.write_text(chapter.read_text(encoding="utf-8")
                       + "\nSee [the project](https://example.org/project).\n", "utf-8")
    build(root, root / "dist", ("pdf",), "omnibus")
    screen = PdfReader(root / "dist" / "a-small-book-screen.pdf")
    printed = PdfReader(root / "dist" / "a-small-book.pdf")
    on_screen, in_print = _uri_pages(screen), _uri_pages(printed)
    assert (len(on_screen), in_print) == (1, [])
    assert not any("/Annots" in page for page in printed.pages)
    assert LINK_RGB.search(_fill_colours(screen.pages[on_screen[0]]))
    assert not any(LINK_RGB.search(_fill_colours(page)) for page in printed.pages)
    toc = next(page for page in screen.pages if "Contents" in page.extract_text())
    assert toc.get("/Annots") and not LINK_RGB.search(_fill_colours(toc))


def test_running_heads_absent_from_blank_pages_and_openings(print_pdf):
    texts = page_texts(print_pdf)
    outline = _outline(print_pdf)
    openings = {p for _, _, p in outline}
    for index, text in enumerate(texts):
        if index in openings:
            assert not text.strip().lower().startswith("intelligence abondante"), index + 1
    blanks = [i for i, t in enumerate(texts) if not t.strip()]
    assert blanks, "the print variant has blank versos"


def test_no_chapter_opening_carries_the_running_head(print_pdf):
    """The right-hand head is the chapter's title in lower case: never on its opening page
    (where the title stands in its own case), on every later right page of a long chapter."""
    texts = page_texts(print_pdf)
    checked = 0
    for depth, title, page in _outline(print_pdf):
        if depth != 1:
            continue
        head = title.lower()
        assert head not in texts[page], (page + 1, title)
        checked += 1
    assert checked >= 9


def test_blank_versos_are_truly_blank(series, print_pdf, tmp_path):
    """No running head, folio or anything else on the pages left blank before a recto."""
    from PIL import Image

    pdftoppm_available()
    texts = page_texts(print_pdf)
    blanks = [i + 1 for i, t in enumerate(texts) if not t.strip()]
    assert blanks
    for number in blanks:
        prefix = tmp_path / f"b{number}"
        subprocess.run(["pdftoppm", "-png", "-r", "20", "-gray", "-f", str(number), "-l",
                        str(number), str(series.file(f"{print_pdf.stem}.pdf")),
                        str(prefix)], check=True)
        image = Image.open(next(tmp_path.glob(f"b{number}*.png")))
        # Inside the trim: the offset target's crop marks sit in the bleed, outside it.
        edge = 4  # 3 mm of bleed at 20 dpi, and a pixel
        inside = image.crop((edge, edge, image.width - edge, image.height - edge))
        assert inside.convert("L").getextrema()[0] >= 250, f"page {number} is not blank"


def test_running_heads_on_text_pages(print_pdf):
    """Left pages carry the book's title, right pages the chapter's, except openings."""
    texts = page_texts(print_pdf)
    outline = sorted((p, t, d) for d, t, p in _outline(print_pdf))
    starts = [p for p, _, _ in outline] + [len(texts)]
    chapters = [(p, t, min(s for s in starts if s > p)) for p, t, d in outline if d == 1]
    checked = 0
    for start, title, end in chapters:
        for index in range(start + 1, end):
            lines = [line.strip().lower() for line in texts[index].splitlines() if line.strip()]
            if not lines or index + 1 == end and len(lines) < 3:
                continue
            head = " ".join(lines[-2:] + lines[:1])  # pypdf may put margin boxes last
            if (index + 1) % 2 == 0:
                assert print_pdf.edition_title.lower() in head, index + 1
            else:
                assert title.lower()[:20] in " ".join(lines), index + 1
            checked += 1
    assert checked >= 8


def test_extracted_text_holds_the_whole_chapter(print_pdf):
    text = re.sub(r"\s+", " ", " ".join(page_texts(print_pdf)))
    text = re.sub(r"-\s", "", text)
    for sentence in ["Ce ne sont pas des exceptions.", "Les outils sont là.",
                     "Mais certains moments remodèlent vraiment tout."]:
        assert sentence.replace("'", "’") in text


def test_pdf_metadata(print_pdf):
    info = print_pdf.metadata
    assert info.title == print_pdf.edition_title
    assert "redéfinit la valeur" in (info.subject or "")


def test_footnotes_sit_on_the_page_of_their_call(mini_book):
    reader = PdfReader(mini_book.file("a-small-book.pdf"))
    texts = page_texts(reader)
    for note in ("The first note, with", "The second note, before"):
        pages = [i for i, t in enumerate(texts) if note in t]
        assert pages, note
        assert "Notes" not in texts[pages[0]].split(note)[0][-20:]
    call_page = next(i for i, t in enumerate(texts) if "lay open." in " ".join(t.split()))
    assert "The first note" in texts[call_page]


def test_pages_render_to_png(series, tmp_path):
    pdftoppm_available()
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "3",
                    str(series.file("intelligence-abondante.pdf")), str(tmp_path / "p")],
                   check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == 3


def test_epub_page_list_matches_the_print_pages(series, print_pdf):
    """Each page-break marker of the EPUB sits before text that the print PDF shows on that
    page: a reader of the EPUB can cite the printed book."""
    import zipfile

    from lxml import etree

    xhtml_ns = "{http://www.w3.org/1999/xhtml}"
    texts = [re.sub(r"\s+", " ", re.sub(r"-\n", "", t)) for t in page_texts(print_pdf)]
    checked = 0
    with zipfile.ZipFile(series.file(f"{print_pdf.stem}.epub")) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        page_list = nav.find(f".//{xhtml_ns}nav[@id='page-list']")
        assert page_list is not None
        entries = [a.get("href") for a in page_list.iter(f"{xhtml_ns}a")]
        assert len(entries) >= 25
        for href in entries:
            name, anchor = href.split("#")
            doc = etree.fromstring(z.read(f"EPUB/{name}"))
            marker = doc.find(f".//*[@id='{anchor}']")
            assert marker.get("{http://www.idpf.org/2007/ops}type") == "pagebreak"
            block = marker.getnext()
            if block is None or not "".join(block.itertext()).strip():
                continue
            words = " ".join("".join(block.itertext()).split()[:4])
            # The marker names the page by its folio: the PDF's page labels say which it is.
            number = print_pdf.page_labels.index(marker.get("aria-label"))
            assert words in texts[number], (href, words)
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("variant", ["pdf/ua-1", "pdf/a-3b"])
def test_pdf_variant_from_book_toml(variant, tmp_path):
    from conftest import FIXTURES, copy_project

    from make_book.build.pipeline import build

    root = copy_project(FIXTURES / "mini", tmp_path)
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f'\n[pdf]\nvariant = "{variant}"\n',
                    encoding="utf-8")
    build(root, root / "dist", ("pdf",), "omnibus")
    for name in ("a-small-book.pdf", "a-small-book-screen.pdf"):
        catalog = PdfReader(root / "dist" / name).trailer["/Root"]
        if variant == "pdf/ua-1":
            assert bool(catalog["/MarkInfo"]["/Marked"]), name
            assert "/StructTreeRoot" in catalog, name
        else:
            metadata = catalog["/Metadata"].get_object().get_data().decode("utf-8", "replace")
            assert "pdfaid:part" in metadata and "3" in metadata, name


def test_several_footnotes_on_one_page_all_show(parts_book):
    reader = PdfReader(parts_book.file("essais-en-trois-parties.pdf"))
    texts = page_texts(reader)
    page = next(i for i, t in enumerate(texts) if "Trois appels dans un paragraphe" in t)
    for note in ("Note alpha", "Note bêta", "Note gamma", "Une autre note"):
        assert note in texts[page], note
    # Numbered per chapter: this chapter's notes are 1 to 4, whatever came before.
    assert re.search(r"^\s*4\.\s*Note gamma", texts[page], re.M), texts[page][-200:]


# -- the HTML document WeasyPrint lays out, against golden files --------------------------------

GOLDEN = Path(__file__).parent / "golden"
SHIPPED_PDF_CSS = "/* make-book's styles/pdf.css, as shipped */\n"


def pdf_sources(built: Built, tmp_path: Path) -> dict[str, str]:
    """What the PDF writer hands WeasyPrint for each edition of a built fixture book (its
    render_html, as build/plan.py calls it), rendered again from a copy of the project and of
    its cache (the covers are not drawn again), then made the same on every machine: the
    project's and make-book's folders named by placeholders, and the shipped pdf.css (copied
    in whole, and tested as the PDFs' typography) by a comment."""
    from make_book.build.covers import plan_covers
    from make_book.build.jobs import run_jobs
    from make_book.build.pipeline import load, source_epoch
    from make_book.core.editions import editions, select_editions
    from make_book.core.files import PACKAGE, PACKAGE_STYLES
    from make_book.core.store import cache_dir
    from make_book.writers import pdf as pdf_writer
    from make_book.writers.context import BuildContext

    root = copy_project(built.root, tmp_path / "book").resolve()
    book, _report = load(root)
    ctx = BuildContext(book=book, staging=tmp_path / "staging", cache=cache_dir(root),
                       epoch=source_epoch(book))
    run_jobs(plan_covers(book, ctx, editions(book)), 1)
    shipped_css = (PACKAGE_STYLES / "pdf.css").read_text(encoding="utf-8")
    sources = {}
    for edition in select_editions(book, "all"):
        text = pdf_writer.render_html(book, edition, ctx, {})
        assert text.count(shipped_css) == 1, f"{edition.slug}: the shipped pdf.css is not in it"
        text = text.replace(shipped_css, SHIPPED_PDF_CSS)
        for folder, name in ((root, "{project}"), (PACKAGE.resolve(), "{make_book}")):
            text = text.replace(folder.as_uri(), name).replace(str(folder), name)
        assert "file:" not in text and str(tmp_path) not in text, \
            f"{edition.slug}: a path of this machine is left in the document"
        sources[edition.slug] = text
    return sources


@pytest.mark.parametrize(("book", "folder"), [("mini_book", "mini"), ("parts_book", "parts")])
def test_pdf_source_golden_files(book: str, folder: str, request: pytest.FixtureRequest,
                                 tmp_path: Path) -> None:
    """The HTML each edition's PDFs are laid out from (tests/golden/<book>/PDF__<slug>.html)
    must not drift; refresh with --update-golden and review the diff."""
    sources = pdf_sources(request.getfixturevalue(book), tmp_path)
    goldens = GOLDEN / folder
    if request.config.getoption("--update-golden"):
        goldens.mkdir(parents=True, exist_ok=True)
        for stale in goldens.glob("PDF__*.html"):
            stale.unlink()
        for slug, text in sources.items():
            (goldens / f"PDF__{slug}.html").write_text(text, encoding="utf-8")
    assert sorted(p.name for p in goldens.glob("PDF__*.html")) == sorted(
        f"PDF__{slug}.html" for slug in sources), \
        f"the PDF golden files in {goldens} are not one per edition: run pytest --update-golden"
    for slug, text in sources.items():
        golden = goldens / f"PDF__{slug}.html"
        expected = golden.read_text(encoding="utf-8")
        diff = "".join(list(difflib.unified_diff(
            expected.splitlines(keepends=True), text.splitlines(keepends=True),
            str(golden.relative_to(GOLDEN.parent)), "this build"))[:40])
        assert text == expected, \
            f"{golden.name} drifted; review and refresh with --update-golden:\n{diff}"
