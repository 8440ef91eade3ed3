"""make-book installed as a tool: the wheel `python -m build` makes carries the templates,
styles, fonts and locales, installs into a clean virtual environment, and there, outside the
repository, `init`, `check` and `build` make a book."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import venv
import zipfile
from pathlib import Path

import pyphen
import pytest
from conftest import REPO, epubcheck, pdftoppm_available
from test_languages import hyphenated_breaks

from make_book import __version__

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = run(sys.executable, "-m", "build", "--wheel", "--outdir", out, REPO, cwd=out)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (found,) = out.glob("make_book-*.whl")
    return found


def test_the_wheel_carries_the_data_files(wheel: Path) -> None:
    assert wheel.name == f"make_book-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("make_book/templates/pdf/book.html", "make_book/styles/pdf.css",
                   "make_book/styles/fonts/SourceSerif4SmText-Regular.otf",
                   "make_book/locales/de.toml", "make_book/locales/pt-BR.toml",
                   "make_book/init_template/de/manuscript/book.toml",
                   "make_book/init_template/common/gitignore"):
        assert needed in names, needed
    assert not any(n.startswith("tests/") or "__pycache__" in n for n in names)


@pytest.mark.epubcheck
def test_installed_in_a_clean_environment_it_makes_a_german_book(wheel: Path,
                                                                  tmp_path: Path) -> None:
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    started = time.perf_counter()
    installed = run(env_dir / "bin" / "pip", "install", "--quiet", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr[-3000:]
    print(f"wheel {wheel.stat().st_size:,} bytes, installed in "
          f"{time.perf_counter() - started:.1f} s")
    tool = env_dir / "bin" / "make-book"
    outside = tmp_path / "desk"
    outside.mkdir()
    version = run(tool, "--version", cwd=outside)
    assert version.stdout.strip() == f"make-book, version {__version__}"
    assert run(tool, "init", "buch", "--lang", "de", cwd=outside).returncode == 0
    checked = run(tool, "check", "buch", cwd=outside)
    assert checked.returncode == 0 and "no problems found" in checked.stderr, checked.stderr
    built = run(tool, "build", "buch", cwd=outside)
    assert built.returncode == 0, built.stderr
    epub = outside / "buch" / "dist" / "mein-buch.epub"
    with zipfile.ZipFile(epub) as archive:
        assert "<title>Inhalt</title>" in archive.read("EPUB/nav.xhtml").decode()
        chapter = archive.read("EPUB/01-01-der-anfang.xhtml").decode()
    assert "\u201edie Anf\u00fchrungszeichen\u201c" in chapter  # German quotation marks
    assert epubcheck(epub) == []
    pdftoppm_available()
    text = subprocess.run(["pdftotext", "-layout", str(epub.with_suffix(".pdf")), "-"],
                          capture_output=True, text=True, check=True).stdout
    german = pyphen.Pyphen(lang="de_DE")
    breaks = hyphenated_breaks(text)
    assert len(breaks) >= 3 and all(len(a) in german.positions(a + b) for a, b in breaks)
    # The installed package is the one that ran, not the repository's.
    where = run(env_dir / "bin" / "python", "-c", "import make_book; print(make_book.__file__)",
                cwd=outside)
    assert str(env_dir) in where.stdout and str(REPO) not in where.stdout
