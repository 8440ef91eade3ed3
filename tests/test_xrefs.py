"""Cross-references: numbered within each part, the same in every edition, linked, with the
page in print; series links become internal links in the omnibus."""

from __future__ import annotations

import re
import zipfile

from lxml import etree, html
from pypdf import PdfReader

XHTML = "{http://www.w3.org/1999/xhtml}"


def _epub_refs(path, name):
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read(f"EPUB/{name}"))
    return [(a.text, a.get("href")) for a in root.iter(f"{XHTML}a") if a.get("class") == "xref"]


def test_references_read_and_link_the_same_in_epub_and_web(parts_book):
    epub = _epub_refs(parts_book.file("essais-en-trois-parties.epub"), "01-01-premier.xhtml")
    assert [text for text, _ in epub] == ["figure 1.1", "figure 1.1", "tableau 1.1"]
    assert epub[2][1] == "01-01-premier.xhtml#tbl-chiffres"
    page = html.parse(str(parts_book.dist / "html" / "01-01-premier.html")).getroot()
    web = [a.text for a in page.find_class("xref")]
    assert web == ["figure 1.1", "figure 1.1", "tableau 1.1"]
    later = _epub_refs(parts_book.file("essais-en-trois-parties.epub"), "02-01-second.xhtml")
    assert later == [("figure 1.1", "01-01-premier.xhtml#fig-disque")]


def test_print_references_carry_their_page(parts_book):
    reader = PdfReader(parts_book.file("essais-en-trois-parties.pdf"))
    text = " ".join(p.extract_text() for p in reader.pages)
    text = re.sub(r"\s+", " ", text)
    match = re.search(r"figure 1\.1, p\.\s?(\d+) et tableau 1\.1, p\.\s?(\d+)", text)
    assert match, "references in print read « figure 1.1, p. N »"
    # « p. N » is the folio printed on that page: the PDF's page labels say which page.
    figure_page = reader.page_labels.index(match.group(1))
    assert "Figure 1.1" in reader.pages[figure_page].extract_text()
    table_page = reader.page_labels.index(match.group(2))
    assert "Tableau 1.1" in reader.pages[table_page].extract_text()


def test_captions_are_numbered(parts_book):
    with zipfile.ZipFile(parts_book.file("essais-en-trois-parties.epub")) as z:
        root = etree.fromstring(z.read("EPUB/01-01-premier.xhtml"))
    labels = [s.text for s in root.iter(f"{XHTML}span") if s.get("class") == "caption-label"]
    assert labels == ["Figure 1.1", "Tableau 1.1"]


def test_series_links_are_internal_in_the_omnibus_and_canonical_in_a_volume(parts_book):
    with zipfile.ZipFile(parts_book.file("essais-en-trois-parties.epub")) as z:
        root = etree.fromstring(z.read("EPUB/02-01-second.xhtml"))
    hrefs = [a.get("href") for a in root.iter(f"{XHTML}a")]
    assert "01-debut.xhtml" in hrefs  # a published part: its title page in the book
    assert "https://example.org/plus-tard" in hrefs  # a forthcoming part: in no edition
    with zipfile.ZipFile(parts_book.file("essais-en-trois-parties-2-suite.epub")) as z:
        root = etree.fromstring(z.read("EPUB/02-01-second.xhtml"))
    hrefs = [a.get("href") for a in root.iter(f"{XHTML}a")]
    assert "https://example.org/debut" in hrefs
    assert "https://example.org/plus-tard" in hrefs


def test_repeated_headings_get_unique_ids(mini_book):
    with zipfile.ZipFile(mini_book.file("*.epub")) as z:
        first = etree.fromstring(z.read("EPUB/01-first.xhtml"))
        second = etree.fromstring(z.read("EPUB/02-second.xhtml"))
    ids = [h.get("id") for root in (first, second) for h in root.iter(f"{XHTML}h2")]
    assert ids == ["introduction", "introduction-2", "sec-later"]


def test_links_inside_footnotes_resolve(mini_book):
    with zipfile.ZipFile(mini_book.file("*.epub")) as z:
        root = etree.fromstring(z.read("EPUB/01-first.xhtml"))
    notes = [a for a in root.iter(f"{XHTML}aside")]
    hrefs = [a.get("href") for note in notes for a in note.iter(f"{XHTML}a")]
    assert "02-second.xhtml#sec-later" in hrefs
