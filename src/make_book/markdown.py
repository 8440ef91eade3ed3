"""Markdown to an HTML tree, through pandoc (the pypandoc-binary wheel)."""

from __future__ import annotations

import re
from pathlib import Path

import pypandoc
from lxml import html

from .diagnostics import fail

# Typography is our own pass (typography.py), so pandoc's `smart` is off: the model keeps the
# author's characters and every edition gets the same, language-aware result.
PANDOC_FORMAT = "markdown-smart"
PANDOC_ARGS = ["--wrap=none", "--eol=lf"]


def to_html(markdown: str, source: Path, line_offset: int = 0) -> html.HtmlElement:
    """Convert one chapter's Markdown to a `<div>` element; pandoc errors name the file."""
    try:
        output = pypandoc.convert_text(markdown, "html5", format=PANDOC_FORMAT,
                                       extra_args=PANDOC_ARGS, verify_format=False)
    except RuntimeError as exc:
        message = str(exc).strip().splitlines()[-1] if str(exc).strip() else "pandoc failed"
        # pandoc names the position as "(line N, column M)" on an earlier line of its message.
        match = re.search(r"\(line (\d+), column \d+\)", str(exc)) or re.search(r"line (\d+)",
                                                                                  message)
        line = int(match.group(1)) + line_offset if match else None
        raise fail("E020", f"pandoc could not convert this file: {message}", source, line) from None
    if not output.strip():
        return html.fragment_fromstring("<div></div>")
    return html.fragment_fromstring(output, create_parent="div")
