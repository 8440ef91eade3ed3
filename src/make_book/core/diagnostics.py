"""Diagnostics with a location, and the user-facing errors that carry them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import click


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One finding: a stable code, a message, and where it is (`path:line:col`)."""

    code: str
    message: str
    path: Path | None = None
    line: int | None = None
    col: int | None = None
    severity: Severity = Severity.ERROR
    hint: str | None = None

    def location(self, root: Path | None = None) -> str:
        if self.path is None:
            return ""
        path = self.path
        if root is not None:
            # The link itself, not its target: a symbolic link refused for pointing outside
            # the project is still named by where it sits in the project.
            parent = self.path.absolute().parent.resolve()
            try:
                path = (parent / self.path.name).relative_to(root.resolve())
            except ValueError:
                pass
        parts = [str(path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def sort_key(self, root: Path) -> tuple[bool, str, int, int, str]:
        """Errors first, each kind in file order, then line and column: the order an editor
        walks them."""
        return (self.severity is not Severity.ERROR, self.location(root).split(":")[0],
                self.line or 0, self.col or 0, self.code)

    def format(self, root: Path | None = None) -> str:
        where = self.location(root)
        text = f"{where}: {self.code} {self.message}" if where else f"{self.code} {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


@dataclass
class Report:
    """Diagnostics collected over a pass, so that every problem is shown at once."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, message: str, path: Path | None = None, line: int | None = None,
              col: int | None = None, hint: str | None = None) -> None:
        self.items.append(Diagnostic(code, message, path, line, col, Severity.ERROR, hint))

    def warn(self, code: str, message: str, path: Path | None = None, line: int | None = None,
             col: int | None = None, hint: str | None = None) -> None:
        self.items.append(Diagnostic(code, message, path, line, col, Severity.WARNING, hint))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise BookError(self.errors)


class MakeBookError(click.ClickException):
    """Base of every error a user can cause; click prints it without a traceback."""

    exit_code = 1


class BookError(MakeBookError):
    """The manuscript has errors (exit code 1)."""

    exit_code = 1

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic, root: Path | None = None):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = diagnostics
        self.root = root
        self.printed = False  # set by a command that printed the diagnostics its own way
        super().__init__(self._text())

    def show(self, file: Any = None) -> None:
        """Print the diagnostics, unless the command already did."""
        if not self.printed:
            super().show(file)

    def _text(self) -> str:
        return "\n".join(d.format(self.root) for d in self.diagnostics)

    def with_root(self, root: Path) -> BookError:
        self.root = root
        self.message = self._text()
        return self

    def format_message(self) -> str:
        return self._text()


class ToolMissingError(MakeBookError):
    """An external tool the command needs is not installed (exit code 3)."""

    exit_code = 3


def weasyprint_missing(exc: OSError) -> ToolMissingError:
    """The error for a WeasyPrint that cannot load Pango's C libraries, with the install line."""
    return ToolMissingError(
        f"WeasyPrint cannot load its system libraries ({exc}): install them with "
        "`apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0`")


def fail(code: str, message: str, path: Path | None = None, line: int | None = None,
         hint: str | None = None) -> BookError:
    """Build a one-diagnostic BookError, to be raised by the caller."""
    return BookError(Diagnostic(code, message, path, line, None, Severity.ERROR, hint))


def line_of(text: str, needle: str, start_line: int = 1) -> int | None:
    """The 1-based line of the first occurrence of needle in text, offset by start_line - 1."""
    index = text.find(needle)
    if index < 0:
        return None
    return text.count("\n", 0, index) + start_line
