"""book.toml, parsed once into frozen, typed objects; every problem reported together."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from make_book.core.diagnostics import Report, fail
from make_book.core.names import stable_uuid

TRIM_PRESETS_MM: dict[str, tuple[float, float]] = {
    "a5": (148.0, 210.0),
    "b5": (176.0, 250.0),
    "a4": (210.0, 297.0),
    "6x9in": (152.4, 228.6),
    "5.5x8.5in": (139.7, 215.9),
    "pocket": (110.0, 178.0),
}
PDF_VARIANTS = ("pdf/a-3b", "pdf/ua-1")
_DIMENSION = re.compile(r"^\s*([\d.]+)\s*(mm|cm|in)\s*[x×]\s*([\d.]+)\s*(mm|cm|in)\s*$")
_LENGTH = re.compile(r"^\s*([\d.]+)\s*(mm|cm|in|pt)\s*$")
_UNIT_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}


@dataclass(frozen=True)
class PdfConfig:
    trim: str = "a5"
    width_mm: float = 148.0
    height_mm: float = 210.0
    bleed_mm: float = 0.0
    marks: bool = False
    toc: str = "front"
    paper_thickness_mm: float = 0.0572  # per page: the wrap cover's spine is pages × this
    profile: str = "default"  # "print-ready": also warn on what a printer may reject
    variant: str | None = None  # "pdf/a-3b" for archives, "pdf/ua-1" for accessibility


@dataclass(frozen=True)
class BookConfig:
    title: str
    lang: str
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    date: str | None = None
    rights: str | None = None
    identifier: str = ""
    description: str | None = None
    version: str | None = None  # names the release files
    series: str | None = None
    figure_numbering: str = "part"
    pdf: PdfConfig = field(default_factory=PdfConfig)

    @property
    def source_epoch(self) -> int:
        """Seconds since 1970 for reproducible dates: the book's date, else 2000-01-01."""
        day = dt.date.fromisoformat(self.date) if self.date else dt.date(2000, 1, 1)
        return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


# key -> (accepted python types, description for messages)
_BOOK_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "title": ((str,), "a string"),
    "subtitle": ((str,), "a string"),
    "author": ((str, list), "a string or a list of strings"),
    "lang": ((str,), "a language tag such as \"fr\""),
    "publisher": ((str,), "a string"),
    "date": ((str, dt.date), "a date such as 2026-11-26"),
    "rights": ((str,), "a string"),
    "identifier": ((str,), "an ISBN or URN"),
    "description": ((str,), "a string"),
    "version": ((str,), "a version such as \"1.0.0\""),
}
_SERIES_KEYS = {"name": ((str,), "a string")}
_PDF_KEYS = {
    "trim": ((str,), "a preset (a5, b5, 6x9in, 5.5x8.5in, pocket) or \"W x H\" with units"),
    "bleed": ((str,), "a length such as \"3mm\""),
    "marks": ((str, bool), "\"crop\" or false"),
    "toc": ((str,), "\"front\" or \"end\""),
    "paper_thickness_mm": ((float, int), "a thickness per page in mm such as 0.0572"),
    "profile": ((str,), "\"print-ready\" or \"default\""),
    "variant": ((str,), "\"pdf/a-3b\" or \"pdf/ua-1\""),
}
_NUMBERING_KEYS = {"figures": ((str,), "\"part\" or \"book\"")}
# Defaults for `make-book build`; MAKEBOOK_* variables and options override them (cli.py).
_BUILD_KEYS = {
    "formats": ((str, list), "a list such as [\"epub\", \"html\"]"),
    "edition": ((str,), "\"all\", \"omnibus\" or \"part-N\""),
    "out": ((str,), "a folder such as \"dist\""),
    "strict": ((bool,), "true or false"),
}
_TABLES = {"book": _BOOK_KEYS, "series": _SERIES_KEYS, "pdf": _PDF_KEYS,
           "numbering": _NUMBERING_KEYS, "build": _BUILD_KEYS}
_LANG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
# A release version goes into file names: no spaces, slashes or leading dot.
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]*$")


def _key_line(text: str, table: str, key: str) -> int | None:
    """Line of `key =` inside `[table]` (tomllib gives no positions for values)."""
    current = ""  # keys before the first [table] header: table "" (the top level)
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"^\s*\[([^\]]+)\]\s*(#.*)?$", line)
        if header:
            current = header.group(1).strip()
        elif current == table and re.match(rf"^\s*\"?{re.escape(key)}\"?\s*=", line):
            return number
    return None


def _length_mm(value: str) -> float | None:
    match = _LENGTH.match(value)
    return float(match.group(1)) * _UNIT_MM[match.group(2)] if match else None


def load_config(path: Path) -> tuple[BookConfig, Report]:
    """Read and validate book.toml; raise BookError listing every error, return warnings."""
    report = Report()
    if not path.is_file():
        raise fail("E001", "book.toml not found: a project needs manuscript/book.toml", path,
                   hint="run `make-book init DIR` to start a project")
    if not path.resolve().is_relative_to(path.parent.parent.resolve()):  # manuscript/../
        raise fail("E019", f"symbolic link to {path.resolve()}, outside the project folder: "
                   "refused", path, hint="copy the file into the project instead")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise fail("E002", f"book.toml is not UTF-8 (byte {exc.start})", path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+), column (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise fail("E003", f"invalid TOML: {reason}", path, line) from None

    for table, value in data.items():
        if table not in _TABLES:
            report.warn("W001", f"unknown table [{table}] ignored", path,
                        _table_line(text, table))
        elif not isinstance(value, dict):
            report.error("E004", f"`{table}` must be a table [{table}]", path,
                         _key_line(text, "", table))
    values: dict[str, dict[str, Any]] = {}
    for table, keys in _TABLES.items():
        section = data.get(table, {})
        if not isinstance(section, dict):
            continue
        values[table] = {}
        for key, value in section.items():
            line = _key_line(text, table, key)
            if key not in keys:
                report.warn("W002", f"unknown key `{key}` in [{table}] ignored", path, line)
                continue
            types, wanted = keys[key]
            if not isinstance(value, types) or isinstance(value, bool) and bool not in types:
                report.error("E005", f"[{table}] {key} must be {wanted}, not {value!r}", path, line)
                continue
            values[table][key] = value

    book = values.get("book", {})
    for required in ("title", "lang"):
        if required not in book and not any(
            d.code == "E005" and f"] {required} " in d.message for d in report.errors
        ):
            report.error("E006", f"[book] {required} is required", path,
                         _table_line(text, "book"))
    lang = book.get("lang", "en")
    if "lang" in book and not _LANG.match(lang):
        report.error("E005", f"[book] lang must be a BCP 47 tag such as \"fr\" or \"fr-CA\", "
                     f"not {lang!r}", path, _key_line(text, "book", "lang"))
    authors = book.get("author", [])
    if isinstance(authors, str):
        authors = [authors]
    if any(not isinstance(a, str) for a in authors):
        report.error("E005", "[book] author must be a string or a list of strings", path,
                     _key_line(text, "book", "author"))
        authors = []
    date = book.get("date")
    if isinstance(date, dt.date):
        date = date.isoformat()
    elif isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date).isoformat()
        except ValueError:
            report.error("E005", f"[book] date must be a date such as 2026-11-26, not {date!r}",
                         path, _key_line(text, "book", "date"))
            date = None

    version = book.get("version")
    if version is not None and not VERSION.match(version):
        report.error("E005", f"[book] version must be letters, digits and . _ + - such as "
                     f"\"1.0.0\", not {version!r}", path, _key_line(text, "book", "version"))
    pdf = _pdf_config(values.get("pdf", {}), report, path, text)
    figures = values.get("numbering", {}).get("figures", "part")
    if figures not in ("part", "book"):
        report.error("E005", f"[numbering] figures must be \"part\" or \"book\", not {figures!r}",
                     path, _key_line(text, "numbering", "figures"))
    report.raise_if_errors()
    title = book["title"]
    config = BookConfig(
        title=title,
        lang=lang,
        subtitle=book.get("subtitle"),
        authors=tuple(authors),
        publisher=book.get("publisher"),
        date=date,
        rights=book.get("rights"),
        identifier=book.get("identifier") or stable_uuid(title),
        description=book.get("description"),
        version=version,
        series=values.get("series", {}).get("name"),
        figure_numbering=figures,
        pdf=pdf,
    )
    return config, report


def _table_line(text: str, table: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"^\s*\[{re.escape(table)}\]", line):
            return number
    return None


def _pdf_config(values: dict[str, Any], report: Report, path: Path, text: str) -> PdfConfig:
    trim = values.get("trim", "a5")
    size = TRIM_PRESETS_MM.get(trim.lower())
    if size is None:
        match = _DIMENSION.match(trim)
        if match:
            size = (float(match.group(1)) * _UNIT_MM[match.group(2)],
                    float(match.group(3)) * _UNIT_MM[match.group(4)])
        else:
            report.error("E005", f"[pdf] trim must be {_PDF_KEYS['trim'][1]}, not {trim!r}",
                         path, _key_line(text, "pdf", "trim"))
            size = TRIM_PRESETS_MM["a5"]
    bleed = _length_mm(values.get("bleed", "0mm"))
    if bleed is None:
        report.error("E005", f"[pdf] bleed must be a length such as \"3mm\", not "
                     f"{values['bleed']!r}", path, _key_line(text, "pdf", "bleed"))
        bleed = 0.0
    marks = values.get("marks", False)
    if marks not in (False, "crop", "none"):
        report.error("E005", f"[pdf] marks must be \"crop\" or false, not {marks!r}", path,
                     _key_line(text, "pdf", "marks"))
    toc = values.get("toc", "front")
    if toc not in ("front", "end"):
        report.error("E005", f"[pdf] toc must be \"front\" or \"end\", not {toc!r}", path,
                     _key_line(text, "pdf", "toc"))
    thickness = values.get("paper_thickness_mm", PdfConfig.paper_thickness_mm)
    if not 0.02 <= thickness <= 0.5:
        report.error("E005", f"[pdf] paper_thickness_mm must be a thickness per page between "
                     f"0.02 and 0.5 mm (0.0572 for 55 lb paper), not {thickness!r}", path,
                     _key_line(text, "pdf", "paper_thickness_mm"))
    profile = values.get("profile", "default")
    if profile not in ("default", "print-ready"):
        report.error("E005", f"[pdf] profile must be \"print-ready\" or \"default\", not "
                     f"{profile!r}", path, _key_line(text, "pdf", "profile"))
    variant = values.get("variant")
    if variant is not None and variant.lower() not in PDF_VARIANTS:
        report.error("E005", f"[pdf] variant must be one of {', '.join(PDF_VARIANTS)}, not "
                     f"{variant!r}", path, _key_line(text, "pdf", "variant"))
        variant = None
    return PdfConfig(trim=trim, width_mm=size[0], height_mm=size[1], bleed_mm=bleed,
                     marks=marks == "crop", toc=toc, paper_thickness_mm=float(thickness),
                     profile=profile, variant=variant.lower() if variant else None)
