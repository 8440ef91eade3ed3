"""Mark what the author shows in some formats only: `{.only-web}` on a heading or a div.

A web call to action (« Explorez la série », with links to the other parts) reads well on a
site and not on paper; a note « turn the page » the other way round. The author marks it,
in pandoc's syntax, and each writer leaves out what is not for its format:

    ## Explorez la série {.only-web}        the heading and its section, up to the next
                                            heading of the same level or higher
    ::: {.only-pdf .only-epub}              a block, in the PDFs and the EPUB only
    :::
    ::: not-web                             everywhere but on the web
    :::

This pass records the formats on each marked element (`data-formats`); `keep_for` drops
the others from a writer's copy of a chapter.
"""

from __future__ import annotations

import difflib

from make_book.core.diagnostics import Report, line_of
from make_book.core.model import Book, Chapter, Element

# The formats a class can name, each as the writers' `fmt` ("web" is the HTML edition).
FORMATS = ("web", "epub", "pdf", "docx")
ATTRIBUTE = "data-formats"
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def run(book: Book, report: Report) -> None:
    """Record, on every element marked `only-…` or `not-…`, the formats that show it."""
    for chapter in book.documents():
        for element in list(chapter.body.iter()):
            if not isinstance(element.tag, str):
                continue
            formats = _formats(chapter, element, report)
            if formats is None:
                continue
            for member in _section(element) if element.tag in HEADINGS else [element]:
                member.set(ATTRIBUTE, " ".join(formats))


def keep_for(body: Element, fmt: str) -> None:
    """Remove from `body` (a writer's copy) what its author kept out of `fmt`, and the
    marks from what stays."""
    removed = False
    for element in list(body.iter()):
        if not isinstance(element.tag, str) or ATTRIBUTE not in element.attrib:
            continue
        if fmt in element.get(ATTRIBUTE, "").split():
            del element.attrib[ATTRIBUTE]
            continue
        if element.getparent() is None:
            continue
        removed = True
        element.drop_tree()  # lxml keeps the text that followed it, in its parent
    last = body[-1] if len(body) else None
    if removed and last is not None and last.tag == "hr" and not (last.tail or "").strip():
        # The break announced the passage left out: with nothing after it, it is dropped.
        body.remove(last)


def _formats(chapter: Chapter, element: Element, report: Report) -> list[str] | None:
    """The formats that show `element`, or None when it is marked for none in particular."""
    classes = element.get("class", "").split()
    only = [c[5:] for c in classes if c.startswith("only-")]
    hidden = [c[4:] for c in classes if c.startswith("not-")]
    if not only and not hidden:
        return None
    for name, prefix in [(n, "only-") for n in only] + [(n, "not-") for n in hidden]:
        if name not in FORMATS:
            close = difflib.get_close_matches(name, FORMATS, n=1)
            hint = f": did you mean `{prefix}{close[0]}`?" if close else (
                f" ({', '.join(prefix + f for f in FORMATS)})")
            report.warn("W063", f"class `{prefix}{name}` names no format make-book writes"
                        f"{hint}", chapter.source,
                        line_of(chapter.text, f"{prefix}{name}", chapter.line_offset + 1))
    shown = [f for f in FORMATS if f in only] if only else list(FORMATS)
    return [f for f in shown if f not in hidden]


def _section(heading: Element) -> list[Element]:
    """The heading and its siblings up to the next heading of its level or higher."""
    level = int(heading.tag[1])
    members = [heading]
    sibling = heading.getnext()
    while sibling is not None:
        if isinstance(sibling.tag, str) and sibling.tag in HEADINGS and \
                int(sibling.tag[1]) <= level:
            break
        members.append(sibling)
        sibling = sibling.getnext()
    return members
