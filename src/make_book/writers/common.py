"""What every writer shares: editions, the documents they hold, links and serialisation."""

from __future__ import annotations

import copy
import shutil
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from lxml import etree, html
from stdnum import isbn as stdnum_isbn

from make_book.core.editions import Doc, Edition
from make_book.core.files import PACKAGE_STYLES
from make_book.core.front_matter import UNTITLED_ROLES
from make_book.core.locales import long_date, month_year, ordinal_part, strings
from make_book.core.model import Book, Element, Note
from make_book.transforms.formats import keep_for


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


def credits(book: Book) -> dict[str, object]:
    """Who the editions credit: the authors (the publisher, as a corporate author, when the
    book names no one), then « Traduit par … », « Illustré par … » lines and the original
    title line, in the book's language."""
    config = book.config
    t = locale(book)
    names = ", ".join
    lines = [t[key].format(names=names(people)) for key, people in (
        ("translated_by", config.translators), ("edited_by", config.editors),
        ("illustrated_by", config.illustrators)) if people]
    return {"authors": list(config.authors) or ([config.publisher] if config.publisher else []),
            "named_authors": list(config.authors), "contributor_lines": lines,
            "original_title_line": t["original_title_line"].format(title=config.original_title)
            if config.original_title else None}


def copyright_lines(book: Book, edition: Edition, fmt: str) -> list[str]:
    """The copyright page, as a publisher sets it, in the book's language: the rights (or
    « © year holder »), the original title, the publisher, the edition's date written out,
    the ISBN of this format (`isbn` in print, `ebook_isbn` in the EPUB), hyphenated, and,
    when given, the printer and the legal deposit. No URN is printed for a reader."""
    config = book.config
    t = locale(book)
    lang = config.lang
    holder = ", ".join(config.authors) or config.publisher
    lines = []
    if config.rights:
        lines.append(config.rights)
    elif holder:
        lines.append(f"© {(config.date or '')[:4] or '—'} {holder}".replace("© — ", "© "))
    if config.original_title:
        lines.append(t["original_title_line"].format(title=config.original_title))
    if config.publisher:
        lines.append(t["published_by"].format(publisher=config.publisher))
    if config.date:
        lines.append(t["edition_date"].format(date=long_date(config.date, lang)))
    number = config.ebook_isbn if fmt == "epub" else config.isbn
    if number and not edition.is_volume:
        lines.append(f"ISBN {stdnum_isbn.format(number)}")
    elif not edition.identifier.startswith("urn:uuid:"):
        lines.append(t["identifier_line"].format(identifier=edition.identifier))
    if fmt != "epub" and config.printer:
        month = month_year(config.printed or config.date or "2000-01", lang)
        lines.append(t["printed_line"].format(printer=config.printer, month=month))
    if fmt != "epub" and config.legal_deposit:
        lines.append(t["legal_deposit_line"].format(month=month_year(config.legal_deposit,
                                                                      lang)))
    return lines


def matter_semantics(doc: Doc, t: dict[str, str]) -> dict[str, object]:
    """How a chapter or a front or back matter document is marked: its part of the book
    (frontmatter, bodymatter, backmatter), its EPUB type and ARIA role, its class, whether it
    shows its title, and an appendix's label (« Annexe A »)."""
    role = doc.role
    if role is None:
        return {"matter": "bodymatter", "epub_type": "chapter", "aria_role": "doc-chapter",
                "css": "chapter", "untitled": False, "label": None}
    letter = doc.chapter.letter if doc.chapter is not None else None
    return {"matter": "frontmatter" if doc.kind == "front" else "backmatter",
            "epub_type": "contributors" if role == "about-the-author" else role,
            "aria_role": None if role == "about-the-author" else f"doc-{role}",
            "css": f"matter matter-{role} {role}", "untitled": role in UNTITLED_ROLES,
            "label": t["appendix_label"].format(letter=letter) if letter else None}


def body_copy(body: Element, fmt: str | None = None) -> Element:
    """Return a writer's own copy of a body; with `fmt`, without what its author kept out
    of that format (`{.only-web}`, transforms/formats.py)."""
    duplicate = copy.deepcopy(body)
    if fmt is not None:
        keep_for(duplicate, fmt)
    return duplicate


def kept_notes(notes: list[Note], body: Element) -> list[Note]:
    """Return the notes whose call is still in `body` (a note called from a passage left
    out of this format goes with it)."""
    calls = {link.get("href", "").split("#")[-1] for link in body.find_class("noteref")}
    return [note for note in notes if note.id in calls]


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


@lru_cache(maxsize=1)
def template_env() -> Environment:
    """The templates' environment, one per process: a template is compiled once, and the
    build compiles them all before it forks its jobs (compiled_templates), so that no job
    compiles one again."""
    env = Environment(loader=PackageLoader("make_book", "templates"),
                      autoescape=select_autoescape(["html", "xhtml", "xml"]),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals["ordinal_part"] = ordinal_part
    env.filters["long_date"] = long_date  # {{ date|long_date(lang) }}: « 26 novembre 2026 »
    return env


def compiled_templates() -> Environment:
    """The templates' environment with every template compiled."""
    env = template_env()
    for name in env.list_templates():
        env.get_template(name)
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
