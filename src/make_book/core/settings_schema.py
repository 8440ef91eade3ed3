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
from dataclasses import KW_ONLY, dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from stdnum import isbn as stdnum_isbn

TRIM_PRESETS_MM: dict[str, tuple[float, float]] = {
    "a5": (148.0, 210.0),
    "b5": (176.0, 250.0),
    "a4": (210.0, 297.0),
    "6x9in": (152.4, 228.6),
    "5.5x8.5in": (139.7, 215.9),
    "pocket": (110.0, 178.0),
}
PDF_VARIANTS = ("pdf/a-3b", "pdf/ua-1")
# The printers of core/printers.py, by [print] target; the papers and bindings they may offer.
PRINT_TARGETS = ("offset", "kdp", "ingramspark")
PAPERS = ("white", "cream", "color")
BINDINGS = ("paperback", "hardcover")
FORMATS = ("epub", "pdf", "html", "docx")
# What a build makes when nothing says which: the DOCX (for an editor) is asked for.
DEFAULT_FORMATS = ("epub", "pdf", "html")
PART_STATUSES = ("published", "forthcoming")
_DIMENSION = re.compile(r"^\s*([\d.]+)\s*(mm|cm|in)\s*[x×]\s*([\d.]+)\s*(mm|cm|in)\s*$")
_LENGTH = re.compile(r"^\s*([\d.]+)\s*(mm|cm|in|pt)\s*$")
_UNIT_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}
_LANG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
# A release version goes into file names: no spaces, slashes or leading dot.
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]*$")
_EDITION = re.compile(r"^(all|omnibus|part-\d+)$")
# pandoc's built-in style, then the CSL files shipped in styles/csl/ (their licence there).
CITATION_STYLES = ("chicago-author-date", "chicago-note", "ieee")


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
    """One key of a book.toml table: what it accepts, what it becomes, what it means."""

    name: str
    types: tuple[type, ...]  # the TOML value types accepted (bool is never taken for a number)
    _: KW_ONLY
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
        """The names of its keys, in order."""
        return [k.name for k in self.keys]


# -- parsers: the raw TOML value → the value the code uses -------------------------------------

def _lang(value: str) -> str:
    if not _LANG.match(value):
        raise Rejected
    return value


def _authors(value: str | list[Any]) -> tuple[str, ...]:
    """One author or a list of them → a tuple of names."""
    items = [value] if isinstance(value, str) else value
    if any(not isinstance(item, str) for item in items):
        raise Rejected
    return tuple(items)


def _date(value: str | dt.date) -> str:
    """A TOML date or an ISO date string → "YYYY-MM-DD"."""
    if isinstance(value, dt.date):  # a TOML date (tomllib parses it)
        return value.isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise Rejected from None


def _isbn(value: str) -> str:
    """An ISBN-13 or ISBN-10, its check digit verified → its digits (hyphens and spaces
    dropped); a wrong check digit is said as such."""
    try:
        return stdnum_isbn.validate(value.removeprefix("urn:isbn:").removeprefix("ISBN"))
    except stdnum_isbn.InvalidChecksum:
        raise ValueError(f"{value!r} is not an ISBN: its check digit is wrong") from None
    except (stdnum_isbn.ValidationError, ValueError):
        raise Rejected from None


def _month(value: str | dt.date) -> str:
    """"2026-11" or a date → "2026-11"."""
    text = value.isoformat() if isinstance(value, dt.date) else value
    if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text) or not 1 <= int(text[5:7]) <= 12:
        raise Rejected
    return text[:7]
def _files(value: str | list[Any]) -> tuple[str, ...]:
    """One file name or a list of them → a tuple of names."""
    items = [value] if isinstance(value, str) else value
    if not items or any(not isinstance(item, str) or not item.strip() for item in items):
        raise Rejected
    return tuple(items)


def _version(value: str) -> str:
    if not VERSION.match(value):
        raise Rejected
    return value


def _trim(value: str) -> tuple[str, float, float]:
    """A preset or "W x H" → (the trim as written, width in mm, height in mm)."""
    size = TRIM_PRESETS_MM.get(value.lower())
    if size is not None:
        return value, size[0], size[1]
    match = _DIMENSION.match(value)
    if not match:
        raise Rejected
    return (value, float(match.group(1)) * _UNIT_MM[match.group(2)],
            float(match.group(3)) * _UNIT_MM[match.group(4)])


def _length_mm(value: str) -> float:
    """"3mm", "0.125in", "9pt" → millimetres."""
    match = _LENGTH.match(value)
    if not match:
        raise Rejected
    return float(match.group(1)) * _UNIT_MM[match.group(2)]


def _price(value: str) -> str:
    if not re.match(r"^\d{5}$", value.strip()):
        raise Rejected
    return value.strip()


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


def _site_url(value: str) -> str:
    """An absolute http(s) address → the site's folder as pages and the sitemap name it:
    ending in "/", its host in ASCII (IDNA) and its path percent-encoded."""
    text = value.strip()
    parts = urlsplit(text)
    try:
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise Rejected from None
    if parts.scheme not in ("http", "https") or not host or parts.username is not None \
            or parts.query or parts.fragment or any(c.isspace() for c in text):
        raise Rejected
    path = quote(parts.path, safe="/%!$&'()*+,;=:@-._~")
    netloc = host + (f":{port}" if port is not None else "")
    return f"{parts.scheme}://{netloc}{path.rstrip('/')}/"


def _family(value: str) -> str:
    if not value.strip():
        raise Rejected
    return value.strip()


# The roles of [fonts]: (key, its default, what it sets, an example).
FONT_ROLES = (
    ("body", "Source Serif 4 (SmText)", "The text: paragraphs, notes, quotations.",
     '"DejaVu Serif"'),
    ("display", "Source Serif 4 Display", "The titles: book, parts, chapters.",
     '"Liberation Serif"'),
    ("sans", "Source Sans 3", "Captions, tables and the web edition's navigation.",
     '"DejaVu Sans"'),
    ("mono", "the reader's monospace font", "Code.", '"DejaVu Sans Mono"'),
)


# -- book.toml -----------------------------------------------------------------------------------

_TEXT = "a string"
TABLES: dict[str, Table] = {table.name: table for table in (
    Table("book", "The book itself: its title, language and the metadata of every edition.", (
        Key("title", (str,), required=True, expected=_TEXT,
            description="The title, on the covers, the title pages and in the metadata.",
            example='"Intelligence abondante"'),
        Key("subtitle", (str,), expected=_TEXT,
            description="A subtitle, under the title.", example='"Essai sur l\'abondance"'),
        Key("author", (str, list), expected="a string or a list of strings", parse=_authors,
            default=[], default_text="no author",
            description="The author, or the authors in order.",
            example='["Prénom Nom", "Autre Nom"]'),
        Key("translator", (str, list), expected="a string or a list of strings",
            parse=_authors, default=[], default_text="none",
            description="The translator, or the translators in order: credited on the title "
            "page and in the metadata (MARC relator trl).", example='"Jean Dupont"'),
        Key("editor", (str, list), expected="a string or a list of strings", parse=_authors,
            default=[], default_text="none",
            description="The editor (of an anthology, an edition): in the metadata (edt) "
            "and on the title page.", example='"Marie Curie"'),
        Key("illustrator", (str, list), expected="a string or a list of strings",
            parse=_authors, default=[], default_text="none",
            description="The illustrator: in the metadata (ill) and on the title page.",
            example='"Gustave Doré"'),
        Key("ebook_isbn", (str,), expected="an ISBN-13 or ISBN-10 such as 978-2-07-036822-8",
            parse=_isbn, description="The ISBN of the EPUB, on its copyright page and as its "
            "identifier.", example='"978-2-07-036823-5"'),
        Key("printer", (str,), expected=_TEXT,
            description="Who printed the book: « Achevé d'imprimer … par » on the copyright "
            "page of a French book.", example='"Imprimerie du Port"'),
        Key("printed", (str, dt.date), expected='a month such as "2026-11"', parse=_month,
            description="When the book was printed (« Achevé d'imprimer en novembre 2026 »).",
            example='"2026-11"'),
        Key("legal_deposit", (str, dt.date), expected='a month such as "2026-11"',
            parse=_month, description="The legal deposit (« Dépôt légal : novembre 2026 »), "
            "on the copyright page of a French book.", example='"2026-11"'),
        Key("cover", (str,), expected="a path such as \"assets/cover.jpg\"",
            description="The author's own front cover, used as made (never cropped or "
            "lettered over): the EPUB's cover, the web edition's, the screen PDF's first page; "
            "without it make-book draws one.", example='"assets/cover.jpg"'),
        Key("original_title", (str,), expected=_TEXT,
            description="A translation's original title, on the copyright page.",
            example='"The Long Water"'),
        Key("original_lang", (str,), parse=_lang,
            expected='a BCP 47 language tag such as "en"',
            description="The language a translation was made from, in the metadata.",
            example='"en"'),
        Key("lang", (str,), required=True, parse=_lang,
            expected='a BCP 47 language tag such as "fr" or "fr-CA"',
            description="The language of the text: typography, hyphenation and the words "
            "make-book adds follow it.", example='"fr"'),
        Key("publisher", (str,), expected=_TEXT,
            description="The publisher, on the title pages and in the metadata.",
            example='"A 42 Journey"'),
        Key("date", (str, dt.date), expected="a date such as 2026-11-26", parse=_date,
            default_text="none (files are dated 2000-01-01)",
            description="The publication date; it also dates the files, for reproducible "
            "builds.", example="2026-11-26"),
        Key("rights", (str,), expected=_TEXT,
            description="The copyright or licence line, in every edition.",
            example='"© 2026 Prénom Nom"'),
        Key("accessibility_evaluator", (str,), expected=_TEXT, default_text="none",
            description="Who evaluated the EPUB's accessibility (a person or an "
            "organisation): named as its a11y:certifiedBy. Without it the EPUB names no "
            "evaluator.", example='"Association Valentin Haüy"'),
        Key("identifier", (str,), expected="an ISBN or URN",
            default_text="a UUID made from the title",
            description="The book's identifier in the metadata of its editions.",
            example='"urn:isbn:9782000000000"'),
        Key("description", (str,), expected=_TEXT,
            description="A short description, in the metadata of every edition.",
            example='"Un essai en trois parties."'),
        Key("isbn", (str,), expected='an ISBN such as "978-2-1234-5680-3"',
            description="The print edition's ISBN: on its copyright page (hyphenated) and as an "
            "EAN-13 barcode on the back cover (its check digit is checked).",
            example='"978-2-1234-5680-3"'),
        Key("price_code", (str,), expected='five digits such as "51995"', parse=_price,
            description="The EAN-5 add-on printed right of the barcode (5 + the price in "
            "US dollars, 90000 for none); only with `isbn`.", example='"90000"'),
        Key("version", (str,), expected='letters, digits and . _ + - such as "1.0.0"',
            parse=_version,
            description="The release version, in the names of the release files, when "
            "neither --version nor a git tag gives one (else the book's date).",
            example='"1.0.0"'),
        Key("bibliography", (str, list), parse=_files,
            expected="a file name or a list of file names",
            default_text="none: citations are left as written, with a warning",
            description="The bibliography: BibTeX, BibLaTeX, CSL JSON or CSL YAML files, "
            "relative to the project folder, then to manuscript/.",
            example='"references.bib"'),
        Key("citation_style", (str,), allowed=CITATION_STYLES, default="chicago-author-date",
            description="How citations and the bibliography are formatted: pandoc's "
            "Chicago author-date, Chicago notes (citations in footnotes) or IEEE (numbered).",
            example='"chicago-note"'),
        Key("csl", (str,), expected='a CSL file such as "styles/apa.csl"',
            default_text="the file of `citation_style`",
            description="A CSL style file of your own, relative to the project folder, then "
            "to manuscript/; it takes the place of `citation_style`.",
            example='"styles/apa.csl"'),
    )),
    Table("series", "A book published as a series: one volume per published part, and the "
          "omnibus of them all. Without this table, parts are divisions of one book, published "
          "as one edition.", (
        Key("name", (str,), expected=_TEXT,
            description="The series' name, on the covers and title pages of its volumes.",
            example='"Intelligence abondante"'),
        Key("omnibus", (str,), allowed=("auto", "always", "never"), default="auto",
            description='Whether the omnibus (every published part in one edition) is made: '
            '"auto" once two parts are published, "always", or "never".',
            example='"auto"'),
    )),
    Table("pdf", "The print and screen PDF editions.", (
        Key("trim", (str,), parse=_trim, default="a5",
            expected=f'a preset ({", ".join(TRIM_PRESETS_MM)}) or "W x H" with units',
            description="The page size: a preset (see Trim presets) or a width and height "
            "with units mm, cm or in.", example='"6x9in"'),
        Key("bleed", (str,), expected='a length such as "3mm"', parse=_length_mm,
            default="0mm",
            description="The bleed around each print page, in mm, cm, in or pt.",
            example='"3mm"'),
        Key("marks", (str, bool), allowed=("auto", "crop", "none", False), default="auto",
            description='Crop marks on the print PDF: "crop" draws them, "auto" when the '
            "printer wants them (offset, when the page bleeds).", example='"crop"'),
        Key("toc", (str,), allowed=("front", "end"), default="front",
            description="Where the table of contents goes.", example='"end"'),
        Key("paper_thickness_mm", (float, int), parse=_thickness, default=0.0572,
            expected="a thickness per page between 0.02 and 0.5 mm (0.0572 for 55 lb paper)",
            description="The thickness of one page, in mm: the wrap cover's spine is "
            "pages × this.", example="0.1"),
        Key("profile", (str,), allowed=("print-ready", "default"), default="default",
            description='"print-ready" also warns about what a printer may reject.',
            example='"print-ready"'),
        Key("variant", (str,), parse=str.lower, allowed=PDF_VARIANTS, default_text="none",
            description="A PDF standard to follow: PDF/A-3b for archives, PDF/UA-1 for "
            "accessibility (in any case).", example='"pdf/ua-1"'),
        Key("layout", (str,), parse=str.lower, allowed=("pieces", "whole"), default="pieces",
            description='How the PDFs are laid out: "pieces", each chapter (and part page, '
            "and front or back matter item) on its own, side by side on every core, a "
            'rebuild laying out only what changed; "whole", the edition as one document.',
            example='"whole"'),
    )),
    Table("print", "The printer the print PDF and its wrap cover are made for (its trim sizes, "
          "bleed, margins, page count and spine: core/printers.py).", (
        Key("target", (str,), parse=str.lower, allowed=PRINT_TARGETS, default="offset",
            description='"kdp" (Amazon KDP), "ingramspark", or "offset" (a press: bleed on '
            "every side, crop marks).", example='"kdp"'),
        Key("paper", (str,), parse=str.lower, allowed=PAPERS, default="white",
            description="The interior paper, for the spine's width (\"color\" for a colour "
            "interior).", example='"cream"'),
        Key("binding", (str,), parse=str.lower, allowed=BINDINGS, default="paperback",
            description="Paperback or hardcover, where the printer tells them apart (page "
            "counts).", example='"hardcover"'),
    )),
    Table("typography", "What the typesetter does beyond the language's rules.", (
        Key("incise_dash", (str,), parse=str.lower, allowed=("en", "em"),
            default_text="the language's: `\"en\"` in French, German, Italian, Dutch and "
            "British English, `\"em\"` in American English, Spanish and Portuguese",
            description='The dash of an aside: "en", the spaced en dash – of French houses, '
            'or "em", the em dash — (set close in English and Spanish, spaced elsewhere); '
            "either is tied to its words by no-break spaces.", example='"em"'),
    )),
    Table("numbering", "How figures are numbered.", (
        Key("figures", (str,), allowed=("part", "book"), default="part",
            description='"part" numbers figures 2.1, 2.2 in each part, "book" 1, 2, 3 '
            "through the book.", example='"book"'),
    )),
    Table("web", "The web edition.", (
        Key("site_url", (str,), parse=_site_url,
            expected='an absolute http(s) address such as "https://example.org/livre/"',
            default_text="none: relative links only, no sitemap",
            description="The address the web edition is published at: its pages then name "
            "their absolute address (canonical, og:url, og:image, JSON-LD) and sitemap.xml "
            "lists them. Without it the pages name no address of their own and there is "
            "no sitemap; the site's links are relative either way.",
            example='"https://example.org/intelligence-abondante/"'),
    )),
    Table("fonts", "The fonts the book is set in, by role; each a family name, found in "
          "the project's styles/fonts/ or else on the system, its regular, italic, bold and "
          "bold italic faces found by their font metadata. A role not given keeps the "
          "default.", tuple(
        Key(role, (str,), expected='a font family name such as "DejaVu Serif"',
            parse=_family, default_text=default, description=description, example=example)
        for role, default, description, example in FONT_ROLES)),
    # Defaults for `make-book build`; MAKEBOOK_* variables and options override them, and
    # where the table is silent the options' own defaults apply (cli.py): default_text only.
    Table("build", "What `make-book build` makes when no option or `MAKEBOOK_*` variable "
          "says otherwise.", (
        Key("formats", (str, list), expected='a list such as ["epub", "html"]',
            parse=parse_formats, default_text=f"`{toml_literal(list(DEFAULT_FORMATS))}`",
            description="The formats to build.", example='["epub", "html"]'),
        Key("edition", (str,), expected='"all", "omnibus" or "part-N"', parse=check_edition,
            default_text='`"all"`',
            description="The edition to build: every one, the omnibus, or one part's "
            "volume.", example='"part-2"'),
        Key("out", (str,), expected='a folder such as "dist"', default_text='`"dist"`',
            description="The output folder, relative to the project.", example='"public"'),
        Key("strict", (bool,), expected="true or false", default_text="`false`",
            description="Whether warnings fail the build.", example="true"),
    )),
)}


# -- front matter ---------------------------------------------------------------------------------


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
