"""Citations: every key checked against the bibliography, each edition's list of works made.

pandoc's citeproc has formatted the citations in each chapter's own conversion (read/
markdown.py, which drops the list of works citeproc appends to each chapter); one list per
edition, of the works its chapters cite, is placed after its last part.
"""

from __future__ import annotations

import difflib
import re

from lxml import html

from make_book.core.diagnostics import Report
from make_book.core.editions import editions
from make_book.core.locales import strings
from make_book.core.model import Book, Chapter, Element
from make_book.core.names import slugify
from make_book.core.store import cache_dir
from make_book.read.bibliography import render_entries
from make_book.read.markdown import XREF_PREFIXES
from make_book.transforms.sanitize import safe_url

ROLE = "bibliography"


def run(book: Book, report: Report) -> None:
    for chapter in book.documents():
        chapter.meta["cites"] = _check(book, chapter, report)
        for link in chapter.body.iter("a"):
            href = link.get("href", "")
            if link.get("role") == "doc-biblioref" and href.startswith("#ref-"):
                link.set("href", "#" + entry_id(href[len("#ref-"):]))
    if book.bibliography is None or report.errors:
        return
    numbers: dict[str, int] = {}  # a numeric style's number of each work, through the book
    for chapter in book.documents():
        for key in chapter.meta["cites"]:  # type: ignore[attr-defined]
            numbers.setdefault(key, len(numbers) + 1)
    if book.bibliography.numeric:
        for chapter in book.documents():
            renumber_citations(chapter.body, numbers)
    for edition in editions(book):
        keys: dict[str, None] = {}
        for part in edition.parts:
            for chapter in ([part.intro] if part.intro else []) + part.chapters:
                keys.update(dict.fromkeys(chapter.meta["cites"]))  # type: ignore[arg-type]
        if keys:
            works = _works(book, list(keys))
            if book.bibliography.numeric:
                renumber_entries(works.body, numbers)
            book.generated.setdefault(edition.key, []).append(works)


def entry_id(key: str) -> str:
    """The anchor of a work in the bibliography: "ref-" and its key as a portable slug."""
    return "ref-" + slugify(key)


def renumber_citations(body: Element, numbers: dict[str, int]) -> None:
    """Give a numeric style's citations the number of their work in the whole book, in place:
    each chapter's citeproc run numbered its own works from 1."""
    by_anchor = {entry_id(key): number for key, number in numbers.items()}
    for link in body.iter("a"):
        number = by_anchor.get(link.get("href", "").lstrip("#"))
        if link.get("role") == "doc-biblioref" and number is not None and link.text:
            link.text = re.sub(r"\d+", str(number), link.text, count=1)


def renumber_entries(body: Element, numbers: dict[str, int]) -> None:
    """The list of works of a numeric style, numbered and ordered as the citations are."""
    by_anchor = {entry_id(key): number for key, number in numbers.items()}
    for refs in body.find_class("csl-bib-body"):
        entries = [e for e in refs if by_anchor.get(e.get("id", "")) is not None]
        for entry in entries:
            for margin in entry.find_class("csl-left-margin"):
                margin.text = re.sub(r"\d+", str(by_anchor[entry.get("id")]), margin.text or "",
                                     count=1)
            refs.remove(entry)
        for entry in sorted(entries, key=lambda e: by_anchor[e.get("id")]):
            refs.append(entry)


def _check(book: Book, chapter: Chapter, report: Report) -> list[str]:
    """The keys the chapter cites, in order; an unknown key is an error (E034) naming the
    closest one, a citation with no bibliography to format it a warning (W034)."""
    cited: dict[str, None] = {}
    reported: set[str] = set()
    bibliography = book.bibliography
    for span in chapter.body.find_class("citation"):
        keys = span.get("data-cites", "").split()
        if not keys or all(k.split(":")[0] in XREF_PREFIXES and ":" in k for k in keys):
            continue
        for key in keys:
            if key in reported:
                continue
            line, col = _position(chapter, key)
            if bibliography is None:
                reported.add(key)
                report.warn("W034", f"citation `@{key}` printed as written: book.toml names no "
                            "bibliography", chapter.source, line, col,
                            hint='add `bibliography = "references.bib"` to [book]')
            elif key not in bibliography.keys:
                reported.add(key)
                close = difflib.get_close_matches(key, sorted(bibliography.keys), n=1)
                report.error("E034", f"citation key `{key}` is not in the bibliography"
                             + (f": did you mean `{close[0]}`?" if close else ""),
                             chapter.source, line, col)
            else:
                cited[key] = None
    return list(cited)


def _position(chapter: Chapter, key: str) -> tuple[int | None, int | None]:
    """Line and column of `@key` in the chapter's Markdown."""
    found = re.search(rf"(?<![\w@])@{re.escape(key)}(?![\w])", chapter.text) or \
        re.search(re.escape(key), chapter.text)
    if found is None:
        return None, None
    start = found.start()
    line = chapter.text.count("\n", 0, start) + chapter.line_offset + 1
    return line, start - (chapter.text.rfind("\n", 0, start) + 1) + 1


def _works(book: Book, keys: list[str]) -> Chapter:
    """The list of works for these keys, as a back-matter document."""
    bibliography = book.bibliography
    assert bibliography is not None
    markup = render_entries(bibliography, keys, book.config.lang, cache_dir(book.root))
    body = html.fragment_fromstring(markup or "<div></div>", create_parent="div")
    for refs in body.xpath(".//div[@id='refs']"):
        refs.set("id", "bibliography-list")
        refs.set("class", (refs.get("class", "") + " bibliography-list").strip())
    for link in body.iter("a"):
        # A bibliography's `url` is the author's text, as a chapter's links are (sanitize.py).
        if not safe_url(link.get("href", "")):
            del link.attrib["href"]
    for entry in body.find_class("csl-entry"):
        if entry.get("id", "").startswith("ref-"):
            entry.set("id", entry_id(entry.get("id")[len("ref-"):]))
    return back_document(book, ROLE, strings(book.config.lang)["bibliography"], body,
                         bibliography.files[0])


def back_document(book: Book, role: str, title: str, body: Element, source: object) -> Chapter:
    """A document the build makes (the bibliography, the index), for an edition's back; its
    file is not `index`, the web edition's home page."""
    slug = "book-index" if role == "index" else role
    return Chapter(source=source, slug=slug, title=title, body=body,  # type: ignore[arg-type]
                   line_offset=0, text="", key=slug, meta={"role": role}, role=role)
