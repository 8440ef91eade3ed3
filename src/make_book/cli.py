"""The command line: parses arguments and calls the commands (make_book.commands), nothing more.

Settings come from book.toml's [build] table, then MAKEBOOK_* variables, then options: each
later one overrides the earlier. Exit codes: 0 success, 1 the book has errors, 2 wrong usage,
3 an external tool is missing.

Each command imports its module (and the build behind it) when it runs, not when the command
line is parsed: `make-book --help` and a build that finds nothing changed stay quick. Those
deferred imports are the function-local imports of this file.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from make_book import __version__
from make_book.commands.ui import jobs_option
from make_book.core.diagnostics import MakeBookError, ToolMissingError
from make_book.core.log import enable_debug

EXIT_CODES = """\b
Exit codes:
  0  success
  1  the book has errors (each printed as path:line: CODE message)
  2  wrong usage (an unknown option, format or edition)
  3  an external tool is missing (the message gives the command that installs it)"""

PATH_ARG = click.Path(file_okay=False, path_type=Path)
F = TypeVar("F", bound=Callable[..., Any])


class FormatList(click.ParamType):
    """`epub,pdf,html` → ("epub", "pdf", "html"); an unknown format is a usage error (exit 2)."""

    name = "epub,pdf,html"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[str, ...]:
        from make_book.core.settings_schema import parse_formats  # deferred, as every command

        if isinstance(value, tuple):
            return value
        try:
            return parse_formats(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class EditionName(click.ParamType):
    """all, omnibus or part-N; whether the book has part N is for the build to say."""

    name = "all|omnibus|part-N"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        from make_book.core.settings_schema import check_edition  # deferred, as every command

        try:
            return check_edition(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_root().meta["make_book.debug"] = True
        enable_debug()


def debug_option(function: F) -> F:
    """--debug on every command (and MAKEBOOK_DEBUG=1): show the traceback of an error."""
    return click.option("--debug", is_flag=True, expose_value=False, is_eager=True,
                        callback=_set_debug, envvar="MAKEBOOK_DEBUG",
                        help="Show the debug log (cache hits and misses, jobs, external tools "
                        "and their durations) and the Python traceback of an error.")(function)


def _debug(ctx: click.Context) -> bool:
    return bool(ctx.find_root().meta.get("make_book.debug"))


class MakeBookGroup(click.Group):
    """`make-book` alone builds; errors that are not the user's become one clear line."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not [a for a in args if a != "--debug"]:
            args = [*args, "build"]  # plain `make-book` = `make-book build`
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MakeBookError:
            if _debug(ctx):
                traceback.print_exc()
            raise
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:
            if _debug(ctx):
                raise
            raise _translate(exc) from None


def _translate(exc: Exception) -> MakeBookError:
    """An unexpected exception as one line: a missing tool (exit 3) or a bug (exit 1)."""
    text = str(exc)
    if isinstance(exc, OSError) and "pandoc" in text.lower():
        return ToolMissingError(f"pandoc cannot be run ({text}): reinstall it with "
                                "`pip install --force-reinstall pypandoc-binary`")
    if isinstance(exc, OSError) and exc.filename:  # a folder not writable, a full disk …
        return MakeBookError(f"{exc.filename}: {exc.strerror or text}: check the folder's "
                             "permissions and free space, or choose another with --out")
    return MakeBookError(f"internal error: {exc.__class__.__name__}: {text} (run with --debug "
                         "for the traceback, and report it)")


@click.group(cls=MakeBookGroup, epilog=EXIT_CODES,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="make-book")
@debug_option
def main() -> None:
    """Turn a folder of Markdown chapters into EPUB, PDF and HTML editions.

    With no command, builds the project in the current folder (`make-book build`).

    \b
    Examples:
      make-book init mon-livre && cd mon-livre
      make-book                      # build every edition into dist/
      make-book check                # every problem, one line each
      make-book serve                # the web edition, rebuilt as you write
    """


# -- build ------------------------------------------------------------------------------------


@main.command(epilog=EXIT_CODES)
@click.argument("path", type=PATH_ARG, default=".", required=False)
@click.option("--format", "formats", type=FormatList(), default="epub,pdf,html",
              show_default=True, envvar="MAKEBOOK_FORMAT", show_envvar=True,
              help="Comma-separated formats to build.")
@click.option("--edition", type=EditionName(), default="all", show_default=True,
              envvar="MAKEBOOK_EDITION", show_envvar=True,
              help="all, omnibus, or part-N for one volume.")
@click.option("--out", type=PATH_ARG, default=None, envvar="MAKEBOOK_OUT", show_envvar=True,
              help="Output folder  [default: PATH/dist]")
@click.option("--strict/--no-strict", default=False, envvar="MAKEBOOK_STRICT",
              show_envvar=True, help="Treat warnings as errors.")
@jobs_option
@debug_option
@click.pass_context
def build(ctx: click.Context, path: Path, formats: tuple[str, ...], edition: str,
          out: Path | None, strict: bool) -> None:
    """Build the book's editions into PATH/dist (PATH: here by default).

    Options left out take their value from the [build] table of book.toml (formats, edition,
    out, strict); MAKEBOOK_* variables override it, and options override both.

    \b
    Examples:
      make-book build
      make-book build ~/livres/essai --format epub,html
      make-book build --edition part-3 --out /tmp/out --strict
      MAKEBOOK_FORMAT=epub make-book build
    """
    from make_book.commands import build as command
    from make_book.commands.settings import build_defaults
    from make_book.commands.ui import err_console

    defaults = build_defaults(path)

    def unset(name: str) -> bool:
        return ctx.get_parameter_source(name) in (ParameterSource.DEFAULT, None)

    if unset("formats") and defaults.formats:
        formats = defaults.formats
    if unset("edition") and defaults.edition:
        edition = defaults.edition
    if unset("out") and defaults.out:
        out = defaults.out
    if unset("strict") and defaults.strict is not None:
        strict = defaults.strict
    command.run(path, out, formats, edition, strict, err_console())


# -- check ------------------------------------------------------------------------------------


@main.command(epilog=EXIT_CODES)
@click.argument("path", type=PATH_ARG, default=".", required=False)
@click.option("--epub", is_flag=True,
              help="Also build the EPUBs (in a temporary folder) and run EPUBCheck on them.")
@click.option("--print", "printed", is_flag=True,
              help="Also build the print PDFs and covers (into the output folder) and "
                   "preflight them against [print] target.")
@click.option("--strict/--no-strict", default=False, envvar="MAKEBOOK_STRICT", show_envvar=True,
              help="Exit 1 on warnings too.")
@click.option("--ignore", default="", metavar="CODES",
              help="Comma-separated codes not to report (W051,W052).")
@debug_option
def check(path: Path, epub: bool, printed: bool, strict: bool, ignore: str) -> None:
    """Report every problem that can be found without writing the book.

    book.toml and front matter (unknown keys, wrong types), missing images and alt text,
    broken cross-references and links, duplicate labels, typography hints, empty chapters;
    with --epub, EPUBCheck too; with --print, a preflight of the print files (page size,
    page count, fonts, image resolution, output intent, annotations, cover size, barcode).
    Each finding is one line `path:line:col: CODE message`.

    \b
    Examples:
      make-book check
      make-book check ~/livres/essai --strict
      make-book check --epub
      make-book check --print
      make-book check --ignore W051,W052
    """
    from make_book.commands import check as command
    from make_book.commands.ui import err_console, out_console

    codes = frozenset(c.strip().upper() for c in ignore.split(",") if c.strip())
    code = command.run(path, out_console(), err_console(), strict, epub, codes, printed)
    if code:
        raise click.exceptions.Exit(code)


# -- serve ------------------------------------------------------------------------------------


@main.command(epilog=EXIT_CODES)
@click.argument("path", type=PATH_ARG, default=".", required=False)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              envvar="MAKEBOOK_PORT", show_envvar=True, help="Port to serve on (0: any free).")
@click.option("--host", default="127.0.0.1", show_default=True, envvar="MAKEBOOK_HOST",
              show_envvar=True, help="Address to serve on.")
@click.option("--edition", type=EditionName(), default="all", show_default=True,
              envvar="MAKEBOOK_EDITION", help="all, omnibus, or part-N for one volume.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
@debug_option
@click.pass_context
def serve(ctx: click.Context, path: Path, port: int, host: str, edition: str,
          open_browser: bool) -> None:
    """Serve the web edition and rebuild it as the manuscript changes.

    Watches manuscript/, assets/ and styles/; open pages reload after each rebuild, and show
    the book's errors when a rebuild fails. dist/ is left alone. Ctrl-C stops.

    \b
    Examples:
      make-book serve
      make-book serve ~/livres/essai --port 8080 --open
    """
    from make_book.commands.serve import serve as command
    from make_book.commands.ui import err_console

    command(path, host, port, edition, err_console(), _debug(ctx), open_browser)


# -- new --------------------------------------------------------------------------------------


@main.command(epilog=EXIT_CODES)
@click.argument("kind", type=click.Choice(["part", "chapter"]))
@click.argument("title", nargs=-1, required=True)
@click.option("--part", "part_number", type=click.IntRange(1), default=None,
              help="For a chapter: the part to add it to (default: the last one).")
@click.option("--project", type=PATH_ARG, default=".", show_default=True,
              help="The project folder.")
@debug_option
def new(kind: str, title: tuple[str, ...], part_number: int | None, project: Path) -> None:
    """Create the next part folder or chapter file, named from TITLE.

    The number follows the last one; the name is a slug of the title, accents removed
    (« L'exécution » → l-execution).

    \b
    Examples:
      make-book new part "Quand l'exécution s'effondre"  # 03-quand-l-execution-s-effondre/
      make-book new chapter "L'exécution"                # 01-l-execution.md, last part
      make-book new chapter --part 2 "Un autre chapitre"
    """
    from make_book.commands import new as command
    from make_book.commands.ui import err_console, shown

    text = " ".join(" ".join(title).split())
    if not text:
        raise click.BadParameter("the title is empty", param_hint="TITLE")
    if kind == "part":
        if part_number is not None:
            raise click.UsageError("--part is for `new chapter`")
        created = command.new_part(project, text)
    else:
        created = command.new_chapter(project, text, part_number)
    err_console().print(f"created {shown(created)}", markup=False)


# -- stats ------------------------------------------------------------------------------------


@main.command(epilog=EXIT_CODES)
@click.argument("path", type=PATH_ARG, default=".", required=False)
@click.option("--json", "json_output", is_flag=True, help="Print the counts as JSON.")
@debug_option
def stats(path: Path, json_output: bool) -> None:
    """Words, characters, reading time and pages, per chapter and part.

    Reading time at 195 words a minute in French, 228 in English; pages for the book's PDF
    trim (about 300 words on an A5 page).

    \b
    Examples:
      make-book stats
      make-book stats --json | jq '.parts[].words'
    """
    from make_book.build.pipeline import load
    from make_book.commands import stats as command
    from make_book.commands.ui import out_console

    book, _report = load(path)
    command.run(book, out_console(), json_output)


# -- init, clean ------------------------------------------------------------------------------


@main.command(epilog=EXIT_CODES)
@click.argument("directory", type=PATH_ARG)
@click.option("--title", default=None, help="The book's title (default: « My Book » in the "
              "book's language).")
@click.option("--lang", default="en", show_default=True, metavar="TAG",
              help="The book's language: en, fr, de, es, it, pt, nl, or a regional tag such "
              "as fr-CA, de-CH, pt-BR, en-GB. The sample is in English, French or German.")
@debug_option
def init(directory: Path, title: str | None, lang: str) -> None:
    """Create a new project with a sample manuscript, ready to build.

    \b
    Examples:
      make-book init my-book
      make-book init mon-livre --lang fr --title "Intelligence abondante"
      make-book init mein-buch --lang de
    """
    from make_book.commands.init import init as command
    from make_book.commands.ui import err_console, shown

    written = command(directory, title, lang)
    console = err_console()
    console.print(f"created {shown(directory)} ({len(written)} files)", markup=False)
    console.print(f"next: cd {shown(directory)} && make-book build   (or make-book serve)",
                  markup=False)


@main.command(epilog=EXIT_CODES)
@click.argument("path", type=PATH_ARG, default=".", required=False)
@click.option("--out", type=PATH_ARG, default=None, envvar="MAKEBOOK_OUT",
              help="The output folder to remove, if builds went elsewhere inside the project.")
@debug_option
def clean(path: Path, out: Path | None) -> None:
    """Remove dist/ and make-book's cache; the manuscript is never touched.

    \b
    Examples:
      make-book clean
      make-book clean ~/livres/essai
    """
    from make_book.commands.clean import clean as command
    from make_book.commands.settings import build_defaults
    from make_book.commands.ui import err_console, shown

    if out is None:
        try:
            out = build_defaults(path).out
        except MakeBookError:
            pass  # a broken book.toml must not stop a clean: dist/ is removed all the same
    removed = command(path, out)
    console = err_console()
    for target in removed:
        console.print(f"removed {shown(target)}", markup=False)
    if not removed:
        console.print("nothing to remove", markup=False)


@main.command(epilog=EXIT_CODES)
@debug_option
def doctor() -> None:
    """Say what this machine has of what make-book uses, and the line that installs the rest.

    \b
    Building needs Python 3.11+, pandoc and WeasyPrint with Pango and HarfBuzz; `check --epub`
    needs Java; the accessibility checks need Chromium and Node.js. Exit code 3 when
    something a build needs is missing.

    \b
    Examples:
      make-book doctor
      make-book doctor || echo "install the MISSING lines first"
    """
    from make_book.commands.doctor import findings, report
    from make_book.commands.ui import out_console

    lines, ready = report(findings())
    console = out_console()
    for line in lines:
        console.print(line, markup=False)
    if not ready:
        raise ToolMissingError("something a build needs is missing: see the MISSING lines")


from make_book.commands.catalogue import catalogue  # noqa: E402  (defined in its own module)
from make_book.commands.release import release  # noqa: E402  (defined in its own module)

main.add_command(release)
main.add_command(catalogue)


if __name__ == "__main__":
    main()
