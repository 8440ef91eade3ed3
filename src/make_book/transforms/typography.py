"""The typography pass's walk over a chapter's tree: each block's text nodes read as one run of
characters, typeset by the typesetter (typesetter.py, where the rules are described), and
written back node by node, so that markup inside a sentence never hides its context."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from contextlib import suppress
from functools import lru_cache
from typing import Any

from lxml import etree

from make_book import __version__
from make_book.core.files import PACKAGE, digest, tree_digest
from make_book.core.store import ContentCache
from make_book.transforms.language_rules import profile_for
from make_book.transforms.typesetter import (
    BREAK_AFTER_RE,
    BREAK_BEFORE_RE,
    BREAKABLE,
    DOMAIN_RE,
    EMAIL_RE,
    LINE_BREAK,
    OBJECT,
    URL_RE,
    Engine,
    Profile,
)

__all__ = ["apply_typography", "apply_typography_cached", "breakable_before_punctuation",
           "typeset"]


_SKIP_TAGS = frozenset(
    {"code", "pre", "kbd", "samp", "var", "script", "style", "math", "svg", "textarea", "template"}
)
# Replaced or embedded content: reads as one "word" in the surrounding text.
_OBJECT_TAGS = frozenset(
    {"img", "input", "embed", "object", "iframe", "video", "audio", "canvas", "select", "button"}
)
_BLOCK_TAGS = frozenset(
    {
        "html", "head", "title", "body", "main", "article", "section", "nav", "aside", "header",
        "footer", "address", "div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "hgroup",
        "blockquote", "figure", "figcaption", "ul", "ol", "li", "dl", "dt", "dd", "table",
        "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th", "details",
        "summary", "dialog", "fieldset", "legend", "form", "hr", "menu", "center", "noscript",
        "meta", "link", "base",
    }
)  # fmt: skip


# -- the tree ----------------------------------------------------------------------------------

_Segment = tuple[etree._Element, bool]  # (element, is_tail)


class _Run:
    """The text nodes of one block, in reading order, as one character sequence."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.owner: list[int] = []
        self.segments: list[_Segment] = []
        self.stand_ins: list[int] = []  # indices in parts of the characters that stand in
        self.keep: set[int] = set()  # offsets of characters no rule may change

    def add_kept(self, element: etree._Element, length: int) -> None:
        """Add element's tail, its first `length` characters kept as they are."""
        start = len(self.owner)
        self.add(element, True)
        self.keep.update(range(start, min(start + length, len(self.owner))))

    def add(self, element: etree._Element, is_tail: bool) -> None:
        text = element.tail if is_tail else element.text
        if text:
            self.owner.extend([len(self.segments)] * len(text))
            self.parts.append(text)
            self.segments.append((element, is_tail))

    def add_stand_in(self, char: str) -> None:
        self.stand_ins.append(len(self.parts))
        self.parts.append(char)
        self.owner.append(-1)

    def typeset(self, profile: Profile, counts: Counter[str]) -> list[str | None]:
        """Typeset the run, write each changed text node back, and return the nodes' texts."""
        chars, owners = Engine("".join(self.parts), self.owner, profile, counts,
                               frozenset(self.keep)).run()
        pieces: list[list[str]] = [[] for _ in self.segments]
        for char, node in zip(chars, owners, strict=True):
            if node >= 0:
                pieces[node].append(char)
        texts = ["".join(piece) or None for piece in pieces]
        self.write(texts)
        return texts

    def write(self, texts: list[str | None]) -> None:
        """Set each text node of the run to its typeset text."""
        for (element, is_tail), new in zip(self.segments, texts, strict=True):
            if is_tail:
                if element.tail != new:
                    element.tail = new
            elif element.text != new:
                element.text = new

    def feed(self, hasher: Any) -> None:
        """Write what the run's typesetting depends on into hasher: its texts, which of them
        stand in for an object or a break, and the characters kept as they are."""
        hasher.update(f"run {len(self.parts)} {self.stand_ins} {sorted(self.keep)}\0".encode())
        for part in self.parts:
            hasher.update(f"{len(part)}:".encode())
            hasher.update(part.encode("utf-8", "surrogatepass"))


def _local_name(element: etree._Element) -> str | None:
    """Lower-case tag without namespace; None for comments and processing instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    return tag.rpartition("}")[2].lower()


def _looks_like_url(text: str) -> bool:
    text = text.strip()
    return bool(URL_RE.fullmatch(text) or EMAIL_RE.fullmatch(text) or DOMAIN_RE.fullmatch(text))


def _runs(root: etree._Element) -> list[_Run]:
    """Split the text under root into runs, one per block (block children start new runs)."""
    runs: list[_Run] = []

    def flush(run: _Run) -> _Run:
        if run.segments:
            runs.append(run)
        return _Run()

    def visit_block(element: etree._Element) -> None:
        run = _Run()
        run.add(element, False)
        for child in element:
            run = visit_child(child, run)
        flush(run)

    def visit_child(child: etree._Element, run: _Run) -> _Run:
        name = _local_name(child)
        if name is None:
            pass  # comment: its text is not prose
        elif name == "pre":
            run = flush(run)
        elif name in _SKIP_TAGS or "math" in (child.get("class") or "").split():
            run.add_stand_in(OBJECT)
        elif name == "br":
            run.add_stand_in(LINE_BREAK)
        elif name in _BLOCK_TAGS:
            run = flush(run)
            visit_block(child)
        elif name in _OBJECT_TAGS or (name == "a" and _looks_like_url("".join(child.itertext()))):
            run.add_stand_in(OBJECT)
        else:  # inline: its text belongs to the surrounding sentence
            run.add(child, False)
            for grandchild in child:
                run = visit_child(grandchild, run)
        if "caption-label" in (child.get("class") or "").split():
            # « Figure 3.2 – » : the separator xrefs.py sets is the book's, not an aside.
            tail = child.tail or ""
            run.add_kept(child, len(tail) - len(tail.lstrip(" \u2013\u2014")))
            return run
        run.add(child, True)
        return run

    name = _local_name(root)
    if name is not None and name not in _SKIP_TAGS:
        visit_block(root)
    return runs


# -- public API --------------------------------------------------------------------------------


def apply_typography(root: etree._Element, lang: str,
                     incise_dash: str | None = None) -> Counter[str]:
    """Typeset every text node under root in place for lang; return counts per rule name.
    `incise_dash` ("en", "em" or None: the language's) is the dash of asides."""
    profile = profile_for(lang, incise_dash)
    counts: Counter[str] = Counter()
    for run in _runs(root):
        run.typeset(profile, counts)
    return +counts  # drop zero entries


def apply_typography_cached(roots: list[etree._Element], lang: str, incise_dash: str | None,
                            cache: ContentCache) -> Counter[str]:
    """apply_typography over several trees (a chapter's body and its notes), the texts taken
    from the cache when the same runs were typeset before with the same rules: typesetting
    is most of reading a long book again after one chapter changed, and the other chapters'
    runs are the same."""
    profile = profile_for(lang, incise_dash)
    runs = [run for root in roots for run in _runs(root)]
    hasher = hashlib.sha256(f"{_rules_digest()}\0{profile!r}\0".encode())
    for run in runs:
        run.feed(hasher)
    name = f"{hasher.hexdigest()}.json"
    known = _known(cache, name, [len(run.segments) for run in runs])
    if known is not None:
        texts, counts = known
        for run, run_texts in zip(runs, texts, strict=True):
            run.write(run_texts)
        return counts
    counts = Counter[str]()
    texts = [run.typeset(profile, counts) for run in runs]
    data = json.dumps({"texts": texts, "counts": dict(counts)})
    with suppress(OSError):  # a cache that cannot be written costs time, not the build
        cache.put("typeset", name, data.encode("utf-8"))
    return +counts


def _known(cache: ContentCache, name: str, shape: list[int]
           ) -> tuple[list[list[str | None]], Counter[str]] | None:
    """The texts and counts of cache entry `typeset/name`, if it is whole and fits runs of
    these numbers of text nodes."""
    if not cache.has("typeset", name):
        return None
    try:
        data = json.loads(cache.path("typeset", name).read_text(encoding="utf-8"))
        texts, counts = data["texts"], Counter(data["counts"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if [len(run) for run in texts] != shape:
        return None
    return texts, counts


@lru_cache(maxsize=1)
def _rules_digest() -> str:
    """The typesetting rules' own version: the passes' code and the language tables."""
    return digest(__version__, tree_digest(PACKAGE / "transforms"),
                  tree_digest(PACKAGE / "core" / "locales.py"),
                  tree_digest(PACKAGE / "locales"))


def typeset(text: str, lang: str, incise_dash: str | None = None) -> str:
    """Typeset one plain string (used for titles and metadata)."""
    if not text:
        return text
    chars, _ = Engine(text, [0] * len(text), profile_for(lang, incise_dash), Counter()).run()
    return "".join(chars)


def breakable_before_punctuation(text: str, lang: str) -> list[int]:
    """Offsets in text where a line could break before « ; : ! ? » » or after « (an ordinary
    breakable space there); empty for correctly typeset French."""
    profile = profile_for(lang)
    if not profile.french:
        return []
    canadian = not profile.insert_high  # fr-CA sets no space before ; ! ?
    offsets: set[int] = set()
    for match in BREAK_BEFORE_RE.finditer(text):
        if canadian and text[match.end()] in ";!?":
            continue
        offsets.update(match.start() + k for k, ch in enumerate(match[0]) if ch in BREAKABLE)
    for match in BREAK_AFTER_RE.finditer(text):
        offsets.update(match.start() + k for k, ch in enumerate(match[0]) if ch in BREAKABLE)
    return sorted(offsets)
