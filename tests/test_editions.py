"""One book or a series: which editions a manuscript is published as."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, SERIES, build_copy, copy_project

from make_book.build.pipeline import load
from make_book.core.editions import editions, series_parts


def project(tmp_path: Path, series: str | None) -> Path:
    """The `parts` fixture (three parts, the third forthcoming) with its [series] table
    replaced by `series` (None: no table at all)."""
    root = copy_project(FIXTURES / "parts", tmp_path / "book")
    toml = root / "manuscript" / "book.toml"
    text = re.sub(r"\[series\]\n(?:[^\[\n][^\n]*\n)*", "", toml.read_text(encoding="utf-8"))
    toml.write_text(text + (f"\n[series]\n{series}\n" if series is not None else ""),
                    encoding="utf-8")
    return root


def keys(root: Path) -> list[str]:
    book, _ = load(root)
    return [edition.key for edition in editions(book)]


def test_without_series_parts_are_divisions_of_one_book(tmp_path: Path) -> None:
    root = project(tmp_path, None)
    book, _ = load(root)
    (whole,) = editions(book)
    assert whole.key == "omnibus" and not whole.is_volume
    assert [p.number for p in whole.parts] == [1, 2]  # the forthcoming part is in no edition
    assert series_parts(book, whole) == []  # and no series page names it


@pytest.mark.parametrize(("setting", "expected"), [
    ('name = "Essais"', ["omnibus", "part-1", "part-2"]),  # auto: two parts are published
    ('omnibus = "never"', ["part-1", "part-2"]),
    ('omnibus = "always"', ["omnibus", "part-1", "part-2"]),
])
def test_a_series_is_a_volume_per_published_part(tmp_path: Path, setting: str,
                                                 expected: list[str]) -> None:
    assert keys(project(tmp_path, setting)) == expected


def test_auto_makes_no_omnibus_of_a_single_published_part(tmp_path: Path) -> None:
    root = project(tmp_path, 'name = "Essais"')
    index = root / "manuscript" / "02-suite" / "_part.md"
    index.write_text(index.read_text(encoding="utf-8").replace(
        "title:", "status: forthcoming\ntitle:", 1), encoding="utf-8")
    first = root / "manuscript" / "01-debut" / "01-premier.md"  # no link into part 2 now
    first.write_text(first.read_text(encoding="utf-8").replace(
        "[suite](../02-suite/01-second.md#sec:plus-loin)", "suite"), encoding="utf-8")
    assert keys(root) == ["part-1"]
    assert keys(project(tmp_path / "b", 'omnibus = "always"')) == [
        "omnibus", "part-1", "part-2"]


def test_the_series_page_names_the_other_volumes_and_the_forthcoming(tmp_path: Path) -> None:
    book, _ = load(project(tmp_path, 'name = "Essais"'))
    by_key = {e.key: e for e in editions(book)}
    assert [p.number for p in series_parts(book, by_key["omnibus"])] == [3]
    assert [p.number for p in series_parts(book, by_key["part-1"])] == [2, 3]


def test_the_shipped_series_is_its_published_volume_and_the_web_edition(tmp_path: Path) -> None:
    built = build_copy(SERIES, tmp_path / "series", formats=("epub", "html"))
    names = sorted(p.name for p in built.dist.iterdir())
    assert names == ["html", "intelligence-abondante-3-quand-l-execution-s-effondre.epub"]
    home = (built.dist / "html" / "index.html").read_text(encoding="utf-8")
    cards = re.findall(r'<li class="part-card([^"]*)"', home)
    assert len(cards) == 4 and [c.strip() for c in cards].count("is-forthcoming") == 3
    for title in ("Un guide pour la révolution", "Un manuel pratique",
                  "La vie après l’effondrement"):
        assert home.count(f'class="part-card-title">{title}<') == 1, title  # listed once
