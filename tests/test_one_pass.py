"""Every error of every file in one run of `check` and of `build`, errors first, with a count;
YAML mistakes said in plain words at the line of the mistake."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES, copy_project

from make_book.cli import main
from make_book.read.yaml_errors import explain, located

# tests/fixtures/mistakes: six mistakes in five files, and a typo'd key (a warning).
SIX = [
    "manuscript/01-start/01-opening.md:2:8: E011 invalid YAML front matter: unclosed quote "
    'opened on line 2: end the value with "',
    "manuscript/01-start/02-middle.md:3: E031 reference to unknown label `@fig:nowhere`",
    "manuscript/01-start/02-middle.md:5: E042 image not found: `assets/missing.png`",
    "manuscript/01-start/03-end.md:3: E030 label `sec:first` defined twice (first in "
    "01-opening.md, line 8)",
    "manuscript/01-start/_part.md:3: E012 status must be `published` or `forthcoming`, not "
    "'drafting'",
    "manuscript/book.toml:8: E005 [pdf] toc must be \"front\" or \"end\", not 'sideways'",
]
WARNING = "manuscript/book.toml:4: W002 unknown key `auther` in [book] ignored"


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_check_reports_the_six_mistakes_at_once_errors_first() -> None:
    result = CliRunner().invoke(main, ["check", str(FIXTURES / "mistakes")])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    # The six errors, then the typo'd key, and W004: with its author key misspelt, the book
    # names no author (check says so).
    assert len(lines) == 8, lines
    for expected, line in zip(SIX, lines, strict=False):
        assert line.startswith(expected), (expected, line)
    assert " W004 " in lines[6] and lines[7].startswith(WARNING)  # in file and line order
    assert "6 errors, 2 warnings" in result.stderr
    # The broken front matter's body was read: its label is known, so the reference to it
    # from 02-middle.md is no false « unknown label ».
    assert "sec:first`" not in result.stdout.replace("label `sec:first` defined twice", "")


def test_build_reports_the_same_six_and_leaves_dist_alone(tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "mistakes", tmp_path / "book")
    dist = root / "dist"
    dist.mkdir()
    (dist / "book.epub").write_bytes(b"the last good build")
    before = snapshot(dist)
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines()
             if line.startswith(("error ", "warning "))]
    assert [line.split(" ", 1)[0] for line in lines] == ["error"] * 6 + ["warning"]
    for expected, line in zip([*SIX, WARNING], lines, strict=True):
        assert line.split(" ", 1)[1].startswith(expected), (expected, line)
    assert "6 errors, 1 warning: nothing was built" in result.output
    assert snapshot(dist) == before
    assert not [p for p in root.iterdir() if "staging" in p.name]


def test_a_chapter_pandoc_cannot_read_leaves_the_others_checked(tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "mini", tmp_path / "book")
    first = root / "manuscript" / "01-first.md"
    first.write_bytes(b"# T\n\nNot \xff UTF-8.\n")
    second = root / "manuscript" / "02-second.md"
    second.write_text(second.read_text(encoding="utf-8") + "\n![x](nope.png)\n",
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root)])
    codes = [line.split()[1] for line in result.stdout.splitlines()]
    assert "E010" in codes and "E042" in codes, result.output


YAML = {
    "double quote": ('title: "The Opening\nsubtitle: x\n', 2,
                     'unclosed quote opened on line 2: end the value with "'),
    "single quote": ("subtitle: x\ntitle: 'The Opening\n", 3,
                     "unclosed quote opened on line 3: end the value with '"),
    "colon in value": ("title: Note: a thing\n", 2,
                       "a colon inside a value: put the value in quotes"),
    "indented line": ("title: x\n  subtitle: y\n", 3, "an indented line"),
    "no colon": ("title: x\nsubtitle\nother: y\n", 3, "a line that is not `key: value`"),
    "bracket": ("title: x\nsummary: [Ce qui\nurl: y\n", 3, "unclosed [ opened on line 3"),
    "brace": ("title: {a\n", 2, "unclosed { opened on line 2"),
    "tab": ("title: x\n\tsub: y\n", 3, "a tab: indent with spaces"),
    "at sign": ("title: @home\n", 2, "a value cannot start with @: put the value in quotes"),
    "after quote": ('title: "a" b\n', 2, "text after the end of a value"),
}


@pytest.mark.parametrize("case", sorted(YAML))
def test_yaml_errors_in_plain_words_at_the_line_of_the_mistake(case: str) -> None:
    block, line, words = YAML[case]
    with pytest.raises(yaml.YAMLError) as caught:
        yaml.safe_load(block)
    message, found, _col = located(explain(caught.value, block), 2)
    assert found == line and message.startswith(words), (message, found)
    assert "scalar" not in message and "stream" not in message


def test_a_title_lost_with_its_front_matter_is_not_a_second_error(tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "mini", tmp_path / "book")
    (root / "manuscript" / "02-second.md").write_text(
        '---\ntitle: "Untitled: yet\n---\n\nNo heading here.\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root)])
    codes = [line.split()[1] for line in result.stdout.splitlines()]
    assert "E011" in codes and "E018" not in codes, result.output


def test_a_part_title_refused_is_not_reported_missing_too(tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "parts", tmp_path / "book")
    part = root / "manuscript" / "01-debut" / "_part.md"
    part.write_text(part.read_text(encoding="utf-8").replace('title: "Le début"', "title: 5"),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root)])
    codes = [line.split()[1] for line in result.stdout.splitlines()]
    assert "E012" in codes and "E016" not in codes, result.output
