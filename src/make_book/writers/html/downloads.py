"""The site's downloads: every EPUB and PDF of the same build, copied into downloads/ and
listed by edition on the home page."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from make_book.core.artifacts import Artifact
from make_book.core.editions import Edition, editions, series_line
from make_book.core.model import Book

# What the site offers, in the order of reading preference, with the label of each.
LABELS = {("epub", None): "web_epub", ("pdf", "screen"): "web_pdf_screen",
          ("pdf", "print"): "web_pdf_print", ("pdf", "cover"): "web_pdf_cover"}
MEDIA_TYPES = {"epub": "application/epub+zip", "pdf": "application/pdf"}


@dataclass
class Download:
    """An EPUB or PDF of the same build, copied into downloads/."""

    href: str
    label: str
    size: str
    sha256: str
    media_type: str
    is_book: bool = True  # False for the printer's cover


@dataclass
class DownloadGroup:
    """The downloads of one edition, under its title."""

    title: str
    subtitle: str | None
    files: list[Download] = field(default_factory=list)


def download_groups(book: Book, artifacts: list[Artifact], t: dict[str, str],
                    dest: Path) -> list[DownloadGroup]:
    """Copy every EPUB and PDF among artifacts into dest and list them by edition, the
    editions in the book's order, each edition's files in LABELS' order."""
    every = editions(book)
    order = {e.key: i for i, e in enumerate(every)}
    ranks = list(LABELS)
    offered = [a for a in artifacts if (a.format, a.variant) in LABELS]
    groups: dict[str, DownloadGroup] = {}
    for artifact in sorted(offered, key=lambda a: (order.get(a.edition, len(order)),
                                                   ranks.index((a.format, a.variant)),
                                                   a.path.name)):
        data = artifact.path.read_bytes()
        dest.mkdir(parents=True, exist_ok=True)
        (dest / artifact.path.name).write_bytes(data)
        edition = next((e for e in every if e.key == artifact.edition), None)
        group = groups.setdefault(artifact.edition, DownloadGroup(
            edition.title if edition else artifact.edition, edition_line(book, edition, t)))
        label = LABELS[(artifact.format, artifact.variant)]
        group.files.append(Download(
            f"{dest.name}/{artifact.path.name}", t[label], size_label(len(data), t),
            hashlib.sha256(data).hexdigest(), MEDIA_TYPES[artifact.format],
            is_book=label != "web_pdf_cover"))
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
