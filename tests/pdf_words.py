"""Where a PDF's words and lines sit: poppler's `pdftotext -bbox` and pypdf's text matrices,
for tests that measure the page (margins, baselines, the table of contents' right edge)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

MM = 72 / 25.4


@dataclass(frozen=True)
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def words(pdf: Path) -> list[list[Word]]:
    """Every page's words with their boxes, in points from the page's top left corner (the
    media box: the bleed included)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: run `scripts/setup.sh --test` (or "
                    "`apt-get install -y poppler-utils`)", pytrace=False)
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         check=True).stdout
    tree = etree.fromstring(out, etree.XMLParser(recover=True, huge_tree=True))
    pages = []
    for page in tree.iter("{*}page"):
        pages.append([Word(w.text or "", *(float(w.get(k)) for k in
                                           ("xMin", "yMin", "xMax", "yMax")))
                      for w in page.iter("{*}word")])
    return pages


@dataclass(frozen=True)
class Line:
    baseline: float  # points below the top of the trim
    size: float  # font size in points
    text: str


def baselines(reader: PdfReader, index: int) -> list[Line]:
    """The text runs of one page at their baselines (from the text matrices, exact), in
    points below the top of the trim box."""
    page = reader.pages[index]
    top = float(page.trimbox.top)
    found: list[Line] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object,
              size: float) -> None:
        if text.strip():
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append(Line(round(top - y, 2), round(size * abs(cm[3]), 2), text.strip()))

    page.extract_text(visitor_text=visit)
    return found
