"""Every manuscript problem is one clear message with its location, exit code 1, no
traceback, and the last good dist/ left as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_project, run_cli, snapshot


@pytest.fixture(scope="module")
def good_project(tmp_path_factory) -> Path:
    """The mini book, built once with EPUB and HTML: the 'last good build'."""
    root = copy_project(FIXTURES / "mini", tmp_path_factory.mktemp("good"))
    result = run_cli("build", str(root), "--format", "epub")
    assert result.returncode == 0, result.stderr
    return root


def broken_copy(good: Path, tmp_path: Path) -> Path:
    root = tmp_path / "book"
    shutil.copytree(good, root)
    return root


CASES = {
    "missing-image": ("manuscript/01-first.md", lambda t: t.replace("assets/disc.png",
                                                                    "assets/nope.png"),
                      "manuscript/01-first.md:9: E042 image not found: `assets/nope.png`"),
    "bad-front-matter": ("manuscript/01-first.md", lambda t: t.replace(
        "title: The First Chapter", "title: [unclosed"),
        "manuscript/01-first.md:2:8: E011 invalid YAML front matter: unclosed [ opened on line 2"),
    "bad-toml": ("manuscript/book.toml", lambda t: t.replace('lang = "en"', 'lang = "en'),
                 "manuscript/book.toml:5: E003 invalid TOML"),
    "wrong-type": ("manuscript/book.toml", lambda t: t.replace('lang = "en"', "lang = 3"),
                   "manuscript/book.toml:5: E005 [book] lang must be"),
    "missing-title": ("manuscript/book.toml", lambda t: t.replace('title = "A Small Book"\n', ""),
                      "manuscript/book.toml:1: E006 [book] title is required"),
    "unknown-label": ("manuscript/02-second.md", lambda t: t.replace("(#fig:disc)",
                                                                     "(#fig:nothing)"),
                      "manuscript/02-second.md:10: E032 link to unknown anchor `#fig:nothing`"),
    "not-utf8": ("manuscript/02-second.md", lambda t: t.replace("Another", "Anoth\udcffer"),
                 "manuscript/02-second.md:5: E010 not UTF-8: byte 0xff"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_is_one_clear_message_and_dist_is_kept(case, good_project, tmp_path):
    relative, edit, expected = CASES[case]
    root = broken_copy(good_project, tmp_path)
    before = snapshot(root / "dist")
    path = root / relative
    text = path.read_text(encoding="utf-8")
    path.write_bytes(edit(text).encode("utf-8", "surrogateescape"))
    result = run_cli("build", str(root))
    assert result.returncode == 1, result.stderr
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert snapshot(root / "dist") == before
    assert not [p for p in root.iterdir() if "staging" in p.name]


def test_warning_for_unknown_key_and_strict_fails(good_project, tmp_path):
    root = broken_copy(good_project, tmp_path)
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + 'colour = "blue"\n', encoding="utf-8")
    result = run_cli("build", str(root), "--format", "epub")
    assert result.returncode == 0
    assert "W002 unknown key `colour` in [book] ignored" in result.stderr
    strict = run_cli("build", str(root), "--format", "epub", "--strict")
    assert strict.returncode == 1
    assert "W002" in strict.stderr


def test_unknown_format_is_usage_error(good_project):
    result = run_cli("build", str(good_project), "--format", "odt")
    assert result.returncode == 2
    assert "unknown format odt" in result.stderr


def test_no_manuscript_folder(tmp_path):
    result = run_cli("build", str(tmp_path))
    assert result.returncode == 1
    assert "E001 no manuscript/ folder" in result.stderr
