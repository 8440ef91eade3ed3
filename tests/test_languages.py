"""Seven languages: each one's labels, quotation marks, dates and hyphenation in the editions,
from a project made by `make-book init --lang`."""

from __future__ import annotations

import re
import string
import subprocess
import tomllib
import zipfile
from pathlib import Path

import pyphen
import pytest
from conftest import epubcheck, pdftoppm_available, run_cli

from make_book.core.locales import LOCALES_DIR, SUPPORTED, long_date, ordinal_part, strings

ENGLISH = tomllib.loads((LOCALES_DIR / "en.toml").read_text(encoding="utf-8"))


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", SUPPORTED)
def test_each_language_has_every_label_with_the_same_fields(lang: str) -> None:
    table = tomllib.loads((LOCALES_DIR / f"{lang}.toml").read_text(encoding="utf-8"))
    assert set(table) == set(ENGLISH), set(ENGLISH) ^ set(table)
    for key, text in table.items():
        assert fields(text) == fields(ENGLISH[key]), (lang, key, text)


def test_regional_tables_add_to_their_language() -> None:
    for path in LOCALES_DIR.glob("*-*.toml"):
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        assert set(table) <= set(ENGLISH), path.name
        tag = path.stem
        assert strings(tag)["contents"] == table.get("contents",
                                                     strings(tag.split("-")[0])["contents"])
    assert strings("pt-BR")["contents"] == "Sumário" and strings("pt")["contents"] == "Índice"
    assert strings("de-AT") == strings("de")  # a region without a table: its language's
    assert strings("xx") == strings("en")


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", "26 novembre 2026"), ("en", "November 26, 2026"), ("en-GB", "26 November 2026"),
    ("de", "26. November 2026"), ("es", "26 de noviembre de 2026"), ("it", "26 novembre 2026"),
    ("pt", "26 de novembro de 2026"), ("nl", "26 november 2026"), ("xx", "November 26, 2026")])
def test_dates_written_out(lang: str, expected: str) -> None:
    assert long_date("2026-11-26", lang) == expected


def test_the_first_of_the_month_in_french() -> None:
    assert long_date("2026-11-01", "fr") == "1er novembre 2026"


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", "Troisième partie"), ("en", "Part Three"), ("de", "Dritter Teil"),
    ("es", "Tercera parte"), ("it", "Terza parte"), ("pt", "Terceira parte"),
    ("nl", "Derde deel")])
def test_part_ordinals(lang: str, expected: str) -> None:
    assert ordinal_part(lang, 3) == expected


def hyphenated_breaks(text: str) -> list[tuple[str, str]]:
    """(start, end) of each word a line of the laid-out text breaks with a hyphen."""
    lines = [line.strip() for line in text.splitlines()]
    found = []
    for line, following in zip(lines, lines[1:], strict=False):
        match = re.search(r"(\w+)-$", line)
        after = re.match(r"(\w+)", following)
        if match and after and after.group(1)[0].islower():
            found.append((match.group(1), after.group(1)))
    return found


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("de") / "buch"
    made = run_cli("init", str(root), "--lang", "de")
    assert made.returncode == 0, made.stderr
    built = run_cli("build", str(root), "--format", "epub,pdf")
    assert built.returncode == 0, built.stderr
    assert "warning" not in built.stderr  # the sample is a clean book
    return root


def test_init_lang_de_writes_a_german_book(german: Path) -> None:
    toml = (german / "manuscript" / "book.toml").read_text(encoding="utf-8")
    assert 'lang = "de"' in toml and 'title = "Mein Buch"' in toml
    assert (german / "manuscript" / "01-erste-schritte" / "01-der-anfang.md").is_file()


def test_the_german_epub_has_german_labels_and_quotes(german: Path) -> None:
    with zipfile.ZipFile(german / "dist" / "mein-buch.epub") as epub:
        nav = epub.read("EPUB/nav.xhtml").decode()
        chapter = epub.read("EPUB/01-01-der-anfang.xhtml").decode()
        title_page = epub.read("EPUB/titlepage.xhtml").decode()
    assert "<title>Inhalt</title>" in nav
    assert "\u201edie Anf\u00fchrungszeichen\u201c" in chapter
    # German Gedankenstriche, tied to their words (transforms/dashes.py).
    assert "Gedankenstriche \u2013\u2060\u00a0wie diesen\u00a0\u2013 und" in chapter
    assert "Anmerkungen" in chapter or "Anmerkung" in chapter
    assert 'xml:lang="de"' in chapter
    assert re.search(r"Ausgabe vom \d{1,2}\. \w+ \d{4}", title_page), title_page


def test_the_german_pdf_is_hyphenated_by_german_rules(german: Path) -> None:
    pdftoppm_available()  # poppler's pdftotext, from the same package
    text = subprocess.run(["pdftotext", "-layout", str(german / "dist" / "mein-buch.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Erste Schritte" in text and "Inhalt" in text
    breaks = hyphenated_breaks(text)
    assert len(breaks) >= 3, text
    dictionary = pyphen.Pyphen(lang="de_DE")
    for start, end in breaks:
        word = start + end
        assert len(start) in dictionary.positions(word), (start, end)


@pytest.mark.epubcheck
def test_the_german_epub_passes_epubcheck(german: Path) -> None:
    assert epubcheck(german / "dist" / "mein-buch.epub") == []


def test_init_lang_en_and_fr_write_their_own_samples(tmp_path: Path) -> None:
    for lang, chapter, title in (("en", "01-first-steps/01-the-beginning.md", "My Book"),
                                 ("fr", "01-premiers-pas/01-le-commencement.md", "Mon livre"),
                                 ("es", "01-first-steps/01-the-beginning.md", "Mi libro")):
        made = run_cli("init", str(tmp_path / lang), "--lang", lang)
        assert made.returncode == 0, made.stderr
        assert (tmp_path / lang / "manuscript" / chapter).is_file()
        toml = (tmp_path / lang / "manuscript" / "book.toml").read_text(encoding="utf-8")
        assert f'lang = "{lang}"' in toml and f'title = "{title}"' in toml
    refused = run_cli("init", str(tmp_path / "bad"), "--lang", "français")
    assert refused.returncode == 1 and "--lang must be a language tag" in refused.stderr
