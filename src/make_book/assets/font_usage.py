"""Which face of a stylesheet's @font-face rules sets which characters of a set of pages.

The EPUB ships each font cut down to the characters it sets, and no font its pages never
use: this module finds both by cascading the stylesheet's font properties over the pages,
as a reading system would (tinycss2 parses the sheet, cssselect2 matches the selectors: the
two libraries WeasyPrint is built on). Only what picks a face is cascaded: font-family,
font-style, font-weight, and what adds characters (generated content, list markers,
small caps synthesised from capitals, text-transform).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cssselect2
import tinycss2
from lxml import etree

# What HTML's own stylesheet gives these elements (the author's rules come after it).
_UA_ITALIC = {"em", "i", "cite", "var", "dfn", "address"}
_UA_BOLD = {"strong", "b", "th", "h1", "h2", "h3", "h4", "h5", "h6"}
_UA_MONO = {"code", "pre", "kbd", "samp", "tt"}
_NOT_SHOWN = {"head", "script", "style", "title"}
# What a reading system may add to the text: hyphens where it breaks words, spaces.
_ADDED = "-\u2010 \u00a0"
_LIST_MARKERS = {"ol": "0123456789.", "ul": "•◦▪"}


@dataclass(frozen=True)
class FontFaceRule:
    """One @font-face rule: the face it declares and the file it loads."""

    family: str
    italic: bool
    weight: int
    file: str  # the src url's file name


@dataclass
class _Style:
    families: tuple[str, ...] = ()
    italic: bool = False
    weight: int = 400
    caps: bool = False  # small caps: a renderer without the font's smcp draws capitals
    transform: str = "none"
    content: str | None = None  # ::before/::after only


@dataclass
class Usage:
    """The characters each font file sets (by file name), and the faces the sheet declares."""

    faces: list[FontFaceRule]
    text: dict[str, set[str]] = field(default_factory=dict)


def _idents(tokens: list) -> list[str]:  # noqa: ANN001 - tinycss2 tokens
    return [t.lower_value for t in tokens if t.type == "ident"]


def _families(tokens: list) -> tuple[str, ...]:  # noqa: ANN001
    """A font-family value as its list of names."""
    names, current = [], []
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            names.append(" ".join(current))
            current = []
        elif token.type == "string":
            current.append(token.value)
        elif token.type == "ident":
            current.append(token.value)
    names.append(" ".join(current))
    return tuple(n.strip().lower() for n in names if n.strip())


def _weight(tokens: list, parent: int) -> int:  # noqa: ANN001
    words = _idents(tokens)
    numbers = [t.int_value for t in tokens if t.type == "number" and t.is_integer]
    if numbers:
        return numbers[0]
    word = words[0] if words else "normal"
    if word == "bold":
        return 700
    if word == "bolder":
        return 400 if parent < 350 else 700 if parent < 550 else 900
    if word == "lighter":
        return 100 if parent < 550 else 400 if parent < 750 else 700
    return parent if word == "inherit" else 400


def _declarations(content: list) -> list[tuple[str, list]]:  # noqa: ANN001
    parsed = tinycss2.parse_declaration_list(content, skip_comments=True, skip_whitespace=True)
    return [(d.lower_name, d.value) for d in parsed if d.type == "declaration"]


def _apply(style: _Style, declarations: list[tuple[str, list]], parent: _Style) -> None:
    """The declarations' font properties on style (the parent for inherit and bolder)."""
    for name, value in declarations:
        words = _idents(value)
        if name == "font-family":
            style.families = parent.families if words == ["inherit"] else _families(value)
        elif name == "font-style":
            style.italic = parent.italic if "inherit" in words else bool(
                {"italic", "oblique"} & set(words))
        elif name == "font-weight":
            style.weight = _weight(value, parent.weight)
        elif name in ("font-variant", "font-variant-caps"):
            style.caps = bool({"small-caps", "all-small-caps", "petite-caps",
                               "all-petite-caps", "unicase"} & set(words)) or (
                parent.caps if "inherit" in words else False)
        elif name == "text-transform":
            style.transform = words[0] if words else "none"
        elif name == "content":
            style.content = "".join(t.value for t in value if t.type == "string") + (
                "0123456789" if any(t.type == "function" for t in value) else "")


class _Sheet:
    """A stylesheet's @font-face rules and its other rules, ready to match."""

    def __init__(self, css: str) -> None:
        self.faces: list[FontFaceRule] = []
        self.matcher = cssselect2.Matcher()
        self._order = 0
        self._read(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))

    def _read(self, rules: list) -> None:  # noqa: ANN001
        for rule in rules:
            if rule.type == "at-rule" and rule.lower_at_keyword == "font-face" and rule.content:
                self._face(_declarations(rule.content))
            elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") \
                    and rule.content:
                self._read(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                    skip_whitespace=True))
            elif rule.type == "qualified-rule":
                try:
                    selectors = cssselect2.compile_selector_list(rule.prelude)
                except cssselect2.SelectorError:
                    continue  # a selector no reading system understands either
                declarations = _declarations(rule.content)
                for selector in selectors:
                    self._order += 1
                    self.matcher.add_selector(selector, (self._order, declarations))

    def _face(self, declarations: list[tuple[str, list]]) -> None:
        values = dict(declarations)
        urls = [t.value for t in values.get("src", []) if t.type == "url"] + [
            t.arguments[0].value for t in values.get("src", [])
            if t.type == "function" and t.lower_name == "url" and t.arguments]
        families = _families(values.get("font-family", []))
        if urls and families:
            self.faces.append(FontFaceRule(
                families[0], bool({"italic", "oblique"} & set(_idents(
                    values.get("font-style", [])))),
                _weight(values.get("font-weight", []), 400), urls[0].rsplit("/", 1)[-1]))

    def face_for(self, style: _Style) -> FontFaceRule | None:
        """The face a renderer picks for style (CSS Fonts' matching: the first family with
        faces, the slant, then the nearest weight), None for a family the sheet loads none of
        (a system font)."""
        for family in style.families:
            faces = [f for f in self.faces if f.family == family]
            if faces:
                slanted = [f for f in faces if f.italic == style.italic] or faces
                return min(slanted, key=lambda f: _weight_distance(style.weight, f.weight))
        return None


def _weight_distance(wanted: int, offered: int) -> tuple[int, int]:
    """CSS Fonts' order of preference among weights: for 400 to 500 those up to 500 first,
    below 400 the lighter first, above 500 the heavier first."""
    if 400 <= wanted <= 500:
        if wanted <= offered <= 500:
            return (0, offered - wanted)
        return (1, wanted - offered) if offered < wanted else (2, offered - wanted)
    if wanted < 400:
        return (0, wanted - offered) if offered <= wanted else (1, offered - wanted)
    return (0, offered - wanted) if offered >= wanted else (1, wanted - offered)


def _shown(text: str, style: _Style) -> set[str]:
    """The characters text needs in style: itself, cased as text-transform or synthesised
    small caps ask."""
    chars = set(text)
    if style.caps or style.transform in ("uppercase", "capitalize"):
        chars |= set(text.upper())
    if style.transform == "lowercase":
        chars |= set(text.lower())
    return chars


def font_usage(pages: list[bytes], css: str) -> Usage:
    """The characters each @font-face file of css sets across the XHTML pages."""
    sheet = _Sheet(css)
    usage = Usage(sheet.faces)

    def add(style: _Style, chars: set[str]) -> None:
        face = sheet.face_for(style)
        if face is not None and chars:
            usage.text.setdefault(face.file, set(_ADDED)).update(chars)

    for page in pages:
        root = etree.fromstring(page, etree.XMLParser(resolve_entities=False, no_network=True))
        styles: dict[etree._Element, _Style] = {}
        for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
            element = wrapper.etree_element
            tag = etree.QName(element).localname
            parent_element = element.getparent()
            parent = styles.get(parent_element, _Style()) if parent_element is not None \
                else _Style()
            style = _Style(parent.families, parent.italic, parent.weight, parent.caps,
                           parent.transform)
            if tag in _UA_ITALIC:
                style.italic = True
            if tag in _UA_BOLD:
                style.weight = 700
            if tag in _UA_MONO:
                style.families = ("monospace",)
            matches = sorted(sheet.matcher.match(wrapper), key=lambda m: (m[0], m[1]))
            pseudo: dict[str, list] = {}
            for _, _, pseudo_type, (_, declarations) in matches:
                if pseudo_type is None:
                    _apply(style, declarations, parent)
                else:
                    pseudo.setdefault(pseudo_type, []).extend(declarations)
            styles[element] = style
            if tag in _NOT_SHOWN or any(etree.QName(a).localname in _NOT_SHOWN
                                        for a in element.iterancestors()):
                continue
            first_line = _Style(style.families, style.italic, style.weight, style.caps,
                                style.transform)
            _apply(first_line, pseudo.get("first-line", []), style)
            add(style, _shown(element.text or "", first_line if first_line.caps else style))
            if parent_element is not None and element.tail:
                add(parent, _shown(element.tail, parent))
            if tag == "li" and parent_element is not None:
                add(style, set(_LIST_MARKERS.get(etree.QName(parent_element).localname, "")))
            for kind in ("before", "after", "marker"):
                if kind in pseudo:
                    generated = _Style(style.families, style.italic, style.weight,
                                       style.caps, style.transform)
                    _apply(generated, pseudo[kind], style)
                    if generated.content:
                        add(generated, _shown(generated.content, generated))
    return usage
