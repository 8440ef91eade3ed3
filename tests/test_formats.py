"""Passages the author shows in some formats only (`{.only-web}`, `::: not-epub`)."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, Built, build_copy, epubcheck
from lxml import html

from make_book.core.diagnostics import Report
from make_book.transforms.formats import keep_for, run

WEB_ONLY = "Read the whole series"
PDF_ONLY = "Turn the page for the diagram"
NOT_EPUB = "Kept out of the e-book only"
EVERYWHERE = "The argument goes on in every edition"


@pytest.fixture(scope="module")
def formats_book(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_copy(FIXTURES / "formats", tmp_path_factory.mktemp("formats") / "book",
                      formats=("epub", "pdf", "html", "docx"))


def _epub_text(built: Built) -> str:
    with zipfile.ZipFile(built.file("*.epub")) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _web_text(built: Built) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (built.dist / "html").glob("*.html"))


def test_a_web_only_section_is_on_the_web_alone(formats_book: Built) -> None:
    web, epub = _web_text(formats_book), _epub_text(formats_book)
    printed = _pdf_text(formats_book.file("shown-where-it-reads.pdf"))
    screen = _pdf_text(formats_book.file("*-screen.pdf"))
    assert WEB_ONLY in web and "https://example.org/first" in web
    for text in (epub, printed, screen):
        assert WEB_ONLY not in text and "The first book" not in text
        assert EVERYWHERE in " ".join(text.split())
    # Its note goes with it; the note of the passage every edition shows stays.
    assert "A note called from the web" in web
    assert "A note called from the web" not in epub and "A note called from the web" \
        not in printed
    assert "A note every edition keeps" in epub and "A note every edition keeps" in printed


def test_only_and_not_classes_on_blocks(formats_book: Built) -> None:
    web, epub = _web_text(formats_book), _epub_text(formats_book)
    printed = " ".join(_pdf_text(formats_book.file("shown-where-it-reads.pdf")).split())
    assert PDF_ONLY in printed and PDF_ONLY not in epub and PDF_ONLY not in web
    assert NOT_EPUB in printed and NOT_EPUB in web and NOT_EPUB not in epub
    # No mark reaches a reader's file.
    assert "data-formats" not in web and "data-formats" not in epub


def test_the_docx_leaves_out_the_web_passage(formats_book: Built) -> None:
    from docx import Document

    words = " ".join(p.text for p in Document(str(formats_book.file("*.docx"))).paragraphs)
    assert EVERYWHERE in words and WEB_ONLY not in words and PDF_ONLY not in words


def test_the_break_before_a_passage_left_out_goes_too(formats_book: Built) -> None:
    """The `---` announced the web's section: in the EPUB the chapter no longer ends on it."""
    with zipfile.ZipFile(formats_book.file("*.epub")) as z:
        name = next(n for n in z.namelist() if n.endswith("01-passages.xhtml"))
        page = html.fromstring(z.read(name))
    blocks = [e for e in page.iter("p", "hr", "ol", "h2") if e.getparent().tag != "aside"]
    assert blocks and blocks[-1].tag == "p", [e.tag for e in blocks]


@pytest.mark.epubcheck
def test_the_epub_without_the_passage_is_valid(formats_book: Built) -> None:
    assert epubcheck(formats_book.file("*.epub")) == []


def test_keep_for_on_a_body() -> None:
    body = html.fromstring("<div><p>a</p><h2 class='only-web'>S</h2><p>b</p><h3>T</h3>"
                           "<p>c</p><h2>U</h2><p>d</p></div>")

    class Chapter:
        text, line_offset, source = "", 0, Path("x.md")

    class Book:
        def documents(self) -> list[object]:
            chapter = Chapter()
            chapter.body = body
            return [chapter]

    report = Report()
    run(Book(), report)  # type: ignore[arg-type]
    assert report.items == []
    keep_for(body, "epub")
    # The h2's section runs to the next h2, over the h3.
    assert [e.text for e in body] == ["a", "U", "d"]


def test_the_series_call_to_action_is_the_web_editions_alone(series: Built) -> None:
    """« Explorez la série » (links to the other parts, marked `{.only-web}`) is on the web;
    the PDFs and EPUBs have their one « Dans la même série » page instead."""
    pdfs = [p for p in series.dist.glob("*.pdf") if not p.name.endswith("-cover.pdf")]
    epubs = sorted(series.dist.glob("*.epub"))
    assert pdfs and epubs
    for pdf in pdfs:
        text = " ".join(_pdf_text(pdf).split())
        assert "Explorez la série" not in text, pdf.name
        assert "Dans la même série" in text, pdf.name
    for epub in epubs:
        with zipfile.ZipFile(epub) as z:
            pages = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")
                            and "nav" not in n)
        assert "Explorez la série" not in pages, epub.name
    assert "Explorez la série" in _web_text(series)
