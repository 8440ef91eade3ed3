"""The print PDF's vertical rhythm: its text on a 14 pt baseline grid, facing pages ending
level, and the table of contents' page numbers in one column."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from pdf_words import MM, Line, baselines, words
from pypdf import PdfReader

VOLUME = "intelligence-abondante-3-quand-l-execution-s-effondre"
LINE = 14.0
TEXT_SIZE = 10.5
# pdf.css's page: 17 mm at the head, 22 mm at the foot, 16 mm outside; A5.
HEAD, FOOT, OUTSIDE, HEIGHT = 17 * MM, 22 * MM, 16 * MM, 210 * MM


@pytest.fixture(scope="module")
def printed(series) -> Path:
    return series.file(f"{VOLUME}.pdf")


def _pages(pdf: Path) -> list[tuple[bool, list[Line]]]:
    """Each page: whether it has a running head (a text page, not an opening), and its body
    text's lines (the head and the folio left out)."""
    reader = PdfReader(pdf)
    pages = []
    for index in range(len(reader.pages)):
        lines = baselines(reader, index)
        body = [line for line in lines if HEAD < line.baseline < HEIGHT - FOOT + 2]
        pages.append((any(line.baseline < HEAD for line in lines), body))
    return pages


def test_body_text_sits_on_one_baseline_grid(printed: Path) -> None:
    """Every line of the text, on every page, is a whole number of 14 pt lines below the
    page's first: headings, figures with their captions, breaks and lists take whole
    lines."""
    residues: Counter[float] = Counter()
    for _head, body in _pages(printed)[8:]:  # the text, from the part's introduction
        residues.update(round(line.baseline % LINE, 1) for line in body
                        if line.size == TEXT_SIZE)
    assert sum(residues.values()) > 500
    main, count = residues.most_common(1)[0]
    off = {r: n for r, n in residues.items() if min(abs(r - main), LINE - abs(r - main)) > 0.2}
    assert not off, f"lines off the grid (baseline mod 14 pt = {main} for {count} lines): {off}"


def test_facing_pages_end_level(printed: Path) -> None:
    """On every spread of two text pages where neither ends a chapter (the page after the
    recto continues it), the verso's and the recto's last lines are within one line."""
    pages = _pages(printed)
    spreads = []
    for verso in range(1, len(pages) - 2, 2):  # index 1 is page 2, a verso
        (verso_head, verso_body), (recto_head, recto_body) = pages[verso], pages[verso + 1]
        continues = pages[verso + 2][0]
        if verso_head and recto_head and continues and verso_body and recto_body:
            depth = (max(line.baseline for line in verso_body),
                     max(line.baseline for line in recto_body))
            spreads.append((verso + 1, verso + 2, *depth))
    assert len(spreads) >= 2
    for verso, recto, left, right in spreads:
        assert abs(left - right) <= LINE + 0.01, f"pp. {verso}–{recto}: {left} / {right}"


def test_part_introduction_fills_its_first_page(printed: Path) -> None:
    """The paragraph after « L’exécution… n’est plus rare. » stays on that page: a section
    break kept to the paragraph before it dragged that paragraph over and left the foot of
    the page empty."""
    reader = PdfReader(printed)
    texts = [" ".join(line.text for line in baselines(reader, i)) for i in range(12)]
    page = next(i for i, text in enumerate(texts) if "n’est plus rare" in text)
    assert "Et quand une ressource fondamentale" in texts[page]


def _toc_lines(pdf: Path) -> dict[float, list]:
    """The table of contents' words, by line (their top)."""
    page = next(p for p in words(pdf) if any(w.text == "matières" for w in p))
    lines: dict[float, list] = {}
    for word in page:
        lines.setdefault(round(word.y_min, 1), []).append(word)
    return lines


def test_toc_page_numbers_align_and_leaders_match(printed: Path) -> None:
    """Part lines (letter-spaced small caps) and chapter lines end their page numbers at
    one right edge, the text block's, with dot leaders of one spacing."""
    trim_right = float(PdfReader(printed).pages[4].trimbox.right)
    bleed = float(PdfReader(printed).pages[4].trimbox.left) - float(
        PdfReader(printed).pages[4].mediabox.left)
    right_edge = bleed + trim_right - OUTSIDE  # the TOC is on a recto: outside on the right
    numbers, pitches = [], []
    for line in _toc_lines(printed).values():
        if not line[-1].text.isdigit():
            continue
        numbers.append(line[-1].x_max)
        dots = [w.x_min for w in line if set(w.text) == {"."}]
        if len(dots) > 3:
            pitches.append((dots[-1] - dots[0]) / (len(dots) - 1))
    assert len(numbers) >= 10
    assert max(numbers) - min(numbers) <= 0.5, numbers
    assert max(numbers) <= right_edge + 0.5, (numbers, right_edge)
    assert len(pitches) >= 10 and max(pitches) - min(pitches) < 0.05, pitches
