"""`make-book catalogue`: the CI matrix expanded from a catalogue file, each job's cache key
(stable wherever and whenever the book is checked out, changed by any byte of its inputs),
the catalogue's errors as located diagnostics, and the workflow that uses both."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import FIXTURES, REPO, copy_project

from make_book.build.catalogue import cache_key, matrix
from make_book.cli import main

WORKFLOW = REPO / ".github" / "workflows" / "catalogue.yml"


def run(*args: str, cwd: Path | None = None) -> Result:
    here = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(main, list(args))
    finally:
        os.chdir(here)
    assert "Traceback" not in result.output, result.output
    return result


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    """A catalogue of three books: one released whole, one split by the catalogue's list of
    editions, one split into the editions its manuscript publishes."""
    for name in ("mini", "parts", "series"):
        copy_project(FIXTURES / name, tmp_path / "books" / name)
    (tmp_path / "catalogue.toml").write_text(
        '# three books\n[[book]]\npath = "books/mini"\n\n'
        '[[book]]\npath = "books/series"\nname = "serie"\neditions = ["part-3", "omnibus"]\n'
        'strict = true\n\n'
        '[[book]]\npath = "./books/parts/"\nsplit = true\n', encoding="utf-8")
    return tmp_path


def test_the_matrix_has_a_job_per_book_and_per_edition_of_a_split_book(shelf: Path) -> None:
    result = run("catalogue", "matrix", "catalogue.toml", cwd=shelf)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 1  # one line, for $GITHUB_OUTPUT
    jobs = json.loads(result.stdout)["include"]
    assert jobs == [
        {"job": "a-small-book", "book": "a-small-book", "path": "books/mini",
         "edition": "all", "strict": False},
        {"job": "serie-part-3", "book": "serie", "path": "books/series", "edition": "part-3",
         "strict": True},
        {"job": "serie-omnibus", "book": "serie", "path": "books/series",
         "edition": "omnibus", "strict": True},
        # Parts 1 and 2 are published (3 is forthcoming): two volumes and their omnibus.
        {"job": "essais-en-trois-parties-omnibus", "book": "essais-en-trois-parties",
         "path": "books/parts", "edition": "omnibus", "strict": False},
        {"job": "essais-en-trois-parties-part-1", "book": "essais-en-trois-parties",
         "path": "books/parts", "edition": "part-1", "strict": False},
        {"job": "essais-en-trois-parties-part-2", "book": "essais-en-trois-parties",
         "path": "books/parts", "edition": "part-2", "strict": False},
    ]


def test_the_repository_catalogue_expands_to_its_own_book() -> None:
    jobs = matrix(REPO / "catalogue.toml")["include"]
    assert [(j["path"], j["edition"]) for j in jobs] == [(".", "all")]


@pytest.mark.parametrize(("text", "expected"), [
    ('[[book]]\npath = "books/mini"\n[[book]\n', "catalogue.toml:3: E100 invalid TOML"),
    ("title = 'nothing'\n", "catalogue.toml: E101 the catalogue lists no book"),
    ('[[book]]\nname = "x"\n', "catalogue.toml:1: E101 a [[book]] without `path`"),
    ('[[book]]\npath = "books/mini"\n\n[[book]]\npath = "books/nowhere"\n',
     "catalogue.toml:5: E102 books/nowhere: no such folder"),
    ('[[book]]\npath = "books"\n', "catalogue.toml:2: E102 books: no such book"),
    ('[[book]]\npath = "books/mini"\nspilt = true\n',
     "catalogue.toml:3: E101 unknown key `spilt` in [[book]]: did you mean `split`?"),
    ('[[book]]\npath = "books/mini"\neditions = ["part-x"]\n',
     "catalogue.toml:3: E101 unknown edition 'part-x'"),
    ('[[book]]\npath = "books/mini"\nsplit = "yes"\n',
     "catalogue.toml:3: E101 `split` must be true or false"),
    ('[[book]]\npath = "books/mini"\n[[book]]\npath = "books/mini/"\n',
     "catalogue.toml:3: E101 a second job named 'a-small-book'"),
])
def test_a_mistake_in_the_catalogue_is_one_located_line(shelf: Path, text: str,
                                                        expected: str) -> None:
    (shelf / "catalogue.toml").write_text(text, encoding="utf-8")
    result = run("catalogue", "matrix", "catalogue.toml", cwd=shelf)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(f"error {expected}"), result.stderr
    assert result.stderr.splitlines()[1:] == ["1 error"]
    assert result.stdout == ""


def test_a_missing_catalogue_or_book_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    result = run("catalogue", "matrix", "nothing.toml", cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (
        1, "error nothing.toml: E100 no such catalogue file\n1 error\n")
    result = run("catalogue", "key", "nowhere", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith("error nowhere: E102 no such book")
    assert run("catalogue", "key", ".", "--edition", "volume-2", cwd=tmp_path).exit_code == 2


def test_errors_of_a_split_book_are_the_books_own(shelf: Path) -> None:
    toml = shelf / "books" / "parts" / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "[pdf\n", encoding="utf-8")
    result = run("catalogue", "matrix", cwd=shelf)
    assert result.exit_code == 1
    assert result.stderr.startswith("error books/parts/manuscript/book.toml:12: E003 "
                                    "invalid TOML"), result.stderr


# -- the cache key ----------------------------------------------------------------------------


def key_in_a_new_process(root: Path, edition: str = "all") -> str:
    """The key as a CI job computes it: another interpreter, another hash seed."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONHASHSEED": "12345"}
    done = subprocess.run([sys.executable, "-c", "from make_book.cli import main; main()",
                           "catalogue", "key", str(root), "--edition", edition],
                          capture_output=True, text=True, env=env, timeout=120, check=True)
    return done.stdout.strip()


def test_the_key_is_the_same_in_any_checkout_and_changes_with_any_input(tmp_path: Path) -> None:
    first = copy_project(FIXTURES / "series", tmp_path / "one" / "series")
    key = cache_key(first)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    # Another folder, another process, other file dates, and what builds leave behind.
    second = tmp_path / "elsewhere" / "copy"
    shutil.copytree(first, second)
    for path in second.rglob("*"):
        os.utime(path, (1_000_000, 1_000_000))
    (second / "dist").mkdir()
    (second / "dist" / "old.pdf").write_bytes(b"%PDF")
    (second / ".cache" / "make-book").mkdir(parents=True)
    (second / ".cache" / "make-book" / "x").write_text("cached")
    assert key_in_a_new_process(second) == key == cache_key(first)
    # A byte of a chapter, of book.toml, a new file, another edition: another key.
    chapter = sorted((second / "manuscript").rglob("0*.md"))[-1]
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text + ".", encoding="utf-8")
    assert cache_key(second) != key
    chapter.write_text(text, encoding="utf-8")
    assert cache_key(second) == key
    toml = second / "manuscript" / "book.toml"
    original = toml.read_text(encoding="utf-8")
    toml.write_text(original.replace('publisher = "A 42 Journey"', 'publisher = "A 43"'),
                    encoding="utf-8")
    changed = cache_key(second)
    assert changed != key
    toml.write_text(original, encoding="utf-8")
    (second / "assets" / "new.png").write_bytes(b"\x89PNG")
    assert cache_key(second) not in (key, changed)
    (second / "assets" / "new.png").unlink()
    assert cache_key(second, "part-3") != key


def test_the_key_leaves_out_the_folder_builds_write_to(tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "mini", tmp_path / "book")
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[build]\nout = "public"\n',
                    encoding="utf-8")
    key = cache_key(root)
    (root / "public").mkdir()
    (root / "public" / "a-small-book.epub").write_bytes(b"PK")
    assert cache_key(root) == key
    (root / "notes").mkdir()  # any other folder of the project is an input
    (root / "notes" / "todo.txt").write_text("x")
    assert cache_key(root) != key


# -- the workflow -----------------------------------------------------------------------------


def make_book_lines(workflow: dict) -> list[list[str]]:
    """Each `make-book …` command of the workflow's run steps, as words (up to the end of
    its command substitution, pipe or line; `${{ }}` expressions left as placeholders)."""
    commands = []
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            script = re.sub(r"\$\{\{[^}]*\}\}", "X", step.get("run", ""))
            for found in re.finditer(r"make-book\s+([^\n;|&)]*)", script):
                commands.append(shlex.split(found.group(1).replace('"', " ")))
    return commands


def test_the_workflow_parses_and_runs_commands_that_exist() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    assert set(jobs) == {"plan", "book", "collect"}
    # The matrix is the plan's JSON; the cache is keyed by the job and its inputs' hash.
    assert "fromJSON(needs.plan.outputs.matrix)" in jobs["book"]["strategy"]["matrix"]
    cache = next(s for s in jobs["book"]["steps"] if s.get("uses", "").startswith(
        "actions/cache@"))
    assert "steps.key.outputs.key" in cache["with"]["key"]
    assert "matrix.job" in cache["with"]["key"]
    assert jobs["collect"]["needs"] == "book"
    lines = make_book_lines(workflow)
    used = {line[0] if line[0] != "catalogue" else " ".join(line[:2]) for line in lines}
    assert used == {"catalogue matrix", "catalogue key", "release", "build"}
    for words in lines:
        command: click.Command = main
        while isinstance(command, click.Group) and words and words[0] in command.commands:
            command = command.commands[words.pop(0)]
        assert not isinstance(command, click.Group), words
        options = {name for param in command.params for name in param.opts}
        flags = {w.split("=")[0] for w in words if w.startswith("--")}
        assert flags <= options, (command.name, flags - options)
