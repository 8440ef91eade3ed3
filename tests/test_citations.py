"""Citations through pandoc's citeproc: formatted, linked to one bibliography per edition,
unknown keys and broken files located."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, build_copy, copy_project, epubcheck
from lxml import html
from pypdf import PdfReader

from make_book.core.diagnostics import BookError
from make_book.read.bibliography import file_keys, find_file
from make_book.read.reader import read_book

CITED = FIXTURES / "cited"
WORKS = ["Ashby, W. Ross", "Beer, Stafford", "Maxwell, James Clerk", "Shannon, Claude E.",
         "Wiener, Norbert"]


def _epub_text(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"EPUB/{name}").decode("utf-8")


def _set_book(root: Path, extra: str) -> None:
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + extra, encoding="utf-8")


def test_author_date_citations_link_to_one_bibliography_of_the_works_cited(cited_book):
    epub = cited_book.file("*.epub")
    chapter = _epub_text(epub, "01-governors.xhtml")
    assert "(<a href=\"bibliography.xhtml#ref-maxwell1868\" role=\"doc-biblioref\">Maxwell " \
        "1868, 270</a>)" in chapter
    assert "Wiener (<a href=\"bibliography.xhtml#ref-wiener1948\"" in chapter  # @key says
    assert "(see <a" in chapter and "Shannon 1948</a>)" in chapter  # [see @a; @b]
    assert "@" not in re.sub(r"<[^>]+>", "", chapter)  # no citation left as written
    page = _epub_text(epub, "bibliography.xhtml")
    assert 'epub:type="bibliography"' in page and 'role="doc-bibliography"' in page
    assert 'epub:type="backmatter"' in page
    text = html.fromstring(page.encode()).text_content()
    for work in WORKS:
        assert text.count(work) == 1, work  # each cited work once, both chapters together
    assert "Nobody" not in text  # an entry never cited is not listed
    assert '<a href="https://doi.org/10.1098/rspl.1867.0055">' in page  # a DOI is a link
    assert '<a href="https://example.org/ashby">' in page
    # The web edition links the same way, to its own bibliography page.
    web = (cited_book.dist / "html" / "01-governors.html").read_text(encoding="utf-8")
    assert 'href="bibliography.html#ref-maxwell1868"' in web
    assert (cited_book.dist / "html" / "bibliography.html").is_file()


def test_print_bibliography_comes_after_the_last_chapter(cited_book):
    reader = PdfReader(str(cited_book.dist / "governors-and-feedback.pdf"))
    texts = [page.extract_text() for page in reader.pages]
    last = max(i for i, t in enumerate(texts) if "Information" in t and "Shannon" in t)
    where = [i for i, t in enumerate(texts) if t.lstrip().startswith(("Bibliography",
                                                                      "bibliography"))]
    assert where and where[-1] > last
    listed = "".join(texts[where[-1]:])
    assert all(listed.count(work) == 1 for work in WORKS)


@pytest.mark.epubcheck
def test_cited_book_passes_epubcheck(cited_book):
    assert epubcheck(cited_book.file("*.epub")) == []


def test_note_style_puts_citations_in_footnotes(tmp_path):
    root = copy_project(CITED, tmp_path / "book")
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + 'citation_style = "chicago-note"\n',
                    encoding="utf-8")
    built = build_copy(root, tmp_path / "built", formats=("epub",))
    chapter = _epub_text(built.file("*.epub"), "01-governors.xhtml")
    notes = chapter.split('class="footnotes"')[1]
    assert "<em>On Governors</em> (Royal Society, 1868), 270" in notes
    assert 'epub:type="footnote"' in notes
    # The author's own note keeps its number among the citations' notes.
    assert re.search(r'On <span class="index-term" id="ix-\d+">stability</span>', notes)
    bibliography = _epub_text(built.file("*.epub"), "bibliography.xhtml")
    assert "Maxwell, James Clerk. <em>On Governors</em>. Royal Society, 1868." in bibliography


def test_ieee_numbers_citations(tmp_path):
    root = copy_project(CITED, tmp_path / "book")
    _set_book(root, 'citation_style = "ieee"\n')
    built = build_copy(root, tmp_path / "built", formats=("epub",))
    chapter = _epub_text(built.file("*.epub"), "01-governors.xhtml")
    assert 'role="doc-biblioref">[1, p. 270]</a>' in chapter
    # Numbered through the book, in the order works are first cited: Shannon, third in
    # chapter 1, is [3] in chapter 2 too, where citeproc alone would number it 1.
    second = _epub_text(built.file("*.epub"), "02-information.xhtml")
    assert 'by <span class="citation" data-cites="shannon1948"><a href="bibliography.' \
        'xhtml#ref-shannon1948" role="doc-biblioref">[3]</a>' in second
    listed = _epub_text(built.file("*.epub"), "bibliography.xhtml")
    numbers = re.findall(r'class="csl-left-margin">\[(\d+)\]', listed)
    assert numbers == ["1", "2", "3", "4", "5"]
    assert listed.index("J. C. Maxwell") < listed.index("N. Wiener") < listed.index("C. E. Sh")


def test_citation_locale_follows_the_language(tmp_path):
    root = copy_project(CITED, tmp_path / "book")
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('lang = "en"', 'lang = "fr"'),
                    encoding="utf-8")
    bib = root / "manuscript" / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@book{duo2001,\n  author = {Un, Alain "
                   "and Deux, Berthe},\n  title = {Ensemble},\n  year = {2001}\n}\n",
                   encoding="utf-8")
    chapter = root / "manuscript" / "02-information.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nÀ deux [@duo2001].\n",
                       encoding="utf-8")
    built = build_copy(root, tmp_path / "built", formats=("epub",))
    text = _epub_text(built.file("*.epub"), "02-information.xhtml")
    assert "Un et Deux 2001" in text
    assert "<title>Bibliographie</title>" in _epub_text(built.file("*.epub"),
                                                        "bibliography.xhtml")


def test_each_volume_lists_the_works_it_cites_and_the_omnibus_all(tmp_path):
    root = tmp_path / "series"
    manuscript = root / "manuscript"
    for number, key in ((1, "maxwell1868"), (2, "shannon1948")):
        folder = manuscript / f"0{number}-part"
        folder.mkdir(parents=True)
        (folder / "_part.md").write_text(f"---\ntitle: Part {number}\n---\n", encoding="utf-8")
        term = "[Maxwell]{.index} " if number == 1 else ""
        (folder / "01-ch.md").write_text(f"# Chapter {number}\n\n{term}As said [@{key}].\n",
                                         encoding="utf-8")
    (manuscript / "book.toml").write_text('[book]\ntitle = "Series"\nlang = "en"\n'
                                          'bibliography = "refs.bib"\n[series]\n',
                                          encoding="utf-8")  # a series: volumes and omnibus
    (root / "refs.bib").write_text((CITED / "manuscript" / "references.bib").read_text(
        encoding="utf-8"), encoding="utf-8")  # in the project folder, found there first
    from make_book.build.pipeline import build

    build(root, root / "dist", ("epub",), "all")
    lists = {}
    for epub in sorted((root / "dist").glob("*.epub")):
        lists[epub.stem] = html.fromstring(_epub_text(epub, "bibliography.xhtml").encode()
                                           ).text_content()
    omnibus, one, two = lists["series"], lists["series-1-part"], lists["series-2-part"]
    assert "Maxwell" in omnibus and "Shannon" in omnibus
    assert "Maxwell" in one and "Shannon" not in one
    assert "Shannon" in two and "Maxwell" not in two
    # The index too: a volume without marked terms has none.
    names = {epub.stem: zipfile.ZipFile(epub).namelist()
             for epub in (root / "dist").glob("*.epub")}
    assert "EPUB/book-index.xhtml" in names["series"]
    assert "EPUB/book-index.xhtml" in names["series-1-part"]
    assert "EPUB/book-index.xhtml" not in names["series-2-part"]


def test_a_changed_bibliography_is_converted_again(tmp_path):
    root = copy_project(CITED, tmp_path / "book")
    read_book(root)
    bib = root / "manuscript" / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("{1868}", "{1869}"),
                   encoding="utf-8")
    book, _ = read_book(root)
    assert "Maxwell 1869" in html.tostring(book.chapters()[0].body, encoding="unicode")


def test_bibliography_files_of_every_kind_give_their_keys(tmp_path):
    (tmp_path / "a.json").write_text('[{"id": "one", "type": "book", "title": "A"}]',
                                     encoding="utf-8")
    (tmp_path / "b.yaml").write_text("references:\n- id: two\n  type: book\n",
                                     encoding="utf-8")
    assert file_keys(tmp_path / "a.json") == {"one"}
    assert file_keys(tmp_path / "b.yaml") == {"two"}
    assert file_keys(CITED / "manuscript" / "references.bib") >= {"maxwell1868", "uncited1999"}
    (tmp_path / "c.json").write_text('[{"id": "x",\n  oops}]', encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        file_keys(tmp_path / "c.json")
    assert caught.value.args[0] == 2
    (tmp_path / "manuscript").mkdir()
    (tmp_path / "manuscript" / "d.bib").write_text("", encoding="utf-8")
    assert find_file(tmp_path, "d.bib") == tmp_path / "manuscript" / "d.bib"


def test_unknown_key_and_broken_bib_each_give_one_located_error(tmp_path):
    root = copy_project(CITED, tmp_path / "book")
    chapter = root / "manuscript" / "02-information.md"
    text = chapter.read_text(encoding="utf-8") + "\nAlso [@shanon1948].\n"
    chapter.write_text(text, encoding="utf-8")
    with pytest.raises(BookError) as caught:
        build_copy(root, tmp_path / "b1", formats=("epub",))
    found = [d for d in caught.value.diagnostics if d.code == "E034"]
    assert len(found) == 1 and (found[0].line, found[0].col) == (text.count("\n"), 7)
    assert "did you mean `shannon1948`" in found[0].message
    root = copy_project(CITED, tmp_path / "book2")
    bib = root / "manuscript" / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("{On Governors}", "{On Governors"),
                   encoding="utf-8")
    with pytest.raises(BookError) as caught:
        build_copy(root, tmp_path / "b2", formats=("epub",))
    assert [d.code for d in caught.value.diagnostics] == ["E035"]
    assert caught.value.diagnostics[0].path.name == "references.bib"
    assert caught.value.diagnostics[0].line is not None


def test_a_bibliography_link_that_could_run_code_is_not_a_link(tmp_path):
    root = copy_project(CITED, tmp_path / "book")
    bib = root / "manuscript" / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "https://example.org/ashby", "javascript:alert(1)"), encoding="utf-8")
    built = build_copy(root, tmp_path / "built", formats=("epub",))
    page = _epub_text(built.file("*.epub"), "bibliography.xhtml")
    assert "Ashby" in page and 'href="javascript' not in page


def test_missing_bibliography_and_style_files_are_located(tmp_path):
    root = copy_project(CITED, tmp_path / "book")
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'bibliography = "references.bib"',
        'bibliography = ["references.bib", "more.bib"]\ncsl = "styles/apa.csl"'),
        encoding="utf-8")
    with pytest.raises(BookError) as caught:
        read_book(root)
    found = [(d.code, d.path.name, d.line) for d in caught.value.diagnostics]
    assert found == [("E035", "book.toml", 6), ("E035", "book.toml", 7)]
    assert "`more.bib` not found" in caught.value.diagnostics[0].message


@pytest.mark.epubcheck
def test_note_and_numeric_styles_pass_epubcheck(tmp_path):
    for style in ("chicago-note", "ieee"):
        root = copy_project(CITED, tmp_path / style)
        _set_book(root, f'citation_style = "{style}"\n')
        built = build_copy(root, tmp_path / f"{style}-built", formats=("epub",))
        assert epubcheck(built.file("*.epub")) == [], style
