"""book.toml, parsed once into frozen, typed objects; every problem reported together.

What each key accepts is declared in settings_schema.py; this module reads the file, reports
what the declaration rejects with its line, and builds BookConfig from what it accepts.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from make_book.core import isbn as isbns
from make_book.core.diagnostics import Report, fail
from make_book.core.names import stable_uuid
from make_book.core.printers import printer
from make_book.core.settings_schema import TABLES, Rejected, suggestion

# Values by table and key, as the code uses them (Key.read), defaults filled in.
Settings = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class PdfConfig:
    """The [pdf] table as the PDF writers use it: the trim resolved to millimetres."""

    trim: str = "a5"
    width_mm: float = 148.0
    height_mm: float = 210.0
    bleed_mm: float = 0.0
    marks: bool | None = None  # None: as the printer wants (printers.interior_geometry)
    toc: str = "front"
    paper_thickness_mm: float = 0.0572  # per page: the wrap cover's spine is pages × this
    profile: str = "default"  # "print-ready": also warn on what a printer may reject
    variant: str | None = None  # "pdf/a-3b" for archives, "pdf/ua-1" for accessibility
    layout: str = "pieces"  # "whole": one WeasyPrint document per edition


@dataclass(frozen=True)
class FontsConfig:
    """The [fonts] table: a family name per role, None where the default is kept."""

    body: str | None = None
    display: str | None = None
    sans: str | None = None
    mono: str | None = None

    def given(self) -> dict[str, str]:
        """The roles the table names, with their family."""
        return {role: family for role, family in vars(self).items() if family}


@dataclass(frozen=True)
class PrintConfig:
    """The [print] table: the printer (core/printers.py) and what it prints on."""

    target: str = "offset"
    paper: str = "white"
    binding: str = "paperback"


@dataclass(frozen=True)
class BookConfig:
    """book.toml as the build uses it (the [build] table is the CLI's: BuildDefaults)."""

    title: str
    lang: str
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    translators: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    illustrators: tuple[str, ...] = ()
    ebook_isbn: str | None = None  # digits, check digit verified
    printer: str | None = None
    printed: str | None = None  # "2026-11"
    legal_deposit: str | None = None  # "2026-11"
    cover: str | None = None  # the author's own front cover, a path in the project
    original_title: str | None = None
    original_lang: str | None = None
    publisher: str | None = None
    date: str | None = None
    rights: str | None = None
    accessibility_evaluator: str | None = None  # who evaluated the EPUB (a11y:certifiedBy)
    identifier: str = ""
    description: str | None = None
    version: str | None = None  # names the release files
    isbn: str | None = None  # the print edition's, for its barcode
    price_code: str | None = None  # the EAN-5 add-on beside the barcode
    series: str | None = None
    is_series: bool = False  # book.toml has a [series] table: each published part a volume
    omnibus: str = "auto"  # [series] omnibus: "auto", "always" or "never"
    bibliography: tuple[str, ...] = ()  # file names as written, resolved by the reader
    citation_style: str = "chicago-author-date"
    csl: str | None = None  # a CSL file of the project's, in place of citation_style
    figure_numbering: str = "part"
    site_url: str | None = None  # [web]: the web edition's address, ending in "/"
    incise_dash: str | None = None  # [typography] "en" or "em"; None: the language's
    pdf: PdfConfig = field(default_factory=PdfConfig)
    fonts: FontsConfig = field(default_factory=FontsConfig)
    print: PrintConfig = field(default_factory=PrintConfig)

    @property
    def source_epoch(self) -> int:
        """Seconds since 1970 for reproducible dates: the book's date, else 2000-01-01."""
        day = dt.date.fromisoformat(self.date) if self.date else dt.date(2000, 1, 1)
        return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def key_line(text: str, table: str, key: str) -> int | None:
    """Line of `key =` inside `[table]` (tomllib gives no positions for values)."""
    current = ""  # keys before the first [table] header: table "" (the top level)
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"^\s*\[([^\]]+)\]\s*(#.*)?$", line)
        if header:
            current = header.group(1).strip()
        elif current == table and re.match(rf"^\s*\"?{re.escape(key)}\"?\s*=", line):
            return number
    return None


def table_line(text: str, table: str) -> int | None:
    """Line of the `[table]` header."""
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"^\s*\[{re.escape(table)}\]", line):
            return number
    return None


# What a required key stands for while its error is reported: the chapters are still read
# and checked in the same run, and the build stops before any writer sees these.
_STAND_INS = {("book", "title"): "", ("book", "lang"): "en"}


def load_config(path: Path, keep_going: bool = False) -> tuple[BookConfig, Report]:
    """Read and validate book.toml; raise BookError listing every error, return warnings.
    With keep_going the errors are in the report instead, and a rejected or missing value
    is replaced by its default (or a stand-in), so that the rest of the book is checked."""
    settings, report = load_settings(path, keep_going)
    return book_config(settings), report


def load_settings(path: Path, keep_going: bool = False) -> tuple[Settings, Report]:
    """Every table of book.toml, each value read by its declaration and defaults filled in;
    raise BookError listing every error (with keep_going: report them), return the
    warnings."""
    text = _read_text(path)
    report = Report()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+), column (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        error = fail("E003", f"invalid TOML: {reason}", path, line)
        if not keep_going:
            raise error from None
        report.items.extend(error.diagnostics)
        return _standing_in({name: {} for name in TABLES}), report

    for name, value in data.items():
        if name not in TABLES:
            _unknown_table(name, value, text, path, report)
        elif not isinstance(value, dict):
            report.error("E004", f"`{name}` must be a table [{name}]", path,
                         key_line(text, "", name))
    settings: Settings = {name: {} for name in TABLES}
    rejected: set[tuple[str, str]] = set()  # reported once (E005), not again as missing
    for table in TABLES.values():
        section = data.get(table.name, {})
        if not isinstance(section, dict):
            continue
        for name, value in section.items():
            line = key_line(text, table.name, name)
            key = table.key(name)
            if key is None:
                _unknown_key(table.name, name, path, line, report)
                continue
            try:
                settings[table.name][name] = key.read(value)
            except Rejected:
                report.error("E005", f"[{table.name}] {name} must be {key.wanted}, not "
                             f"{value!r}", path, line)
                rejected.add((table.name, name))
            except ValueError as exc:  # a parser's own reason: "unknown format docx: …"
                report.error("E005", f"[{table.name}] {name}: {exc}", path, line)
                rejected.add((table.name, name))
    for table in TABLES.values():
        for key in table.keys:
            if key.name in settings[table.name] or (table.name, key.name) in rejected:
                continue
            if key.required:
                report.error("E006", f"[{table.name}] {key.name} is required", path,
                             table_line(text, table.name))
            elif key.default is not None:
                settings[table.name][key.name] = key.read(key.default)
    # A [series] table, even an empty one, makes the book a series (core/editions.py).
    settings["series"]["declared"] = isinstance(data.get("series"), dict)
    if not report.errors:
        _check_print(settings, text, path, report)
    if not keep_going:
        report.raise_if_errors()
    return _standing_in(settings), report


def _standing_in(settings: Settings) -> Settings:
    """Settings with every value the code needs: the defaults of rejected keys, the
    stand-ins of required ones (only an erroneous book.toml lacks them)."""
    for table in TABLES.values():
        for key in table.keys:
            if key.name in settings[table.name]:
                continue
            if key.default is not None:
                settings[table.name][key.name] = key.read(key.default)
            elif (table.name, key.name) in _STAND_INS:
                settings[table.name][key.name] = _STAND_INS[table.name, key.name]
    return settings


def _check_print(settings: Settings, text: str, path: Path, report: Report) -> None:
    """E007: a trim the [print] target does not offer (the message lists those it does);
    E008: an ISBN whose length or check digit is wrong."""
    target = printer(settings["print"]["target"])
    binding = settings["print"]["binding"]
    written, width, height = settings["pdf"]["trim"]
    if target.trim_named(width, height, binding) is None:
        line = key_line(text, "pdf", "trim") or key_line(text, "print", "target")
        report.error("E007", f"{target.label} does not print the trim {written!r} "
                     f"({width:g} × {height:g} mm, {binding}): it offers "
                     + ", ".join(target.trims(binding)), path, line,
                     hint="choose one of these as [pdf] trim")
    value = settings["book"].get("isbn")
    reason = isbns.problem(value) if value is not None else None
    if reason:
        report.error("E008", f"[book] isbn {value!r} is not a valid ISBN: {reason}", path,
                     key_line(text, "book", "isbn"))
    if settings["print"]["paper"] not in target.papers:
        report.error("E007", f"{target.label} offers no {settings['print']['paper']} paper: "
                     + ", ".join(target.papers), path, key_line(text, "print", "paper"))


def _read_text(path: Path) -> str:
    """book.toml's text: E001 when missing, E019 when a link leads out, E002 when not UTF-8."""
    if not path.is_file():
        raise fail("E001", "book.toml not found: a project needs manuscript/book.toml", path,
                   hint="run `make-book init DIR` to start a project")
    if not path.resolve().is_relative_to(path.parent.parent.resolve()):  # manuscript/../
        raise fail("E019", f"symbolic link to {path.resolve()}, outside the project folder: "
                   "refused", path, hint="copy the file into the project instead")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise fail("E002", f"book.toml is not UTF-8 (byte {exc.start})", path) from None


def _unknown_table(name: str, value: Any, text: str, path: Path, report: Report) -> None:
    """W001, naming the table probably meant; a plain value at the top of the file (no
    [table] above it) may be a key that belongs in one."""
    if isinstance(value, dict):
        line = table_line(text, name)
        close = difflib.get_close_matches(name, list(TABLES), n=1)
        guess = f"did you mean [{close[0]}]?" if close else ""
    else:
        line = key_line(text, "", name)
        guess = suggestion(name, [], {f"[{t.name}]": t.names for t in TABLES.values()})
    message = f"unknown table [{name}] ignored" + (f": {guess}" if guess else "")
    report.warn("W001", message, path, line,
                hint="the tables of book.toml: " + ", ".join(f"[{t}]" for t in TABLES))


def _unknown_key(table: str, name: str, path: Path, line: int | None, report: Report) -> None:
    """W002, naming the key probably meant, and the keys of the table in the hint."""
    if name in TABLES:  # `pdf = …` under [book]: the [pdf] table was meant
        guess = f"did you mean the table [{name}]?"
    else:
        guess = suggestion(name, TABLES[table].names, {
            f"[{t.name}]": t.names for t in TABLES.values() if t.name != table})
    message = f"unknown key `{name}` in [{table}] ignored" + (f": {guess}" if guess else "")
    report.warn("W002", message, path, line,
                hint=f"the keys of [{table}]: " + ", ".join(TABLES[table].names))


def book_config(settings: Settings) -> BookConfig:
    """The typed configuration the build uses, from the values load_settings accepted."""
    book, pdf = settings["book"], settings["pdf"]
    trim, width, height = pdf["trim"]
    return BookConfig(
        title=book["title"],
        lang=book["lang"],
        subtitle=book.get("subtitle"),
        authors=book["author"],
        translators=book["translator"],
        editors=book["editor"],
        illustrators=book["illustrator"],
        ebook_isbn=book.get("ebook_isbn"),
        printer=book.get("printer"),
        printed=book.get("printed"),
        legal_deposit=book.get("legal_deposit"),
        cover=book.get("cover"),
        original_title=book.get("original_title"),
        original_lang=book.get("original_lang"),
        accessibility_evaluator=book.get("accessibility_evaluator"),
        publisher=book.get("publisher"),
        date=book.get("date"),
        rights=book.get("rights"),
        identifier=book.get("identifier") or stable_uuid(book["title"]),
        description=book.get("description"),
        version=book.get("version"),
        isbn=book.get("isbn"),
        price_code=book.get("price_code"),
        series=settings["series"].get("name"),
        is_series=bool(settings["series"].get("declared")),
        omnibus=settings["series"]["omnibus"],
        bibliography=book.get("bibliography", ()),
        citation_style=book["citation_style"],
        csl=book.get("csl"),
        figure_numbering=settings["numbering"]["figures"],
        site_url=settings["web"].get("site_url"),
        incise_dash=settings["typography"].get("incise_dash"),
        pdf=PdfConfig(trim=trim, width_mm=width, height_mm=height, bleed_mm=pdf["bleed"],
                      marks=None if pdf["marks"] == "auto" else pdf["marks"] == "crop",
                      toc=pdf["toc"],
                      paper_thickness_mm=pdf["paper_thickness_mm"], profile=pdf["profile"],
                      variant=pdf.get("variant"), layout=pdf["layout"]),
        fonts=FontsConfig(**settings["fonts"]),
        print=PrintConfig(**settings["print"]),
    )
