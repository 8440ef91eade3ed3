"""Build settings: book.toml's [build] table, then MAKEBOOK_* variables, then options.

click resolves options and their MAKEBOOK_* variables; an option left at its default takes the
value from book.toml's [build] table instead, so the order is book.toml < environment < option.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from make_book.core.config import _key_line, load_config
from make_book.core.diagnostics import BookError, Report

FORMATS = ("epub", "pdf", "html")
_EDITION = re.compile(r"^(all|omnibus|part-\d+)$")


def parse_formats(value: str | list[str]) -> tuple[str, ...]:
    """"epub,html" or ["epub", "html"] → ("epub", "html"); ValueError names an unknown one."""
    items = value.split(",") if isinstance(value, str) else value
    chosen = tuple(dict.fromkeys(str(item).strip().lower() for item in items if str(item).strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {', '.join(unknown)}: choose among {', '.join(FORMATS)}")
    if not chosen:
        raise ValueError(f"no format given: choose among {', '.join(FORMATS)}")
    return chosen


def check_edition(value: str) -> str:
    """all, omnibus or part-N; ValueError otherwise (whether part N exists is the book's say)."""
    value = value.strip().lower()
    if not _EDITION.match(value):
        raise ValueError(f"unknown edition {value!r}: choose all, omnibus or part-N (part-3)")
    return value


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
        load_config(path)  # types and unknown keys, with their lines
    except BookError as exc:
        raise exc.with_root(root) from None
    text = path.read_text(encoding="utf-8")
    table = tomllib.loads(text).get("build", {})
    report = Report()
    formats = edition = None
    if "formats" in table:
        try:
            formats = parse_formats(table["formats"])
        except ValueError as exc:
            report.error("E005", f"[build] formats: {exc}", path,
                         _key_line(text, "build", "formats"))
    if "edition" in table:
        try:
            edition = check_edition(table["edition"])
        except ValueError as exc:
            report.error("E005", f"[build] edition: {exc}", path,
                         _key_line(text, "build", "edition"))
    if report.errors:
        raise BookError(report.errors, root)
    out = Path(table["out"]) if "out" in table else None
    if out is not None and not out.is_absolute():
        out = root / out  # relative to the project, wherever make-book runs from
    return BuildDefaults(formats, edition, out, table.get("strict"))
