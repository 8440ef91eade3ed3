"""The build caches: a rebuild renders only what changed, and gives the bytes a full build
gives. Keys are contents, never modification times; a damaged cache costs time, not a build.

One copy of the parts book (omnibus, two volumes, one forthcoming part) is built once, then
changed step by step; each test says what a build after its change must redo.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_project, snapshot

from make_book.build import jobs as parallel
from make_book.build.fingerprint import model_digest
from make_book.build.jobs import Job, run_jobs
from make_book.build.pipeline import BuildResult, build
from make_book.core.diagnostics import BookError, Diagnostic
from make_book.core.files import PACKAGE_STYLES
from make_book.core.store import CACHE_VARIABLE
from make_book.read import markdown

SECOND = "manuscript/02-suite/01-second.md"
OMNIBUS = "essais-en-trois-parties"
VOLUME_1 = f"{OMNIBUS}-1-debut"
VOLUME_2 = f"{OMNIBUS}-2-suite"


def rendered(result: BuildResult) -> set[str]:
    return {p.name for p in result.outputs} - {p.name for p in result.reused}


def pdfs(names: set[str]) -> set[str]:
    return {n for n in names if n.endswith(".pdf") and not n.endswith("-cover.pdf")}


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The parts book built once (the first build of every test below)."""
    root = copy_project(FIXTURES / "parts", tmp_path_factory.mktemp("cache") / "book")
    result = build(root)
    assert result.reused == [] and len(result.outputs) == 13
    return root


def test_a_noop_rebuild_renders_nothing_and_changes_no_byte(book: Path) -> None:
    before = snapshot(book / "dist")
    result = build(book)
    assert result.book is None, "nothing changed: the manuscript need not even be read"
    assert sorted(result.reused) == sorted(result.outputs) and len(result.outputs) == 13
    assert snapshot(book / "dist") == before


def test_a_noop_rebuild_from_the_command_line_loads_no_renderer(book: Path) -> None:
    """The command that finds nothing changed answers without importing the libraries that
    make the files (WeasyPrint and Pango, pypdf, pikepdf, Pillow, lxml, numpy): they are most
    of a start-up's time, and the no-op rebuild must stay a small share of a cold build."""
    heavy = ["weasyprint", "pypdf", "pikepdf", "PIL", "lxml", "numpy", "fontTools"]
    script = ("import sys\nfrom make_book.cli import main\n"
              "try:\n    main(['build', '.'], standalone_mode=False)\n"
              f"finally:\n    print(sorted(m for m in {heavy!r} if m in sys.modules))\n")
    run = subprocess.run([sys.executable, "-c", script], cwd=book, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "nothing changed" in run.stderr + run.stdout
    assert run.stdout.strip().splitlines()[-1] == "[]"


def test_unchanged_outputs_are_carried_over_byte_for_byte(book: Path) -> None:
    """A file that is not a chapter changes the manuscript folder, not any edition: the
    manuscript is read again, and every output is copied from the last build."""
    before = snapshot(book / "dist")
    (book / "manuscript" / "notes.txt").write_text("à relire\n", encoding="utf-8")
    result = build(book)
    assert result.book is not None
    assert rendered(result) == set()
    assert snapshot(book / "dist") == before


def test_an_edited_chapter_lays_out_only_the_pdfs_that_hold_it(book: Path) -> None:
    path = book / SECOND
    path.write_text(path.read_text(encoding="utf-8") + "\nUne phrase de plus.\n",
                    encoding="utf-8")
    result = build(book)
    assert pdfs(rendered(result)) == {f"{OMNIBUS}.pdf", f"{OMNIBUS}-screen.pdf",
                                      f"{VOLUME_2}.pdf", f"{VOLUME_2}-screen.pdf"}
    assert {f"{VOLUME_1}.pdf", f"{VOLUME_1}-screen.pdf"} <= {p.name for p in result.reused}
    assert "html" in rendered(result)  # the web edition holds every chapter


def test_an_incremental_build_gives_the_bytes_of_a_full_one(book: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """The book edited and built incrementally (in parallel, on whatever the tests before
    left), then built from nothing in another folder and in one process: every file is the
    same as the one the incremental build left."""
    path = book / SECOND
    path.write_text(path.read_text(encoding="utf-8") + "\nEncore une phrase.\n",
                    encoding="utf-8")
    incremental = build(book)  # every format: no output is left from an older build
    assert incremental.reused, "the edit concerns part 2 only: part 1's outputs are kept"
    fresh = copy_project(book, tmp_path / "fresh")
    monkeypatch.setenv("MAKE_BOOK_JOBS", "1")
    # From nothing indeed: a cache of its own, where the run's shared one holds the first's.
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "fresh-cache"))
    build(fresh)
    assert snapshot(fresh / "dist") == snapshot(book / "dist")


def test_a_style_of_the_project_invalidates_what_it_styles(book: Path) -> None:
    (book / "styles").mkdir(exist_ok=True)
    default = PACKAGE_STYLES / "pdf.css"
    (book / "styles" / "pdf.css").write_text(default.read_text(encoding="utf-8")
                                             + "\np { word-spacing: 0.01em; }\n", "utf-8")
    result = build(book, formats=("pdf",))
    assert result.reused == []


def test_book_toml_invalidates_every_output(book: Path) -> None:
    toml = book / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("Maison d'essai",
                                                             "Maison d’essai"), "utf-8")
    result = build(book)
    assert result.reused == []


def test_a_damaged_store_is_ignored(book: Path) -> None:
    store = book / ".cache" / "make-book" / "outputs.json"
    store.write_bytes(b"\x00{not json")
    result = build(book, formats=("epub",))
    assert result.reused == [] and result.outputs
    json.loads(store.read_text(encoding="utf-8"))  # written anew


def test_a_dist_file_changed_by_hand_is_rendered_again(book: Path) -> None:
    build(book, formats=("epub",))
    epub = book / "dist" / f"{OMNIBUS}.epub"
    good = epub.read_bytes()
    epub.write_bytes(good[:-10] + b"0123456789")
    result = build(book, formats=("epub",))
    assert epub.name in rendered(result)
    assert epub.read_bytes() == good


def test_a_damaged_pandoc_entry_is_converted_again(book: Path, own_cache: None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = book / ".cache" / "make-book" / "pandoc"
    shutil.rmtree(folder, ignore_errors=True)
    (book / "manuscript" / "notes.txt").write_text("à relire encore\n", encoding="utf-8")
    build(book, formats=("epub",))
    entries = sorted(folder.glob("*.html"))
    assert entries, "no pandoc output was cached"
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:-5])  # truncated: its checksum fails
    calls: list[str] = []
    convert = markdown.run_pandoc

    def counted(text: str, source: Path, line_offset: int = 0, citeproc=None) -> str:
        calls.append(source.name)
        return convert(text, source, line_offset, citeproc)

    monkeypatch.setattr(markdown, "run_pandoc", counted)
    (book / "manuscript" / "notes.txt").write_text("encore une fois\n", encoding="utf-8")
    before = snapshot(book / "dist")
    result = build(book, formats=("epub",))
    assert len(calls) == len(entries)
    assert rendered(result) == set() and snapshot(book / "dist") == before


def test_pandoc_runs_once_per_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    convert = markdown.run_pandoc

    def counted(text: str, source: Path, line_offset: int = 0, citeproc=None) -> str:
        calls.append(text)
        return convert(text, source, line_offset, citeproc)

    monkeypatch.setattr(markdown, "run_pandoc", counted)
    first = markdown.to_html("Un *texte*.\n", tmp_path / "a.md", cache=tmp_path)
    again = markdown.to_html("Un *texte*.\n", tmp_path / "b.md", cache=tmp_path)
    other = markdown.to_html("Un autre.\n", tmp_path / "a.md", cache=tmp_path)
    assert len(calls) == 2
    assert model_digest(first) == model_digest(again) != model_digest(other)


def test_the_model_digest_sees_a_changed_body_and_ignores_nothing() -> None:
    a = markdown.to_html("Un *texte*.\n", Path("a.md"))
    b = markdown.to_html("Un *texte*.\n", Path("a.md"))
    assert model_digest({"x": [a, {1, 2}]}) == model_digest({"x": [b, {2, 1}]})
    b[0].text = "Une "
    assert model_digest(a) != model_digest(b)


# -- the processes that run the jobs ----------------------------------------------------------


def _fails() -> None:
    raise BookError(Diagnostic("E999", "a located error", Path("m/01-x.md"), 3))


def _oserror() -> None:
    raise FileNotFoundError(2, "No such file or directory", "/nowhere/x.pdf")


@pytest.mark.parametrize("workers", [1, 2])
def test_jobs_run_after_what_they_need_and_hand_back_their_results(workers: int) -> None:
    seen: list[tuple[str, int]] = []
    jobs = [Job("b", lambda: os.getpid(), after=("a",), done=lambda r: seen.append(("b", r))),
            Job("a", lambda: 21 * 2, done=lambda r: seen.append(("a", r))),
            Job("c", lambda: "here", after=("a", "b"), local=True)]
    results = run_jobs(jobs, workers)
    assert [name for name, _ in seen] == ["a", "b"] and results["a"] == 42
    assert results["c"] == "here"
    assert (results["b"] == os.getpid()) == (workers == 1)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failed_job_is_raised_as_itself(workers: int) -> None:
    with pytest.raises(BookError) as raised:
        run_jobs([Job("x", _fails), Job("y", lambda: 1)], workers)
    assert raised.value.diagnostics[0].format() == "m/01-x.md:3: E999 a located error"
    with pytest.raises(FileNotFoundError) as error:
        run_jobs([Job("x", _oserror), Job("y", lambda: 1)], workers)
    assert error.value.filename == "/nowhere/x.pdf"


def test_a_job_that_dies_is_an_error_not_a_hang() -> None:
    with pytest.raises(parallel.JobError, match="the process stopped"):
        run_jobs([Job("x", lambda: os._exit(9)), Job("y", lambda: 1)], 2)
