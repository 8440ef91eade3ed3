"""Titles broken by sense: « Excellence ou obsolescence : / le milieu a disparu », not
« Excellence ou obsolescence : le milieu a / disparu ».

A title is plain text in the model (the TOC, the running heads, the EPUB's navigation and the
web's page titles print it too), so the break is made with spaces, not markup: the words of
the title's second half are tied by no-break spaces, which leaves the line breaker one place
to break them off, the one chosen here. Where the second half is too long to hold on a narrow
screen (more than BOUND characters), only its last two words are tied, so that no word is left
alone on the last line.

The place: after a colon, a semicolon or before a dash; else after a question mark, an
exclamation mark or a comma; else before a conjunction (« ou », « et », « quand »…); else
where the two halves come out the most even, the second short enough to hold, the first not
ending on a little word (« un », « de »…). Titles of three words or fewer are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from make_book.core.diagnostics import Report
from make_book.core.model import Book
from make_book.transforms.language_rules import NBSP, conjunctions, light_words

# The longest run of words tied together: what a phone's measure holds of a chapter title.
BOUND = 20
_STRONG = (":", ";")
_DASHES = ("\u2013", "\u2014")
_WEAK = ("?", "!", ",", "\u2026", ".")
_SEPARATOR = re.compile("( |\u00a0(?![:;!?»\u2013\u2014]))")


@dataclass(frozen=True)
class _Break:
    at: int  # the second half starts with word `at`
    rank: int  # 0 strong punctuation, 1 weak punctuation, 2 conjunction, 3 balance


def _bare(word: str) -> str:
    return word.strip(".,;:!?…«»“”\"'()\u00a0\u202f").lower().replace("\u2019", "'")


def _candidates(words: list[str], lang: str) -> list[_Break]:
    found = []
    links = conjunctions(lang)
    for at in range(1, len(words) - 1):  # the second half has two words at least
        before, first = words[at - 1].rstrip(), words[at]
        if before.endswith(_STRONG) or first.startswith(_DASHES):
            found.append(_Break(at, 0))
        elif before.endswith(_WEAK):
            found.append(_Break(at, 1))
        elif at > 1 and _bare(first) in links:
            found.append(_Break(at, 2))
    return found


def _balanced(words: list[str], lang: str) -> _Break | None:
    """The break giving the most even halves, the second short enough to tie, the first not
    ending on a little word."""
    light = light_words(lang)
    best: tuple[tuple[bool, int], int] | None = None
    for at in range(2, len(words) - 1):
        last = _bare(words[at - 1])
        if last in light or last.split("'")[-1] in light or last.endswith("'"):
            continue
        first, second = " ".join(words[:at]), " ".join(words[at:])
        key = (len(second) > BOUND, abs(len(first) - len(second)))
        if best is None or key < best[0]:
            best = (key, at)
    return _Break(best[1], 3) if best else None


def break_by_sense(title: str, lang: str) -> str:
    """The title with its second half tied by no-break spaces (see the module's docstring).
    Spaces the author (or the typesetter, before « : ») made no-break stay so; run again, it
    changes nothing."""
    # Words and what follows each: a space, or a no-break space that does not glue a mark.
    parts = _SEPARATOR.split(title)
    words, separators = parts[::2], [*parts[1::2], ""]
    if len(words) < 4 or any(not w for w in words):
        return title
    candidates = _candidates(words, lang)
    if candidates:
        middle = len(title) / 2
        best: _Break | None = min(candidates, key=lambda b: (
            b.rank, abs(len(" ".join(words[: b.at])) - middle)))
    else:
        best = _balanced(words, lang)
    if best is None:
        return title
    second = " ".join(words[best.at:])
    tie_from = best.at if len(second) <= BOUND else len(words) - 2
    if len(" ".join(words[tie_from:])) > BOUND or tie_from < best.at:
        return title
    for k in range(tie_from, len(words) - 1):
        separators[k] = NBSP
    return "".join(w + sep for w, sep in zip(words, separators, strict=True))


def run(book: Book, report: Report) -> None:
    """Break every chapter's title by sense, front and back matter's included. A part's
    title is left as it is: it names a volume in the metadata (the OPF's dc:title, the
    PDF's Title), where no-break spaces have no business."""
    lang = book.config.lang
    for chapter in [*book.front, *book.chapters(), *book.back]:
        chapter.title = break_by_sense(chapter.title, lang)
