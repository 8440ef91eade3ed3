"""Language typography over every text node and title of the model (see typography.py)."""

from __future__ import annotations

from collections import Counter

import pyphen

from make_book.core.diagnostics import Report, line_of
from make_book.core.locales import SUPPORTED, supported
from make_book.core.log import log
from make_book.core.model import Book
from make_book.core.store import ContentCache, cache_dir
from make_book.transforms.typography import apply_typography_cached, typeset


def run(book: Book, report: Report) -> None:
    """Typeset every text node, title, summary and image description in the book's language."""
    lang, dash = book.config.lang, book.config.incise_dash
    if not supported(lang):
        unsupported_language(book, report)
    counts: Counter[str] = Counter()
    cache = ContentCache(cache_dir(book.root))
    for chapter in book.documents():
        roots = [chapter.body, *(note.body for note in chapter.notes)]
        counts.update(apply_typography_cached(roots, lang, dash, cache))
        chapter.title = typeset(chapter.title, lang, dash)
        for img in chapter.body.iter("img"):
            # Descriptions are read aloud and shown when images are off: same typography.
            if img.get("alt"):
                img.set("alt", typeset(img.get("alt"), lang, dash))
    for part in book.parts:
        part.title = typeset(part.title, lang, dash)
        part.subtitle = typeset(part.subtitle, lang, dash) if part.subtitle else None
        part.summary = typeset(part.summary, lang, dash) if part.summary else None
    for target in book.targets.values():
        if target.title:
            target.title = typeset(target.title, lang, dash)
    log.debug("typography: %s", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def unsupported_language(book: Book, report: Report) -> None:
    """W003: a language make-book has no table for gets English labels and quotation marks."""
    lang = book.config.lang
    toml = book.root / "manuscript" / "book.toml"
    try:
        line = line_of(toml.read_text(encoding="utf-8"), "lang")
    except OSError:
        line = None
    hyphenation = ("its hyphenation from Pyphen" if pyphen.language_fallback(
        lang.replace("-", "_")) else "no hyphenation (Pyphen has no dictionary for it)")
    report.warn("W003", f"language `{lang}` has no table in make-book: the editions get English "
                f"labels and quotation marks, and {hyphenation}", toml, line,
                hint=f"make-book speaks {', '.join(SUPPORTED[:-1])} and {SUPPORTED[-1]}, with "
                "regions such as fr-CA, de-CH, pt-BR and en-GB")
