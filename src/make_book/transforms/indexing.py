"""The index: terms marked in the text collected, sorted by the book's language, and one
index per edition placed after its last part (after its bibliography).

Terms are pandoc bracketed spans: `[Maxwell]{.index}` indexes its own text,
`[the governor]{index="governor, centrifugal"}` the entry given, `!` separating sub-entries
(`index="governor!centrifugal"`); `see="…"` and `seealso="…"` add cross-references. Each
marked place gets an anchor; the index links to it. Locators read as the chapter's title here
(the EPUB and the web edition); the print PDF puts page numbers in their place (writers/
pdf.py, print_locators).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import icu
from lxml import etree, html

from make_book.core.diagnostics import Report
from make_book.core.editions import editions
from make_book.core.locales import strings
from make_book.core.model import Book, Chapter, Element
from make_book.core.names import slugify
from make_book.transforms.citations import back_document

ROLE = "index"


@dataclass
class Entry:
    """One heading of the index, its places and its sub-entries."""

    term: str
    places: list[tuple[Chapter, str]] = field(default_factory=list)  # (chapter, anchor)
    see: list[str] = field(default_factory=list)
    seealso: list[str] = field(default_factory=list)
    subs: dict[str, Entry] = field(default_factory=dict)


def run(book: Book, report: Report) -> None:
    marked: list[tuple[Chapter, Element]] = []
    in_note: dict[int, str] = {}  # id() of a span marked inside a note → the note's id
    for chapter in book.documents():
        _mark_title_terms(chapter)
        marked.extend((chapter, span) for span in chapter.body.iter("span") if _is_term(span))
        for note in chapter.notes:
            for span in note.body.iter("span"):
                if _is_term(span):
                    marked.append((chapter, span))
                    in_note[id(span)] = note.id
    if not marked:
        return
    taken = set(book.targets)
    places: dict[str, list[tuple[Element, str]]] = {}  # by chapter key
    notes: dict[str, str] = {}  # the anchor of a place inside a note → the note's id
    for number, (chapter, span) in enumerate(marked, 1):
        anchor = span.get("id") or f"ix-{number}"
        while anchor in taken:
            anchor += "-x"
        taken.add(anchor)
        span.set("id", anchor)
        classes = [c for c in (span.get("class") or "").split() if c != "index"]
        span.set("class", " ".join(["index-term", *classes]))
        places.setdefault(chapter.key, []).append((span, anchor))
        if id(span) in in_note:
            notes[anchor] = in_note[id(span)]
    collator = icu.Collator.createInstance(icu.Locale(book.config.lang.replace("-", "_")))
    for edition in editions(book):
        entries: dict[str, Entry] = {}
        for part in edition.parts:
            for chapter in ([part.intro] if part.intro else []) + part.chapters:
                for span, anchor in places.get(chapter.key, []):
                    _add(entries, chapter, span, anchor)
        if entries:
            body = index_body(entries, collator, book.config.lang, notes)
            book.generated.setdefault(edition.key, []).append(
                back_document(book, ROLE, strings(book.config.lang)["index"], body,
                              book.root / "manuscript"))


def _mark_title_terms(chapter: Chapter) -> None:
    """An empty marked span at the chapter's start for each term of its title."""
    terms = chapter.meta.get("title_terms") or []
    for term in reversed(terms):  # type: ignore[union-attr]
        attributes = {"data-index": term.get("data-index") or term["text"]}
        for name in ("data-see", "data-seealso"):
            if term.get(name):
                attributes[name] = term[name]
        span = html.Element("span", attributes)
        span.tail = chapter.body.text
        chapter.body.text = None
        chapter.body.insert(0, span)


def _is_term(span: Element) -> bool:
    return "index" in (span.get("class") or "").split() or any(
        span.get(f"data-{name}") is not None for name in ("index", "see", "seealso"))


def _add(entries: dict[str, Entry], chapter: Chapter, span: Element, anchor: str) -> None:
    """Record one marked place under its entry (and sub-entry)."""
    given = span.get("data-index")
    text = given if given and given.strip() else " ".join(span.text_content().split())
    levels = [level.strip() for level in text.split("!") if level.strip()] or ["?"]
    table = entries
    entry = None
    for level in levels:
        entry = table.setdefault(level, Entry(level))
        table = entry.subs
    assert entry is not None
    see, seealso = span.get("data-see"), span.get("data-seealso")
    if see:
        entry.see.append(see.strip()) if see.strip() not in entry.see else None
    if seealso:
        entry.seealso.append(seealso.strip()) if seealso.strip() not in entry.seealso else None
    if not see:  # a « see » entry sends the reader elsewhere: it has no place of its own
        entry.places.append((chapter, anchor))


def entry_id(term: str) -> str:
    """The anchor of an entry of the index, for « see » references to it."""
    return "ixe-" + slugify(term)


def index_body(entries: dict[str, Entry], collator: icu.Collator, lang: str,
               notes: dict[str, str]) -> Element:
    """The index as HTML: letter groups of entries, each with its locators, sub-entries and
    cross-references, marked with the EPUB Indexes vocabulary (data-epub-type, made
    epub:type by the EPUB writer)."""
    t = strings(lang)
    outer = html.Element("div")  # a chapter's body: its children are what is printed
    body = etree.SubElement(outer, "div", {"class": "index-body"})
    alphabet = icu.AlphabeticIndex(icu.Locale(lang.replace("-", "_"))).buildImmutableIndex()
    groups: dict[str, list[Entry]] = {}
    for entry in sorted(entries.values(), key=lambda e: collator.getSortKey(e.term)):
        label, kind = alphabet.getBucket(alphabet.getBucketIndex(entry.term))
        groups.setdefault(label if kind == 0 else "#", []).append(entry)
    for number, (label, members) in enumerate(groups.items(), 1):
        group = etree.SubElement(body, "section", {"class": "index-group",
                                                  "data-epub-type": "index-group",
                                                  "aria-labelledby": f"ixg-{number}"})
        heading = etree.SubElement(group, "h2", {"class": "index-letter", "id": f"ixg-{number}"})
        heading.text = label
        group.append(_entry_list(members, collator, t, notes))
    return outer


def _entry_list(members: list[Entry], collator: icu.Collator, t: dict[str, str],
                notes: dict[str, str]) -> Element:
    listing = html.Element("ul", {"class": "index-entries", "data-epub-type": "index-entry-list"})
    for entry in members:
        item = etree.SubElement(listing, "li", {"class": "index-entry", "id": entry_id(entry.term),
                                               "data-epub-type": "index-entry"})
        term = etree.SubElement(item, "span", {"class": "index-term",
                                              "data-epub-type": "index-term"})
        term.text = entry.term
        if entry.places:
            locators = etree.SubElement(item, "span", {"class": "index-locators"})
            locators.text = ", "  # the print PDF has a space before its page numbers
            seen: dict[str, int] = {}
            for i, (chapter, anchor) in enumerate(entry.places):
                link = etree.SubElement(locators, "a", {
                    "class": "index-locator", "href": "#" + anchor,
                    "data-epub-type": "index-locator"})
                note = notes.get(anchor)
                if note:  # the web edition shows notes twice: it links to the note itself
                    link.set("data-in-note", note)
                seen[chapter.key] = seen.get(chapter.key, 0) + 1
                # Several places in one chapter: the chapter's title, then « (2) », « (3) ».
                link.text = chapter.title if seen[chapter.key] == 1 else f"({seen[chapter.key]})"
                link.tail = ", " if i < len(entry.places) - 1 else None
        for words, targets, kind in ((t["index_see"], entry.see, "index-xref-preferred"),
                                     (t["index_seealso"], entry.seealso, "index-xref-related")):
            if not targets:
                continue
            xref = etree.SubElement(item, "span", {"class": "index-xref"})
            xref.text = "; " if entry.places else " "
            emphasis = etree.SubElement(xref, "em")
            emphasis.text = words
            emphasis.tail = " "
            for i, target in enumerate(targets):
                link = etree.SubElement(xref, "a", {"href": "#" + entry_id(target.split("!")[0]),
                                                   "data-epub-type": kind})
                link.text = target.replace("!", ", ")
                link.tail = "; " if i < len(targets) - 1 else None
        if entry.subs:
            subs = sorted(entry.subs.values(), key=lambda e: collator.getSortKey(e.term))
            item.append(_entry_list(subs, collator, t, notes))
            for sub in item[-1].iter("li"):
                sub.attrib.pop("id", None)  # only main entries are « see » targets
    return listing
