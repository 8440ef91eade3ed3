"""Language typography over every text node and title of the model (see typography.py)."""

from __future__ import annotations

from collections import Counter

from make_book.core.diagnostics import Report
from make_book.core.log import log
from make_book.core.model import Book
from make_book.transforms.typography import apply_typography, typeset


def run(book: Book, report: Report) -> None:
    """Typeset every text node, title, summary and image description in the book's language."""
    lang = book.config.lang
    counts: Counter[str] = Counter()
    for chapter in book.documents():
        counts.update(apply_typography(chapter.body, lang))
        for note in chapter.notes:
            counts.update(apply_typography(note.body, lang))
        chapter.title = typeset(chapter.title, lang)
        for img in chapter.body.iter("img"):
            # Descriptions are read aloud and shown when images are off: same typography.
            if img.get("alt"):
                img.set("alt", typeset(img.get("alt"), lang))
    for part in book.parts:
        part.title = typeset(part.title, lang)
        part.subtitle = typeset(part.subtitle, lang) if part.subtitle else None
        part.summary = typeset(part.summary, lang) if part.summary else None
    for target in book.targets.values():
        if target.title:
            target.title = typeset(target.title, lang)
    log.debug("typography: %s", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
