"""The command line through click's CliRunner: every command and option, exit codes, settings
precedence (book.toml < MAKEBOOK_* < option), plain output for non-terminals and NO_COLOR."""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import FIXTURES, copy_project

from make_book import __version__
from make_book.cli import main

ANSI = "\x1b["


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No MAKEBOOK_* setting, colour or terminal forcing from the shell running the tests."""
    import os

    for name in list(os.environ):
        if name.startswith("MAKEBOOK_") or name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE"):
            monkeypatch.delenv(name)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A fresh copy of the mini book (its fonts and pictures come from the session's shared
    cache, so a build here takes a second, not the time to compress fonts)."""
    return copy_project(FIXTURES / "mini", tmp_path / "book")


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), env=env)
    assert "Traceback" not in result.output, result.output
    return result


def built(root: Path) -> list[str]:
    dist = root / "dist"
    return sorted(p.name for p in dist.iterdir()) if dist.exists() else []


# -- help, version, usage ---------------------------------------------------------------------


@pytest.mark.parametrize("command", [None, *sorted(main.commands)])
def test_help_has_examples_and_exit_codes(command: str | None) -> None:
    result = run(*([command] if command else []), "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert "Exit codes:" in result.output and "3  an external tool is missing" in result.output


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("args", [
    ("build", "--format", "odt"),
    ("build", "--edition", "volume-2"),
    ("build", "--colour"),
    ("new", "appendix", "Title"),
    ("new", "part", "Title", "--part", "2"),
    ("serve", "--port", "70000"),
    ("nonsense",),
])
def test_wrong_usage_exits_2(args: tuple[str, ...], tmp_path: Path) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Error:" in result.output and "Usage:" in result.output


def test_wrong_usage_from_the_environment_exits_2() -> None:
    result = run("build", env={"MAKEBOOK_FORMAT": "odt"})
    assert result.exit_code == 2
    assert "unknown format odt: choose among epub, pdf, html, docx" in result.output


# -- build ------------------------------------------------------------------------------------


def test_plain_make_book_builds_here(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(book)
    result = run(env={"MAKEBOOK_FORMAT": "epub"})
    assert result.exit_code == 0, result.output
    assert built(book) == ["a-small-book.epub"]


def test_build_prints_plain_steps_and_a_summary(book: Path) -> None:
    result = run("build", str(book), "--format", "epub,html")
    assert result.exit_code == 0, result.output
    assert built(book) == ["a-small-book.epub", "html"]
    lines = result.stderr.splitlines()
    assert "• reading the manuscript" in lines and "• writing the web edition" in lines
    assert ANSI not in result.stderr  # not a terminal: no bars, no colours
    summary = [line.split() for line in lines if line.startswith("  ")]
    files = {row[0].rsplit("/", 1)[-1]: row for row in summary}
    assert set(files) == {"a-small-book.epub", "html"}
    for row in files.values():  # name, size and unit, time and "s"
        assert row[2] in ("KiB", "MiB") and row[4] == "s" and float(row[3]) >= 0
    assert lines[-1].startswith("built 2 files in ")


def test_build_on_a_terminal_shows_progress_bars(book: Path) -> None:
    result = run("build", str(book), "--format", "epub", env={"FORCE_COLOR": "1"})
    assert result.exit_code == 0
    assert ANSI in result.stderr and "✓" in result.stderr  # finished steps get a tick
    assert "• reading" not in result.stderr


def test_book_error_is_one_located_line_exit_1(book: Path) -> None:
    chapter = book / "manuscript" / "01-first.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("assets/disc.png", "x.png"),
                       encoding="utf-8")
    result = run("build", str(book), "--format", "epub")
    assert result.exit_code == 1
    assert "manuscript/01-first.md:9: E042 image not found: `x.png`" in result.stderr
    assert result.stderr.count("E042") == 1 and not built(book)


def test_debug_shows_the_traceback(book: Path) -> None:
    chapter = book / "manuscript" / "01-first.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("assets/disc.png", "x.png"),
                       encoding="utf-8")
    result = CliRunner().invoke(main, ["--debug", "build", str(book), "--format", "epub"])
    assert result.exit_code == 1
    assert "Traceback" in result.stderr and "E042" in result.stderr


def test_strict_turns_warnings_into_a_failure(book: Path) -> None:
    toml = book / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + 'colour = "blue"\n', encoding="utf-8")
    ok = run("build", str(book), "--format", "epub")
    assert ok.exit_code == 0
    assert "warning manuscript/book.toml:9: W002 unknown key `colour`" in ok.stderr
    strict = run("build", str(book), "--format", "epub", "--strict")
    assert strict.exit_code == 1 and "W002" in strict.stderr
    assert run("build", str(book), "--format", "epub",
               env={"MAKEBOOK_STRICT": "1"}).exit_code == 1


def test_settings_book_toml_then_environment_then_option(book: Path) -> None:
    toml = book / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8")
                    + '\n[build]\nformats = ["html"]\nout = "public"\n', encoding="utf-8")

    def outputs() -> list[str]:
        out = book / "public"
        names = sorted(p.name for p in out.iterdir()) if out.exists() else []
        shutil.rmtree(out, ignore_errors=True)
        return names

    assert run("build", str(book)).exit_code == 0
    assert outputs() == ["html"]  # book.toml
    assert run("build", str(book), env={"MAKEBOOK_FORMAT": "epub"}).exit_code == 0
    assert outputs() == ["a-small-book.epub"]  # the environment over book.toml
    assert run("build", str(book), "--format", "epub,html",
               env={"MAKEBOOK_FORMAT": "epub"}).exit_code == 0
    assert outputs() == ["a-small-book.epub", "html"]  # the option over both
    elsewhere = run("build", str(book), env={"MAKEBOOK_OUT": str(book / "elsewhere")})
    assert elsewhere.exit_code == 0 and (book / "elsewhere" / "html").is_dir()
    # strict = true in book.toml: the mini book's low-resolution image (W031) fails the build
    toml.write_text(toml.read_text(encoding="utf-8") + "strict = true\n", encoding="utf-8")
    failed = run("build", str(book))
    assert failed.exit_code == 1 and "W031" in failed.stderr
    assert run("build", str(book), env={"MAKEBOOK_STRICT": "0"}).exit_code == 0
    assert run("build", str(book), "--no-strict", env={"MAKEBOOK_STRICT": "1"}).exit_code == 0
    assert outputs() == ["html"]


def test_internal_error_is_one_line_and_debug_shows_it(book: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import make_book.build.pipeline

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(make_book.build.pipeline, "build", broken)
    result = run("build", str(book))
    assert result.exit_code == 1
    assert "internal error: ValueError: boom (run with --debug" in result.stderr
    debug = CliRunner().invoke(main, ["build", str(book), "--debug"])
    assert isinstance(debug.exception, ValueError)  # raised through: Python prints it

    def refused(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/srv/books/dist")

    monkeypatch.setattr(make_book.build.pipeline, "build", refused)
    result = run("build", str(book))
    assert result.exit_code == 1 and "internal error" not in result.stderr
    assert "/srv/books/dist: Permission denied: check the folder's permissions" in result.stderr


def test_missing_tool_exits_3_with_the_install_command(book: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import make_book.build.pipeline
    import make_book.lint.epubcheck

    monkeypatch.setattr(make_book.lint.epubcheck.shutil, "which", lambda _name: None)
    result = run("check", str(book), "--epub")
    assert result.exit_code == 3
    assert "apt-get install -y default-jre-headless" in result.stderr

    def no_pandoc(*_args: object, **_kwargs: object) -> None:
        raise OSError("No pandoc was found: either install pandoc, or …")

    monkeypatch.setattr(make_book.build.pipeline, "build", no_pandoc)
    result = run("build", str(book))
    assert result.exit_code == 3 and "pip install --force-reinstall pypandoc-binary" in (
        result.stderr)


# -- check output -----------------------------------------------------------------------------


def test_check_colours_codes_on_terminals_unless_no_color() -> None:
    fixture = str(FIXTURES / "diagnostics" / "E042")
    plain = run("check", fixture)
    assert plain.exit_code == 1 and ANSI not in plain.stdout
    coloured = run("check", fixture, env={"FORCE_COLOR": "1"})
    assert f"{ANSI}31mE042" in coloured.stdout
    no_color = run("check", fixture, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert ANSI not in no_color.stdout
    assert no_color.stdout == plain.stdout


# -- new, init --------------------------------------------------------------------------------


def test_new_parts_and_chapters_then_build(tmp_path: Path) -> None:
    root = tmp_path / "book"
    (root / "manuscript").mkdir(parents=True)
    (root / "manuscript" / "book.toml").write_text('[book]\ntitle = "Neuf"\nlang = "fr"\n',
                                                   encoding="utf-8")
    project = ("--project", str(root))
    assert run("new", "part", "« L'exécution »", *project).exit_code == 0
    first = run("new", "chapter", "Le", "début", *project)  # words joined: no quotes needed
    assert first.exit_code == 0 and "created" in first.stderr
    assert run("new", "part", "Après", *project).exit_code == 0
    assert run("new", "chapter", "Suite", *project).exit_code == 0  # into the last part
    assert run("new", "chapter", "Encore", "--part", "1", *project).exit_code == 0
    manuscript = root / "manuscript"
    files = sorted(str(p.relative_to(manuscript)) for p in manuscript.rglob("*.md"))
    assert files == ["01-l-execution/01-le-debut.md", "01-l-execution/02-encore.md",
                     "01-l-execution/_part.md", "02-apres/01-suite.md", "02-apres/_part.md"]
    assert "title: « L'exécution »" in (manuscript / "01-l-execution" / "_part.md").read_text(
        encoding="utf-8")
    assert (manuscript / "01-l-execution" / "01-le-debut.md").read_text(
        encoding="utf-8") == "# Le début\n\n"
    missing = run("new", "chapter", "X", "--part", "7", *project)
    assert missing.exit_code == 1 and "no part 7" in missing.stderr
    result = run("build", str(root), "--format", "epub")
    assert result.exit_code == 0, result.output
    # Without [series], parts are divisions of one book: one edition.
    assert built(root) == ["neuf.epub"]


def test_new_in_a_book_without_parts(book: Path) -> None:
    result = run("new", "chapter", "Third One", "--project", str(book))
    assert result.exit_code == 0
    assert (book / "manuscript" / "03-third-one.md").is_file()
    refused = run("new", "part", "A Part", "--project", str(book))
    assert refused.exit_code == 1 and "E013" in refused.stderr
    nowhere = run("new", "chapter", "X", "--project", str(book / "assets"))
    assert nowhere.exit_code == 1 and "E001 no manuscript/ folder" in nowhere.stderr


def test_init_then_build(tmp_path: Path) -> None:
    root = tmp_path / "essai"
    result = run("init", str(root), "--title", 'Un "essai"', "--lang", "fr")
    assert result.exit_code == 0, result.output
    assert (root / ".gitignore").read_text(encoding="utf-8") == "dist/\n.cache/\n"
    assert 'title = "Un \\"essai\\""' in (root / "manuscript" / "book.toml").read_text(
        encoding="utf-8")
    assert "# Un \"essai\"" in (root / "README.md").read_text(encoding="utf-8")
    build = run("build", str(root), "--format", "epub,html")
    assert build.exit_code == 0, build.output
    assert "warning" not in build.stderr  # the sample is a clean book
    assert built(root) == ["html", "un-essai.epub"]  # one book, not a series: one edition
    again = run("init", str(root))
    assert again.exit_code == 1 and "already exists and is not empty" in again.stderr
    whole = run("build", str(root), "--edition", "omnibus", "--format", "epub", "--out",
                str(root / "whole"))
    assert whole.exit_code == 0
    assert sorted(p.name for p in (root / "whole").iterdir()) == ["un-essai.epub"]
    refused = run("build", str(root), "--edition", "part-1", "--format", "epub")
    assert refused.exit_code == 1 and "choose one of all, omnibus" in refused.stderr


# -- stats, clean -----------------------------------------------------------------------------


def test_stats_table_and_json(book: Path) -> None:
    table = run("stats", str(book))
    assert table.exit_code == 0
    assert "The First Chapter" in table.stdout and "The Second Chapter" in table.stdout
    assert "total" in table.stdout
    result = run("stats", str(book), "--json")
    data = json.loads(result.stdout)
    chapters = data["parts"][0]["chapters"]
    assert [c["title"] for c in chapters] == ["The First Chapter", "The Second Chapter"]
    assert data["words"] == sum(c["words"] for c in chapters) > 40
    assert data["characters"] > data["words"]
    assert data["minutes"] == math.ceil(data["words"] / 228)  # English reading speed
    assert data["pages"] == math.ceil(data["words"] / 300)  # A5


def test_clean_removes_outputs_and_refuses_a_non_project(book: Path, tmp_path: Path) -> None:
    assert run("build", str(book), "--format", "epub").exit_code == 0
    result = run("clean", str(book))
    assert result.exit_code == 0
    assert not (book / "dist").exists() and not (book / ".cache").exists()
    assert (book / "manuscript" / "01-first.md").is_file()
    assert "removed dist" in result.stderr.replace(str(book) + "/", "")
    toml = book / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[build]\nout = "public"\n',
                    encoding="utf-8")
    assert run("build", str(book), "--format", "epub").exit_code == 0
    assert (book / "public").is_dir()
    assert run("clean", str(book)).exit_code == 0 and not (book / "public").exists()
    stranger = tmp_path / "stranger"
    (stranger / "dist").mkdir(parents=True)
    refused = run("clean", str(stranger))
    assert refused.exit_code == 1 and "not a make-book project" in refused.stderr
    assert (stranger / "dist").is_dir()


def test_jobs_bounds_the_processes_of_a_build(book: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """--jobs 1 builds in the command's own process, and every pool of the build with one
    worker; --jobs 2 hands the jobs to two; MAKE_BOOK_JOBS that is no number is the cores."""
    from make_book.build import jobs
    from make_book.core.workers import worker_count

    seen: list[int] = []
    forked = jobs._run_forked

    def counted(batch, workers, say):  # noqa: ANN001, ANN202 - the runner's own signature
        seen.append(workers)
        return forked(batch, workers, say)

    monkeypatch.setattr(jobs, "_run_forked", counted)
    # Set, so that monkeypatch restores it: --jobs writes the variable of this process.
    monkeypatch.setenv("MAKE_BOOK_JOBS", "")
    assert run("build", str(book), "--format", "epub,html", "--jobs", "1").exit_code == 0
    assert seen == [] and worker_count() == 1
    chapter = book / "manuscript" / "01-first.md"
    chapter.write_text(chapter.read_text("utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    assert run("build", str(book), "--format", "epub,html", "--jobs", "2").exit_code == 0
    assert seen and set(seen) == {2} and worker_count() == 2
    assert run("build", str(book), "--jobs", "0").exit_code == 2
    monkeypatch.setenv("MAKE_BOOK_JOBS", "auto")
    assert worker_count() == len(os.sched_getaffinity(0))
    assert run("build", str(book), "--format", "epub,html").exit_code == 0
