"""Keep the harmless markup of raw HTML; remove what could run code or reach outside the book.

An allowlist of tags and attributes, not a blocklist: whatever is not listed goes, so a
construct nobody thought of cannot slip into a reader's browser or e-reader. Written by hand
rather than with nh3 or bleach because every removal is reported with the file and line it
came from, which those libraries do not tell.
"""

from __future__ import annotations

import re

from lxml import etree

from make_book.core.diagnostics import Report
from make_book.core.model import Book, Chapter, Element
from make_book.transforms.markup import EMPTY, misplaced, valid_attribute

# Removed with everything inside them: code, embedded documents and media, and markup the
# editions cannot hold (inline SVG and MathML would need their own manifest properties).
DROP = {"script", "style", "iframe", "frame", "frameset", "object", "applet", "embed",
        "noembed", "noframes", "template", "svg", "math", "base", "meta", "link", "form",
        "textarea", "select", "button", "title", "head", "xmp", "plaintext", "canvas", "audio",
        "video", "portal", "dialog", "param"}
# The markup the editions keep, with the attributes each tag may carry besides GLOBAL.
ALLOWED: dict[str, set[str]] = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope", "abbr"},
    "col": {"span"}, "colgroup": {"span"},
    "ol": {"start", "type", "reversed"}, "li": {"value"},
    "input": {"type", "checked", "disabled"},  # pandoc's task lists, checkboxes only
    "q": {"cite"}, "blockquote": {"cite"},
    "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
    "details": {"open"},
    **{tag: set() for tag in (
        "abbr", "article", "aside", "b", "bdi", "br", "caption", "cite",
        "code", "dd", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer", "h1",
        "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "kbd", "label", "mark",
        "p", "pre", "rp", "rt", "ruby", "s", "samp", "section", "small", "span", "strong",
        "sub", "summary", "sup", "table", "tbody", "tfoot", "thead", "tr", "u", "ul", "var",
        "wbr")},
}
GLOBAL = {"id", "class", "title", "lang", "dir", "role", "tabindex", "translate", "style"}
# Markers the pipeline itself sets on links (xrefs, notes): a manuscript may not forge them.
RESERVED = {"data-url", "data-part", "data-kind", "data-note"}
URL_ATTRS = {"href", "cite"}  # `img src` is the images pass's: it accepts project files only
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
# Elements HTML defines as empty but libxml2 parses as containers, swallowing what follows
# them: removing one must keep what was parsed inside it.
HOLLOW = {"embed", "source", "track", "keygen", "wbr", "param"}
# CSS functions that only compute a value; any other (url, image, expression…) could load
# something or run code, and takes its style attribute with it.
CSS_FUNCTIONS = {"rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "color",
                 "calc", "min", "max", "clamp", "var", "counter", "counters"}

_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.S)
_CSS_COMMENT = re.compile(r"/\*.*?(\*/|$)", re.S)
_CSS_FUNCTION = re.compile(r"([-\w]*)\s*\(")


def run(book: Book, report: Report) -> None:
    for chapter in book.documents():
        clean(chapter, report)


def clean(chapter: Chapter, report: Report) -> None:
    """Strip what is not allowed from one body, warning with file and line."""
    where = _Locator(chapter)
    body = chapter.body
    for element in list(body.iter()):
        if not _attached(element, body):
            continue  # inside something already removed
        if not isinstance(element.tag, str):  # comments, processing instructions
            _remove_node(element)  # notes for the author stay out of the editions
            continue
        if element is body:
            continue
        tag = element.tag.lower()
        if tag in DROP:
            report.warn("W020", f"raw <{tag}> removed", chapter.source, where.tag(tag))
            for inner in element.iterdescendants():
                if isinstance(inner.tag, str):  # consumed: a later <script> has its own line
                    where.tag(inner.tag)
            _drop(element, tag)
            continue
        _clean_attributes(element, tag, chapter, where, report, known=tag in ALLOWED)
        if tag == "input" and element.get("type", "").lower() != "checkbox":
            report.warn("W024", "raw <input> removed (only task-list checkboxes are kept)",
                        chapter.source, where.tag(tag))
            _drop(element, tag)
        elif tag not in ALLOWED:
            report.warn("W024", f"raw <{tag}> is not supported: tag removed, its text kept",
                        chapter.source, where.tag(tag))
            element.drop_tag()
        elif tag in HOLLOW and (len(element) or element.text):
            _release(element)
    _repair(chapter, where, report)


def _repair(chapter: Chapter, where: _Locator, report: Report) -> None:
    """Unwrap kept tags that stand where HTML does not allow them (markup.misplaced), parents
    before children: a list removed for holding a paragraph takes its items' tags along."""
    body = chapter.body
    for element in list(body.iter()):
        if element is body or not isinstance(element.tag, str) or not _attached(element, body):
            continue
        problem = misplaced(element)
        if problem is None:
            continue
        report.warn("W024", f"raw <{element.tag}> cannot stand {problem}: tag removed, its "
                    "text kept", chapter.source, where.tag(element.tag))
        if element.tag in EMPTY:
            element.drop_tree()
        else:
            element.drop_tag()


def _clean_attributes(element: Element, tag: str, chapter: Chapter, where: _Locator,
                      report: Report, known: bool) -> None:
    """Remove the attributes a tag may not carry; an unknown tag (about to be unwrapped)
    only gets its dangerous ones reported."""
    allowed = ALLOWED.get(tag, set()) | GLOBAL
    for name in list(element.attrib):
        value = element.get(name, "")
        lower = name.lower()
        if lower.startswith("on"):
            report.warn("W021", f"event handler `{name}` removed from <{tag}>", chapter.source,
                        where.attribute(tag, value.strip()[:20] or name))
        elif lower in URL_ATTRS | {"src", "action", "formaction", "xlink:href", "srcdoc",
                                   "poster", "data", "background", "srcset", "ping"} \
                and not (tag == "img" and lower == "src") and not _safe_url(value):
            report.warn("W022", f"unsafe address `{_short(value)}` removed from <{tag}> (links "
                        f"may use {', '.join(sorted(SAFE_SCHEMES))} or point inside the book)",
                        chapter.source, where.attribute(tag, value.strip()[:20] or name))
        elif lower == "style" and not _safe_style(value):
            report.warn("W023", f"style `{_short(value)}` removed from <{tag}>: a style may "
                        "not load anything", chapter.source,
                        where.attribute(tag, value.strip()[:20] or name))
        elif lower in RESERVED:
            report.warn("W024", f"attribute `{name}` is reserved for make-book: removed from "
                        f"<{tag}>", chapter.source, where.attribute(tag, name))
        elif lower in allowed or lower.startswith(("aria-", "data-")):
            if valid_attribute(tag, lower, value):
                continue
            if known:
                report.warn("W024", f"attribute `{name}` removed from <{tag}>: "
                            f"`{_short(value)}` is not a value it takes", chapter.source,
                            where.attribute(tag, name))
        elif known:
            report.warn("W024", f"attribute `{name}` removed from <{tag}>: the editions do not "
                        "support it", chapter.source, where.attribute(tag, name))
        del element.attrib[name]


def safe_url(value: str) -> bool:
    """Whether an address may stay in a link (see _safe_url): for what the build adds."""
    return _safe_url(value)


def _safe_url(value: str) -> bool:
    """True for a relative address or one with a listed scheme. Browsers ignore tabs and
    newlines anywhere in a URL and control characters around it: so do we before looking."""
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
    head = re.split(r"[/?#]", cleaned, maxsplit=1)[0]
    if ":" not in head:
        return True  # relative: a path, a query or a #fragment
    match = _SCHEME.match(cleaned)  # a colon before any slash: a scheme, or a broken one
    return match is not None and match.group(1) in SAFE_SCHEMES


def _safe_style(value: str) -> bool:
    """True when a style attribute only sets values: no function that could load a resource
    (`url(`, `image-set(`), no `expression(`, no `@import`, after undoing CSS escapes."""
    text = _CSS_COMMENT.sub("", value)
    text = _CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) and
                           int(m.group(1), 16) < 0x110000 else (m.group(2) or ""), text).lower()
    if "@" in text or "javascript:" in text or "\\" in text:
        return False
    return all(name in CSS_FUNCTIONS for name in _CSS_FUNCTION.findall(text))


def _short(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= 40 else value[:39] + "…"


def _attached(element: Element, body: Element) -> bool:
    node = element
    while node is not None:
        if node is body:
            return True
        node = node.getparent()
    return False


def _drop(element: Element, tag: str) -> None:
    if tag in HOLLOW:
        element.drop_tag()  # what libxml2 put inside it follows it in the source
    else:
        element.drop_tree()


def _release(element: Element) -> None:
    """Move what libxml2 nested inside an empty element back out, after it."""
    parent = element.getparent()
    index = parent.index(element)
    for offset, child in enumerate(list(element), 1):
        parent.insert(index + offset, child)
    if element.text:
        element.tail = element.text + (element.tail or "")
        element.text = None


def _remove_node(node: etree._Element) -> None:
    """Remove a comment or processing instruction, keeping the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


class _Locator:
    """Lines of the source where tags and attributes occur. The n-th removed `<script>` is
    looked for after the previous one, so that several get their own lines."""

    def __init__(self, chapter: Chapter):
        self.text = chapter.text.lower()
        self.offset = chapter.line_offset
        self.cursor: dict[str, int] = {}

    def _find(self, needle: str) -> int | None:
        needle = needle.lower()
        start = self.cursor.get(needle, 0)
        index = self.text.find(needle, start)
        if index < 0:
            index = self.text.find(needle)
        if index < 0:
            return None
        self.cursor[needle] = index + len(needle)
        return index

    def _line(self, index: int | None) -> int | None:
        if index is None:
            return None
        return self.text.count("\n", 0, index) + self.offset + 1

    def tag(self, tag: str) -> int | None:
        return self._line(self._find(f"<{tag}"))

    def attribute(self, tag: str, needle: str) -> int | None:
        """The line of an attribute: of its value or name, else of its element's tag."""
        index = self._find(needle)
        if index is None:
            index = self._find(f"<{tag}")
        return self._line(index)
