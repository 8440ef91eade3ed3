"""What every writer shares: editions, the documents they hold, links and serialisation."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from lxml import etree, html

from make_book.core.editions import Doc
from make_book.core.files import PACKAGE_STYLES
from make_book.core.locales import long_date, ordinal_part, strings
from make_book.core.model import Book, Element


class Linker:
    """Turns the model's `#anchor` links into `file#anchor` for one edition's layout."""

    def __init__(self, docs: list[Doc], suffix: str, single_file: bool = False):
        self.where = {a: d for d in docs for a in d.anchors}
        self.suffix = suffix
        self.single = single_file

    def href(self, anchor: str) -> str | None:
        doc = self.where.get(anchor)
        if doc is None:
            return None
        if self.single:
            return "#" + anchor
        if anchor == doc.anchor:
            return doc.stem + self.suffix
        return f"{doc.stem}{self.suffix}#{anchor}"

    def relink(self, body: Element) -> None:
        """Rewrite internal links in place; a link out of this edition falls back to its
        canonical address (series links) or loses its href but keeps its text."""
        for link in body.iter("a"):
            href = link.get("href", "")
            if not href.startswith("#"):
                continue
            target = self.href(href[1:])
            if target is not None:
                link.set("href", target)
            elif link.get("data-url"):
                link.set("href", link.get("data-url"))
            else:
                del link.attrib["href"]
            for name in ("data-url", "data-part", "data-kind", "data-in-note"):
                link.attrib.pop(name, None)


def body_copy(body: Element) -> Element:
    return copy.deepcopy(body)


def inner_xhtml(element: Element) -> str:
    """The children of element serialised as XHTML (XML syntax, no namespace prefix)."""
    out = [_escape(element.text or "")]
    for child in element:
        out.append(etree.tostring(child, method="xml", encoding="unicode", with_tail=True))
    return "".join(out)


def inner_html(element: Element) -> str:
    """The children of element serialised as HTML5."""
    out = [_escape(element.text or "")]
    for child in element:
        out.append(html.tostring(child, method="html", encoding="unicode", with_tail=True))
    return "".join(out)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shift_headings(body: Element, by: int) -> None:
    """Move every heading down `by` levels (h2 → h3), capped at h6."""
    if by == 0:
        return
    for element in body.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        element.tag = f"h{min(6, int(element.tag[1]) + by)}"


def template_env() -> Environment:
    env = Environment(loader=PackageLoader("make_book", "templates"),
                      autoescape=select_autoescape(["html", "xhtml", "xml"]),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals["ordinal_part"] = ordinal_part
    env.filters["long_date"] = long_date  # {{ date|long_date(lang) }}: « 26 novembre 2026 »
    return env


def style_file(book: Book, name: str) -> Path:
    """A file of styles/: the project's own when it has one, else make-book's default."""
    own = book.root / "styles" / name
    return own if own.is_file() else PACKAGE_STYLES / name


def copy_file(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)


def locale(book: Book) -> dict[str, str]:
    return strings(book.config.lang)
