"""The command line: parses arguments and calls the pipeline, nothing more.

Exit codes: 0 success, 1 the book has errors, 2 wrong usage, 3 an external tool is missing.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from . import __version__
from .diagnostics import BookError, MakeBookError

EXIT_CODES = """Exit codes: 0 success, 1 the book has errors, 2 wrong usage,
3 an external tool is missing."""


def _console() -> Console:
    return Console(stderr=True, no_color="NO_COLOR" in os.environ, highlight=False)


@click.group(invoke_without_command=True, epilog=EXIT_CODES)
@click.version_option(__version__, prog_name="make-book")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an error.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn a folder of Markdown chapters into EPUB, PDF and HTML editions.

    With no command, builds the project in the current folder (same as `make-book build`).
    """
    ctx.obj = {"debug": debug}
    if ctx.invoked_subcommand is None:
        ctx.invoke(build)


@main.command(epilog=EXIT_CODES)
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".",
                required=False)
@click.option("--format", "formats", default="epub,pdf,html", show_default=True,
              help="Comma-separated formats to build.")
@click.option("--edition", default="all", show_default=True,
              help="all, omnibus, or part-N for one volume.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: PATH/dist).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.pass_context
def build(ctx: click.Context, path: Path = Path("."), formats: str = "epub,pdf,html",
          edition: str = "all", out: Path | None = None, strict: bool = False) -> None:
    """Build the editions of the book at PATH into PATH/dist.

    \b
    Examples:
      make-book build
      make-book build ~/books/essai --format epub,html
      make-book build --edition part-3 --out /tmp/out
    """
    from .pipeline import build as run_build

    console = _console()
    debug = bool(ctx.obj and ctx.obj.get("debug"))
    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    try:
        with console.status("make-book", spinner="dots") if console.is_terminal else _Null() as st:
            def progress(message: str) -> None:
                if st is not None and hasattr(st, "update"):
                    st.update(message)
                else:
                    console.print(f"• {message}")

            result = run_build(path, out, chosen, edition, progress, strict)
    except MakeBookError:
        raise
    except KeyboardInterrupt:
        console.print("interrupted: dist/ is as the last good build left it")
        sys.exit(130)
    except Exception as exc:  # a bug, not a manuscript problem: say so plainly
        if debug:
            traceback.print_exc()
        raise MakeBookError(f"internal error: {exc.__class__.__name__}: {exc} "
                            "(run with --debug for the traceback)") from None
    for warning in result.report.warnings:
        console.print(f"[yellow]warning[/yellow] {escape(warning.format(path.resolve()))}")
    root = (out or path / "dist").resolve()
    for output in result.outputs:
        size = sum(f.stat().st_size for f in output.rglob("*")) if output.is_dir() \
            else output.stat().st_size
        console.print(f"  {output.relative_to(root.parent) if output.is_relative_to(root.parent) else output}"
                      f"  {size / 1024:,.0f} KiB")
    console.print(f"built {len(result.outputs)} outputs in {result.seconds:.1f} s")


class _Null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


def run() -> None:
    main()


if __name__ == "__main__":
    main()
