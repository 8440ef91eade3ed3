"""The editions a book is published as, and the reading order of each."""

from __future__ import annotations

from dataclasses import dataclass, field

from make_book.core.diagnostics import MakeBookError
from make_book.core.model import Book, Chapter, Element, Part
from make_book.core.names import slugify, stable_uuid


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
            for note in chapter.notes:  # an index term marked inside a note
                doc.anchors.update(_ids(note.body))
            docs.append(doc)
    for chapter in back_matter(book, edition):
        doc = Doc("chapter", chapter.slug, chapter.title, None, chapter)
        doc.anchors.add(chapter.key)
        doc.anchors.update(_ids(chapter.body))
        docs.append(doc)
    return docs


def back_matter(book: Book, edition: Edition) -> list[Chapter]:
    """What the build makes for the edition's back (its bibliography, then its index),
    placed after the last part; the one place that decides where they go."""
    return book.back.get(edition.key, [])


def _ids(body: Element) -> set[str]:
    return {e.get("id") for e in body.iter() if isinstance(e.tag, str) and e.get("id")}
