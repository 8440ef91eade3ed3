"""Every setting make-book reads, declared once: the keys of book.toml and of front matter.

The loader (config.py), its messages and docs/configuration.md (config_docs.py) are all made
from these declarations: adding a key here is the whole of adding it, but for the field of
BookConfig, PdfConfig or BuildDefaults that carries its value to the code that uses it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

TRIM_PRESETS_MM: dict[str, tuple[float, float]] = {
    "a5": (148.0, 210.0),
    "b5": (176.0, 250.0),
    "a4": (210.0, 297.0),
    "6x9in": (152.4, 228.6),
    "5.5x8.5in": (139.7, 215.9),
    "pocket": (110.0, 178.0),
}
PDF_VARIANTS = ("pdf/a-3b", "pdf/ua-1")
FORMATS = ("epub", "pdf", "html")
PART_STATUSES = ("published", "forthcoming")
_DIMENSION = re.compile(r"^\s*([\d.]+)\s*(mm|cm|in)\s*[x×]\s*([\d.]+)\s*(mm|cm|in)\s*$")
_LENGTH = re.compile(r"^\s*([\d.]+)\s*(mm|cm|in|pt)\s*$")
_UNIT_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}
_LANG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
# A release version goes into file names: no spaces, slashes or leading dot.
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]*$")
_EDITION = re.compile(r"^(all|omnibus|part-\d+)$")


class Rejected(ValueError):
    """A value outside what its key accepts: the message says what the key must be."""


def toml_literal(value: Any) -> str:
    """A value as it is written in book.toml: "a5", false, 0.0572, ["epub", "html"]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    return str(value)


@dataclass(frozen=True)
class Key:
    """One key of book.toml: what it accepts, what it becomes, what it means."""

    table: str
    name: str
    types: tuple[type, ...]  # the TOML value types accepted (bool is never taken for a number)
    description: str  # one line, for docs/configuration.md
    example: str  # the value as written in book.toml, e.g. '"3mm"'
    expected: str = ""  # "[pdf] bleed must be <expected>"; made from `allowed` when empty
    default: Any = None  # the value assumed when the key is absent, as written; None: none
    default_text: str = ""  # for the docs, when the default is not a plain value
    allowed: tuple[Any, ...] = ()  # the only values accepted (after `parse`), in this order
    parse: Callable[[Any], Any] | None = None  # value → what the code uses; Rejected or ValueError
    required: bool = False

    @property
    def wanted(self) -> str:
        """What the value must be, as messages say it: "front" or "end", a length such as …"""
        if self.expected:
            return self.expected
        literals = [toml_literal(v) for v in self.allowed]
        return ", ".join(literals[:-1]) + " or " + literals[-1]

    def read(self, value: Any) -> Any:
        """The value as the code uses it; Rejected (or ValueError, with its reason) otherwise."""
        if not isinstance(value, self.types) or isinstance(value, bool) and bool not in self.types:
            raise Rejected(self.wanted)
        if self.parse is not None:
            value = self.parse(value)
        if self.allowed and value not in self.allowed:
            raise Rejected(self.wanted)
        return value


@dataclass(frozen=True)
class Table:
    """One [table] of book.toml and its keys, in the order the docs list them."""

    name: str
    description: str
    keys: tuple[Key, ...]

    def key(self, name: str) -> Key | None:
        """The key called name, or None."""
        return next((k for k in self.keys if k.name == name), None)

    @property
    def names(self) -> list[str]:
        return [k.name for k in self.keys]


# -- parsers: the raw TOML value → the value the code uses -------------------------------------

def _lang(value: str) -> str:
    if not _LANG.match(value):
        raise Rejected
    return value


def _authors(value: str | list[Any]) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if any(not isinstance(item, str) for item in items):
        raise Rejected
    return tuple(items)


def _date(value: str | dt.date) -> str:
    if isinstance(value, dt.date):  # a TOML date (tomllib parses it)
        return value.isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise Rejected from None


def _version(value: str) -> str:
    if not VERSION.match(value):
        raise Rejected
    return value


def _trim(value: str) -> tuple[str, float, float]:
    """(the trim as written, width in mm, height in mm)."""
    size = TRIM_PRESETS_MM.get(value.lower())
    if size is not None:
        return value, size[0], size[1]
    match = _DIMENSION.match(value)
    if not match:
        raise Rejected
    return (value, float(match.group(1)) * _UNIT_MM[match.group(2)],
            float(match.group(3)) * _UNIT_MM[match.group(4)])


def _length_mm(value: str) -> float:
    match = _LENGTH.match(value)
    if not match:
        raise Rejected
    return float(match.group(1)) * _UNIT_MM[match.group(2)]


def _thickness(value: float) -> float:
    if not 0.02 <= value <= 0.5:
        raise Rejected
    return float(value)


def parse_formats(value: str | list[Any]) -> tuple[str, ...]:
    """"epub,html" or ["epub", "html"] → ("epub", "html"); ValueError names an unknown one."""
    items = value.split(",") if isinstance(value, str) else value
    chosen = tuple(dict.fromkeys(str(item).strip().lower() for item in items if str(item).strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {', '.join(unknown)}: choose among {', '.join(FORMATS)}")
    if not chosen:
        raise ValueError(f"no format given: choose among {', '.join(FORMATS)}")
    return chosen


def check_edition(value: str) -> str:
    """all, omnibus or part-N; ValueError otherwise (whether part N exists is the book's say)."""
    value = value.strip().lower()
    if not _EDITION.match(value):
        raise ValueError(f"unknown edition {value!r}: choose all, omnibus or part-N (part-3)")
    return value


# -- book.toml -----------------------------------------------------------------------------------

_TEXT = "a string"
TABLES: dict[str, Table] = {table.name: table for table in (
    Table("book", "The book itself: its title, language and the metadata of every edition.", (
        Key("book", "title", (str,), "The title, on the cover, the title page and in the "
            "metadata.", '"Intelligence abondante"', _TEXT, required=True),
        Key("book", "subtitle", (str,), "A subtitle, under the title.",
            '"Essai sur l\'abondance"', _TEXT),
        Key("book", "author", (str, list), "The author, or the authors in order.",
            '["Prénom Nom", "Autre Nom"]', "a string or a list of strings", [],
            "no author", parse=_authors),
        Key("book", "lang", (str,), "The language of the text: it sets typography, hyphenation "
            "and the words make-book adds.", '"fr"',
            'a BCP 47 language tag such as "fr" or "fr-CA"', parse=_lang, required=True),
        Key("book", "publisher", (str,), "The publisher, in the metadata and on the copyright "
            "page.", '"A 42 Journey"', _TEXT),
        Key("book", "date", (str, dt.date), "The publication date; it also dates the files, "
            "for reproducible builds.", "2026-11-26", "a date such as 2026-11-26",
            default_text="none (files are dated 2000-01-01)", parse=_date),
        Key("book", "rights", (str,), "The copyright or licence statement.",
            '"© 2026 Prénom Nom"', _TEXT),
        Key("book", "identifier", (str,), "The book's identifier in the EPUB metadata.",
            '"urn:isbn:9782000000000"', "an ISBN or URN",
            default_text="a UUID made from the title"),
        Key("book", "description", (str,), "A short description, in the metadata and the web "
            "edition's pages.", '"Un essai en trois parties."', _TEXT),
        Key("book", "version", (str,), "The release version, in the names of the release "
            "files (a git tag, or the date, when absent).", '"1.0.0"',
            'letters, digits and . _ + - such as "1.0.0"', parse=_version),
    )),
    Table("series", "A book published as a series: the omnibus and one volume per part.", (
        Key("series", "name", (str,), "The series' name, on each volume's cover and title page.",
            '"Intelligence abondante"', _TEXT),
    )),
    Table("pdf", "The print and screen PDF editions.", (
        Key("pdf", "trim", (str,), "The page size: a preset (see Trim presets) or a width "
            "and height with units mm, cm or in.", '"6x9in"',
            'a preset (a5, b5, 6x9in, 5.5x8.5in, pocket) or "W x H" with units', "a5",
            parse=_trim),
        Key("pdf", "bleed", (str,), "The bleed around each print page, in mm, cm, in or pt.",
            '"3mm"', 'a length such as "3mm"', "0mm", parse=_length_mm),
        Key("pdf", "marks", (str, bool), "Crop marks on the print PDF: \"crop\" draws them.",
            '"crop"', default=False, allowed=("crop", "none", False)),
        Key("pdf", "toc", (str,), "Where the table of contents goes.", '"end"',
            default="front", allowed=("front", "end")),
        Key("pdf", "paper_thickness_mm", (float, int), "The thickness of one page, in mm: the "
            "wrap cover's spine is pages × this.", "0.1",
            "a thickness per page between 0.02 and 0.5 mm (0.0572 for 55 lb paper)", 0.0572,
            parse=_thickness),
        Key("pdf", "profile", (str,), "\"print-ready\" also warns about what a printer may "
            "reject.", '"print-ready"', default="default", allowed=("print-ready", "default")),
        Key("pdf", "variant", (str,), "A PDF standard to follow: PDF/A-3b for archives, "
            "PDF/UA-1 for accessibility (any case).", '"pdf/ua-1"', default_text="none",
            parse=str.lower, allowed=PDF_VARIANTS),
    )),
    Table("numbering", "How figures are numbered.", (
        Key("numbering", "figures", (str,), "\"part\" numbers figures 2.1, 2.2 in each part, "
            "\"book\" 1, 2, 3 through the book.", '"book"', default="part",
            allowed=("part", "book")),
    )),
    # Defaults for `make-book build`; MAKEBOOK_* variables and options override them (cli.py).
    Table("build", "What `make-book build` makes when no option or MAKEBOOK_* variable "
          "says otherwise.", (
        Key("build", "formats", (str, list), "The formats to build.", '["epub", "html"]',
            'a list such as ["epub", "html"]', default_text='["epub", "pdf", "html"]',
            parse=parse_formats),
        Key("build", "edition", (str,), "The edition to build: every one, the omnibus, or "
            "one part's volume.", '"part-2"', '"all", "omnibus" or "part-N"',
            default_text='"all"', parse=check_edition),
        Key("build", "out", (str,), "The output folder, relative to the project.", '"public"',
            'a folder such as "dist"', default_text='"dist"'),
        Key("build", "strict", (bool,), "Whether warnings fail the build.", "true",
            "true or false", default_text="false"),
    )),
)}


# -- front matter ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class FrontKey:
    """One key of a Markdown file's YAML front matter; every value is text."""

    name: str
    description: str
    example: str  # the value as written in YAML
    required: bool = False
    allowed: tuple[str, ...] = ()
    default_text: str = ""


@dataclass(frozen=True)
class FrontMatter:
    """The front matter keys of one kind of file (a part's _part.md, a chapter)."""

    name: str  # how messages name the file: "a part's _part.md"
    keys: tuple[FrontKey, ...]

    @property
    def names(self) -> list[str]:
        return [k.name for k in self.keys]

    def allowed(self, name: str) -> tuple[str, ...]:
        """The values the key accepts (an empty tuple: any text)."""
        return next(k.allowed for k in self.keys if k.name == name)


PART = FrontMatter("a part's _part.md", (
    FrontKey("title", "The part's title.", "Quand l'exécution s'effondre", required=True),
    FrontKey("subtitle", "A subtitle, under the title.", "Troisième partie"),
    FrontKey("summary", "One or two sentences on the part, for its page and its volume.",
             "Ce qui vient après."),
    FrontKey("url", "Where a forthcoming part can be followed (http:// or https://).",
             "https://example.org/partie-3"),
    FrontKey("status", "A forthcoming part is announced, its chapters left out.", "forthcoming",
             allowed=PART_STATUSES,
             default_text="published if the folder has chapters, else forthcoming"),
    FrontKey("hero", "An image for the part's page in the web edition.",
             "assets/thumbnail.jpg"),
    FrontKey("identifier", "The identifier of the part's own volume.", "urn:isbn:9782000000001",
             default_text="a UUID made from the book's title and the part's folder"),
    FrontKey("cover", "Accepted and not used: the covers are drawn from the titles.",
             "assets/cover.jpg"),
))
CHAPTER = FrontMatter("a chapter", (
    FrontKey("title", "The chapter's title, when its first `#` heading should not be.",
             "Un titre plus court", default_text="the chapter's `#` heading"),
))
PART_KEYS = frozenset(PART.names)
CHAPTER_KEYS = frozenset(CHAPTER.names)


def suggestion(name: str, own: Sequence[str], elsewhere: Mapping[str, Sequence[str]]) -> str:
    """What an unknown name was probably meant to be, as « did you mean … ? », or "".

    The same name in another table comes first (`trim` written under [book] belongs in
    [pdf]), then the closest name of its own table, for a typo (`auther`).
    """
    for where, names in elsewhere.items():
        if name in names:
            return f"did you mean `{name}` in {where}?"
    close = difflib.get_close_matches(name, own, n=1)
    if close:
        return f"did you mean `{close[0]}`?"
    return ""
