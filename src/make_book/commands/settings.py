"""Build settings: book.toml's [build] table, then MAKEBOOK_* variables, then options.

click resolves options and their MAKEBOOK_* variables; an option left at its default takes the
value from book.toml's [build] table instead, so the order is book.toml < environment < option.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from make_book.core.config import load_settings
from make_book.core.diagnostics import BookError


@dataclass(frozen=True)
class BuildDefaults:
    """The [build] table of book.toml, validated; None where the table says nothing."""

    formats: tuple[str, ...] | None = None
    edition: str | None = None
    out: Path | None = None
    strict: bool | None = None


def build_defaults(root: Path) -> BuildDefaults:
    """Read [build] from root/manuscript/book.toml; BookError (located) for a wrong value."""
    path = root / "manuscript" / "book.toml"
    if not path.is_file():
        return BuildDefaults()  # the build itself reports the missing file (E001)
    try:
        # The book reports the errors and warnings of book.toml itself, with those of every
        # other file: a rejected key here takes the option's default meanwhile.
        settings, _report = load_settings(path, keep_going=True)
    except BookError as exc:
        raise exc.with_root(root) from None
    table = settings["build"]
    out = Path(table["out"]) if "out" in table else None
    if out is not None and not out.is_absolute():
        out = root / out  # relative to the project, wherever make-book runs from
    return BuildDefaults(table.get("formats"), table.get("edition"), out, table.get("strict"))
