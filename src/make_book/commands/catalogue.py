"""`make-book catalogue`: many books in one CI run (docs/catalogue.md): the matrix of jobs
from a catalogue file, and each job's cache key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from make_book.commands.build import count
from make_book.commands.ui import err_console
from make_book.core.diagnostics import BookError
from make_book.core.settings_schema import check_edition

# As cli.py's epilog; not imported from there, so that cli.py can import this module.
EXIT_CODES = """\b
Exit codes:
  0  success
  1  the catalogue or a book in it has errors (each printed as path:line: CODE message)
  2  wrong usage (an unknown option or edition)
  3  an external tool is missing (pandoc, which reads a split book's parts)"""


@contextmanager
def _reported() -> Iterator[None]:
    """A catalogue's or a book's errors printed one a line, `path:line: CODE message`
    (paths as seen from here), then their count; exit code 1."""
    try:
        yield
    except BookError as exc:
        console = err_console()
        for diagnostic in exc.diagnostics:
            console.print(f"error {diagnostic.format(Path.cwd())}", markup=False)
        console.print(count(len(exc.diagnostics), 0), markup=False)
        exc.printed = True
        raise


def _edition(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    try:
        return check_edition(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.group(epilog=EXIT_CODES)
def catalogue() -> None:
    """Build many books side by side in CI (a GitHub Actions matrix).

    A catalogue file (catalogue.toml) lists the books' project folders; `matrix` expands it
    into one job per book (per edition for a book marked `split`), `key` gives a job the
    key its cache is kept under. See docs/catalogue.md and .github/workflows/catalogue.yml.

    \b
    Examples:
      make-book catalogue matrix catalogue.toml
      make-book catalogue key books/essai --edition part-3
    """


@catalogue.command(epilog=EXIT_CODES)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path),
                default="catalogue.toml", required=False)
def matrix(file: Path) -> None:
    """Print the matrix of FILE's jobs as one line of JSON (for $GITHUB_OUTPUT).

    `{"include": [{"job", "book", "path", "edition", "strict"}, …]}`: one job per book
    (edition "all", released), or one per edition of a book with `split = true` or an
    `editions` list. Paths are relative to FILE's folder.

    \b
    Examples:
      make-book catalogue matrix
      echo "matrix=$(make-book catalogue matrix catalogue.toml)" >> "$GITHUB_OUTPUT"
    """
    from make_book.build.catalogue import matrix as expand

    with _reported():
        jobs = expand(file)
    click.echo(json.dumps(jobs, ensure_ascii=False, separators=(",", ":")))


@catalogue.command(epilog=EXIT_CODES)
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".",
                required=False)
@click.option("--edition", default="all", show_default=True, callback=_edition,
              help="The job's edition: all (the release), omnibus or part-N.")
def key(path: Path, edition: str) -> None:
    """Print the cache key of the book at PATH: a sha256 of its inputs.

    make-book itself (its files, the libraries' versions), every file of the project but
    dist/ ([build] out) and hidden ones (names and contents, not dates nor where it is
    checked out),
    SOURCE_DATE_EPOCH, the release version and the edition: the same key means the same
    bytes out.

    \b
    Examples:
      make-book catalogue key books/essai
      echo "key=$(make-book catalogue key books/essai --edition part-3)" >> "$GITHUB_OUTPUT"
    """
    from make_book.build.catalogue import cache_key
    from make_book.core.diagnostics import fail

    with _reported():
        if not (path / "manuscript" / "book.toml").is_file():
            raise fail("E102", "no such book (a project folder holds manuscript/book.toml)",
                       path)
        digest = cache_key(path, edition)
    click.echo(digest)
