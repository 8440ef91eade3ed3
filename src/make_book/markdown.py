"""Markdown to an HTML tree, through pandoc (the pypandoc-binary wheel)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pypandoc
from lxml import html

from .diagnostics import fail

# Typography is our own pass (typography.py), so pandoc's `smart` is off: the model keeps the
# author's characters and every edition gets the same, language-aware result.
PANDOC_FORMAT = "markdown-smart"
PANDOC_ARGS = ["--wrap=none", "--eol=lf"]
DEFAULT_TIMEOUT = 120.0
PANDOC_HEAP = "4g"  # GHC runtime cap: pandoc stops with "Heap exhausted" past it


def to_html(markdown: str, source: Path, line_offset: int = 0) -> html.HtmlElement:
    """Convert one chapter's Markdown to a `<div>` element; pandoc errors name the file."""
    output = run_pandoc(markdown, source, line_offset)
    if not output.strip():
        return html.fragment_fromstring("<div></div>")
    return html.fragment_fromstring(output, create_parent="div")


def pandoc_timeout(markdown: str) -> float:
    """Seconds pandoc may take on this text: MAKE_BOOK_PANDOC_TIMEOUT (default 120) plus 30 per
    megabyte. A 2 MB chapter converts in seconds; long runs of `[` or `<` make pandoc's parser
    backtrack for hours, and a build must end with an error rather than hang."""
    value = os.environ.get("MAKE_BOOK_PANDOC_TIMEOUT", "")
    base = float(value) if re.fullmatch(r"\d+(\.\d*)?", value) else DEFAULT_TIMEOUT
    return base + 30 * len(markdown) / 1_000_000


def run_pandoc(markdown: str, source: Path, line_offset: int = 0) -> str:
    """pandoc's HTML for markdown. Called directly rather than through pypandoc.convert_text,
    which has no timeout; the heap cap keeps a pathological file from taking the machine."""
    command = [pypandoc.get_pandoc_path(), "+RTS", f"-M{PANDOC_HEAP}", "-RTS",
               "--from", PANDOC_FORMAT, "--to", "html5", *PANDOC_ARGS]
    timeout = pandoc_timeout(markdown)
    try:
        done = subprocess.run(command, input=markdown.encode("utf-8"), capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:  # subprocess.run has killed pandoc
        raise fail("E021", f"pandoc did not finish converting this file in {timeout:.0f} s",
                   source, hint="look for long runs of `[`, `<` or backticks, or split the "
                   "file; MAKE_BOOK_PANDOC_TIMEOUT sets the limit in seconds") from None
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip()
        lines = [line for line in error.splitlines() if line.strip()]
        message = " ".join(lines[-3:]) if lines else f"pandoc exited with {done.returncode}"
        # pandoc names the position as "(line N, column M)" on an earlier line of its message.
        match = re.search(r"\(line (\d+), column \d+\)", error) or re.search(r"line (\d+)",
                                                                               message)
        line = int(match.group(1)) + line_offset if match else None
        raise fail("E020", f"pandoc could not convert this file: {message}", source, line)
    return done.stdout.decode("utf-8")
