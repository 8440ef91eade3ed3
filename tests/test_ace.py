"""Ace by DAISY on the series' EPUBs: no accessibility violation at all."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import require_tool

ACE = Path(__file__).resolve().parents[1] / "tools" / "ace" / "node_modules" / ".bin" / "ace-cli"
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.ace


def run_ace(epub: Path, out: Path) -> dict:
    require_tool("ace", "Ace by DAISY")
    if not ACE.exists() or not CHROMIUM.exists():
        pytest.fail("Ace by DAISY needs Node.js and Chromium: run `scripts/setup.sh --test` "
                    "(apt-get install -y chromium nodejs npm; cd tools/ace && "
                    "PUPPETEER_SKIP_DOWNLOAD=1 npm install)", pytrace=False)
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM)}
    # Ace exits 1 only when it could not check the book (its verdict is in report.json, read
    # below): a headless Chromium that fails to start or answer on a loaded machine. One more
    # run tells such a hiccup from a book Ace cannot read, which fails twice and is reported
    # with Ace's own words.
    runs = []
    for _ in range(2):
        run = subprocess.run([str(ACE), "--verbose", "--force", "--outdir", str(out), str(epub)],
                             env=env, capture_output=True, text=True, timeout=300)
        runs.append(run)
        if run.returncode == 0:
            return json.loads((out / "report.json").read_text(encoding="utf-8"))
    tail = "\n".join((runs[-1].stdout + runs[-1].stderr).splitlines()[-40:])
    pytest.fail(f"Ace could not check {epub.name} (exit {runs[-1].returncode}, twice):\n{tail}",
                pytrace=False)


def violations(report: dict) -> list[str]:
    return [f"{a['earl:testSubject']['url']}: {x['earl:test']['dct:title']} "
            f"({x['earl:test']['earl:impact']}) {x['earl:result']['dct:description']}"
            for a in report["assertions"] for x in a.get("assertions", [])]


def test_ace_reports_no_violation(series, tmp_path):
    epubs = sorted(series.dist.glob("*.epub"))
    assert len(epubs) == 2
    for index, epub in enumerate(epubs):
        report = run_ace(epub, tmp_path / str(index))
        assert violations(report) == [], epub.name
        assert report["earl:result"]["earl:outcome"] == "pass"
        # Ace also reads the accessibility metadata it expects.
        metadata = report["a11y-metadata"]
        assert "schema:accessMode" in metadata["present"]


def test_ace_finds_nothing_in_a_book_with_front_and_back_matter(tmp_path):
    """The onebook fixture: a dedication, an epigraph, a preface, an appendix, acknowledgments
    and the author's own cover, each with its role."""
    from conftest import FIXTURES, build_copy

    built = build_copy(FIXTURES / "onebook", tmp_path / "book", formats=("epub",))
    report = run_ace(built.file("*.epub"), tmp_path / "ace")
    assert violations(report) == []
def test_ace_passes_the_bibliography_and_the_index(cited_book, tmp_path):
    report = run_ace(cited_book.file("*.epub"), tmp_path / "cited")
    assert violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"
