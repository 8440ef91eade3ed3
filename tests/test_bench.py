"""The benchmark's own arithmetic and environment: the scaling figures it writes to
docs/performance.md, a cold build that finds no shared cache, and bare tools that make the
files make-book makes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from bench import Run, Scaling, bare_tools, clean_env  # noqa: E402

from make_book.core.store import CACHE_VARIABLE  # noqa: E402


def run(seconds: float) -> Run:
    return Run(seconds, seconds, 100.0)


@pytest.mark.parametrize(("one", "many", "workers", "serial"), [
    (100.0, 50.0, 2, 0.0),     # twice as fast on two: nothing serial
    (100.0, 100.0, 2, 1.0),    # no faster: all serial
    (100.0, 62.5, 2, 0.25),    # S = 1.6 on 2: s = 2 / 1.6 - 1
    (100.0, 40.0, 4, 0.2),     # S = 2.5 on 4: s = (4 / 2.5 - 1) / 3
])
def test_serial_fraction_inverts_amdahls_law(one: float, many: float, workers: int,
                                             serial: float) -> None:
    scale = Scaling(run(one), run(many), workers)
    assert scale.serial_fraction == pytest.approx(serial)
    # Projected back onto the measured workers, it gives the measured time.
    assert scale.projected(workers) == pytest.approx(many)


def test_projection_on_many_cores_is_bounded_by_the_serial_part() -> None:
    scale = Scaling(run(100.0), run(62.5), 2)
    assert scale.projected(16) == pytest.approx(100 * (0.25 + 0.75 / 16))
    assert scale.projected(16) > 25.0  # never under the serial part


def test_a_slower_run_on_more_workers_counts_as_all_serial() -> None:
    assert Scaling(run(100.0), run(120.0), 2).serial_fraction == 1.0


def test_measured_commands_see_no_shared_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_VARIABLE, "/somewhere/shared")
    monkeypatch.setenv("MAKE_BOOK_JOBS", "7")
    assert CACHE_VARIABLE not in clean_env()
    assert "MAKE_BOOK_JOBS" not in clean_env()
    assert clean_env(jobs=1)["MAKE_BOOK_JOBS"] == "1"


def test_the_bare_tools_make_a_print_and_a_screen_pdf_of_every_edition(tmp_path: Path) -> None:
    import pypandoc

    part = tmp_path / "manuscript" / "01-partie"
    part.mkdir(parents=True)
    (part / "01-chapitre.md").write_text("# Un chapitre\n\nUn paragraphe.\n", encoding="utf-8")
    weasyprint = Path(sys.executable).with_name("weasyprint")
    measured = bare_tools(tmp_path, pypandoc.get_pandoc_path(), str(weasyprint))
    made = sorted(p.relative_to(tmp_path / "bare").as_posix()
                  for p in (tmp_path / "bare").rglob("*") if p.is_file())
    # The omnibus and the one volume: an EPUB, a print and a screen PDF each, as make-book.
    assert made == ["html/01-partie-01-chapitre.html",
                    "omnibus-screen.pdf", "omnibus.epub", "omnibus.pdf",
                    "volume-01-partie-screen.pdf", "volume-01-partie.epub",
                    "volume-01-partie.pdf"]
    assert all((tmp_path / "bare" / name).read_bytes()[:5] == b"%PDF-"
               for name in made if name.endswith(".pdf"))
    assert measured.cpu > 0
