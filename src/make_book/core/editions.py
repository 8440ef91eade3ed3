"""The editions a book is published as, and the reading order of each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from make_book.core.diagnostics import MakeBookError
from make_book.core.locales import strings
from make_book.core.model import Book, Chapter, Part
from make_book.core.names import slugify, stable_uuid

if TYPE_CHECKING:
    from make_book.core.model import Element


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

    kind: str  # "front", "part", "chapter" or "back"
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

    @property
    def role(self) -> str | None:
        """Front or back matter's role ("dedication", "appendix"…); None for the text."""
        return self.chapter.role if self.chapter is not None else None

    @property
    def text(self) -> Chapter | None:
        """The body this document shows: the chapter's, or the part's introduction."""
        if self.chapter is not None:
            return self.chapter
        return self.part.intro if self.part is not None else None


def editions(book: Book) -> list[Edition]:
    """The editions the book is published as.

    A book (no [series] table, with parts or without) is one edition holding its published
    parts. A series is one volume per published part, and the omnibus of them all when
    [series] omnibus allows it ("auto": once two parts are published). A forthcoming part is
    in no edition: the series page of each names it instead (series_parts)."""
    config = book.config
    slug = slugify(config.title)
    published = tuple(p for p in book.parts if not p.forthcoming)
    # The e-book's ISBN, when given, is its identifier (the print ISBN is on the PDF's
    # copyright page).
    identifier = f"urn:isbn:{config.ebook_isbn}" if config.ebook_isbn else config.identifier
    whole = Edition("omnibus", slug, config.title, config.subtitle, published, identifier)
    if not (config.is_series and book.has_parts):
        return [whole]
    volumes = [Edition(f"part-{part.number}", f"{slug}-{part.number}-{part.slug}",
                       part.title, part.subtitle, (part,),
                       part.identifier or stable_uuid(config.title, part.slug), part.number)
               for part in published]
    wanted = config.omnibus == "always" or (config.omnibus == "auto" and len(volumes) >= 2)
    if wanted or not volumes:
        return [whole, *volumes]
    return volumes


def series_parts(book: Book, edition: Edition) -> list[Part]:
    """The parts of the series an edition does not hold, for its « Dans la même série » page:
    the other volumes and the forthcoming parts; none for a book that is not a series."""
    if not (book.config.is_series and book.has_parts):
        return []
    return [part for part in book.parts if part not in edition.parts]


def series_line(book: Book, edition: Edition) -> str | None:
    """« Intelligence abondante, volume 3 sur 4 » under a volume's title; None for the omnibus
    and for a book that is not a series. The one wording of every edition and format."""
    config = book.config
    if not (config.is_series and edition.is_volume):
        return None
    return strings(config.lang)["series_volume"].format(
        series=config.series or config.title, number=edition.number, total=len(book.parts))


def select_editions(book: Book, wanted: str) -> list[Edition]:
    """`all`, `omnibus` or `part-N`; an unknown name lists the ones there are."""
    every = editions(book)
    if wanted == "all":
        return every
    chosen = [e for e in every if e.key == wanted]
    if not chosen:
        names = ", ".join(["all"] + [e.key for e in every])
        raise MakeBookError(f"no edition `{wanted}`: choose one of {names}")
    return chosen


def documents(book: Book, edition: Edition) -> list[Doc]:
    """The reading order of an edition: front matter, the parts and their chapters, back
    matter; each document lists the anchors it holds."""
    docs: list[Doc] = [_matter("front", index, chapter)
                       for index, chapter in enumerate(book.front, 1)]
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
            for note in chapter.notes:  # an index term marked inside a note
                doc.anchors.update(_ids(note.body))
            docs.append(doc)
    docs += [_matter("back", index, chapter) for index, chapter in enumerate(book.back, 1)]
    # What the build makes for the back (the bibliography, the index), after it all.
    docs += [_matter("back", 0, chapter) for chapter in back_matter(book, edition)]
    return docs


def back_matter(book: Book, edition: Edition) -> list[Chapter]:
    """What the build makes for the edition's back (its bibliography, then its index),
    placed after the manuscript's back matter; the one place that decides where they go."""
    return book.generated.get(edition.key, [])


def _matter(kind: str, index: int, chapter: Chapter) -> Doc:
    """A front or back matter document: `00-01-dedication`, `99-01-appendix-a`; what the
    build makes (index 0) is named by its slug: `bibliography`, `book-index`."""
    stem = chapter.slug if index == 0 else \
        f"{'00' if kind == 'front' else '99'}-{index:02d}-{chapter.slug}"
    doc = Doc(kind, stem, chapter.title, None, chapter)
    doc.anchors.add(chapter.key)
    doc.anchors.update(_ids(chapter.body))
    doc.anchors.update(n.id for n in chapter.notes)
    return doc


def _ids(body: Element) -> set[str]:
    return {e.get("id") for e in body.iter() if isinstance(e.tag, str) and e.get("id")}
