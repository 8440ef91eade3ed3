"""An edition's PDF source cut into units, each a whole HTML document that opens on a recto,
and the CSS that gives a unit the numbers it prints of the others: its first folio and the
pages of the places it refers to (the contents, « p. 42 »).

A unit opens at each top-level element that pdf.css sends to a recto (the half-title, the
contents, a part page, a chapter, a matter item, the series page); the title and copyright
pages stay with the half-title, a part's introduction with its part page. Since every unit
opens on a recto, its page count does not depend on where it starts in the book.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import tinycss2
from lxml import html

from make_book.assets.lettering import roman
from make_book.writers.pagination import roman_value

# Top-level elements of the PDF source that open a unit; the others join the unit before.
OPENS = frozenset({"half-title", "toc", "chapter", "matter", "part-page", "series-page"})

# Pages after the unit's last, inside its last element (so of its named page): the notes
# that did not fit on the last page go there, as in one document, where the next page
# exists; WeasyPrint drops them at the end of a document. The worker removes those pages
# when no note went there.
SENTINEL = "pieces-end"
SENTINEL_CSS = f".{SENTINEL} {{ break-before: right; height: 0; margin: 0; }}"
SENTINEL_HTML = f'<div class="{SENTINEL}"></div>'


@dataclass
class Unit:
    """One unit of an edition: its HTML, the ids it holds and the ids of other units it
    links to (whose page numbers it prints)."""

    index: int
    source: str
    ids: frozenset[str]
    targets: tuple[str, ...]
    key: str = field(default="")  # its first element's id: the same unit from build to build

    @property
    def digest(self) -> str:
        """The hash of its HTML."""
        return hashlib.sha256(self.source.encode()).hexdigest()


def cut(source: str) -> list[Unit]:
    """The edition's HTML as one document per unit, each with the whole <head>."""
    tree = html.document_fromstring(source)
    head = html.tostring(tree.find("head"), encoding="unicode")
    body = tree.find("body")
    groups: list[list[html.HtmlElement]] = []
    for child in body:
        if not isinstance(child.tag, str):
            continue
        classes = set((child.get("class") or "").split())
        if not groups or classes & OPENS and not _continues(groups[-1], classes):
            groups.append([])
        groups[-1].append(child)
    lang = tree.get("lang", "")
    units = []
    for index, group in enumerate(groups):
        ids = frozenset(e.get("id") for element in group for e in element.iter()
                        if isinstance(e.tag, str) and e.get("id"))
        wanted = dict.fromkeys(
            href[1:] for element in group for a in element.iter("a")
            if (href := a.get("href") or "").startswith("#") and href[1:] not in ids)
        body_html = "".join(html.tostring(e, encoding="unicode") for e in group)
        # Inside the last element, so that its pages keep the element's page name.
        closing = body_html.rfind("</")
        body_html = body_html[:closing] + SENTINEL_HTML + body_html[closing:]
        units.append(Unit(index, f'<!DOCTYPE html>\n<html lang="{lang}">{head}<body>'
                                 f"{body_html}</body></html>", ids, tuple(wanted),
                          group[0].get("id") or f"unit-{index}"))
    return units


def _continues(group: list[html.HtmlElement], classes: set[str]) -> bool:
    # The half-title, title and copyright pages are one unit (the copyright on the verso).
    return ("front" in classes and not classes & {"toc", "matter"}
            and "half-title" in (group[0].get("class") or ""))


@dataclass(frozen=True)
class CounterRule:
    """A rule of the stylesheet whose `content` prints a target's page number."""

    selectors: tuple[str, ...]
    value: tuple[object, ...]  # tinycss2 tokens of the declaration's value


def counter_rules(source: str) -> list[CounterRule]:
    """Every rule of the edition's stylesheet whose `content` holds target-counter(…, page):
    read from the stylesheet, so that a project's own pdf.css keeps working."""
    sheet = html.document_fromstring(source).find("head/style").text or ""
    found = []
    for rule in tinycss2.parse_stylesheet(sheet, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        for decl in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                    skip_whitespace=True):
            if decl.type == "declaration" and decl.lower_name == "content" and any(
                    t.type == "function" and t.lower_name == "target-counter"
                    for t in decl.value):
                selectors = tuple(s.strip() for s in
                                  tinycss2.serialize(rule.prelude).split(","))
                found.append(CounterRule(selectors, tuple(decl.value)))
    return found


def numbers_css(rules: list[CounterRule], folio: int | None, labels: dict[str, str],
                href: str = "#") -> str:
    """CSS giving a unit its first folio (None: as the stylesheet has it) and the page
    labels of the places of other units it links to: each rule of `rules` repeated for each
    such link, its selector narrowed to `[href="<href>id"]` (so that it wins) and the counter
    replaced by the page's label, already in the style the rule asks for."""
    out = [] if folio is None else [f"@page :first {{ counter-reset: page {folio}; }}"]
    for rule in rules:
        for target, label in sorted(labels.items()):
            escaped = target.replace("\\", "\\\\").replace('"', '\\"')
            narrowed = ",".join(re.sub(r"(::?(after|before))\s*$",
                                       f'[href="{href}{escaped}"]\\1', sel)
                                for sel in rule.selectors)
            value = "".join(
                f'"{_styled(label, t)}"' if t.type == "function"
                and t.lower_name == "target-counter" else tinycss2.serialize([t])
                for t in rule.value)
            out.append(f"{narrowed} {{ content: {value}; }}")
    return "\n".join(out)


def _styled(label: str, function: object) -> str:
    """A page's label in the counter style target-counter() asks for."""
    args = [t for t in function.arguments if t.type == "ident"]  # type: ignore[attr-defined]
    style = args[-1].lower_value if len(args) > 1 else "decimal"
    if not label:
        return ""
    number = int(label) if label.isdigit() else roman_value(label)
    if number < 1:  # the placeholder of a page not known yet: as wide as two digits
        return label
    if style == "lower-roman":
        return roman(number).lower()
    if style == "upper-roman":
        return roman(number)
    return str(number)


def with_css(source: str, css: str) -> str:
    """The unit's HTML with css after its stylesheet."""
    return source.replace("</head>", f"<style>{css}</style></head>", 1) if css else source
