"""Glyph coverage: every character the editions set is in one of the book's fonts.

A character no font covers prints as an empty box in the PDF, or in whatever font the reader's
device finds: W041 says so at its first occurrence in the Markdown source, once a character.
Every edition embeds the same fonts (assets/fonts.font_files), so one check serves all three.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

from make_book.assets.fonts import font_files
from make_book.core.diagnostics import Report
from make_book.core.model import Book, Chapter

# Characters that are not drawn: controls, format characters (soft hyphen, zero-width joiner,
# bidi marks), line and paragraph separators; variation selectors only choose a glyph.
_UNDRAWN = {"Cc", "Cf", "Zl", "Zp"}
_SELECTORS = range(0xFE00, 0xFE10)


@lru_cache(maxsize=64)
def _cmap(path: Path, size: int, mtime: int) -> frozenset[int]:
    """The code points one font file maps, read once (size and mtime: a changed file is read
    again)."""
    try:
        with TTFont(path, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception:  # a damaged font is E048's; it covers nothing here
        return frozenset()


def coverage(fonts: list[Path]) -> frozenset[int]:
    """Every code point some font of the list maps."""
    covered: set[int] = set()
    for path in fonts:
        stat = path.stat()
        covered |= _cmap(path, stat.st_size, stat.st_mtime_ns)
    return frozenset(covered)


def drawn(char: str) -> bool:
    """Whether a character needs a glyph of its own."""
    return not (char.isspace() or unicodedata.category(char) in _UNDRAWN
                or ord(char) in _SELECTORS)


def run(book: Book, report: Report) -> None:
    """W041 for each character of the text that no font of the book covers, at its first
    occurrence in the source (reading order, then the parts' and the book's titles); text in
    code too when [fonts] gives a mono font, else code is set in the reader's monospace font,
    not one of the book's."""
    if any(d.code == "E048" for d in report.errors):
        return  # a font that cannot be read covers nothing: every letter would be reported
    covered = coverage(font_files(book))
    mono = book.fonts is not None and any(face.role == "mono" for face in book.fonts)
    seen: set[str] = set()
    for chapter in book.documents():
        missing = [c for c in dict.fromkeys(_text(chapter, mono))
                   if c not in seen and drawn(c) and ord(c) not in covered]
        if not missing:
            continue
        source = _source(chapter.source)
        for char in sorted(missing, key=lambda c: _first(source, c)):
            _warn(report, char, chapter.source, source, seen)
    for part in book.parts:  # a part's title and summary are in its _part.md
        text = " ".join(t for t in (part.title, part.subtitle, part.summary) if t)
        missing = [c for c in dict.fromkeys(text)
                   if c not in seen and drawn(c) and ord(c) not in covered]
        if missing and part.source is not None:
            source = _source(part.source)
            for char in missing:
                _warn(report, char, part.source, source, seen)
    config = book.config  # on the covers and title pages of every edition
    text = " ".join([config.title, config.subtitle or "", *config.authors, config.series or "",
                     config.publisher or "", config.rights or ""])
    toml = book.root / "manuscript" / "book.toml"
    missing = [c for c in dict.fromkeys(text)
               if c not in seen and drawn(c) and ord(c) not in covered]
    if missing and toml.is_file():
        source = _source(toml)
        for char in missing:
            _warn(report, char, toml, source, seen)


def _warn(report: Report, char: str, path: Path, source: str, seen: set[str]) -> None:
    """W041 for one character, at its first occurrence in the file."""
    seen.add(char)
    line, col = _position(source, _first(source, char))
    name = unicodedata.name(char, "")
    report.warn("W041", f"U+{ord(char):04X} {char}" + (f" ({name})" if name else "")
                + " is in no font of the book: it would print as an empty box", path, line, col,
                hint="add a font that covers it to [fonts] in book.toml")


def _text(chapter: Chapter, mono: bool) -> str:
    """What an edition prints of a chapter: its title, its text and its notes."""
    query = ".//text()" if mono else ".//text()[not(ancestor::code) and not(ancestor::pre)]"
    parts = [chapter.title or "", *chapter.body.xpath(query)]
    for note in chapter.notes:
        parts.extend(note.body.xpath(query))
    return "".join(parts)


def _source(path: Path) -> str:
    """The file as its lines are counted (the reader's newlines)."""
    return path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")


def _first(source: str, char: str) -> int:
    """Where char first is in the source; -1 when the text got it otherwise (an entity
    such as &#x4E16;, or the typography's own spaces), so it is located at the file's start."""
    return source.find(char)


def _position(source: str, index: int) -> tuple[int, int | None]:
    """The 1-based line and column of an index of the source (line 1 when not found)."""
    if index < 0:
        return 1, None
    line_start = source.rfind("\n", 0, index) + 1
    return source.count("\n", 0, index) + 1, index - line_start + 1
