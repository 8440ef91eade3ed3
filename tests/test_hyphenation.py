"""Hyphenation of the PDFs as a typesetter wants it: no paragraph ending in a hyphenated
word, never three hyphenated lines in a row, no hyphen at the foot of a recto (the word
finished overleaf).

The built series is read back with `pdftotext -bbox-layout` (its lines, their place and
size), independently of the writer's own check of WeasyPrint's boxes, which is tested on
small documents laid out here.
"""

from __future__ import annotations

import collections
import gc
import re
import subprocess
import weakref
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree, html
from weasyprint import HTML

from make_book.writers.hyphen_inline import mended
from make_book.writers.hyphen_lines import Line, defects, page_lines, page_sides
from make_book.writers.hyphenation import KEPT_CSS, Kept, keep_words, own_text
from make_book.writers.settle import settle

EDITIONS = ("intelligence-abondante", "intelligence-abondante-3-quand-l-execution-s-effondre")
XHTML = {"x": "http://www.w3.org/1999/xhtml"}


# -- the built PDFs, read with pdftotext ---------------------------------------------------------

@dataclass(frozen=True)
class PdfLine:
    page: int  # from 1: an odd page of the print PDF is a recto
    y: float
    height: float
    text: str

    @property
    def hyphenated(self) -> bool:
        """Ends with a hyphen after a letter (hard or added), an URL's own hyphen not."""
        words = self.text.split()
        return bool(words) and bool(re.search(r"\w[-‐\u00ad]$", words[-1])) \
            and "/" not in words[-1]


def pdf_pages(pdf: Path) -> list[list[PdfLine]]:
    """Each page's lines, top to bottom."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         check=True).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True, huge_tree=True))
    pages = []
    for number, page in enumerate(root.iterfind(".//x:page", XHTML), 1):
        lines = [PdfLine(number, float(line.get("yMin")),
                         float(line.get("yMax")) - float(line.get("yMin")),
                         " ".join(w.text or "" for w in line.iterfind("x:word", XHTML)))
                 for line in page.iterfind(".//x:line", XHTML)]
        pages.append(sorted(lines, key=lambda line: line.y))
    return pages


def reading(pages: list[list[PdfLine]]) -> tuple[list[PdfLine], dict[int, PdfLine],
                                                 list[list[PdfLine]]]:
    """The text's lines in reading order across pages (running heads and folios, outside
    the text's frame, and footnotes, below its lowest line, left out), each page's foot
    (its lowest line of body size) and each page's footnotes."""
    size = collections.Counter(round(line.height, 1) for page in pages for line in page
                               ).most_common(1)[0][0]  # the body's line
    body = [line for page in pages for line in page if abs(line.height - size) < 0.5]
    top, bottom = min(line.y for line in body) - 1, max(line.y + line.height for line in body) + 1
    text: list[PdfLine] = []
    feet: dict[int, PdfLine] = {}
    notes: list[list[PdfLine]] = []
    for page in pages:
        frame = [line for line in page if line.y >= top and line.y + line.height <= bottom]
        main = [line for line in frame if abs(line.height - size) < 0.5]
        if not main:
            text += frame
            continue
        feet[main[-1].page] = main[-1]
        text += [line for line in frame if line.y <= main[-1].y]
        notes.append([line for line in frame if line.y > main[-1].y])
    return text, feet, notes


def faults(pdf: Path) -> dict[str, list[str]]:
    """The hyphenated lines of a PDF a typesetter would mend, by kind, as « page: line »."""
    text, feet, notes = reading(pdf_pages(pdf))
    found: dict[str, list[str]] = {"last": [], "run": [], "recto": []}
    for flow in [text, *notes]:
        for i, line in enumerate(flow):
            if not line.hyphenated:
                continue
            # In justified text, a line of one word is a paragraph's last.
            if i + 1 < len(flow) and len(flow[i + 1].text.split()) == 1:
                found["last"].append(f"{line.page}: {line.text} / {flow[i + 1].text}")
            if i >= 2 and flow[i - 1].hyphenated and flow[i - 2].hyphenated:
                found["run"].append(f"{line.page}: {line.text}")
    for page, foot in feet.items():
        if foot.hyphenated and page % 2:
            found["recto"].append(f"{page}: {foot.text}")
    return found


@pytest.fixture(scope="module", params=EDITIONS)
def series_faults(series, request) -> tuple[dict[str, list[str]], int]:
    pdf = series.file(f"{request.param}.pdf")
    text, _feet, _notes = reading(pdf_pages(pdf))
    return faults(pdf), sum(line.hyphenated for line in text)


def test_no_paragraph_ends_in_a_hyphenated_word(series_faults):
    assert series_faults[0]["last"] == []


def test_never_three_hyphenated_lines_in_a_row(series_faults):
    assert series_faults[0]["run"] == []


def test_no_hyphen_at_the_foot_of_a_recto(series_faults):
    assert series_faults[0]["recto"] == []


def test_the_text_is_still_hyphenated(series_faults):
    """The rules constrain hyphenation, they do not turn it off."""
    assert series_faults[1] > 50


def test_screen_pdf_has_the_same_lines(series):
    """The screen edition is drawn from the print layout: the same text, line for line."""
    for stem in EDITIONS:
        printed, screen = (reading(pdf_pages(series.file(f"{stem}{s}.pdf")))[0]
                           for s in ("", "-screen"))
        assert [line.text for line in printed if line.hyphenated] == \
            [line.text for line in screen if line.hyphenated]


# -- the writer's check of WeasyPrint's boxes ----------------------------------------------------

PAGE = """<!DOCTYPE html><html lang="fr"><head><style>
@page {{ size: {width}mm 120mm; margin: 5mm; @bottom-center {{ content: "Pied-de-page-" }} }}
html {{ font-size: 10pt; line-height: 13pt; }}
p {{ hyphens: auto; text-align: justify; hyphenate-limit-chars: 6 3 3; margin: 0; widows: 1;
  orphans: 1; }}
.footnote {{ float: footnote; hyphens: auto; }}
{kept}</style></head><body>{body}</body></html>"""

LONG = ("La révolution internationale des communications transforme profondément "
        "l’organisation du travail intellectuel contemporain et l’administration.")


def laid(body: str, width: int = 45, kept: frozenset[Kept] | None = frozenset(),
         page: str | None = None):
    """A small French page laid out by WeasyPrint; through keep_words unless kept is None
    (then its paragraphs are numbered by hand)."""
    source = (page or PAGE).format(width=width, body=body, kept=KEPT_CSS)
    if kept is not None:
        source = keep_words(source, kept)
    return HTML(string=source).render()


def test_lines_say_how_they_end():
    lines = page_lines(laid(f"<p>{LONG}</p><p>Un produit nommé make-book et un autre "
                            "make-book et encore make-book pour finir.</p>", 28))
    auto = [line for line in lines if line.hyphen == "auto"]
    assert auto and all("‐" not in line.text for line in auto)  # the hyphen added is cut
    assert any(line.hyphen == "hard" and line.text.rstrip().endswith("make-") for line in lines)
    # Numbered within their section: here each paragraph is a child of the body.
    assert {line.block for line in lines} == {"s0.0", "s1.0"}
    assert "Pied" not in " ".join(line.text for line in lines)  # a margin box is no line


def test_the_foot_is_the_lowest_line_of_text_not_a_note():
    lines = page_lines(laid(f'<p>Un appel<span class="footnote">{LONG}</span> ici. {LONG} '
                            f"{LONG} {LONG} {LONG} {LONG}</p>"))
    feet = [line for line in lines if line.foot]
    assert len(feet) == len({line.page for line in lines})
    for foot in feet:
        on_page = [line for line in lines if line.page == foot.page and line.block == "s0.0"]
        assert foot is on_page[-1]


def test_a_paragraphs_last_word_is_found_broken_and_then_kept_whole():
    # Numbered as keep_words would, no word kept: the line before the last is hyphenated.
    before = defects(page_lines(laid(f'<p data-p="0">{LONG}</p>', 55, None)), ["right"])
    assert [(d.kind, d.word) for d in before] == [("last", "l’administration")]
    after = laid(f"<p>{LONG}</p>", 55)
    assert defects(page_lines(after), ["right"]) == []
    assert "l’administration." in page_lines(after)[-1].text


BOLD_END = ("L’inversion est brutale et complète\xa0: <strong>le travail «\u202fqualifié\u202f» "
            "devient automatisé, tandis que le travail «\u202fnon qualifié\u202f» devient "
            "irremplaçable.</strong>")


# A taller page in larger type than PAGE: where WeasyPrint's way with a span showed.
TALL = PAGE.replace("120mm; margin: 5mm", "200mm; margin: 10mm").replace(
    "font-size: 10pt; line-height: 13pt", "font-size: 10.5pt")


@pytest.mark.parametrize("body", [f'<p data-p="0">{BOLD_END}</p>',
                                  f'<p data-p="0">{LONG[:-17]} irremplaçable.</p>'])
def test_keeping_the_last_word_whole_changes_only_the_last_lines(body):
    """Only the line the last word would have been broken on, and the last, may change: an
    unbreakable span made WeasyPrint strand a word before it on a line of its own."""
    def texts(document) -> list[str]:
        return [line.text.strip() for line in page_lines(document)]

    for width in range(60, 112, 2):
        plain, kept = texts(laid(body, width, None, TALL)), texts(laid(body, width, page=TALL))
        if plain[-1].endswith("irremplaçable."):
            assert kept == plain, width
        else:  # « devient irrempla‐ / çable. »: the word goes down whole, nothing else moves
            assert kept == [*plain[:-2], plain[-2].rsplit(" ", 1)[0], "irremplaçable."], width


def line(text: str, hyphen: str = "", block: str | None = "0", page: int = 0,
         foot: bool = False) -> Line:
    return Line(page, block, text, hyphen, foot)


def test_a_third_hyphenated_line_in_a_row_is_a_defect_a_second_not():
    lines = [line("un deux trois qua", "auto"), line("tre cinq six sep", "auto"),
             line("t huit neuf dix on", "auto"), line("ze douze treize"),
             line("a b c inter", "auto"), line("national d e", "auto"), line("f g h.")]
    found = defects(lines, ["right"])
    assert [(d.kind, d.word, d.line.text) for d in found] == [("run", "onze", lines[2].text)]


def test_a_run_continues_over_a_page_turn_and_a_footnote_between():
    lines = [line("a b abon", "auto"), line("dance c d er", "auto", foot=True),
             line("une note", block="9"), line("rance e f bal", "auto", page=1),
             line("lon g h i.", page=1)]
    found = defects(lines, ["left", "right"])
    assert [(d.kind, d.word) for d in found] == [("verso", "errance"), ("run", "ballon")]


def test_a_hyphen_at_the_foot_of_a_recto_is_a_defect_of_a_verso_tolerated():
    for side, kind in (("right", "recto"), ("left", "verso")):
        found = defects([line("a b straté", "auto", foot=True), line("gique c d.", page=1)],
                        [side, "left"])
        assert [(d.kind, d.word) for d in found] == [(kind, "stratégique")]
        assert kind in ("recto", "verso")


def test_the_broken_word_is_counted_among_its_repeats_in_the_paragraph():
    lines = [line("l’information et l’infor", "auto"), line("mation, puis l’informa", "auto"),
             line("tion ici et encore d’autres mots"), line("avec l’information.")]
    run_or_not = defects(lines + [line("a b straté", "auto", foot=True, block="1"),
                                  line("gique.", block="1")], ["right"])
    found = {(d.kind, d.word, d.occurrence) for d in run_or_not}
    assert ("recto", "stratégique", 0) in found and ("last", "stratégique", 0) in found
    from make_book.writers.hyphen_lines import broken_word
    assert broken_word(lines, 1, 2, [0, 1, 2, 3]) == ("l’information", 2)


# -- mended as the pages are made ----------------------------------------------------------------

NOTE = ('<span class="footnote">Une note assez longue pour tenir deux lignes au moins ici '
        "même.</span>")
NOTED = "".join(f"<p>{LONG} {LONG}{NOTE if i % 2 else ''} {LONG} {LONG}</p>" for i in range(4))


def read_by_block(document) -> dict[str | None, str]:
    """Each paragraph's words as they read, its broken words joined."""
    out: dict[str | None, str] = collections.defaultdict(str)
    for line in page_lines(document):
        out[line.block] += line.text.rstrip() + ("" if line.hyphen else " ")
    return {block: " ".join(text.split()) for block, text in out.items()}


@pytest.mark.parametrize("width", [42, 46, 52, 55])
def test_runs_and_rectos_are_mended_as_the_pages_are_made(width):
    """Laid out once, with nothing for a second layout to mend: no third hyphenated line in
    a row and no hyphen at the foot of a recto, the same words and footnotes, and the
    text still hyphenated."""
    plain = laid(NOTED, width)
    before = {d.kind for d in defects(page_lines(plain), page_sides(plain))}
    assert {"run", "recto"} <= before, "the pages do not provoke both defects"
    with mended() as mending:
        document = laid(NOTED, width)
    found = defects(page_lines(document), page_sides(document))
    assert not [d for d in found if d.kind in ("run", "recto", "last")], found
    assert mending.pages_remade >= 1
    assert read_by_block(document) == read_by_block(plain)
    # Both footnotes there once, whole, though pages were made again around them.
    assert [text.count("Une note") for text in read_by_block(document).values()].count(1) == 2
    assert any(line.hyphen == "auto" for line in page_lines(document))


def test_mending_is_undone_after_the_layout():
    from weasyprint.layout import inline, page

    originals = (inline.get_next_linebox, inline.split_first_line, page.remake_page)
    with mended():
        assert inline.get_next_linebox is not originals[0]
    assert (inline.get_next_linebox, inline.split_first_line, page.remake_page) == originals
    plain = laid(NOTED, 46)
    assert {"run", "recto"} <= {d.kind for d in defects(page_lines(plain), page_sides(plain))}


# -- the PDF source ------------------------------------------------------------------------------

def test_keep_words_keeps_the_text_and_wraps_the_last_words():
    source = ('<!DOCTYPE html><html><body><p>Un mot <em>pre</em>mium.</p>'
              '<p>Voir <a class="url" href="https://x.org">https://x.org/a-b</a></p>'
              '<p>La note<span class="footnote">Une note finale.</span> dit le produit '
              'make-book.</p></body></html>')
    out = html.document_fromstring(keep_words(source))
    before = html.document_fromstring(source)
    # A word joiner after a hard hyphen, which `hyphens: manual` would let end a line.
    assert out.body.text_content() == before.body.text_content().replace("make-", "make-\u2060")
    kept = [span.text for span in out.find_class("kept-word")]
    # With the space before: WeasyPrint breaks the line there, inside the span.
    assert kept == ["pre", "mium.", " finale.", " make-\u2060book."]  # the URL left free
    assert [p.get("data-p") for p in out.iter("p")] == ["s0.0", "s1.0", "s2.0"]
    assert own_text(out.find(".//p[@data-p='s2.0']")) == "La note dit le produit make-\u2060book."


def test_keep_words_wraps_the_occurrence_asked_for():
    source = "<html><body><p>un test, deux tests, un test encore et la fin.</p></body></html>"
    out = html.document_fromstring(keep_words(source, frozenset({Kept("s0.0", "test", 1)})))
    p = out.find(".//p")
    assert [s.text for s in p.find_class("kept-word")] == [" test", " fin."]
    assert html.tostring(p, encoding="unicode").count("un test") == 1  # the first left free


def test_settle_mends_what_it_finds_and_stops():
    calls: list[frozenset[Kept]] = []
    body = f"<p>{LONG} {LONG} {LONG} {LONG}</p>"

    def layout(pages, kept):
        calls.append(kept)
        return laid(body, 46, kept)

    first = laid(body, 46)
    found = defects(page_lines(first), page_sides(first))
    assert any(d.kind == "run" for d in found), "the page does not provoke a run"
    document, left = settle([first], layout, None)
    assert left == [] and 1 <= len(calls) <= 3
    assert not [d for d in defects(page_lines(document), page_sides(document))
                if d.kind in ("run", "last", "recto")]


def test_settle_gives_the_index_its_pages_in_the_same_layout_as_the_fixes():
    """A book with an index and defects: one more layout mends both, the index's page
    numbers taken from the layout before (the text before the index does not move them)."""
    calls: list[tuple[object, frozenset[Kept]]] = []
    body = f"<p>{LONG} {LONG} {LONG} {LONG}</p>"

    def layout(pages, kept):
        calls.append((pages, kept))
        return laid(body, 46, kept)

    document, left = settle([laid(body, 46)], layout,
                            lambda laid_out: {"x": len(laid_out.pages)})
    assert calls[0][0] == {"x": len(document.pages)} and calls[0][1]
    assert left == [] and len(calls) <= 3


def test_settle_frees_each_layout_before_it_makes_the_next():
    """A long book's layout holds hundreds of megabytes: none is alive when the next is made."""
    refs: list[weakref.ref] = []
    alive: list[list[bool]] = []
    body = f"<p>{LONG} {LONG} {LONG} {LONG}</p>"

    def layout(pages, kept):
        gc.collect()
        alive.append([ref() is not None for ref in refs])
        made = laid(body, 46, kept)
        refs.append(weakref.ref(made))
        return made

    first = laid(body, 46)
    refs.append(weakref.ref(first))
    given = [first]
    del first
    document, _ = settle(given, layout, None)
    assert alive, "the page does not provoke a second layout"
    assert not any(any(layouts) for layouts in alive), alive
    assert refs[-1]() is document


def test_a_book_without_defects_nor_index_is_laid_out_once():
    calls = []
    first = laid(f"<p>{LONG}</p>", 60)
    assert settle([first], lambda *args: calls.append(args), None) == (first, [])
    assert calls == []


def test_what_is_left_is_said_page_by_page():
    from make_book.writers.hyphen_lines import Defect
    from make_book.writers.settle import left_note
    left = [Defect("recto", line("a b straté", "auto", page=2, foot=True), "stratégique", 0)]
    assert left_note([], ["1"]) is None
    assert left_note(left, ["i", "1", "2"]) == \
        "hyphenation left as laid out: p. 2 « stratégique » (the foot of a recto)"


def test_paragraphs_are_numbered_within_their_section():
    """A paragraph's number does not move when an earlier chapter gains one: the pieces of
    the PDF that follow keep their HTML, so their layout."""
    chapters = ('<section id="c1"><p>Un.</p>{extra}</section>'
                '<section id="c2"><p>Deux.</p><p>Trois.</p></section>')
    numbered = [html.document_fromstring(keep_words(
        f"<html><body>{chapters.format(extra=extra)}</body></html>"))
        for extra in ("", "<p>Ajouté.</p>")]
    assert [[p.get("data-p") for p in doc.iter("p")] for doc in numbered] == [
        ["c1.0", "c2.0", "c2.1"], ["c1.0", "c1.1", "c2.0", "c2.1"]]
