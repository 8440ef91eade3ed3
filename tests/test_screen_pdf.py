"""The screen PDF as a reader gets it: tagged for screen readers (PDF/UA-1), its pages'
margins equal, its page labels the print folios."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from pdf_words import MM, words
from pypdf import PdfReader

VOLUME = "intelligence-abondante-3-quand-l-execution-s-effondre"
TITLE = "Quand l’exécution s’effondre"


@pytest.fixture(scope="module")
def screen(series) -> Path:
    return series.file(f"{VOLUME}-screen.pdf")


@pytest.fixture(scope="module")
def printed(series) -> Path:
    return series.file(f"{VOLUME}.pdf")


def test_screen_pdf_is_tagged_pdf_ua(screen: Path) -> None:
    with pikepdf.open(screen) as pdf:
        root = pdf.Root
        assert bool(root.MarkInfo.Marked)
        assert "/ParentTree" in root.StructTreeRoot
        assert str(root.Lang) == "fr"
        assert bool(root.ViewerPreferences.DisplayDocTitle)
        assert str(pdf.docinfo.Author) == "A 42 Journey"
        with pdf.open_metadata() as xmp:
            assert xmp["pdfuaid:part"] == "1"
            assert xmp["dc:title"] == TITLE


def _structure(element: object, found: list[pikepdf.Dictionary]) -> None:
    if isinstance(element, pikepdf.Dictionary) and element.get("/Type") == "/StructElem":
        found.append(element)
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            _structure(kid, found)


def test_every_figure_has_its_alternative_text(screen: Path) -> None:
    """The cover and the five figures are /Figure elements with their text; the part's hero
    art is decoration, drawn as an artifact, not a figure without one."""
    with pikepdf.open(screen) as pdf:
        elements: list[pikepdf.Dictionary] = []
        for kid in pdf.Root.StructTreeRoot.K:
            _structure(kid, elements)
        figures = [str(e.get("/Alt", "")) for e in elements if e.S == "/Figure"]
        assert {str(e.S) for e in elements} >= {"/H1", "/H2", "/P", "/Link", "/L"}
    assert figures[0] == "Couverture"
    assert len(figures) == 6 and all(alt.startswith("Illustration") for alt in figures[1:])


SHOWS = {"Tj", "TJ", "'", '"', "Do", "sh", "BI"}


def test_every_page_content_is_marked(screen: Path) -> None:
    """Each text run and picture is inside marked content (a structure element's MCID or an
    artifact), and every page is in the structure tree's ParentTree."""
    with pikepdf.open(screen) as pdf:
        parents = len(pdf.Root.StructTreeRoot.ParentTree.Nums) // 2
        for number, page in enumerate(pdf.pages):
            assert int(page.StructParents) == number < parents
            depth, shown = 0, 0
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if name in ("BDC", "BMC"):
                    depth += 1
                elif name == "EMC":
                    depth -= 1
                elif name in SHOWS:
                    shown += 1
                    assert depth > 0, f"page {number + 1}: {name} {operands} outside marked content"
            assert shown, f"page {number + 1} shows nothing"


def _text_edges(page: list, width: float) -> tuple[float, float] | None:
    """The left and right margins of a text page's body (the running head and the folio
    left out), or None for a page without a running head or with little text."""
    head = [w for w in page if w.y_max < 17 * MM]
    body = [w for w in page if 25 * MM < w.y_min and w.y_max < 210 * MM - 25 * MM]
    if not head or len(body) < 80:
        return None
    return min(w.x_min for w in body), width - max(w.x_max for w in body)


def test_screen_margins_are_equal_print_margins_mirrored(screen: Path, printed: Path) -> None:
    """On screen each text page's left and right margins are equal; in print they still
    differ by the gutter (larger inside, on the right of a verso)."""
    screen_reader = PdfReader(screen)
    width = float(screen_reader.pages[1].mediabox.width)
    edges = [e for e in (_text_edges(page, width) for page in words(screen)) if e]
    assert len(edges) >= 12
    for left, right in edges:
        assert abs(left - right) < 1.0, (left, right)
    print_reader = PdfReader(printed)
    print_width = float(print_reader.pages[10].mediabox.width)
    mirrored = [e for e in (_text_edges(page, print_width) for page in words(printed)) if e]
    assert len(mirrored) >= 12 and all(abs(left - right) > 10 for left, right in mirrored)


FOLIO = re.compile(r"^\d+$")


def test_screen_page_labels_are_the_print_folios(screen: Path) -> None:
    """A viewer's « page 15 » is the page whose folio reads 15."""
    labels = PdfReader(screen).page_labels
    checked = 0
    for index, page in enumerate(words(screen)):
        folio = [w.text for w in page if w.y_min > 210 * MM - 22 * MM and FOLIO.match(w.text)]
        if folio:
            assert labels[index] == folio[0], (index, labels[index], folio)
            checked += 1
    assert checked >= 20 and labels[0] == "Couverture"
