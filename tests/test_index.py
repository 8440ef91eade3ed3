"""The index: marked terms, sorted by the book's language, with the print PDF's page
numbers, and linked to their places in the EPUB and the web edition."""

from __future__ import annotations

import re
import zipfile

from lxml import etree, html
from pypdf import PdfReader

# Each entry of the fixture's index, and words printed at each of its places.
PRINTED = {"Ångström": "Ångström", "Émile": "Émile", "negative": "Feedback",
           "governor, centrifugal": "governor", "loops": "loop", "Maxwell": "Maxwell",
           "noise": "noise", "stability": "stability", "zeta": "zeta", "feedback": "Feedback",
           "in titles": "Loops"}  # a term of a chapter title


def _pages(built) -> list[str]:
    reader = PdfReader(str(built.dist / "governors-and-feedback.pdf"))
    return [page.extract_text() for page in reader.pages]


def _index_lines(pages: list[str]) -> list[str]:
    start = max(i for i, text in enumerate(pages) if text.lstrip().startswith("Index"))
    return [line.strip() for text in pages[start:] for line in text.splitlines()][1:]


def test_print_index_gives_the_page_each_term_is_printed_on(cited_book):
    pages = _pages(cited_book)
    # A locator is the folio printed on the page (roman front matter, 1 at the text).
    labels = PdfReader(str(cited_book.dist / "governors-and-feedback.pdf")).page_labels
    lines = _index_lines(pages)
    checked = 0
    for line in lines:
        match = re.match(r"^(.+?) ((?:\d+(?:–\d+)?)(?:, \d+(?:–\d+)?)*)(?:;.*)?$", line)
        if not match or match.group(1) not in PRINTED:
            continue
        word = PRINTED[match.group(1)]
        for locator in match.group(2).split(", "):
            first, _, last = locator.partition("–")
            for number in range(int(first), int(last or first) + 1):
                assert word in pages[labels.index(str(number))], (line, number)
                checked += 1
    assert checked >= 12, lines
    assert any(re.fullmatch(r"loops (\d+)–(\d+)", line) for line in lines)  # a range
    maxwell = next(line for line in lines if line.startswith("Maxwell "))
    # Three places (chapter 1's text and caption, chapter 2): each page named once, in
    # order, as « 1, 3 » or, when the caption turns the page, the range « 1–3 ».
    listed = []
    for locator in maxwell.removeprefix("Maxwell ").split(", "):
        first, _, last = locator.partition("–")
        listed += range(int(first), int(last or first) + 1)
    assert 2 <= len(listed) <= 3 and listed == sorted(set(listed)), maxwell
    assert any(re.fullmatch(r"in titles \d+", line) for line in lines)  # a title's term


def test_print_index_is_sorted_by_collation_with_letter_groups(cited_book):
    lines = _index_lines(_pages(cited_book))
    letters = [line for line in lines if re.fullmatch(r"[A-Z]", line)]
    assert letters == ["A", "E", "F", "G", "L", "M", "N", "S", "Z"]
    emile = next(i for i, line in enumerate(lines) if line.startswith("Émile "))
    angstrom = next(i for i, line in enumerate(lines) if line.startswith("Ångström "))
    assert lines.index("E") < emile < lines.index("F")  # « Émile » sorts with E
    assert angstrom < lines.index("E")
    assert any(line.startswith("flyball see governor, centrifugal") for line in lines)
    assert any(re.fullmatch(r"feedback \d+; see also stability", line) for line in lines)


def test_epub_index_uses_the_indexes_vocabulary_and_links_every_place(cited_book):
    with zipfile.ZipFile(cited_book.file("*.epub")) as archive:
        index = archive.read("EPUB/book-index.xhtml").decode("utf-8")
        files = {n[5:]: archive.read(n) for n in archive.namelist() if n.endswith(".xhtml")}
    assert 'epub:type="index"' in index and 'role="doc-index"' in index
    nav = files["nav.xhtml"].decode("utf-8")
    assert '<a epub:type="index" href="book-index.xhtml">Index</a>' in nav  # landmarks
    assert '<a epub:type="bibliography" href="bibliography.xhtml">Bibliography</a>' in nav
    for kind in ("index-entry-list", "index-entry", "index-term", "index-locator",
                 "index-xref-preferred", "index-xref-related"):
        assert f'epub:type="{kind}"' in index, kind
    tree = etree.fromstring(index.encode())
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    links = tree.xpath("//x:a[@class='index-locator']", namespaces=ns)
    assert len(links) >= 10
    for link in links:
        name, _, anchor = link.get("href").partition("#")
        assert f'id="{anchor}"'.encode() in files[name], link.get("href")
    # A term in a footnote, one in a caption, one in a heading: each is linked.
    assert b'id="ix-5"' in files["01-governors.xhtml"].split(b'class="footnotes"')[1]
    assert re.search(rb"<figcaption>.*?id=\"ix-3\"", files["01-governors.xhtml"], re.S)
    assert re.search(rb"<h2[^>]*>Signals and <span[^>]*id=\"ix-", files["02-information.xhtml"])


def test_web_index_page_links_to_the_places(cited_book):
    site = cited_book.dist / "html"
    page = html.fromstring((site / "book-index.html").read_bytes())
    links = page.xpath("//a[contains(@class, 'index-locator')]")
    assert len(links) >= 10
    for link in links:
        name, _, anchor = link.get("href").partition("#")
        target = html.fromstring((site / name).read_bytes())
        assert target.get_element_by_id(anchor, None) is not None, link.get("href")
    # The web edition shows a note twice (beside its call, and at the end): its entry
    # links to the note itself, which has one id.
    stability = [a for a in links if "fn" in a.get("href")]
    assert stability
