"""Where the content cache lives (MAKE_BOOK_CACHE or the project's own) and how the PDFs name
its files: never by a path that depends on where the cache or the project lies."""

from __future__ import annotations

from pathlib import Path

import pytest

from make_book.core.store import CACHE_VARIABLE, cache_dir, state_dir
from make_book.writers.fetcher import BOOK_URL, CACHE_URL, book_url


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_variable_is_the_projects_own_cache(value: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_VARIABLE, value)
    assert cache_dir(tmp_path) == state_dir(tmp_path) == tmp_path / ".cache" / "make-book"


def test_a_relative_cache_is_made_absolute_from_the_current_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(CACHE_VARIABLE, "shared/cache")
    assert cache_dir(Path("/elsewhere/book")) == tmp_path.resolve() / "shared" / "cache"


def test_a_home_relative_cache_is_expanded(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(CACHE_VARIABLE, "~/make-book-cache")
    assert cache_dir(Path("/elsewhere/book")) == tmp_path.resolve() / "make-book-cache"


def test_the_state_stays_in_the_project_when_the_cache_is_shared(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "shared"))
    assert state_dir(tmp_path / "book") == tmp_path / "book" / ".cache" / "make-book"


def test_a_cache_file_is_named_from_the_cache_and_a_book_file_from_the_book(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book, shared = tmp_path / "book", tmp_path / "shared"
    monkeypatch.setenv(CACHE_VARIABLE, str(shared))
    assert book_url(shared / "renditions" / "a b.jpg", book) == CACHE_URL + "renditions/a%20b.jpg"
    assert book_url(book / "manuscript" / "fig.png", book) == BOOK_URL + "manuscript/fig.png"
    assert book_url(tmp_path / "other.png", book) == (tmp_path / "other.png").as_uri()


def test_a_book_inside_the_shared_cache_folder_names_its_files_from_the_book(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MAKE_BOOK_CACHE=. at a catalogue's root, books below it: the deepest folder names a
    file, so a picture of the book is `book:/…` wherever the catalogue lies."""
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path))
    book = tmp_path / "books" / "essai"
    assert book_url(book / "manuscript" / "fig.png", book) == BOOK_URL + "manuscript/fig.png"
    assert book_url(tmp_path / "renditions" / "x.jpg", book) == CACHE_URL + "renditions/x.jpg"


def test_the_default_cache_inside_the_book_names_its_files_from_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)
    entry = tmp_path / ".cache" / "make-book" / "covers" / "c.jpg"
    assert book_url(entry, tmp_path) == CACHE_URL + "covers/c.jpg"
