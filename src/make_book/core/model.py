"""The book model: one tree, read once, walked by transforms and writers.

Book → parts → chapters. A chapter's body is an lxml element (a `<div>` holding pandoc's HTML
for the chapter, without its `#` title); transforms rewrite it in place, writers copy and render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from make_book.core.config import BookConfig

if TYPE_CHECKING:
    from lxml.html import HtmlElement as Element


def __getattr__(name: str) -> Any:
    """Element (lxml's HtmlElement), imported when first asked for: a build that finds
    nothing changed uses the model's module without reading a chapter, and lxml.html is a
    tenth of its start-up."""
    if name == "Element":
        from lxml import html

        return html.HtmlElement
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class Note:
    """A footnote, moved out of pandoc's end-of-chapter list into the model."""

    id: str  # unique in the book, e.g. "c3-2-fn1"
    number: int  # per chapter
    body: Element  # a <div> holding the note's paragraphs (without pandoc's back link)
    ref_id: str  # the id of its call in the text, for the back link


@dataclass
class Image:
    """An image the manuscript uses, resolved to a file inside the project."""

    source: Path
    name: str  # file name inside the editions, unique: "<stem>-<hash>.<ext>"
    media_type: str
    width: int
    height: int
    sha256: str


@dataclass
class Chapter:
    """One chapter file (or a part's introduction when `is_intro`)."""

    source: Path
    slug: str
    title: str
    body: Element
    line_offset: int  # lines of front matter before the Markdown body
    text: str  # the Markdown source (for locating diagnostics)
    key: str  # short unique key: "c3-2" (part 3, chapter 2)
    number: int = 0  # position in the whole book, 1-based
    notes: list[Note] = field(default_factory=list)
    part: Part | None = None
    meta: dict[str, object] = field(default_factory=dict)
    role: str | None = None  # front or back matter: "dedication", "appendix"…
    letter: str | None = None  # an appendix's letter: « Annexe A »


@dataclass
class Part:
    """A part folder `NN-slug/` with its `_part.md`; `implicit` for a book without parts."""

    number: int
    slug: str
    title: str
    status: str = "published"  # or "forthcoming"
    subtitle: str | None = None
    summary: str | None = None
    url: str | None = None
    hero: Image | None = None
    cover: Image | None = None  # the volume's own front cover
    source: Path | None = None
    intro: Chapter | None = None
    chapters: list[Chapter] = field(default_factory=list)
    implicit: bool = False
    identifier: str = ""

    @property
    def key(self) -> str:
        return f"p{self.number}"

    @property
    def forthcoming(self) -> bool:
        return self.status == "forthcoming"


@dataclass
class Target:
    """Where a label or id lives: the chapter (or part page) and the anchor."""

    anchor: str
    chapter: Chapter | None
    part: Part | None
    kind: str  # "fig", "tbl", "sec", "chapter", "part", "note", "id"
    number: str | None = None  # "3.2" for figures and tables
    title: str | None = None


@dataclass(frozen=True)
class Face:
    """One font file as the book uses it: the role it sets and the face it fills there."""

    path: Path
    family: str  # its family name, from its name table
    role: str  # "body", "display", "sans" or "mono" ([fonts] in book.toml)
    weight: int  # the CSS weight it is declared with
    italic: bool


@dataclass(frozen=True)
class Bibliography:
    """The works the book may cite: its files, the style, and every key they define."""

    files: tuple[Path, ...]
    csl: Path | None  # None: pandoc's built-in Chicago author-date
    keys: frozenset[str]
    note_style: bool  # a note style puts each citation in a footnote
    numeric: bool  # citations are numbers of the list of works (IEEE)
    fingerprint: str  # sha256 of the files, the style and the language: a cache key


@dataclass
class Book:
    """The whole manuscript as read from disk."""

    root: Path
    config: BookConfig
    parts: list[Part]
    cover: Image | None = None  # the author's own front cover ([book] cover)
    front: list[Chapter] = field(default_factory=list)  # manuscript/front/, in order
    back: list[Chapter] = field(default_factory=list)  # manuscript/back/, in order
    images: dict[Path, Image] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)  # anchor id → target
    # The fonts by role when book.toml has a [fonts] table; None: the default set, as the
    # fonts module finds it (styles/fonts/ or make-book's own).
    fonts: list[Face] | None = None
    bibliography: Bibliography | None = None
    # What the build makes for each edition's back (bibliography, index), by edition key.
    generated: dict[str, list[Chapter]] = field(default_factory=dict)

    @property
    def has_parts(self) -> bool:
        return not (len(self.parts) == 1 and self.parts[0].implicit)

    def chapters(self) -> list[Chapter]:
        """Every chapter in reading order, part introductions excluded."""
        return [c for p in self.parts for c in p.chapters]

    def documents(self) -> list[Chapter]:
        """Every body the transforms walk: front matter, part introductions and chapters,
        back matter."""
        docs: list[Chapter] = list(self.front)
        for part in self.parts:
            if part.intro is not None:
                docs.append(part.intro)
            docs.extend(part.chapters)
        return docs + self.back
