"""What every writer shares: editions, the documents they hold, links and serialisation."""

from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from lxml import etree, html

from ..config import stable_uuid
from ..locales import ordinal_part, strings
from ..model import Book, Chapter, Element, Part
from ..transforms.ids import slugify

PACKAGE_STYLES = Path(__file__).resolve().parent.parent / "styles"


@dataclass(frozen=True)
class Edition:
    """One downloadable book: the omnibus (every part) or a standalone volume (one part)."""

    key: str  # "omnibus" or "part-3"
    slug: str  # file stem
    title: str
    subtitle: str | None
    parts: tuple[Part, ...]
    identifier: str
    number: int | None = None  # position in the series for a volume

    @property
    def is_volume(self) -> bool:
        return self.number is not None


@dataclass
class Doc:
    """One reading unit of an edition: a part's title page or a chapter."""

    kind: str  # "part" or "chapter"
    stem: str  # file name without extension
    title: str
    part: Part | None
    chapter: Chapter | None = None
    anchors: set[str] = field(default_factory=set)

    @property
    def anchor(self) -> str:
        if self.kind == "part":
            return self.part.key  # type: ignore[union-attr]
        return self.chapter.key  # type: ignore[union-attr]


def editions(book: Book) -> list[Edition]:
    """The omnibus, then one volume per published part (for a book with parts)."""
    config = book.config
    slug = slugify(config.title)
    found = [Edition("omnibus", slug, config.title, config.subtitle, tuple(book.parts),
                     config.identifier)]
    if book.has_parts:
        for part in book.parts:
            if part.forthcoming:
                continue
            found.append(Edition(f"part-{part.number}", f"{slug}-{part.number}-{part.slug}",
                                 part.title, part.subtitle, (part,),
                                 part.identifier or stable_uuid(config.title, part.slug),
                                 part.number))
    return found


def select_editions(book: Book, wanted: str) -> list[Edition]:
    """`all`, `omnibus` or `part-N`; an unknown name lists the ones there are."""
    every = editions(book)
    if wanted == "all":
        return every
    chosen = [e for e in every if e.key == wanted]
    if not chosen:
        from ..diagnostics import MakeBookError

        names = ", ".join(["all"] + [e.key for e in every])
        raise MakeBookError(f"no edition `{wanted}`: choose one of {names}")
    return chosen


def documents(book: Book, edition: Edition) -> list[Doc]:
    """The reading order of an edition; each document lists the anchors it holds."""
    docs: list[Doc] = []
    for part in edition.parts:
        if not part.implicit:
            doc = Doc("part", f"{part.number:02d}-{part.slug}", part.title, part)
            doc.anchors.add(part.key)
            if part.intro is not None:
                doc.anchors.add(part.intro.key)
                doc.anchors.update(_ids(part.intro.body))
            docs.append(doc)
        for index, chapter in enumerate(part.chapters, 1):
            prefix = f"{index:02d}" if part.implicit else f"{part.number:02d}-{index:02d}"
            doc = Doc("chapter", f"{prefix}-{chapter.slug}", chapter.title, part, chapter)
            doc.anchors.add(chapter.key)
            doc.anchors.update(_ids(chapter.body))
            doc.anchors.update(n.id for n in chapter.notes)
            docs.append(doc)
    return docs


def _ids(body: Element) -> set[str]:
    return {e.get("id") for e in body.iter() if isinstance(e.tag, str) and e.get("id")}


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
            for name in ("data-url", "data-part", "data-kind"):
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
    return env


def style_file(book: Book, name: str) -> Path:
    """A file of styles/: the project's own when it has one, else make-book's default."""
    own = book.root / "styles" / name
    return own if own.is_file() else PACKAGE_STYLES / name


def font_files(book: Book) -> list[Path]:
    """The fonts the editions embed: the project's styles/fonts/ or the defaults."""
    own = book.root / "styles" / "fonts"
    folder = own if own.is_dir() and any(own.glob("*.otf")) else PACKAGE_STYLES / "fonts"
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".otf", ".ttf", ".woff2"))


def font_licences(book: Book) -> list[Path]:
    own = book.root / "styles" / "fonts"
    folder = own if own.is_dir() and any(own.glob("*.otf")) else PACKAGE_STYLES / "fonts"
    return sorted(folder.glob("LICENSE*"))


def copy_file(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)


def locale(book: Book) -> dict[str, str]:
    return strings(book.config.lang)
