"""The site's downloads: the files of the same build a reader reads, copied into downloads/
and listed by edition on the home page.

A reader gets each edition's EPUB and its PDF for screens, which has the print PDF's pages
without bleed or crop marks (the print PDF only when there is no screen PDF). The printer's
files (the print PDF, the wrap cover) and their checksums belong to the release
(build/release.py writes its SHA256SUMS), not to the site."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from make_book.core.artifacts import Artifact
from make_book.core.editions import Edition, editions, series_line
from make_book.core.model import Book

# What a reader may be offered, by format: one file each, the first of these variants the
# build made, under the format's name (the same word in every language of the locales).
OFFERED: dict[str, tuple[str | None, ...]] = {"epub": (None,), "pdf": ("screen", "print")}
NAMES = {"epub": "EPUB", "pdf": "PDF"}
MEDIA_TYPES = {"epub": "application/epub+zip", "pdf": "application/pdf"}


@dataclass
class Download:
    """An EPUB or PDF of the same build, copied into downloads/."""

    href: str
    label: str
    size: str
    media_type: str


@dataclass
class DownloadGroup:
    """The downloads of one edition, under its title."""

    title: str
    subtitle: str | None
    files: list[Download] = field(default_factory=list)


def reader_files(artifacts: list[Artifact]) -> list[Artifact]:
    """The artifacts a reader is offered: per edition and format, the first variant of
    OFFERED's the build made; in the order given."""
    chosen: dict[tuple[str, str], Artifact] = {}
    for artifact in artifacts:
        if artifact.format not in OFFERED:
            continue
        variants = OFFERED[artifact.format]
        if artifact.variant not in variants:
            continue
        slot = (artifact.edition, artifact.format)
        held = chosen.get(slot)
        if held is None or variants.index(artifact.variant) < variants.index(held.variant):
            chosen[slot] = artifact
    return [a for a in artifacts if chosen.get((a.edition, a.format)) is a]


def download_groups(book: Book, artifacts: list[Artifact], t: dict[str, str],
                    dest: Path) -> list[DownloadGroup]:
    """Copy into dest what a reader is offered among artifacts (reader_files) and list it by
    edition, the editions in the book's order, each edition's files in OFFERED's order."""
    every = editions(book)
    order = {e.key: i for i, e in enumerate(every)}
    formats = list(OFFERED)
    groups: dict[str, DownloadGroup] = {}
    for artifact in sorted(reader_files(artifacts), key=lambda a: (
            order.get(a.edition, len(order)), formats.index(a.format), a.path.name)):
        data = artifact.path.read_bytes()
        dest.mkdir(parents=True, exist_ok=True)
        (dest / artifact.path.name).write_bytes(data)
        edition = next((e for e in every if e.key == artifact.edition), None)
        group = groups.setdefault(artifact.edition, DownloadGroup(
            edition.title if edition else artifact.edition, edition_line(book, edition, t)))
        group.files.append(Download(
            f"{dest.name}/{artifact.path.name}", NAMES[artifact.format],
            size_label(len(data), t), MEDIA_TYPES[artifact.format]))
    return list(groups.values())


def edition_line(book: Book, edition: Edition | None, t: dict[str, str]) -> str | None:
    """What an edition is, under its title: the omnibus, or volume n of the series."""
    if edition is None:
        return None
    if not edition.is_volume:
        return t["omnibus"] if book.config.is_series else None
    return series_line(book, edition)


def size_label(size: int, t: dict[str, str]) -> str:
    """« 4,2 Mo » / "4.2 MB": one decimal past the kilobyte, in the book's language."""
    units = [u.strip() for u in t["web_size_units"].split(",")]
    value, unit = float(size), 0
    while value >= 1000 and unit < len(units) - 1:
        value, unit = value / 1000, unit + 1
    text = f"{value:.0f}" if unit == 0 else f"{value:.1f}"
    return text.replace(".", t["web_decimal_mark"]) + "\u00a0" + units[unit]
