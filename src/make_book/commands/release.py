"""`make-book release`: a clean, versioned, checksummed build of every edition and format."""

from __future__ import annotations

import json
from pathlib import Path

import click

from make_book.commands.ui import err_console, human_size, jobs_option, shown, steps
from make_book.core.diagnostics import MakeBookError
from make_book.core.settings_schema import VERSION

# As cli.py's epilog; not imported from there, so that cli.py can import this module.
EXIT_CODES = """\b
Exit codes:
  0  success
  1  the book has errors (each printed as path:line: CODE message)
  2  wrong usage (an unknown option or a version that cannot name files)
  3  an external tool is missing (the message gives the command that installs it)"""
INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C


def _check_version(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not VERSION.match(value):
        raise click.BadParameter(f"{value!r} cannot name files: use letters, digits and "
                                 ". _ + - (such as 1.0.0)")
    return value


@click.command(epilog=EXIT_CODES)
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".",
                required=False)
@click.option("--version", "version", default=None, callback=_check_version,
              help="Release version (default: the git tag at HEAD, else [book] version, "
                   "else the book's date).")
@click.option("--strict", is_flag=True, help="Refuse to release a book with warnings.")
@jobs_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder that receives VERSION/ (default: PATH/dist/release).")
def release(path: Path, version: str | None, strict: bool, out: Path | None) -> None:
    """Release the book at PATH into PATH/dist/release/VERSION/.

    Every edition and format under versioned names, the web edition zipped for a static host,
    SHA256SUMS (check with `sha256sum -c SHA256SUMS`) and manifest.json. A book with errors,
    or with warnings under --strict, is not released; --strict also preflights the print
    files against [print] target (as `make-book check --print`).

    \b
    Examples:
      make-book release
      make-book release ~/books/essai --version 1.0.0 --strict
    """
    console = err_console()
    # Deferred for start-up speed: `--help` needs none of the build.
    from make_book.build.release import make_release
    from make_book.lint.preflight import preflight_build

    try:
        with steps(console) as tracker:
            folder = make_release(path, version, strict, tracker, out,
                                  preflight_build if strict else None)
    except KeyboardInterrupt:
        console.print("interrupted: no release was written", markup=False)
        raise click.exceptions.Exit(INTERRUPTED) from None
    except MakeBookError:
        raise
    except Exception as exc:  # a bug, not a manuscript problem: say so plainly
        raise MakeBookError(f"internal error: {exc.__class__.__name__}: {exc}") from exc
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    width = max(len(f["name"]) for f in manifest["files"])
    for item in manifest["files"]:
        console.print(f"  {item['name']:<{width}}  {human_size(item['size']):>9}", markup=False)
    console.print(f"released {manifest['version']}: {len(manifest['files'])} files, "
                  f"SHA256SUMS and manifest.json in {shown(folder)}", markup=False)

if __name__ == "__main__":
    release()
