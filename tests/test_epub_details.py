"""The EPUB's last details, on the series as built: what its metadata claims, its page list
against the print PDF, its pictures and fonts as reading screens get them, its section
breaks and its alignment."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import FIXTURES, copy_project, pdftoppm_available
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from make_book.assets.perceptual import ms_ssim
from make_book.assets.renditions import EPUB_TARGET, _resize, fit_size, load_display
from make_book.build.pipeline import build
from make_book.core.files import PACKAGE_STYLES
from make_book.core.locales import strings

NS = {"opf": "http://www.idpf.org/2007/opf", "x": "http://www.w3.org/1999/xhtml",
      "epub": "http://www.idpf.org/2007/ops"}
VOLUME = "intelligence-abondante-3-quand-l-execution-s-effondre"
X = "{http://www.w3.org/1999/xhtml}"
READING_SIDE = 1200  # the long side of a figure on a reading screen


def _zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _opf(path: Path) -> etree._Element:
    return etree.fromstring(_zip(path)["EPUB/content.opf"])


def _meta(package: etree._Element, prop: str) -> list[str]:
    return [m.text for m in package.findall(f".//opf:meta[@property='{prop}']", NS)]


def _chapters(files: dict[str, bytes]) -> dict[str, etree._Element]:
    return {name: etree.fromstring(data) for name, data in files.items()
            if re.match(r"EPUB/\d\d.*\.xhtml$", name)}


# -- metadata --------------------------------------------------------------------------------


def test_no_evaluator_is_named_unless_book_toml_names_one(series, tmp_path):
    """a11y:certifiedBy names who evaluated the book: never make-book itself."""
    for epub in series.dist.glob("*.epub"):
        assert _meta(_opf(epub), "a11y:certifiedBy") == [], epub.name
    root = copy_project(FIXTURES / "mini", tmp_path / "mini")
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text("utf-8").replace(
        "[book]", '[book]\naccessibility_evaluator = "Accessible Books Lab"', 1), "utf-8")
    build(root, root / "dist", ("epub",))
    (epub,) = (root / "dist").glob("*.epub")
    assert _meta(_opf(epub), "a11y:certifiedBy") == ["Accessible Books Lab"]


def test_accessibility_summary_is_in_the_books_language(series, mini_book):
    french = _meta(_opf(series.file(f"{VOLUME}.epub")), "schema:accessibilitySummary")
    assert french == [strings("fr")["accessibility_summary"]]
    assert "table des matières" in french[0]
    english = _meta(_opf(mini_book.file("*.epub")), "schema:accessibilitySummary")
    assert english == [strings("en")["accessibility_summary"]]


def test_the_omnibus_carries_the_series_too(series):
    """The omnibus belongs to the series as the volumes do; Calibre gets the number of the
    first volume it collects (part 3, the only one published), EPUB no single position."""
    package = _opf(series.file("intelligence-abondante.epub"))
    assert _meta(package, "belongs-to-collection") == ["Intelligence abondante"]
    assert _meta(package, "collection-type") == ["series"]
    assert _meta(package, "group-position") == []
    calibre = {m.get("name"): m.get("content") for m in package.findall(".//opf:meta[@name]", NS)}
    assert calibre["calibre:series"] == "Intelligence abondante"
    assert calibre["calibre:series_index"] == "3"


# -- the page list ---------------------------------------------------------------------------


def _page_texts(pdf: Path) -> list[str]:
    pdftoppm_available()  # poppler, whose pdftotext reads each page
    count = len(PdfReader(pdf).pages)
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for n in range(1, count + 1)]


def test_the_page_list_has_every_printed_page_of_the_text(series):
    """Every page of the print PDF from the first part's to the series page that carries
    text has its entry and its marker: a page that starts inside a block (a list, a
    quotation) too, as the last page of the last chapter does, which begins in a list."""
    pdf = series.file(f"{VOLUME}.pdf")
    labels = PdfReader(pdf).page_labels
    texts = _page_texts(pdf)
    first = labels.index("1")
    # Up to the series page, after the text, which the EPUB has too (the contents, before
    # the text, name it as well).
    after = next(i for i, text in enumerate(texts) if i > first and "Dans la même série" in text)
    printed = [labels[i] for i in range(first, after + 1) if texts[i].strip()]
    files = _zip(series.file(f"{VOLUME}.epub"))
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    page_list = nav.find(".//x:nav[@epub:type='page-list']", NS)
    listed = [a.text for a in page_list.iter(f"{X}a")]
    assert listed == printed
    pages = [*_chapters(files).values(), etree.fromstring(files["EPUB/series.xhtml"])]
    markers = {e.get("id") for page in pages
               for e in page.iter() if e.get("epub:type") == "pagebreak"
               or e.get("{http://www.idpf.org/2007/ops}type") == "pagebreak"}
    assert {f"page-{label}" for label in printed} <= markers
    # The marker of a page that starts inside a list sits inside its item, never between two.
    for page in _chapters(files).values():
        for marker in page.iter(f"{X}span"):
            if "pagebreak" in (marker.get("class") or ""):
                assert marker.getparent().tag not in (f"{X}ol", f"{X}ul", f"{X}tr")


# -- pictures --------------------------------------------------------------------------------


def test_image_sizes_are_those_of_the_files(series):
    files = _zip(series.file(f"{VOLUME}.epub"))
    seen = 0
    for page in _chapters(files).values():
        for img in page.iter(f"{X}img"):
            with Image.open(io.BytesIO(files["EPUB/" + img.get("src")])) as im:
                assert (int(img.get("width")), int(img.get("height"))) == im.size
            seen += 1
    assert seen == 6


def test_pictures_are_made_for_reading_screens(series):
    """At most 1200 px on the long side, each JPEG as close to its source (resized) as the
    measured target asks; the print PDF keeps the full-resolution sources."""
    files = _zip(series.file(f"{VOLUME}.epub"))
    sources = {p.stem: p for p in (series.root / "assets").glob("*.jpg")}
    figures = 0
    for name, data in files.items():
        if not name.startswith("EPUB/images/"):
            continue
        with Image.open(io.BytesIO(data)) as im:
            assert max(im.size) <= READING_SIDE or "part-" in name, name  # the cover keeps its
            stem = Path(name).stem.rsplit("-", 1)[0]
            if stem in sources:
                figures += 1
                source = sources[stem]
                with Image.open(source) as original:
                    size = fit_size(original.size, READING_SIDE, 4_000_000)
                reference = _resize(load_display(source, max(size)), size)
                assert ms_ssim(reference, im.convert("RGB")) >= EPUB_TARGET, name
    assert figures == 6
    widths = {image.Width for page in pikepdf.open(series.file(f"{VOLUME}.pdf")).pages
              for _, image in page.get_images().items()}
    assert 2400 in widths  # the print PDF's figures at the source's 2400 px


def test_the_volume_weighs_under_a_megabyte(series):
    epub = series.file(f"{VOLUME}.epub")
    files = _zip(epub)
    fonts = sum(len(d) for n, d in files.items() if n.endswith(".otf"))
    images = sum(len(d) for n, d in files.items() if n.startswith("EPUB/images/"))
    assert epub.stat().st_size < 1_000_000, (epub.stat().st_size, fonts, images)
    assert fonts < 250_000


# -- fonts -----------------------------------------------------------------------------------


def test_fonts_are_cut_to_the_text_and_unused_faces_left_out(series):
    files = _zip(series.file(f"{VOLUME}.epub"))
    css = files["EPUB/css/epub.css"].decode("utf-8")
    shipped = {Path(n).name: d for n, d in files.items() if n.endswith(".otf")}
    referenced = set(re.findall(r'url\("\.\./fonts/([^"]+)"\)', css))
    assert referenced == set(shipped)
    # No caption, table or title of the series is in italic sans or bold italic.
    assert "SourceSans3-It.otf" not in shipped
    assert "SourceSerif4SmText-SemiboldIt.otf" not in shipped
    body = TTFont(io.BytesIO(shipped["SourceSerif4SmText-Regular.otf"]))
    source = TTFont(PACKAGE_STYLES / "fonts" / "SourceSerif4SmText-Regular.otf")
    assert len(body.getGlyphOrder()) < len(source.getGlyphOrder()) / 3
    cmap = body.getBestCmap()
    for name, page in _chapters(files).items():
        for p in page.iter(f"{X}p"):
            if p.getparent().tag == f"{X}section" and (p.get("class") or "") == "":
                text = "".join(p.itertext()).replace("\n", " ")
                missing = {c for c in text if ord(c) not in cmap}
                assert not missing, (name, missing)
    features = {r.FeatureTag for r in body["GSUB"].table.FeatureList.FeatureRecord}
    assert {"smcp", "onum", "lnum", "liga"} <= features  # what epub.css asks of it
    assert "kern" in {r.FeatureTag for r in body["GPOS"].table.FeatureList.FeatureRecord}
    # The small capitals of the first line: smcp maps the letters to their own glyphs.
    gsub = body["GSUB"].table
    smcp = [r.Feature for r in gsub.FeatureList.FeatureRecord if r.FeatureTag == "smcp"][0]
    mapped = {glyph for index in smcp.LookupListIndex
              for table in gsub.LookupList.Lookup[index].SubTable
              for glyph in getattr(table, "mapping", {})}
    assert cmap[ord("e")] in mapped


# -- section breaks and alignment ------------------------------------------------------------


def test_a_section_break_is_an_asterism_in_the_text(mini_book):
    files = _zip(mini_book.file("*.epub"))
    pages = _chapters(files)
    assert not [n for n, page in pages.items() if page.find(f".//{X}hr") is not None]
    marks = [p for page in pages.values() for p in page.iter(f"{X}p")
             if p.get("class") == "asterism"]
    assert marks, "mini's first chapter has a section break"
    for mark in marks:
        assert "".join(mark.itertext()).replace("\u2003", " ") == "** *"
        assert mark.get("role") == "separator"
    assert "::after" not in files["EPUB/css/epub.css"].decode("utf-8").split("hr {")[-1][:200]


@pytest.mark.browser
def test_the_text_is_aligned_as_the_reader_sets_it(series, tmp_path):
    """No text-align on the text's paragraphs: a reading system's justification setting is
    what aligns them (Chromium shows the default, `start`)."""
    from conftest import require_tool

    require_tool("browser", "Chromium")
    from playwright.sync_api import sync_playwright

    folder = tmp_path / "epub"
    with zipfile.ZipFile(series.file(f"{VOLUME}.epub")) as z:
        z.extractall(folder)
    chapter = folder / "EPUB" / "03-01-la-chose-pour-laquelle-vous-etiez-paye.xhtml"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(chapter.as_uri())
        aligns = page.eval_on_selector_all(
            "section > p", "ps => ps.map(p => getComputedStyle(p).textAlign)")
        centred = page.eval_on_selector_all(
            "h1", "hs => hs.map(h => getComputedStyle(h).textAlign)")
        browser.close()
    assert aligns and set(aligns) == {"start"}, aligns
    assert centred  # the page was laid out with its stylesheet
