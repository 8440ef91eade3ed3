"""PyYAML's errors said in plain words, at the line of the mistake.

PyYAML names what its scanner expected (« while scanning a quoted scalar … found unexpected
end of stream »), and the line where it gave up, which is often the end of the block. A writer
wants the mistake: the quote left open and the line it was opened on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class Explained:
    """A YAML error as a sentence, with its line and column inside the YAML block (1-based)."""

    message: str
    line: int | None
    col: int | None


_TOKEN_START = re.compile(r"found character '(.+)' that cannot start any token")
_ESCAPE = re.compile(r"found unknown escape character '(.+)'")


def explain(exc: yaml.YAMLError, block: str) -> Explained:
    """The plain-words sentence for a PyYAML error raised on block, and where the mistake is."""
    context = getattr(exc, "context", None) or ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    opened = getattr(exc, "context_mark", None)
    found = getattr(exc, "problem_mark", None)
    lines = block.splitlines()

    def at(mark: yaml.Mark | None, message: str) -> Explained:
        if mark is None:
            return Explained(message, None, None)
        return Explained(message, mark.line + 1, mark.column + 1)

    def line_text(mark: yaml.Mark | None) -> str:
        if mark is None or mark.line >= len(lines):
            return ""
        return lines[mark.line]

    if "quoted scalar" in context and "end of stream" in problem and opened is not None:
        quote = line_text(opened)[opened.column:opened.column + 1] or '"'
        return at(opened, f"unclosed quote opened on line {{line}}: end the value with "
                  f"{quote}")
    if "mapping values are not allowed" in problem:
        if line_text(found)[:1].isspace():
            return at(found, "an indented line: each `key: value` starts at the beginning "
                      "of its line")
        return at(found, "a colon inside a value: put the value in quotes "
                  '(title: "Before: after")')
    if "could not find expected ':'" in problem:
        where = opened or found
        return at(where, "a line that is not `key: value`: a key needs a colon after it")
    for kind, pair in (("flow sequence", "[]"), ("flow mapping", "{}")):
        if kind in context and opened is not None:
            return at(opened, f"unclosed {pair[0]} opened on line {{line}}: close it with "
                      f"{pair[1]}, or put the value in quotes")
    token = _TOKEN_START.search(problem)
    if token:
        if token.group(1) == "\\t":
            return at(found, "a tab: indent with spaces")
        return at(found, f"a value cannot start with {token.group(1)}: put the value in "
                  "quotes")
    if "undefined alias" in problem:
        return at(found, "a value cannot start with *: put the value in quotes")
    if "constructor for the tag" in problem:
        return at(found, "a value cannot start with !: put the value in quotes")
    escape = _ESCAPE.search(problem)
    if escape:
        return at(found, f"unknown escape \\{escape.group(1)} in a double-quoted value: "
                  "write \\\\ for a backslash, or use single quotes")
    if "expected <block end>" in problem:
        if "'-'" in problem:
            return at(found, "a list item `- …` among `key: value` lines: indent it under "
                      "its key")
        return at(found, "text after the end of a value: put the whole value in quotes")
    return at(found or opened, f"the YAML parser says: {problem}")


def located(explained: Explained, first_line: int) -> tuple[str, int | None, int | None]:
    """(message, line, col) with the line counted from the file's first line: first_line is
    the file's line of the block's first line. « opened on line {line} » is filled in."""
    line = explained.line + first_line - 1 if explained.line is not None else None
    return explained.message.replace("{line}", str(line)), line, explained.col
