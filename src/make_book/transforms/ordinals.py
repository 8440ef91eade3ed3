"""French ordinals with superior letters: « 20ème siècle » → 20<sup class="ordinal">e</sup>.

The Imprimerie nationale's rules (Lexique des règles typographiques): the ordinal's letters
are set superior and abbreviated — 1er, 1re, 2e, XXe, 2d, 2de and their plurals (1ers, 2es) —
and « ème », « ième », « è » are not French abbreviations. The figures (or Roman numerals) the
author wrote stay as written: only the letters after them are set as superior letters, in the
form the rules give. Nothing is touched in code, URLs, e-mail addresses, mathematics, a link
whose text is an address, or letters already superior.

English ordinals (1st, 2nd) stay on the line: Chicago (9.6) and New Hart's Rules both advise
against superior letters there, and the other languages make-book speaks write ordinals with
a full stop (de 1.) or their own marks (es 1.º), which the author types.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree, html

from make_book.core.diagnostics import Report
from make_book.core.log import log
from make_book.core.model import Book
from make_book.transforms.language_rules import profile_for
from make_book.transforms.typesetter import DOMAIN_RE, EMAIL_RE, URL_RE

# Where ordinals are not prose: as typography.py skips them, and letters already superior.
_SKIP = frozenset({"code", "pre", "kbd", "samp", "var", "script", "style", "math", "svg",
                   "textarea", "template", "sup", "sub", "abbr"})

_ROMAN = r"(?:M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))"
# The letters as typed → as the rules write them (longest first, so that « èmes » wins).
_SUFFIXES = {
    "ièmes": "es", "iemes": "es", "èmes": "es", "emes": "es", "es": "es",
    "ième": "e", "ieme": "e", "ème": "e", "eme": "e", "è": "e", "e": "e",
    "ers": "ers", "er": "er",
    "ères": "res", "eres": "res", "res": "res", "ère": "re", "ere": "re", "re": "re",
    "ndes": "des", "nde": "de", "nds": "ds", "nd": "d", "des": "des", "de": "de",
}
_SUFFIX_ALT = "|".join(sorted(_SUFFIXES, key=len, reverse=True))
# A number (or a Roman numeral of two letters or more, or I, V, X: « Ce », « De », « Le »,
# « Me » are words) and its letters, standing alone: not inside a word, a code or a decimal.
ORDINAL_RE = re.compile(
    rf"(?<![\w\-./,])(?P<num>[1-9]\d*|(?=[IVXLCDM]{{2}}){_ROMAN}|[IVX])"
    rf"(?P<suf>{_SUFFIX_ALT})(?![\w\-])"
)
# Roman numerals take only e, er, re (« XXe siècle », « François Ier »), never d, de.
_ROMAN_SUFFIXES = frozenset({"e", "es", "er", "ers", "re", "res"})


def _protected(text: str) -> list[tuple[int, int]]:
    """The spans of URLs, e-mail addresses and domain names in text."""
    return [m.span() for regex in (URL_RE, EMAIL_RE, DOMAIN_RE) for m in regex.finditer(text)]


def _matches(text: str) -> list[tuple[int, int, str]]:
    """(start of the letters, end, superior letters) for each ordinal in text."""
    found = []
    spans = _protected(text)
    for m in ORDINAL_RE.finditer(text):
        suffix = _SUFFIXES[m["suf"]]
        if not m["num"][0].isdigit() and suffix not in _ROMAN_SUFFIXES:
            continue
        if any(start <= m.start() < end for start, end in spans):
            continue
        found.append((m.start("suf"), m.end("suf"), suffix))
    return found


def _looks_like_address(element: etree._Element) -> bool:
    text = "".join(element.itertext()).strip()
    return bool(URL_RE.fullmatch(text) or EMAIL_RE.fullmatch(text) or DOMAIN_RE.fullmatch(text))


def _text_nodes(root: etree._Element) -> list[tuple[etree._Element, bool]]:
    """Every (element, is_tail) whose text is prose, in document order."""
    nodes: list[tuple[etree._Element, bool]] = []

    def visit(element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else None
        name = tag.rpartition("}")[2].lower() if tag else None
        skip = (name is None or name in _SKIP
                or "math" in (element.get("class") or "").split()
                or name == "a" and _looks_like_address(element))
        if not skip:
            nodes.append((element, False))
            for child in element:
                visit(child)
                nodes.append((child, True))
        # A skipped element's tail is its parent's prose: the parent lists it.

    visit(root)
    return nodes


def _sup(letters: str) -> html.HtmlElement:
    sup = html.Element("sup")
    sup.set("class", "ordinal")
    sup.text = letters
    return sup


def _split(element: etree._Element, is_tail: bool) -> int:
    """Set the ordinals of one text node as superior letters; return how many."""
    text = element.tail if is_tail else element.text
    if not text:
        return 0
    found = _matches(text)
    if not found:
        return 0
    pieces = [text[: found[0][0]]]
    sups = []
    for k, (_, end, letters) in enumerate(found):
        sups.append(_sup(letters))
        pieces.append(text[end: found[k + 1][0] if k + 1 < len(found) else len(text)])
    if is_tail:
        parent = element.getparent()
        element.tail = pieces[0] or None
        at = parent.index(element) + 1
    else:
        parent = element
        element.text = pieces[0] or None
        at = 0
    for k, sup in enumerate(sups):
        sup.tail = pieces[k + 1] or None
        parent.insert(at + k, sup)
    return len(sups)


def set_ordinals(root: etree._Element, lang: str) -> int:
    """Set every ordinal under root with superior letters, if lang is French; return how many."""
    if not profile_for(lang).french:
        return 0
    return sum(_split(element, is_tail) for element, is_tail in _text_nodes(root))


def run(book: Book, report: Report) -> None:
    """Superior letters for the ordinals of every chapter and note (French only)."""
    counts: Counter[str] = Counter()
    for chapter in book.documents():
        counts["ordinal"] += set_ordinals(chapter.body, book.config.lang)
        for note in chapter.notes:
            counts["ordinal"] += set_ordinals(note.body, book.config.lang)
    log.debug("ordinals: %d set with superior letters", counts["ordinal"])
