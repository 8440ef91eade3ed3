"""Glyph coverage: a character no font of the book covers is a located warning (W041), once,
at its first occurrence in the Markdown source."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from conftest import FIXTURES, copy_project

from make_book.cli import main
from make_book.transforms.glyphs import coverage, drawn


def project(tmp_path: Path, text: str, fonts: str = "") -> Path:
    root = copy_project(FIXTURES / "diagnostics" / "W041", tmp_path / "book")
    (root / "manuscript" / "01-a.md").write_text(text, encoding="utf-8")
    if fonts:
        toml = root / "manuscript" / "book.toml"
        toml.write_text(toml.read_text(encoding="utf-8") + f"\n[fonts]\n{fonts}\n",
                        encoding="utf-8")
    return root


def warnings(root: Path, command: str = "check") -> list[str]:
    result = CliRunner().invoke(main, [command, str(root)])
    assert "Traceback" not in result.output, result.output
    return [line for line in result.output.splitlines() if " W041 " in line]


def test_one_warning_per_character_at_its_first_occurrence(tmp_path: Path) -> None:
    root = project(tmp_path, "# Voyage\n\nA snowman ☃.\n\nThen 世 and ☃ again, 世 too.\n")
    found = warnings(root)
    assert [line.split(" W041 ")[0] for line in found] == [
        "manuscript/01-a.md:3:11:", "manuscript/01-a.md:5:6:"], found
    assert "U+2603 ☃ (SNOWMAN) is in no font of the book" in found[0]
    assert "add a font that covers it to [fonts]" in found[0]


def test_titles_notes_and_entities_are_checked_code_is_not(tmp_path: Path) -> None:
    text = ("# Chapter ★\n\nA note.[^1] And &#x2693; written as an entity.\n\n"
            "`♞ in code`, set in the reader's monospace font.\n\n[^1]: A star ✪ here.\n")
    found = " ".join(warnings(project(tmp_path, text)))
    assert "manuscript/01-a.md:1:11: W041 U+2605" in found
    assert "U+272A" in found and "U+2693" in found
    assert "U+265E" not in found


def test_a_font_of_fonts_that_covers_it_settles_it(tmp_path: Path) -> None:
    text = "# Voyage\n\nA snowman ☃ and `♞`.\n"
    assert len(warnings(project(tmp_path / "a", text))) == 1
    covered = project(tmp_path / "b", text, 'sans = "DejaVu Sans"\nmono = "DejaVu Sans Mono"')
    assert warnings(covered) == []


def test_the_build_warns_too(tmp_path: Path) -> None:
    root = project(tmp_path, "# Voyage\n\n世界\n")
    found = warnings(root, "build")
    assert len(found) == 2 and found[0].startswith("warning manuscript/01-a.md:3:1: W041")


def test_what_is_not_drawn_needs_no_glyph() -> None:
    assert not drawn("\u00ad") and not drawn("\u200d") and not drawn("\ufe0f")
    assert not drawn("\u202f") and drawn("é")
    assert coverage([]) == frozenset()


def test_the_titles_of_book_toml_are_checked(tmp_path: Path) -> None:
    root = project(tmp_path, "# Voyage\n\nText.\n")
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"Fixture"', '"Fixture ☃"'),
                    encoding="utf-8")
    found = warnings(root)
    assert len(found) == 1 and found[0].startswith("manuscript/book.toml:2:18: W041 U+2603")
