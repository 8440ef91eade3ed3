"""Number figures and tables, then resolve references and links into internal anchors.

In the model an internal link is `href="#anchor"`, anchor unique in the book; each writer
turns it into `file#anchor` for its own layout. A reference carries `class="xref"` and
`data-kind` so that the print PDF can add the page number.
"""

from __future__ import annotations

import difflib
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html

from make_book.core.diagnostics import Report, line_of
from make_book.core.locales import strings
from make_book.core.model import Book, Chapter, Element, Target


def run(book: Book, report: Report) -> None:
    _number_figures(book)
    by_source = {c.source.resolve(): c for c in book.chapters() + book.front + book.back}
    for part in book.parts:
        if part.source is not None:
            by_source.setdefault(part.source.resolve(), part.intro)  # type: ignore[arg-type]
    urls = {p.url.rstrip("/"): p for p in book.parts if p.url}
    for chapter in book.documents():
        # Notes were moved out of the body by the notes pass: their links resolve too.
        for root in [chapter.body] + [note.body for note in chapter.notes]:
            _resolve_citations(book, chapter, report, root)
            _resolve_links(book, chapter, report, by_source, urls, root)


def _number_figures(book: Book) -> None:
    """Figures and tables numbered within each part (« 3.2 ») or through the book (« 7 »);
    an appendix numbers its own (« A.1 »), other front and back matter counts on."""
    table = strings(book.config.lang)
    counters = {"fig": 0, "tbl": 0}
    units: list[tuple[list[Chapter], str | None]] = [([c], None) for c in book.front]
    for part in book.parts:
        prefix = str(part.number) if book.config.figure_numbering == "part" \
            and book.has_parts else None
        units.append((([part.intro] if part.intro else []) + part.chapters, prefix))
    units += [([c], c.letter) for c in book.back]
    for chapters, prefix in units:
        if prefix is not None:
            counters = {"fig": 0, "tbl": 0}
        for chapter in chapters:
            for figure in chapter.body.iter("figure", "table"):
                anchor = figure.get("id", "")
                target = book.targets.get(anchor)
                kind = "fig" if figure.tag == "figure" else "tbl"
                if target is None or target.kind != kind:
                    continue
                counters[kind] += 1
                number = f"{prefix}.{counters[kind]}" if prefix else str(counters[kind])
                target.number = number
                caption = figure.find("figcaption" if kind == "fig" else "caption")
                if caption is not None:
                    label = html.Element("span", {"class": "caption-label"})
                    label.text = f"{table['figure' if kind == 'fig' else 'table']} {number}"
                    label.tail = " – " + (caption.text or "")
                    caption.text = None
                    caption.insert(0, label)
                    caption.attrib.pop("aria-hidden", None)


def reference_text(book: Book, target: Target) -> str:
    """How a reference reads: « figure 3.2 », « La hiérarchie se retourne », « partie 2 »."""
    table = strings(book.config.lang)
    if target.kind == "fig":
        return table["figure_ref"].format(number=target.number)
    if target.kind == "tbl":
        return table["table_ref"].format(number=target.number)
    if target.kind == "part" and target.part is not None:
        return table["part_ref"].format(number=target.part.number)
    return table["section_ref"].format(title=target.title or "")


def _resolve_citations(book: Book, chapter: Chapter, report: Report, root: Element) -> None:
    for span in list(root.find_class("citation")):
        cites = span.get("data-cites", "").split()
        if not cites or not all(c.split(":")[0] in ("fig", "tbl", "sec") for c in cites):
            continue  # a bibliographic citation: not ours, left as written
        links = []
        for label in cites:
            target = book.targets.get("label:" + label)
            if target is None:
                known = [key.removeprefix("label:") for key in book.targets
                         if key.startswith("label:")]
                close = difflib.get_close_matches(label, known, n=1)
                report.error("E031", f"reference to unknown label `@{label}`"
                             + (f": did you mean `@{close[0]}`?" if close else ""),
                             chapter.source,
                             line_of(chapter.text, "@" + label, chapter.line_offset + 1))
                continue
            link = html.Element("a", {"class": "xref", "href": "#" + target.anchor,
                                      "data-kind": target.kind})
            link.text = reference_text(book, target)
            links.append(link)
        if not links:
            continue
        wrapper = html.Element("span", {"class": "xrefs"})
        for i, link in enumerate(links):
            if i:
                links[i - 1].tail = ", " if i < len(links) - 1 else _and(book)
            wrapper.append(link)
        wrapper.tail = span.tail
        span.getparent().replace(span, wrapper)


def _and(book: Book) -> str:
    return " et " if book.config.lang.startswith("fr") else " and "


def _resolve_links(book: Book, chapter: Chapter, report: Report, by_source: dict[Path, Chapter],
                   urls: dict[str, object], root: Element) -> None:
    id_map: dict[str, str] = chapter.meta.get("id_map", {})  # type: ignore[assignment]
    for link in root.iter("a"):
        href = link.get("href")
        if href is None or "xref" in (link.get("class") or "") or "noteref" in (
                link.get("class") or "") or link.get("role") == "doc-biblioref":
            continue  # a citation's link goes to the edition's bibliography (citations.py)
        line = line_of(chapter.text, href, chapter.line_offset + 1)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            part = urls.get(href.rstrip("/"))
            if part is not None:
                # A series link: inside the book it goes to the part's own page.
                link.set("href", "#" + part.key)  # type: ignore[attr-defined]
                link.set("data-url", href)
                link.set("data-part", str(part.number))  # type: ignore[attr-defined]
            continue
        fragment = unquote(parts.fragment)
        if not parts.path:
            anchor = _anchor(book, id_map, fragment)
            if anchor is None:
                report.error("E032", f"link to unknown anchor `#{fragment}`", chapter.source, line)
            else:
                link.set("href", "#" + anchor)
            continue
        path = unquote(parts.path)
        if not path.endswith(".md"):
            continue  # a file the author links to: left as written
        resolved = (chapter.source.parent / posixpath.normpath(path)).resolve()
        target_chapter = by_source.get(resolved)
        if target_chapter is None:
            report.error("E033", f"link to a chapter file that does not exist: `{path}`",
                         chapter.source, line)
            continue
        if not fragment:
            anchor = (target_chapter.part.key if target_chapter.part is not None
                      and target_chapter is target_chapter.part.intro else target_chapter.key)
        else:
            anchor = _anchor(book, target_chapter.meta.get("id_map", {}), fragment)  # type: ignore[arg-type]
        if anchor is None:
            report.error("E032", f"link to unknown anchor `#{fragment}` in {path}",
                         chapter.source, line)
        else:
            link.set("href", "#" + anchor)


def _anchor(book: Book, id_map: dict[str, str], fragment: str) -> str | None:
    if fragment in id_map:
        return id_map[fragment]
    target = book.targets.get("label:" + fragment) or book.targets.get(fragment)
    return target.anchor if target is not None else None
