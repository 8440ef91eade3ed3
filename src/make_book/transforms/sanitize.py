"""Remove raw HTML that could run code in a reader's browser or e-reader."""

from __future__ import annotations

import re

from ..diagnostics import Report, line_of
from ..model import Book, Chapter

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base",
                  "meta", "link", "style", "form"}
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
_BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data:text/html)", re.I)


def run(book: Book, report: Report) -> None:
    for chapter in book.documents():
        clean(chapter, report)


def clean(chapter: Chapter, report: Report) -> None:
    """Strip dangerous elements and attributes from one body, warning with file and line."""
    for element in list(chapter.body.iter()):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in DANGEROUS_TAGS:
            report.warn("W020", f"raw <{tag}> removed", chapter.source, _line(chapter, f"<{tag}"))
            element.drop_tree()
            continue
        for name in list(element.attrib):
            value = element.get(name, "")
            if name.lower().startswith("on"):
                report.warn("W021", f"event handler `{name}` removed from <{tag}>",
                            chapter.source, _line(chapter, name))
                del element.attrib[name]
            elif name.lower() in _URL_ATTRS and _BAD_SCHEME.match(value):
                report.warn("W022", f"script link removed from <{tag}>", chapter.source,
                            _line(chapter, value.strip()[:20]))
                del element.attrib[name]


def _line(chapter: Chapter, needle: str) -> int | None:
    return line_of(chapter.text.lower(), needle.lower(), chapter.line_offset + 1)
