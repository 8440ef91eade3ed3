"""The editor's DOCX: pandoc's DOCX writer, a reference document styled like the book."""

from __future__ import annotations

import zipfile

import docx
import pytest
from conftest import FIXTURES, build_copy


@pytest.fixture(scope="module")
def cited_docx(tmp_path_factory: pytest.TempPathFactory):
    built = build_copy(FIXTURES / "cited", tmp_path_factory.mktemp("docx"), formats=("docx",))
    return built.file("*.docx")


def test_docx_reads_back_with_titles_notes_captions_and_citations(cited_docx):
    document = docx.Document(str(cited_docx))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == ["Governors", "Information", "Loops", "Bibliography"]
    assert ("Heading 2", "Signals and noise") in paragraphs  # a heading with an index term
    captions = [text for style, text in paragraphs if style == "Image Caption"]
    assert captions == ["Figure 1 – A governor, drawn as a disc; after Maxwell"]
    text = "\n".join(t for _, t in paragraphs)
    assert "in a short paper (Maxwell 1868, 270)." in text  # formatted by citeproc
    assert "as figure 1 suggests." in text  # a cross-reference resolved
    assert "Beer, Stafford. 1972. Brain of the Firm. Allen Lane." in text
    assert "Nobody" not in text and "Index" not in headings
    with zipfile.ZipFile(cited_docx) as archive:
        notes = archive.read("word/footnotes.xml").decode("utf-8")
        names = archive.namelist()
    assert "stability" in notes and "Ashby 1956, chap. 5" in notes  # a Word footnote
    assert any(name.startswith("word/media/") for name in names)  # the image, embedded


def test_docx_styles_follow_the_book(cited_docx):
    styles = docx.Document(str(cited_docx)).styles
    assert styles["Body Text"].font.name == "Source Serif 4 SmText"
    assert styles["Heading 1"].font.italic and not styles["Heading 1"].font.bold
    assert styles["Block Text"].paragraph_format.left_indent is not None
    assert styles["Image Caption"].font.italic


def test_docx_for_a_book_in_parts_has_each_part(tmp_path):
    built = build_copy(FIXTURES / "parts", tmp_path / "parts", formats=("docx",),
                       edition="omnibus")
    document = docx.Document(str(built.file("*.docx")))
    parts = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    # The published parts (the third is forthcoming: in no edition).
    assert len(parts) == 2 and all(":" in text for text in parts)
    assert [p for p in document.paragraphs if p.style.name == "Heading 2"]
    captions = [p.text for p in document.paragraphs if p.style.name == "Table Caption"]
    assert captions and captions[0].startswith("Tableau 1.1 – ")  # numbered as in the book
    assert document.tables  # a Word table
    text = "\n".join(p.text for p in document.paragraphs)
    assert "figure 1.1 et tableau 1.1" in text  # cross-references resolved
