"""Typography pass over the text of a chapter (pandoc HTML5 output parsed with lxml.html).

pandoc runs without its ``smart`` extension, so the text still holds what the author typed:
straight quotes, ``...``, ``--``, ``---`` and spaces of any kind (or none) before punctuation.
This module typesets that text in place, language by language.

French (``fr``, ``fr-*``):

* U+202F NARROW NO-BREAK SPACE before ``;`` ``!`` ``?`` and inside guillemets,
  U+00A0 NO-BREAK SPACE before ``:``.
* ``fr-CH``: U+202F before ``:`` as well (Swiss practice: a thin space before every high mark).
* ``fr-CA``: following the Office québécois de la langue française, no space is *added* before
  ``;`` ``!`` ``?``, and U+00A0 (not U+202F) is used before ``:`` and inside guillemets.  A space
  the author did type before ``;`` ``!`` ``?`` is kept but made non-breaking (U+202F), because a
  breakable space there can only ever produce a mark orphaned at the start of a line.
* Straight double quotes become « » at the outer level and “ ” (without spaces) inside a « » pair;
  English curly quotes “ ” typed at the outer level become « » too.  ``'`` is always an
  apostrophe (’).

Every other language: ``"`` becomes the language's outer quotation mark (its inner mark inside
an outer quotation), ``'`` used as a quote its inner mark, and ’ the apostrophe, with no space
inside the marks (see _QUOTES and its sources): “ ” ‘ ’ in English, ‘ ’ “ ” in British English,
„ “ ‚ ‘ in German, « » ‹ › in Swiss German, « » “ ” in Spanish, Italian and Portuguese,
“ ” ‘ ’ in Brazilian Portuguese and Dutch; a language without a table is set as English. Marks
the author typed are kept. Spaces around punctuation are left exactly as typed: only French
puts a space before ; ! ? and :.

All languages: ``...`` → …; ``---``, and ``--`` between spaces, → the language's aside dash
(the spaced en dash – of French, German, Italian, Dutch and British houses, the em dash — of
American, Spanish and Portuguese ones, or ``[typography] incise_dash``); any other ``--`` →
– (a range: 10–12). Last, the dashes of asides, typed or made, are paired and tied to their
words by no-break spaces (dashes.py).

Nothing is changed inside ``code``, ``pre``, ``kbd``, ``samp``, ``var``, ``script``, ``style``,
``math``, ``svg`` (nor pandoc's ``class="math"`` spans), in URLs, e-mail addresses or times, nor
in a link whose text is itself a URL; attribute values are never read or written.

Every block (``p``, ``li``, ``h1``…) is typeset as one character sequence made of all its text
nodes, so a quote opened before ``<em>`` and closed in the tail after ``</em>`` pairs correctly
and a space at the end of one node counts as "before" a mark at the start of the next.  Each
output character remembers the text node it came from, which is how the result is written back.

The pass is idempotent and counts only what it actually changes, per rule name:
``nnbsp_before_high_punct``, ``nbsp_before_colon``, ``guillemets`` (pairs converted to « »),
``curly_quotes`` (pairs converted to “ ” or ‘ ’), ``apostrophe``, ``ellipsis``, ``en_dash``,
``em_dash``, ``incise_dash`` and ``incise_bound`` (a dash's glyph set, its tie made),
``dialogue_dash``, ``space_inside_guillemets`` (space added or fixed inside guillemets the
author typed) and ``space_normalised`` (an existing wrong space replaced; such a fix is also
counted under the rule of the mark concerned, so ``space_normalised`` is a subset, not an extra
change).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from make_book.transforms.dashes import bind_dashes
from make_book.transforms.language_rules import QUOTE_CHARS, Profile

# Every character an author (or pandoc's line wrapping, which turns spaces into "\n") may have
# left where a typographic space belongs; all of them are replaced, never doubled.
_SPACE_CHARS = (
    " \t\n\r\f\v\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"
)


_SPACES = frozenset(_SPACE_CHARS)


# The ones a line breaker must not break at (UAX #14 class GL, plus the zero-width word joiners).
_GLUE = frozenset("\u00a0\u202f\u2007\u2060\ufeff")


BREAKABLE = _SPACES - _GLUE


_SPACE_CLASS = "".join(f"\\u{ord(c):04x}" for c in sorted(_SPACES))


# Stand-ins for elements whose text is not ours: they keep the context right (code reads as a
# word, <br> as a space) but belong to no text node, are never changed and never written back.
OBJECT = "\ufffc"


LINE_BREAK = "\n"


# Context classes used to tell an opening quote from a closing one.
_OPENING_PUNCT = frozenset("([{«“‘„‹—–-/")


_CLOSING_PUNCT = frozenset('.,;:!?)]}»”’›…"')


_MARKS = frozenset(";:!?")


# A mark followed by one of these is part of a token (a!=b, doi:10.1/x), not sentence punctuation.
_TOKEN_NEXT = frozenset("=/\\_@#")


URL_RE = re.compile(
    r"(?i)\b(?:[a-z][a-z0-9+.\-]*://|www\.|(?:mailto|tel|urn|doi|xmpp|sms|news):)"
    rf"[^<>\"«»“”{_SPACE_CLASS}\ufffc]+"
)


EMAIL_RE = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")


_TIME_RE = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?!\d)")


DOMAIN_RE = re.compile(r"(?:[\w\-]+\.)+[a-z]{2,}(?:/\S*)?")


# Sentence punctuation that ends a sentence, not the URL it follows.
_URL_TRAILING = frozenset(".,;:!?'’\"»…*_~")


BREAK_BEFORE_RE = re.compile(rf"[{_SPACE_CLASS}]+(?=[;:!?»])")


BREAK_AFTER_RE = re.compile(rf"(?<=«)[{_SPACE_CLASS}]+")


@dataclass(slots=True)
class _Quote:
    """An open quotation on the stack of one block."""

    kind: str  # "guill" (« »), "curly" (French nested “ ”), "double" (“ ”), "single" (‘ ’)
    converted: bool  # its opening mark was produced from something else (pair already counted)
    straight: bool  # opened by a straight " (decides ambiguous straight quotes)


def _protected_spans(text: str) -> bytearray:
    """Flag the characters of URLs, e-mail addresses and times, which must stay as typed."""
    flags = bytearray(len(text))
    for match in URL_RE.finditer(text):
        start, end = match.span()
        while end > start:
            last = text[end - 1]
            if last in _URL_TRAILING:
                end -= 1
            elif last == ")" and text.count("(", start, end) < text.count(")", start, end):
                end -= 1  # "(voir https://x.fr)": the parenthesis is the sentence's
            else:
                break
        flags[start:end] = b"\x01" * (end - start)
    for regex in (EMAIL_RE, _TIME_RE):
        for match in regex.finditer(text):
            start, end = match.span()
            flags[start:end] = b"\x01" * (end - start)
    return flags


class Engine:
    """One left-to-right pass over the characters of a block.

    The output is built character by character together with the index of the text node each
    character belongs to, so spaces can be popped back off the output when a mark that wants a
    different space arrives, whichever node they came from.
    """

    def __init__(self, text: str, owner: list[int], profile: Profile, counts: Counter[str],
                 keep: frozenset[int] = frozenset()):
        self.text = text
        self.owner = owner
        self.protected = _protected_spans(text)
        for i, node in enumerate(owner):
            if node < 0 or i in keep:  # a stand-in, or characters kept as they are
                self.protected[i] = 1
        self.p = profile
        self.counts = counts
        self.out: list[str] = []
        self.out_owner: list[int] = []
        self.out_fixed: list[bool] = []
        self.stack: list[_Quote] = []

    # -- helpers -------------------------------------------------------------------------------

    def emit(self, chars: str, owner: int, fixed: bool = False) -> None:
        for ch in chars:
            self.out.append(ch)
            self.out_owner.append(owner)
            self.out_fixed.append(fixed)

    def prev(self) -> str | None:
        return self.out[-1] if self.out else None

    def peek(self, i: int) -> str | None:
        return self.text[i + 1] if i + 1 < len(self.text) else None

    def free(self, i: int, length: int) -> bool:
        """True if text[i:i+length] holds no protected character."""
        return not any(self.protected[i : i + length])

    def pop_spaces(self) -> tuple[str, int | None]:
        """Remove the spaces just emitted; return them and the text node of the last one."""
        removed: list[str] = []
        node: int | None = None
        while self.out and not self.out_fixed[-1] and self.out[-1] in _SPACES:
            if node is None:
                node = self.out_owner[-1]
            removed.append(self.out.pop())
            self.out_owner.pop()
            self.out_fixed.pop()
        return "".join(reversed(removed)), node

    def skip_spaces(self, i: int) -> int:
        """Index of the first input character at or after i that is not a (free) space."""
        n = len(self.text)
        while i < n and not self.protected[i] and self.text[i] in _SPACES:
            i += 1
        return i

    def is_opening(self, i: int) -> bool:
        """Decide whether the straight quote at i opens, from the characters around it."""
        prev, nxt = self.prev(), self.peek(i)
        left = prev is None or prev in _SPACES or prev in _OPENING_PUNCT
        right = nxt is None or nxt in _SPACES or nxt in _CLOSING_PUNCT
        if left != right:
            return left
        # Spaces (or letters) on both sides: close the quote a straight quote opened, if any.
        return not (self.stack and self.stack[-1].straight)

    def pop_quote(self, kinds: frozenset[str]) -> _Quote | None:
        """Close the innermost open quote of one of these kinds (and any left open inside it)."""
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].kind in kinds:
                quote = self.stack[depth]
                del self.stack[depth:]
                return quote
        return None

    # -- French guillemets ---------------------------------------------------------------------

    def open_guillemet(self, i: int, converted: bool, straight: bool) -> int:
        self.stack.append(_Quote("guill", converted, straight))
        self.emit("«", self.owner[i])
        j = self.skip_spaces(i + 1)
        typed = self.text[i + 1 : j]
        inner = self.p.guillemet_space if j < len(self.text) else ""
        self.emit(inner, self.owner[i])
        if converted:
            self.counts["guillemets"] += 1
        elif typed != inner:
            self.counts["space_inside_guillemets"] += 1
            if typed:
                self.counts["space_normalised"] += 1
        return j

    def close_guillemet(self, i: int, converted: bool, opener: _Quote | None) -> int:
        removed, node = self.pop_spaces()
        inner = self.p.guillemet_space if self.out else ""
        self.emit(inner, self.owner[i] if node is None else node)
        self.emit("»", self.owner[i])
        if converted:
            if opener is None or not opener.converted:
                self.counts["guillemets"] += 1
        elif removed != inner:
            self.counts["space_inside_guillemets"] += 1
            if removed:
                self.counts["space_normalised"] += 1
        return i + 1

    def french_straight_double(self, i: int) -> int:
        if self.is_opening(i):
            if not self.stack:
                return self.open_guillemet(i, converted=True, straight=True)
            # Nested quotation: “ ” hugging the words.
            self.stack.append(_Quote("curly", True, True))
            self.emit("“", self.owner[i])
            self.counts["curly_quotes"] += 1
            return self.skip_spaces(i + 1)
        opener = self.stack.pop() if self.stack else None
        if opener is None or opener.kind == "guill":
            return self.close_guillemet(i, True, opener)
        self.pop_spaces()
        self.emit("”", self.owner[i])
        if not opener.converted:
            self.counts["curly_quotes"] += 1
        return i + 1

    def french_quote(self, i: int, c: str) -> int:
        if c == '"':
            return self.french_straight_double(i)
        if c == "«":
            return self.open_guillemet(i, converted=False, straight=False)
        if c == "»":
            return self.close_guillemet(i, False, self.pop_quote(frozenset({"guill"})))
        if c == "“":
            if not self.stack:  # an English-style quotation at the outer level
                return self.open_guillemet(i, converted=True, straight=False)
            self.stack.append(_Quote("curly", False, False))
        elif self.stack:  # ”
            opener = self.stack.pop()
            if opener.kind == "guill":
                return self.close_guillemet(i, True, opener)
        self.emit(c, self.owner[i])
        return i + 1

    # -- French spaces before punctuation ------------------------------------------------------

    def french_mark(self, i: int, c: str) -> int:
        nxt = self.peek(i)
        if c == ":":
            space, insert, key = self.p.colon_space, True, "nbsp_before_colon"
            prev = self.prev()
            if prev is not None and prev.isdigit() and nxt is not None and nxt.isdigit():
                self.emit(c, self.owner[i])  # 2:1, 16:9: a ratio, not a sentence colon
                return i + 1
        else:
            space, insert, key = self.p.high_space, self.p.insert_high, "nnbsp_before_high_punct"
        removed, node = self.pop_spaces()
        prev = self.prev()
        if removed:
            if removed != space:
                self.counts[key] += 1
                self.counts["space_normalised"] += 1
            self.emit(space, self.owner[i] if node is None else node)
        elif (
            insert
            and prev is not None
            and prev not in _SPACES
            and prev not in _OPENING_PUNCT
            and prev not in _MARKS  # ?! !? ?!? ::, the space goes before the first mark only
            and not (nxt is not None and (nxt.isalnum() or nxt in _TOKEN_NEXT))
        ):
            self.emit(space, self.owner[i])
            self.counts[key] += 1
        self.emit(c, self.owner[i])
        return i + 1

    # -- Quotes outside French: the language's outer and inner marks -------------------------

    def close_mark(self, quote: _Quote) -> str:
        return (self.p.primary if quote.kind == "double" else self.p.secondary)[1]

    def other_quote(self, i: int, c: str) -> int:
        """`"` becomes the outer mark (the inner one inside an outer quotation), `'` the inner
        mark (or an apostrophe); marks the author typed are kept and followed."""
        out = c
        primary, secondary = self.p.primary, self.p.secondary
        if c == '"':
            if self.is_opening(i):
                nested = any(q.kind == "double" for q in self.stack)
                self.stack.append(_Quote("single" if nested else "double", True, True))
                out = (secondary if nested else primary)[0]
                self.counts["curly_quotes"] += 1
            else:
                opener = self.pop_straight()
                out = self.close_mark(opener) if opener else primary[1]
                if opener is None or not opener.converted:
                    self.counts["curly_quotes"] += 1
        elif c == "'":
            out = self.other_single(i)
        elif self.stack and c == self.close_mark(self.stack[-1]) and not self.stack[-1].converted:
            self.stack.pop()  # a mark the author typed closes the quotation they opened
        elif c in (primary[0], "\u201c", "\u201e", "\u00ab"):
            self.stack.append(_Quote("double", False, False))
        elif c in (secondary[0], "\u2018", "\u201a", "\u2039"):
            self.stack.append(_Quote("single", False, False))
        elif c in ("\u201d", "\u00bb"):
            self.pop_quote(frozenset({"double"}))
        elif c == "\u2019" and self.closes_single(i):
            self.stack.pop()
        self.emit(out, self.owner[i])
        return i + 1

    def pop_straight(self) -> _Quote | None:
        """Close the innermost quotation a straight `"` opened (and any left open inside)."""
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].straight:
                quote = self.stack[depth]
                del self.stack[depth:]
                return quote
        return None

    def closes_single(self, i: int) -> bool:
        nxt = self.peek(i)
        right = nxt is None or nxt in _SPACES or nxt in _CLOSING_PUNCT
        return right and bool(self.stack) and self.stack[-1].kind == "single"

    def other_single(self, i: int) -> str:
        prev, nxt = self.prev(), self.peek(i)
        left = prev is None or prev in _SPACES or prev in _OPENING_PUNCT
        right = nxt is None or nxt in _SPACES or nxt in _CLOSING_PUNCT
        if left and not right:
            self.stack.append(_Quote("single", True, False))
            self.counts["curly_quotes"] += 1
            return self.p.secondary[0]
        if self.closes_single(i):
            if not self.stack.pop().converted:
                self.counts["curly_quotes"] += 1
            return self.p.secondary[1]
        self.counts["apostrophe"] += 1  # don't, the students' books
        return "\u2019"

    # -- dashes --------------------------------------------------------------------------------

    def dash(self, i: int, length: int) -> int:
        """`---`, or `--` between spaces, is the language's aside dash; other `--` (10--12)
        an en dash."""
        prev, after = self.prev(), self.text[i + length] if i + length < len(self.text) else None
        spaced = (prev is None or prev in _SPACES) and (after is None or after in _SPACES)
        char = self.p.aside_dash if length == 3 or spaced else "\u2013"
        self.emit(char, self.owner[i])
        self.counts["em_dash" if char == "\u2014" else "en_dash"] += 1
        return i + length

    # -- main loop -----------------------------------------------------------------------------

    def run(self) -> tuple[list[str], list[int]]:
        text, owner, french = self.text, self.owner, self.p.french
        n = len(text)
        i = 0
        while i < n:
            c = text[i]
            if self.protected[i]:
                self.emit(c, owner[i], fixed=True)
                i += 1
            elif c == "." and text.startswith("...", i) and self.free(i, 3):
                self.emit("…", owner[i])
                self.counts["ellipsis"] += 1
                i += 3
            elif c == "-" and text.startswith("---", i) and self.free(i, 3):
                i = self.dash(i, 3)
            elif c == "-" and text.startswith("--", i) and self.free(i, 2):
                i = self.dash(i, 2)
            elif c == "'" and french:
                self.emit("’", owner[i])
                self.counts["apostrophe"] += 1
                i += 1
            elif french and c in '"«»“”':
                i = self.french_quote(i, c)
            elif french and c in _MARKS:
                i = self.french_mark(i, c)
            elif not french and c in QUOTE_CHARS:
                i = self.other_quote(i, c)
            else:
                self.emit(c, owner[i])
                i += 1
        # The dashes of asides last: their pairs are read from the whole typeset block.
        bind_dashes(self.out, self.out_owner, self.out_fixed, self.p, self.counts)
        return self.out, self.out_owner
