"""French typography holds in every edition: no line can break before « ; : ! ? » » or after
« «, and the author's straight quotes became guillemets everywhere."""

from __future__ import annotations

import zipfile

from lxml import etree, html
from pypdf import PdfReader

from make_book.transforms.typography import breakable_before_punctuation


def _context(text: str, offsets: list[int]) -> list[str]:
    return [repr(text[max(0, i - 15): i + 15]) for i in offsets[:5]]


def test_epub_text_has_no_breakable_space_before_punctuation(series):
    for path in series.dist.glob("*.epub"):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if not name.endswith(".xhtml"):
                    continue
                root = etree.fromstring(z.read(name))
                for block in root.iter("{http://www.w3.org/1999/xhtml}p",
                                       "{http://www.w3.org/1999/xhtml}li",
                                       "{http://www.w3.org/1999/xhtml}h1",
                                       "{http://www.w3.org/1999/xhtml}h2"):
                    text = "".join(block.itertext())
                    bad = breakable_before_punctuation(text, "fr")
                    assert not bad, (path.name, name, _context(text, bad))
                    assert '"' not in text, (name, text[:80])


def test_web_text_has_no_breakable_space_before_punctuation(series):
    pages = sorted((series.dist / "html").glob("*.html"))
    assert pages
    for page in pages:
        root = html.parse(str(page)).getroot()
        main = root.find(".//main")
        if main is None:
            continue
        for block in main.iter("p", "li", "h1", "h2"):
            text = block.text_content()
            bad = breakable_before_punctuation(text, "fr")
            assert not bad, (page.name, _context(text, bad))


def test_pdf_text_has_no_breakable_space_before_punctuation(series):
    reader = PdfReader(series.file("intelligence-abondante.pdf"))
    checked = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        # A line end is where the PDF broke a line: never allowed before those marks.
        for line_end in [i for i, c in enumerate(text) if c == "\n"]:
            following = text[line_end + 1: line_end + 2]
            assert following not in (";", ":", "!", "?", "»"), _context(text, [line_end])
            assert text[max(0, line_end - 1): line_end] != "«", _context(text, [line_end])
            checked += 1
    assert checked > 500, "the PDF text should have been read line by line"
