"""Make every id unique across the whole book, and record where each one lives."""

from __future__ import annotations

import re

from make_book.core.diagnostics import Report, line_of
from make_book.core.model import Book, Chapter, Target
from make_book.core.names import slugify

LABEL_KINDS = ("fig", "tbl", "sec")


def run(book: Book, report: Report) -> None:
    taken: set[str] = set()
    labels: dict[str, Chapter] = {}
    for part in book.parts:
        taken.add(part.key)
        book.targets[part.key] = Target(part.key, None, part, "part", str(part.number),
                                        part.title)
    for chapter in book.documents():
        taken.add(chapter.key)
        if chapter.part is None or chapter is not chapter.part.intro:
            book.targets[chapter.key] = Target(chapter.key, chapter, chapter.part, "chapter",
                                               None, chapter.title)
    for chapter in book.documents():
        id_map: dict[str, str] = {}
        heading_id = chapter.meta.get("heading_id")
        if isinstance(heading_id, str):
            # `# Title {#sec:x}`: the label names the chapter itself.
            id_map[heading_id] = chapter.key
            if heading_id.split(":")[0] in LABEL_KINDS:
                _label(book, report, labels, chapter, heading_id, chapter.key, "sec")
        for element in chapter.body.iter():
            old = element.get("id") if isinstance(element.tag, str) else None
            if not old:
                continue
            if old.startswith(("fn", "fnref")) and re.fullmatch(r"fn(ref)?\d+", old):
                new = f"{chapter.key}-{old}"
            else:
                new = _unique(slugify(old), taken)
            taken.add(new)
            id_map[old] = new
            element.set("id", new)
            kind = old.split(":")[0] if ":" in old else None
            if kind in LABEL_KINDS:
                _label(book, report, labels, chapter, old, new, kind)
            else:
                title = " ".join(element.text_content().split()) if element.tag[0] == "h" else None
                book.targets[new] = Target(new, chapter, chapter.part, "id", None, title)
        chapter.meta["id_map"] = id_map


def _label(book: Book, report: Report, labels: dict[str, Chapter], chapter: Chapter,
           label: str, anchor: str, kind: str) -> None:
    if label in labels:
        first = labels[label]
        report.error("E030", f"label `{label}` defined twice (first in {first.source.name}, line "
                     f"{line_of(first.text, '#' + label, first.line_offset + 1)})",
                     chapter.source, line_of(chapter.text, "#" + label, chapter.line_offset + 1))
        return
    labels[label] = chapter
    element = chapter.body.get_element_by_id(anchor, None)
    title = None
    if element is not None and element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        title = " ".join(element.text_content().split())
    elif anchor == chapter.key:
        title = chapter.title
    target = Target(anchor, chapter, chapter.part, kind, None, title)
    book.targets[anchor] = target
    book.targets["label:" + label] = target


def _unique(base: str, taken: set[str]) -> str:
    if base not in taken and not re.fullmatch(r"[cp]\d+(-\d+)?", base):
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
