"""book.toml read through its declaration: unknown tables and keys name the one probably meant,
defaults are those of BookConfig, and the loader's values are unchanged by the declaration."""

from __future__ import annotations

from pathlib import Path

import pytest

from make_book.core.config import BookConfig, PdfConfig, load_config
from make_book.core.diagnostics import BookError, Report
from make_book.core.front_matter import CHAPTER, PART
from make_book.core.settings_schema import TABLES
from make_book.read.reader import split_front_matter

MINIMAL = '[book]\ntitle = "Fixture"\nlang = "en"\n'


def load(tmp_path: Path, text: str) -> tuple[BookConfig, Report]:
    toml = tmp_path / "manuscript" / "book.toml"
    toml.parent.mkdir(exist_ok=True)
    toml.write_text(text, encoding="utf-8")
    return load_config(toml)


def warnings(tmp_path: Path, text: str) -> list[str]:
    _config, report = load(tmp_path, text)
    return [f"{d.line}: {d.code} {d.message}" for d in report.items]


@pytest.mark.parametrize(("extra", "expected"), [
    ('auther = "A"', "4: W002 unknown key `auther` in [book] ignored: did you mean `author`?"),
    ('subtitel = "S"', "4: W002 unknown key `subtitel` in [book] ignored: did you mean "
                       "`subtitle`?"),
    ('trim = "a4"', "4: W002 unknown key `trim` in [book] ignored: did you mean `trim` in "
                    "[pdf]?"),
    ('pdf = "a5"', "4: W002 unknown key `pdf` in [book] ignored: did you mean the table "
                   "[pdf]?"),
    ('colour = "blue"', "4: W002 unknown key `colour` in [book] ignored"),
    ('\n[pdf]\nbleeds = "3mm"', "6: W002 unknown key `bleeds` in [pdf] ignored: did you mean "
                                "`bleed`?"),
    ('\n[bok]\nx = 1', "5: W001 unknown table [bok] ignored: did you mean [book]?"),
    ('\n[numbring]\nfigures = "book"', "5: W001 unknown table [numbring] ignored: did you mean "
                                       "[numbering]?"),
    ('\n[colours]\nink = "blue"', "5: W001 unknown table [colours] ignored"),
])
def test_an_unknown_name_names_the_one_probably_meant(tmp_path: Path, extra: str,
                                                      expected: str) -> None:
    assert warnings(tmp_path, MINIMAL + extra + "\n") == [expected]


def test_the_hint_lists_the_valid_names(tmp_path: Path) -> None:
    _config, report = load(tmp_path, MINIMAL + 'auther = "A"\n\n[bok]\n')
    key, table = sorted(report.items, key=lambda d: d.code, reverse=True)
    assert key.hint == "the keys of [book]: " + ", ".join(TABLES["book"].names)
    assert "author" in key.hint and "version" in key.hint
    assert table.hint == ("the tables of book.toml: [book], [series], [pdf], [print], "
                          "[typography], [numbering], [web], [fonts], [build]")


def test_a_key_above_every_table_names_its_table(tmp_path: Path) -> None:
    text = 'title = "Fixture"\n[book]\ntitle = "Fixture"\nlang = "en"\n'
    assert warnings(tmp_path, text) == [
        "1: W001 unknown table [title] ignored: did you mean `title` in [book]?"]


def test_an_unknown_front_matter_key_names_the_one_probably_meant(tmp_path: Path) -> None:
    path = tmp_path / "_part.md"
    report = Report()
    split_front_matter("---\ntitel: X\nsumary: Y\n---\n", path, PART, report)
    assert [d.message for d in report.items] == [
        "unknown front matter key `titel` ignored: did you mean `title`?",
        "unknown front matter key `sumary` ignored: did you mean `summary`?"]
    assert report.items[0].hint == "the front matter keys of a part's _part.md: " + ", ".join(
        PART.names)
    report = Report()
    split_front_matter("---\nsubtitle: X\n---\n", path, CHAPTER, report)
    assert [(d.code, d.line, d.message) for d in report.items] == [
        ("W010", 2, "unknown front matter key `subtitle` ignored: did you mean `subtitle` in "
         "a part's _part.md?")]


def test_defaults_are_those_of_the_typed_configuration(tmp_path: Path) -> None:
    config, report = load(tmp_path, MINIMAL)
    assert report.items == []
    assert config.pdf == PdfConfig()
    assert (config.authors, config.figure_numbering, config.series) == ((), "part", None)


def test_values_are_read_as_before(tmp_path: Path) -> None:
    config, _ = load(tmp_path, MINIMAL + 'author = "A"\ndate = "2026-01-02"\n[pdf]\n'
                     'trim = "100mm x 20cm"\nbleed = "0.125in"\nmarks = "crop"\n'
                     'variant = "PDF/UA-1"\npaper_thickness_mm = 1e-1\n')
    assert config.authors == ("A",) and config.date == "2026-01-02"
    assert config.pdf == PdfConfig(trim="100mm x 20cm", width_mm=100.0, height_mm=200.0,
                                   bleed_mm=3.175, marks=True, paper_thickness_mm=0.1,
                                   variant="pdf/ua-1")


@pytest.mark.parametrize(("line", "expected"), [
    ("lang = 3", '[book] lang must be a BCP 47 language tag such as "fr" or "fr-CA", not 3'),
    ('lang = "en us"', "[book] lang must be a BCP 47 language tag"),
    ('date = "soon"', "[book] date must be a date such as 2026-11-26, not 'soon'"),
    ("author = [1]", "[book] author must be a string or a list of strings, not [1]"),
])
def test_a_wrong_value_says_what_the_key_accepts(tmp_path: Path, line: str,
                                                 expected: str) -> None:
    text = MINIMAL.replace('lang = "en"\n', "") + line + "\n"
    if not line.startswith("lang"):
        text += 'lang = "en"\n'
    with pytest.raises(BookError) as caught:
        load(tmp_path, text)
    assert [d.code for d in caught.value.diagnostics] == ["E005"]
    assert caught.value.diagnostics[0].message.startswith(expected)
    assert caught.value.diagnostics[0].line == 3
