"""Incise dashes: the dash of an aside in the book's style, tied to its words so that a line
never ends with an opening dash nor starts with a closing one.

The typesetter (typesetter.py) hands over one block's characters once its own rules ran. The
dashes of asides are found there (a spaced hyphen, an en dash with a space beside it, any em
dash not between figures; an en dash between words or figures is a range: 10–12, Paris–Lyon)
and paired left to right: the first of a pair opens, the second closes. A sentence's end
closes any aside left open (« … une remarque – comme celle-ci. »: a lone dash opens, its aside
closed by the full stop), and a dash followed by punctuation, or by nothing, closes
(« – ceci –, cela »).

* The glyph is the book's incise dash (Profile.aside_dash: the language's, or
  `[typography] incise_dash`).
* An opening dash is tied to the next word by U+00A0 NO-BREAK SPACE (after an en dash,
  U+2060 WORD JOINER first: line breakers may break between an en dash and a no-break space,
  UAX #14's BA ÷ GL); the space before it stays breakable, so the line may break before the
  dash, never after it.
* A closing dash is tied to the word before it by U+00A0; the space after it breaks.
* Where the style spaces its dashes (every en dash, French and most languages' em dash), a
  missing space is added: an en dash set close would read as a range.
* A dash opening a paragraph is French (and Spanish, Portuguese…) dialogue: an em dash, tied
  to the words it introduces.

Only spaces and the dash glyph change: the words are the author's.
"""

from __future__ import annotations

from collections import Counter

from make_book.transforms.language_rules import NBSP, Profile

EM = "\u2014"
EN = "\u2013"
_DASHES = frozenset(f"-{EN}{EM}")
# The spaces around a dash: all those an author may type, and the word joiner set here.
_SPACES = frozenset(" \t\n\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                    "\u2009\u200a\u202f\u205f\u3000\u2060")
WJ = "\u2060"
_GLUE = frozenset("\u00a0\u202f\u2007")
_SENTENCE_END = frozenset(".!?\u2026")
# A dash followed by one of these closes an aside: nothing can open after it.
_CLOSES = frozenset(",;:.!?)]}»”’›\u2026")
# A dash after one of these opens one: « ( – comme ceci – ) ».
_OPENS = frozenset("([{«“‘„‹")


class _Block:
    """One block's characters as the typesetter emitted them, edited in place."""

    def __init__(self, out: list[str], owner: list[int], fixed: list[bool]):
        self.out, self.owner, self.fixed = out, owner, fixed

    def char(self, i: int) -> str | None:
        return self.out[i] if 0 <= i < len(self.out) else None

    def is_space(self, i: int) -> bool:
        c = self.char(i)
        return c is not None and c in _SPACES and not self.fixed[i]

    def word_before(self, i: int) -> str | None:
        """The last non-space character before i (None at the block's start)."""
        j = i - 1
        while j >= 0 and self.out[j] in _SPACES:
            j -= 1
        return self.out[j] if j >= 0 else None

    def word_after(self, i: int) -> str | None:
        j = i + 1
        while j < len(self.out) and self.out[j] in _SPACES:
            j += 1
        return self.out[j] if j < len(self.out) else None

    def insert(self, i: int, char: str, owner: int) -> None:
        self.out.insert(i, char)
        self.owner.insert(i, owner)
        self.fixed.insert(i, False)

    def delete(self, i: int) -> None:
        del self.out[i], self.owner[i], self.fixed[i]


def _is_incise(block: _Block, i: int) -> bool:
    """Whether the dash at i sets off an aside (not a hyphen, a range or a minus)."""
    c = block.out[i]
    before, after = block.char(i - 1), block.char(i + 1)
    spaced_before = before is None or before in _SPACES
    spaced_after = after is None or after in _SPACES
    around = (block.word_before(i) or " ", block.word_after(i) or " ")
    between_figures = around[0].isdigit() and around[1].isdigit()
    if before in _DASHES or after in _DASHES:
        return False  # « –– », « —— »: a rule or a blank to fill in, not an aside
    if c == "-":  # a hyphen typed with a space each side, between words: « mot - mot »
        return (spaced_before and spaced_after and before is not None and after is not None
                and not between_figures)
    if c == EN:
        return (spaced_before or spaced_after) and not between_figures
    return not between_figures  # « 1914 — 1918 » is a range, whatever its dash


def _sentence_ends(block: _Block, start: int, end: int) -> bool:
    """Whether a sentence ends between start and end: . ! ? … then a space and a capital."""
    for j in range(start, end):
        if block.out[j] in _SENTENCE_END and block.is_space(j + 1):
            following = block.word_after(j)
            if following is not None and (following.isupper() or following in "«“„‘"):
                return True
    return False


def _tie(block: _Block, start: int, end: int, owner: int, spaced: bool) -> tuple[int, bool]:
    """Make the spaces in [start, end) one no-break space, or add one where there is none and
    the style spaces its dashes; return how many characters that added (negative: removed)
    and whether anything changed."""
    if end - start == 1 and block.out[start] in _GLUE:
        return 0, False  # already no-break (the typesetter's, before « » » or « : »)
    if end > start:
        changed = block.out[start] != NBSP or end - start > 1
        block.out[start] = NBSP
        for _ in range(end - start - 1):
            block.delete(start + 1)
        return -(end - start - 1), changed
    if spaced:
        block.insert(start, NBSP, owner)
        return 1, True
    return 0, False


def _spaces_from(block: _Block, i: int) -> int:
    """The end of the run of (free) spaces starting at i."""
    while block.is_space(i):
        i += 1
    return i


def _spaces_to(block: _Block, i: int) -> int:
    """The start of the run of (free) spaces ending just before i."""
    while i > 0 and block.is_space(i - 1):
        i -= 1
    return i


def bind_dashes(out: list[str], owner: list[int], fixed: list[bool], profile: Profile,
                counts: Counter[str]) -> None:
    """Set the incise dashes of one block (see the module's docstring), editing the three
    parallel lists in place."""
    block = _Block(out, owner, fixed)
    first = next((k for k, ch in enumerate(out) if ch not in _SPACES), None)
    if first is None:
        return
    glyph = profile.aside_dash
    spaced = profile.incise_spaced or glyph == EN
    is_open = False
    last = first
    i = first
    while i < len(out):
        c = out[i]
        if c not in _DASHES or fixed[i]:
            i += 1
            continue
        node = owner[i]
        dialogue = i == first and (c != "-" or block.is_space(i + 1))
        if not dialogue and not _is_incise(block, i):
            i += 1
            continue
        if dialogue:  # « — Viens, dit-il. »
            out[i] = EM
            _, tied = _tie(block, i + 1, _spaces_from(block, i + 1), node, spaced=False)
            if tied or c != EM:
                counts["dialogue_dash"] += 1
            i += 1
            last = i
            continue
        if _sentence_ends(block, last, i):
            is_open = False
        before, after = block.word_before(i), block.word_after(i)
        # Nothing after it, or punctuation: it closes; else the second of a pair does.
        closing = after is None or after in _CLOSES or is_open and not (
            before is not None and before in _OPENS)
        if c != glyph:
            out[i] = glyph
            counts["incise_dash"] += 1
        if closing:
            # Tied to the word before; the space after breaks (added if the style spaces).
            nxt = block.char(i + 1)
            if spaced and nxt is not None and nxt not in _SPACES and nxt not in _CLOSES:
                block.insert(i + 1, " ", node)
            if before is not None:
                start = _spaces_to(block, i)
                delta, tied = _tie(block, start, i, node, spaced)
                i += delta
                counts["incise_bound"] += tied
            is_open = False
        else:
            # Tied to the word after; the space before breaks (added if the style spaces).
            if after is not None:
                typed = "".join(out[i + 1:_spaces_from(block, i + 1)])
                _tie(block, i + 1, _spaces_from(block, i + 1), node, spaced)
                if glyph == EN and block.char(i + 1) == NBSP:
                    block.insert(i + 1, WJ, node)
                counts["incise_bound"] += typed != "".join(out[i + 1:_spaces_from(block, i + 1)])
            prev = block.char(i - 1)
            if spaced and prev is not None and prev not in _SPACES and prev not in _OPENS:
                block.insert(i, " ", node)
                i += 1
            is_open = True
        i += 1
        last = i
