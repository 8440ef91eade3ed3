"""Reproducible builds: the same manuscript gives byte-identical EPUB and PDF files and an
identical web edition, whatever the folder, the day or the state of the cache. Dates come from
SOURCE_DATE_EPOCH, else the manuscript's own date, never the clock."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, Built, build_copy, snapshot
from pypdf import PdfReader

from make_book.build.pipeline import build
from make_book.core.store import CACHE_VARIABLE

TEXT_SUFFIXES = (".html", ".xhtml", ".css", ".js", ".json", ".xml", ".opf", ".ncx", ".txt")


def differences(one: Path, two: Path) -> list[str]:
    a, b = snapshot(one), snapshot(two)
    return sorted(set(a) ^ set(b)) + sorted(k for k in a.keys() & b.keys() if a[k] != b[k])


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The parts book again, in a folder of another name and depth, with another content cache
    made from nothing in a folder of its own: the bytes depend on neither folder."""
    top = tmp_path_factory.mktemp("reproducible")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_VARIABLE, str(top / "a cache" / "elsewhere"))
        return build_copy(FIXTURES / "parts", top / "un autre dossier é" / "livre")


def test_two_folders_give_byte_identical_editions(parts_book: Built, elsewhere: Built) -> None:
    assert any(parts_book.dist.glob("*.pdf")) and any(parts_book.dist.glob("*.epub"))
    assert (parts_book.dist / "html" / "index.html").is_file()
    assert differences(parts_book.dist, elsewhere.dist) == []


def test_no_output_names_the_project_folder(elsewhere: Built) -> None:
    """A path of the author's machine would make builds differ, and tell readers about it."""
    folder = str(elsewhere.root)
    for path in elsewhere.dist.rglob("*"):
        if path.suffix in TEXT_SUFFIXES:
            assert folder not in path.read_text(encoding="utf-8"), path
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    assert folder.encode() not in archive.read(name), (path.name, name)
        elif path.suffix == ".pdf":
            assert folder.encode() not in path.read_bytes(), path.name


def test_a_warm_cache_gives_the_same_bytes(parts_book: Built, elsewhere: Built) -> None:
    """Covers and image renditions now come from the cache: the files must not change."""
    out = elsewhere.root / "again"
    build(elsewhere.root, out, ("epub", "pdf"), "part-2")
    rebuilt = snapshot(out)
    first = snapshot(parts_book.dist)
    assert rebuilt and all(first[name] == digest for name, digest in rebuilt.items())


def _opf_modified(epub: Path) -> str:
    with zipfile.ZipFile(epub) as archive:
        opf = archive.read("EPUB/content.opf").decode("utf-8")
        stamps = {info.date_time for info in archive.infolist()}
    match = re.search(r'<meta property="dcterms:modified">([^<]+)</meta>', opf)
    assert match, opf
    assert len(stamps) == 1, stamps  # one fixed timestamp on every entry
    return f"{match.group(1)} {stamps.pop()}"


def test_source_date_epoch_sets_every_date(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    one = build_copy(FIXTURES / "mini", tmp_path / "one", formats=("epub",))
    two = build_copy(FIXTURES / "mini", tmp_path / "deux" / "two", formats=("epub",))
    assert differences(one.dist, two.dist) == []
    epub = one.file("*.epub")
    assert _opf_modified(epub) == "2023-11-14T22:13:20Z (2023, 11, 14, 22, 13, 20)"


def test_without_source_date_epoch_the_manuscript_date_not_the_clock(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    built = build_copy(FIXTURES / "mini", tmp_path / "book", formats=("epub",))
    # mini's book.toml: date = 2024-05-01
    assert _opf_modified(built.file("*.epub")) == "2024-05-01T00:00:00Z (2024, 5, 1, 0, 0, 0)"


def test_pdf_dates_are_the_manuscript_date(parts_book: Built) -> None:
    """The print and screen PDFs are dated, by the manuscript (parts' book.toml:
    2025-01-15); the printer's wrap covers carry no date, or that one."""
    today = dt.date.today().strftime("%Y%m%d")
    pdfs = sorted(parts_book.dist.glob("*.pdf"))
    books = [pdf for pdf in pdfs if not pdf.name.endswith("-cover.pdf")]
    assert books and len(books) < len(pdfs), [pdf.name for pdf in pdfs]
    for pdf in pdfs:
        info = PdfReader(pdf).metadata or {}
        if pdf in books:
            assert "/CreationDate" in info, f"{pdf.name} has no /CreationDate: {dict(info)}"
        for key in ("/CreationDate", "/ModDate"):
            value = str(info.get(key, ""))
            assert today not in value, (pdf.name, key, value)
            assert key not in info or value.startswith("D:20250115"), (pdf.name, key, value)


def test_two_processes_a_second_apart_give_the_same_pdf(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """fontTools stamps each font subset with the clock unless SOURCE_DATE_EPOCH is set: the
    build sets it to the book's date, so builds in two processes, seconds apart, agree."""
    import time

    from conftest import copy_project, run_cli

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    digests = []
    for name in ("one", "two"):
        if digests:
            time.sleep(1.1)  # the second process a second after the first
        root = copy_project(FIXTURES / "mini", tmp_path / name)
        done = run_cli("build", str(root), "--format", "pdf")
        assert done.returncode == 0, done.stderr
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in sorted((root / "dist").glob("*.pdf"))})
    assert digests[0] and digests[0] == digests[1]


def test_the_same_book_in_two_folders_gives_the_same_files(tmp_path: Path) -> None:
    """Nothing of the checkout's path reaches the files: the wrap cover's identifier once
    came from its art's path, so CI's clone and the author's folder made two covers."""
    from conftest import copy_project, run_cli

    digests = []
    for name in ("here", "elsewhere/deeper"):
        root = copy_project(FIXTURES / "onebook", tmp_path / name)
        done = run_cli("build", str(root), "--format", "pdf")
        assert done.returncode == 0, done.stderr
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in sorted((root / "dist").glob("*.pdf"))})
    assert any(name.endswith("-cover.pdf") for name in digests[0]), sorted(digests[0])
    assert digests[0] == digests[1]
