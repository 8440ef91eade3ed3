"""Where raw HTML's tags may stand and what their attributes may hold.

Every EPUB page is XHTML that EPUBCheck validates against HTML's content models: a `<li>`
outside a list, a `<div>` inside a `<p>`, a `<details>` without its `<summary>`, `dir="up"`
make the book fail. Markup an author left misplaced is repaired instead: the tag is removed,
its text kept, and a warning says where. pandoc's own HTML follows these rules and is never
touched. Used by the sanitize pass (sanitize.py) once dangerous markup is gone.
"""

from __future__ import annotations

import re

from make_book.core.model import Element

PHRASING = {"a", "abbr", "b", "bdi", "br", "cite", "code", "del", "dfn", "em", "i", "img",
            "input", "ins", "kbd", "label", "mark", "q", "ruby", "s", "samp", "small", "span",
            "strong", "sub", "sup", "u", "var", "wbr"}
# Elements whose content may only be phrasing (text-level) markup.
PHRASING_ONLY = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "abbr", "b", "bdi", "cite",
                 "code", "dfn", "em", "i", "kbd", "label", "mark", "q", "ruby", "s", "samp",
                 "small", "span", "strong", "sub", "sup", "u", "var", "summary", "rt", "rp"}
# Flow content without headings, sections, headers and footers.
HEADINGLESS = {"dt", "th"}
SECTIONING = {"h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "aside", "header",
              "footer"}
TRANSPARENT = {"a", "del", "ins"}  # their content model is their parent's
INTERACTIVE = {"a", "details", "input", "label"}  # none of these inside a link
PARENTS = {"li": {"ul", "ol"}, "dt": {"dl"}, "dd": {"dl"}, "tr": {"table", "thead", "tbody",
           "tfoot"}, "td": {"tr"}, "th": {"tr"}, "thead": {"table"}, "tbody": {"table"},
           "tfoot": {"table"}, "caption": {"table"}, "colgroup": {"table"}, "col": {"colgroup"},
           "summary": {"details"}, "figcaption": {"figure"}, "rt": {"ruby"}, "rp": {"ruby"}}
CHILDREN = {"ul": {"li"}, "ol": {"li"}, "dl": {"dt", "dd"}, "thead": {"tr"}, "tbody": {"tr"},
            "tfoot": {"tr"}, "tr": {"td", "th"}, "colgroup": {"col"},
            "table": {"caption", "colgroup", "thead", "tbody", "tfoot", "tr"}}
EMPTY = {"br", "hr", "img", "input", "col", "wbr"}  # nothing to keep when they go
# A table's parts in the order HTML wants them; tbody and tr share a rank.
_TABLE_ORDER = {"caption": 0, "colgroup": 1, "thead": 2, "tbody": 3, "tr": 3, "tfoot": 4}

_LANG = r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*"
_PATTERNS: dict[str | tuple[str, str], str] = {
    "dir": r"ltr|rtl|auto", "lang": _LANG + "|", "tabindex": r"-?\d{1,5}",
    "colspan": r"[1-9]\d{0,2}", "rowspan": r"\d{1,3}", "span": r"[1-9]\d{0,2}",
    "start": r"-?\d{1,9}", "value": r"-?\d{1,9}", "width": r"\d{1,6}", "height": r"\d{1,6}",
    "scope": r"row|col|rowgroup|colgroup", "translate": r"yes|no|",
    "loading": r"lazy|eager", "decoding": r"sync|async|auto",
    "datetime": r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?",
    ("ol", "type"): r"1|a|A|i|I", ("input", "type"): r"checkbox",
    "aria-hidden": r"true|false", "aria-label": r".*\S.*",
}
_BOOLEAN = {"open", "checked", "disabled", "reversed"}
# The roles pandoc gives its own markup; an author's roles go (HTML restricts them per tag).
_ROLES = {("section", "doc-endnotes"), ("a", "doc-noteref"), ("a", "doc-backlink"),
          ("aside", "doc-footnote"), ("div", "doc-endnotes"), ("a", "doc-biblioref")}


def valid_attribute(tag: str, name: str, value: str) -> bool:
    """Whether an allowed attribute's value is one HTML accepts on this tag."""
    if name in _BOOLEAN:
        return value.lower() in ("", name)
    pattern = _PATTERNS.get((tag, name)) or _PATTERNS.get(name)
    if pattern is not None:
        return re.fullmatch(pattern, value) is not None
    if name.startswith("aria-"):
        return False  # others name ids that must exist, or need a role: not from raw HTML
    if name.startswith("data-"):
        return re.fullmatch(r"data-[a-z0-9_.-]+", name) is not None
    if name == "id":
        return bool(value) and not any(c.isspace() for c in value)
    if name == "role":
        return (tag, value) in _ROLES
    return True


def misplaced(element: Element) -> str | None:
    """Why element cannot stand where it is (`inside <p>`), or None when it can."""
    tag = element.tag
    parent = element.getparent()
    above = parent.tag if parent is not None else ""
    if tag in PARENTS and above not in PARENTS[tag]:
        return f"outside <{'> or <'.join(sorted(PARENTS[tag]))}>"
    if tag in CHILDREN and not _holds_only(element, CHILDREN[tag]):
        return "around other content than " + ", ".join(f"<{t}>" for t in sorted(CHILDREN[tag]))
    if tag == "table" and not _table_in_order(element):
        return "with its parts out of order"
    if tag == "dl" and not _groups_in_order(element):
        return "with a <dd> before any <dt>, or a <dt> left without one"
    if tag == "details" and _first(element) is not None and _first(element).tag != "summary":
        return "without a <summary> first"
    if tag == "details" and _first(element) is None:
        return "without a <summary>"
    if tag == "ruby" and not _ruby_complete(element):
        return "without its text followed by an <rt>"
    if tag == "summary" and _first(parent) is not element:
        return "after other content of its <details>"
    if tag == "figcaption":
        children = [c for c in parent if isinstance(c.tag, str)]
        if element not in (children[0], children[-1]) or \
                sum(c.tag == "figcaption" for c in children) > 1:
            return "in the middle of its <figure>"
    ancestors = [a.tag for a in element.iterancestors()]
    if tag in INTERACTIVE and "a" in ancestors:
        return "inside a link"
    if tag == "label" and "label" in ancestors:
        return "inside another <label>"
    if tag in SECTIONING and HEADINGLESS & set(ancestors):
        return f"inside <{next(a for a in ancestors if a in HEADINGLESS)}>"
    if tag == "table" and "caption" in ancestors:
        return "inside a table's <caption>"
    if tag in ("header", "footer") and ({"header", "footer"} & set(ancestors)):
        return f"inside <{next(a for a in ancestors if a in ('header', 'footer'))}>"
    context = next((a for a in element.iterancestors() if a.tag not in TRANSPARENT), None)
    if context is not None and context.tag in PHRASING_ONLY and tag not in PHRASING \
            and not (tag in ("rt", "rp") and above == "ruby"):
        return f"inside <{context.tag}>"
    return None


def _holds_only(element: Element, tags: set[str]) -> bool:
    if (element.text or "").strip():
        return False
    for child in element:
        if (child.tail or "").strip():
            return False
        if isinstance(child.tag, str) and child.tag not in tags:
            return False
    return True


def _first(element: Element | None) -> Element | None:
    """The first child element, or None; None too when text comes before it."""
    if element is None or (element.text or "").strip():
        return None
    return next((c for c in element if isinstance(c.tag, str)), None)


def _table_in_order(table: Element) -> bool:
    ranks = [_TABLE_ORDER.get(c.tag, -1) for c in table if isinstance(c.tag, str)]
    tags = [c.tag for c in table if isinstance(c.tag, str)]
    once = all(tags.count(t) <= 1 for t in ("caption", "thead", "tfoot"))
    return ranks == sorted(ranks) and once and not ("tbody" in tags and "tr" in tags)


def _groups_in_order(dl: Element) -> bool:
    """(dt+ dd+)*: every group opens with a term and has a description."""
    sequence = "".join("t" if c.tag == "dt" else "d" for c in dl if isinstance(c.tag, str))
    return re.fullmatch(r"(t+d+)*", sequence) is not None


def _ruby_complete(ruby: Element) -> bool:
    """Base text first, an annotation (<rt>) last, nothing after it."""
    children = [c for c in ruby if isinstance(c.tag, str)]
    if not children or children[-1].tag not in ("rt", "rp") or (children[-1].tail or "").strip():
        return False
    if not any(c.tag == "rt" for c in children):
        return False
    return bool((ruby.text or "").strip()) or children[0].tag not in ("rt", "rp")
