"""`make-book stats`: words, characters, reading time and pages, per chapter and part."""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from make_book.core.model import Book, Chapter

# Silent reading speeds measured for non-fiction in 17 languages (Trauzettel-Klosinski et al.,
# 2012, "Standardized Assessment of Reading Performance: The New IReST"): French 195 words a
# minute, English 228; others take a middle value.
WORDS_PER_MINUTE = {"fr": 195, "en": 228}
DEFAULT_WPM = 200
# A justified A5 page of 10.5/14 pt text holds about 300 words; other trims scale by area.
WORDS_PER_A5_PAGE = 300
A5_AREA_MM2 = 148.0 * 210.0
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


@dataclass
class Count:
    title: str
    words: int = 0
    characters: int = 0
    minutes: int = 0
    pages: int = 0


@dataclass
class PartCount(Count):
    number: int = 0
    status: str = "published"
    chapters: list[Count] = field(default_factory=list)


@dataclass
class BookCount(Count):
    parts: list[PartCount] = field(default_factory=list)


def text_of(chapter: Chapter) -> str:
    """What a reader reads: the title, the body and the notes."""
    pieces = [chapter.title, chapter.body.text_content()]
    pieces.extend(note.body.text_content() for note in chapter.notes)
    return "\n".join(pieces)


def count(book: Book) -> BookCount:
    """Counts for every chapter, summed per part and for the book."""
    lang = book.config.lang.split("-")[0].lower()
    wpm = WORDS_PER_MINUTE.get(lang, DEFAULT_WPM)
    area = book.config.pdf.width_mm * book.config.pdf.height_mm
    per_page = WORDS_PER_A5_PAGE * area / A5_AREA_MM2

    def measure(title: str, text: str) -> Count:
        words = len(_WORD.findall(text))
        return Count(title, words, len(" ".join(text.split())), math.ceil(words / wpm),
                     math.ceil(words / per_page))

    total = BookCount(book.config.title)
    for part in book.parts:
        chapters = ([part.intro] if part.intro is not None else []) + part.chapters
        counted = [measure(c.title if c is not part.intro else "(introduction)", text_of(c))
                   for c in chapters]
        summed = PartCount(part.title, number=part.number, status=part.status,
                           chapters=counted)
        _add(summed, counted, wpm, per_page)
        total.parts.append(summed)
    _add(total, total.parts, wpm, per_page)
    return total


def _add(into: Count, items: list, wpm: int, per_page: float) -> None:  # type: ignore[type-arg]
    into.words = sum(i.words for i in items)
    into.characters = sum(i.characters for i in items)
    # Rounded once from the sum: ten three-minute chapters make 30 minutes, not 40.
    into.minutes = math.ceil(into.words / wpm)
    into.pages = math.ceil(into.words / per_page)


def as_json(total: BookCount) -> str:
    return json.dumps(asdict(total), ensure_ascii=False, indent=2)


def duration(minutes: int) -> str:
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d}"


def table(total: BookCount, implicit: bool) -> Table:
    """One row per chapter, a subtotal per part, the book's total at the foot."""
    grid = Table(title=escape(total.title), show_footer=True, box=None, pad_edge=False)
    grid.add_column("chapter", footer="total")
    for name, attr in (("words", "words"), ("characters", "characters")):
        grid.add_column(name, justify="right", footer=f"{getattr(total, attr):,}")
    grid.add_column("reading", justify="right", footer=duration(total.minutes))
    grid.add_column("pages", justify="right", footer=f"≈ {total.pages}")
    for part in total.parts:
        if not implicit:
            label = f"{part.number}. {part.title}"
            if part.status == "forthcoming":
                label += " (forthcoming)"
            grid.add_row(f"[bold]{escape(label)}[/]", f"[bold]{part.words:,}[/]",
                         f"[bold]{part.characters:,}[/]", f"[bold]{duration(part.minutes)}[/]",
                         f"[bold]≈ {part.pages}[/]")
        for chapter in part.chapters:
            grid.add_row(("  " if not implicit else "") + escape(chapter.title),
                         f"{chapter.words:,}", f"{chapter.characters:,}",
                         duration(chapter.minutes), f"≈ {chapter.pages}")
    return grid


def run(book: Book, console: Console, json_output: bool) -> BookCount:
    total = count(book)
    if json_output:
        console.out(as_json(total), highlight=False)  # plain text: no markup, no wrapping
    else:
        console.print(table(total, implicit=not book.has_parts))
    return total
