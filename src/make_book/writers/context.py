"""What writers receive besides the book: where to write, the build's date, shared assets."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from make_book.core.editions import Edition
from make_book.core.model import Book, Image

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration


@dataclass
class BuildContext:
    """Per-build state shared by the writers; nothing here re-reads the manuscript."""

    book: Book
    staging: Path  # outputs go here first and move to dist/ only when all succeeded
    cache: Path
    epoch: int
    covers: dict[str, Path] = field(default_factory=dict)  # edition key → cover JPEG
    own_covers: set[str] = field(default_factory=set)  # keys whose cover the author made

    @property
    def colophon(self) -> str:
        fonts = "Source Serif 4, Source Sans 3 (SIL Open Font License 1.1)"
        if self.book.config.lang.startswith("fr"):
            return f"Composé en {fonts} avec make-book."
        return f"Set in {fonts} with make-book."

    @cached_property
    def font_config(self) -> FontConfiguration:
        """One font configuration for every PDF of the build (fonts are loaded once).
        WeasyPrint is imported here, when a PDF is wanted: importing it takes most of a
        second that a build of the EPUB and the web edition need not spend."""
        from weasyprint.text.fonts import FontConfiguration

        return FontConfiguration()

    def cover_for(self, edition: Edition) -> Path:
        return self.covers[edition.key]

    def images_for(self, edition: Edition) -> list[Image]:
        """The images an edition uses: those of its chapters, of the front and back matter,
        and its parts' heroes."""
        names: set[str] = set()
        chapters = list(self.book.front) + list(self.book.back)
        for part in edition.parts:
            if part.hero is not None:
                names.add(part.hero.name)
            chapters += ([part.intro] if part.intro else []) + part.chapters
        for chapter in chapters:
            for img in chapter.body.iter("img"):
                names.add(img.get("src", "").removeprefix("images/"))
        return sorted((i for i in self.book.images.values() if i.name in names),
                      key=lambda i: i.name)

