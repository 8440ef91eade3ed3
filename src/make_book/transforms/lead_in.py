"""A chapter's lead-in: its first words set in small capitals, on every chapter and edition.

The words are those of the chapter's first paragraph of text, whatever comes before it (a
figure, an epigraph, a heading), up to the first natural break: a punctuation mark, or about
three words, never ending on a little word (« Nous vivons une inversion », not « Nous vivons
une »). They are wrapped in `<span class="lead-in">` (the style sheets set it in small capitals
and never hyphenate it), where the words are: inside an emphasis when they are emphasised,
in as many spans as the markup needs, never into a link or a cross-reference, and never past
a note call, a line break or an image.
A dedication and an epigraph have none; nor does a part's introduction, which opens no
chapter. This replaces `h1 + p::first-line`, which missed the chapters opening on a figure
and hyphenated inside its line.
"""

from __future__ import annotations

import re

from lxml import etree, html

from make_book.core.diagnostics import Report
from make_book.core.front_matter import UNTITLED_ROLES
from make_book.core.model import Book, Chapter
from make_book.transforms.language_rules import light_words

CLASS = "lead-in"
WORDS = 3  # about three words
MOST = 5  # reached only past little words

# Where the lead-in stops: a note call, a line break, an image, code, mathematics.
_STOP_TAGS = frozenset({"br", "img", "code", "kbd", "samp", "var", "math", "svg", "input",
                        "object", "embed", "iframe", "video", "audio", "canvas"})
_STOP_CLASSES = frozenset({"noteref", "footnote-ref", "math", "url"})
# Containers whose paragraphs are not the chapter's text (a figure's caption, a quotation).
_NOT_TEXT = frozenset({"figure", "blockquote", "aside", "table", "ul", "ol", "dl", "nav",
                       "header", "footer", "pre", "details"})
# A word: letters and figures, with the apostrophes and hyphens inside it (« l’équation »,
# « peut-être »); anything else between words is a break if it is not a space.
_WORD = re.compile(r"[\w\u2019'\u00ad-]+")
_SPACES = " \t\n\r\u00a0\u202f\u2009\u200a"
_OPENING = "«“‘„‹"  # an opening mark between two words is no break: « Voici « une »
_PAIRS = (("«", "»"), ("“", "”"), ("‘", "’"), ("„", "“"), ("‹", "›"))


def _name(element: etree._Element) -> str | None:
    tag = element.tag
    return tag.rpartition("}")[2].lower() if isinstance(tag, str) else None


def _is_stop(element: etree._Element) -> bool:
    name = _name(element)
    if name is None or name in _STOP_TAGS or name == "a":  # a link or a reference is whole
        return True
    classes = set((element.get("class") or "").split())
    if classes & _STOP_CLASSES or element.get("role") == "doc-noteref":
        return True
    return name == "sup" and "ordinal" not in classes  # a note call pandoc left as sup


def first_paragraph(body: etree._Element) -> etree._Element | None:
    """The chapter's first paragraph of text: the first `p` with words that is not inside a
    figure, a quotation, a list or a table."""
    for p in body.iter("p"):
        ancestor = p.getparent()
        inside = False
        while ancestor is not None and ancestor is not body:
            if _name(ancestor) in _NOT_TEXT:
                inside = True
                break
            ancestor = ancestor.getparent()
        if not inside and _WORD.search(_prefix(p)):
            return p
    return None


def _prefix(element: etree._Element) -> str:
    """The text of element up to its first stop (note call, line break, image…)."""
    out: list[str] = []

    def walk(node: etree._Element) -> bool:
        out.append(node.text or "")
        for child in node:
            if _is_stop(child) or not walk(child):
                return False
            out.append(child.tail or "")
        return True

    walk(element)
    return "".join(out)


def lead_in_length(text: str, lang: str) -> int:
    """How many characters of text the lead-in takes: its first words, to the first break."""
    light = light_words(lang)
    words = 0
    end = 0
    for match in _WORD.finditer(text):
        between = text[end:match.start()]
        if words and between.strip(_SPACES + _OPENING):
            break  # a mark between two words is a break: « En bas, il y a »
        words += 1
        end = match.end()
        word = match[0].lower().replace("\u2019", "'")
        last = re.split(r"['-]", word)[-1] or word
        if words >= MOST or words >= WORDS and word not in light and last not in light:
            break
    # A quotation opened inside the lead-in closes inside it: « Voici « une citation » ».
    for opening, closing in _PAIRS:
        if text.count(opening, 0, end) > text.count(closing, 0, end):
            after = text[end:].lstrip(_SPACES)
            if after.startswith(closing):
                end = len(text) - len(after) + len(closing)
    return end


def _span(text: str | None = None) -> html.HtmlElement:
    span = html.Element("span")
    span.set("class", CLASS)
    span.text = text
    return span


def _length(element: etree._Element) -> int:
    """The characters of element's content (without its tail), as _prefix counts them."""
    return len("".join(element.itertext()))


def _contains_stop(element: etree._Element) -> bool:
    return any(_is_stop(e) for e in element.iterdescendants())


def _wrap(parent: etree._Element, budget: int) -> int:
    """Wrap the first `budget` characters of parent's content in lead-in spans; return how
    many it wrapped (less than budget only where a stop comes first)."""
    used = 0
    span: html.HtmlElement | None = None
    children = list(parent)
    text = parent.text or ""
    if text:
        take = min(len(text), budget)
        span = _span(text[:take])
        span.tail = text[take:] or None
        parent.text = None
        parent.insert(0, span)
        used = take
    for child in children:
        if used >= budget:
            break
        if _is_stop(child):
            break
        size = _length(child)
        if used + size <= budget and not _contains_stop(child):
            # The whole element goes into a span (the one before it when they touch).
            tail = child.tail or ""
            if span is None or span.getnext() is not child or span.tail:
                span = _span()
                child.addprevious(span)
                span.tail = None
            tail_taken = min(len(tail), budget - used - size)
            child.tail = None
            span.append(child)
            child.tail = tail[:tail_taken] or None
            span.tail = tail[tail_taken:] or None
            used += size + tail_taken
        else:
            used += _wrap(child, budget - used)
            if used < budget:
                tail = child.tail or ""
                take = min(len(tail), budget - used)
                if take:
                    span = _span(tail[:take])
                    child.tail = None
                    child.addnext(span)
                    span.tail = tail[take:] or None
                    used += take
            if _contains_stop(child):
                break
    return used


def set_lead_in(body: etree._Element, lang: str) -> bool:
    """Wrap the first words of body's first paragraph of text; False if it has none (or they
    are already wrapped)."""
    if body.find_class(CLASS):
        return False
    p = first_paragraph(body)
    if p is None:
        return False
    length = lead_in_length(_prefix(p), lang)
    if length == 0:
        return False
    _wrap(p, length)
    return True


def wants_lead_in(chapter: Chapter) -> bool:
    """Every chapter, front and back matter included, but a dedication and an epigraph."""
    is_intro = chapter.part is not None and chapter is chapter.part.intro
    return not is_intro and chapter.role not in UNTITLED_ROLES


def run(book: Book, report: Report) -> None:
    """Set the lead-in of every chapter."""
    for chapter in book.documents():
        if wants_lead_in(chapter):
            set_lead_in(chapter.body, book.config.lang)
