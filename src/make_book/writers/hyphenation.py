"""Hyphenation the PDF source constrains, since WeasyPrint has no `hyphenate-limit-last` or
`hyphenate-limit-lines`: the last word of every paragraph is kept whole, and so is each word
that a check of the laid-out pages (writers/hyphen_lines.py) asks to be.

A word is kept whole by wrapping it, with the space before it, in `<span class="kept-word">`
(`hyphens: manual`), and by a word joiner (U+2060, neither drawn nor extracted) after each
of its hard hyphens, which `hyphens` does not govern (« make-book »). The space goes inside
the span so that the line can break at it within the span: WeasyPrint, finding a span it
cannot break too wide for the line, shortens the text before it a point at a time and
breaks it at the first hyphenation point that fits, which strands a word or a fragment on
a line of its own; for the same reason, not `white-space: nowrap`. The text is unchanged,
and a line can still break between any two words. Every paragraph gets a `data-p` number,
in document order within its section, by which the check names the paragraph of a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import html

from make_book.core.model import Element

# Here, not in pdf.css, so that a project's own pdf.css keeps the rule (as FOLIOS in pdf.py).
KEPT_CSS = "\n.kept-word { hyphens: manual; }\n"
JOINER = "\u2060"  # WORD JOINER: no line break here
KEPT_CLASS = "kept-word"

# The elements whose lines are checked and numbered: paragraphs and the like, and footnotes
# (their paragraphs are spans: see pdf._footnote).
BLOCK_TAGS = frozenset({"p", "li", "dd", "dt", "figcaption", "td", "th", "blockquote"})
BLOCK_CLASSES = frozenset({"footnote", "note-para"})
# Blocks whose last word stays free: a narrow table cell would let a kept word overflow.
FREE_LAST = frozenset({"td", "th"})
# Inline elements whose text is never wrapped: code and URLs (a.url) break as they must.
UNTOUCHED = frozenset({"code", "kbd", "pre", "samp", "script", "style", "math", "svg"})
# A word longer than this is left free: kept whole it could be wider than a line.
LONGEST_KEPT = 30

WORD_CHARS = r"\w’'\-"  # a word joiner (typography's, or ours) is no letter


@dataclass(frozen=True, order=True)
class Kept:
    """A word to keep whole: the `occurrence`-th (from 0) of `word` in paragraph `block`."""

    block: str
    word: str
    occurrence: int


def word_pattern(word: str) -> re.Pattern[str]:
    """The whole word, not part of a longer one (« l’information », not « information »)."""
    return re.compile(rf"(?<![{WORD_CHARS}]){re.escape(word)}(?![{WORD_CHARS}])")


def is_block(element: Element) -> bool:
    """Whether element holds lines of its own: a paragraph, a list item, a footnote, a
    footnote's paragraph after its first (the first is inline: pdf.css)."""
    if not isinstance(element.tag, str):
        return False
    classes = set((element.get("class") or "").split())
    if "note-para" in classes:
        parent = element.getparent()
        return parent is None or next(iter(parent.iterchildren("*")), None) is not element
    return element.tag in BLOCK_TAGS or bool(classes & BLOCK_CLASSES)


def untouched(element: Element) -> bool:
    """Whether an element's text is left as it is: code, an URL."""
    return element.tag in UNTOUCHED or (
        element.tag == "a" and "url" in (element.get("class") or "").split())


# A place that holds text of a paragraph: (element, "text") or (element, "tail").
Slot = tuple[Element, str]


def own_slots(block: Element) -> list[Slot]:
    """The places of block's own text, in order: its inline elements' too, but not the text
    of a nested block, a footnote (laid out apart) or code."""
    slots: list[Slot] = [(block, "text")]
    for child in block:
        if isinstance(child.tag, str) and not is_block(child) and not untouched(child):
            slots.extend(own_slots(child))
        slots.append((child, "tail"))
    return slots


def slot_text(slot: Slot) -> str:
    element, where = slot
    return (element.text if where == "text" else element.tail) or ""


def own_text(block: Element) -> str:
    """Block's own text, as its lines show it (footnotes and nested blocks left out)."""
    return "".join(slot_text(slot) for slot in own_slots(block))


def keep_words(source: str, kept: frozenset[Kept] = frozenset()) -> str:
    """The PDF source with every paragraph numbered (`data-p`), its last word kept whole,
    and each word of `kept` kept whole."""
    document = html.document_fromstring(source)
    wanted: dict[str, list[Kept]] = {}
    for item in kept:
        wanted.setdefault(item.block, []).append(item)
    counts: dict[str, int] = {}
    for block in list(blocks(document)):  # list: the spans change the tree
        # Numbered within its section (a chapter, a part page...): an edit of one chapter
        # leaves the others' numbers, so their laid-out pieces, as they were.
        section = _section(block)
        number = f"{section}.{counts.get(section, 0)}"
        counts[section] = counts.get(section, 0) + 1
        block.set("data-p", number)
        slots = own_slots(block)
        spans = [] if block.tag in FREE_LAST else [last_word(slots)]
        spans += [place_word(slots, item) for item in wanted.get(number, [])]
        # From the end: wrapping a piece of a slot leaves the text before it where it was.
        for slot_index, start, end in reversed(merged([s for found in spans for s in found])):
            wrap(slots[slot_index], start, end)
    return html.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>")


def _section(block: Element) -> str:
    """The name of the body's child holding block: its id, else its place in the body."""
    top = block
    for ancestor in block.iterancestors():
        if ancestor.tag == "body":
            break
        top = ancestor
    parent = top.getparent()
    return top.get("id") or f"s{parent.index(top) if parent is not None else 0}"


def blocks(document: Element) -> Iterator[Element]:
    """The paragraphs of the document's body, in order (none inside code or an URL)."""
    body = document.find("body")
    if body is None:
        return
    for element in body.iter():
        if is_block(element) and not any(untouched(a) for a in element.iterancestors()):
            yield element


# A piece of a slot's text to wrap: (slot index, start, end).
Piece = tuple[int, int, int]


def last_word(slots: list[Slot]) -> list[Piece]:
    """The pieces of the paragraph's last word, with what sticks to it (« mium. »): the
    characters after its last space, however many elements they run through; none when
    the paragraph ends in code, an URL or a nested block."""
    pieces: list[Piece] = []
    length = 0
    for index in range(len(slots) - 1, -1, -1):
        element, where = slots[index]
        text = slot_text(slots[index])
        if pieces or text.strip():
            end = len(text) if pieces else len(text.rstrip())
            start = max((m.end() for m in re.finditer(r"\s", text[:end])), default=0)
            if end > start:
                pieces.append((index, start, end))
                length += end - start
            if start > 0:
                break  # a space: the word starts here
        if where == "tail" and _opaque(element):
            break  # the text before it is not the paragraph's last
    # What only sticks to the word (« . » after a link) needs no span.
    pieces = [(i, s, e) for i, s, e in pieces if re.search(r"\w", slot_text(slots[i])[s:e])]
    return [] if length > LONGEST_KEPT else pieces


def _opaque(element: Element) -> bool:
    """Whether an element inside a paragraph ends what comes before it: code, an URL, a
    nested block (a footnote does not: it is laid out elsewhere)."""
    if not isinstance(element.tag, str):
        return False
    if untouched(element):
        return True
    return is_block(element) and "footnote" not in (element.get("class") or "").split()


def merged(pieces: list[Piece]) -> list[Piece]:
    """The pieces in order, those that overlap in one slot made one."""
    out: list[Piece] = []
    for index, start, end in sorted(set(pieces)):
        if out and out[-1][0] == index and start <= out[-1][2]:
            out[-1] = (index, out[-1][1], max(end, out[-1][2]))
        else:
            out.append((index, start, end))
    return out


def place_word(slots: list[Slot], item: Kept) -> list[Piece]:
    """The pieces of the `item.occurrence`-th whole `item.word` of the paragraph; every
    occurrence when there are not that many (the layout's count went astray)."""
    bounds = []
    offset = 0
    for index, slot in enumerate(slots):
        size = len(slot_text(slot))
        bounds.append((offset, offset + size, index))
        offset += size
    matches = list(word_pattern(item.word).finditer("".join(slot_text(s) for s in slots)))
    chosen = ([matches[item.occurrence]] if 0 <= item.occurrence < len(matches) else matches)
    pieces = []
    for match in chosen:
        for start, end, index in bounds:
            low, high = max(start, match.start()), min(end, match.end())
            if low < high:
                pieces.append((index, low - start, high - start))
    return pieces


def wrap(slot: Slot, start: int, end: int) -> None:
    """Put text[start:end] of a slot in a kept-word span, with the spaces before it and a
    word joiner after each of its hard hyphens; the text after it as the span's tail."""
    element, where = slot
    text = slot_text(slot)
    while start > 0 and text[start - 1] in " \n\t\r":
        start -= 1
    span = html.Element("span", {"class": KEPT_CLASS})
    span.text = re.sub(r"(?<=\w)-(?=\w)", "-" + JOINER, text[start:end])
    span.tail = text[end:] or None
    if where == "text":
        element.text = text[:start] or None
        element.insert(0, span)
    else:
        element.tail = text[:start] or None
        element.addnext(span)
