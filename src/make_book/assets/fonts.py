"""The fonts a book is set in: which files, and their WOFF2 conversions for the web edition."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont

from make_book.core.files import PACKAGE, PACKAGE_STYLES
from make_book.core.model import Book
from make_book.core.store import ContentCache


def font_files(book: Book) -> list[Path]:
    """The fonts the editions embed: the project's styles/fonts/ or the defaults."""
    own = book.root / "styles" / "fonts"
    folder = own if own.is_dir() and any(own.glob("*.otf")) else PACKAGE_STYLES / "fonts"
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".otf", ".ttf", ".woff2"))


def font_licences(book: Book) -> list[Path]:
    """The licences that travel with the fonts (the OFL asks for it)."""
    own = book.root / "styles" / "fonts"
    folder = own if own.is_dir() and any(own.glob("*.otf")) else PACKAGE_STYLES / "fonts"
    return sorted(folder.glob("LICENSE*"))


# Part of the fonts' cache key: bump it when the conversion changes (and run
# scripts/make_web_fonts.py).
CACHE_VERSION = "web-2"


# The default fonts as WOFF2, named as in the cache: brotli takes seconds a font, and every
# book set in the defaults would convert the same files (scripts/make_web_fonts.py).
SHIPPED_WEB_FONTS = PACKAGE / "web_fonts"


@dataclass(frozen=True)
class FontFace:
    family: str
    weight: int
    italic: bool
    file: str
    role: str  # "text", "display" or "ui" (the sans)


def _quoted(family: str | None) -> list[str]:
    return [f'"{family.replace(chr(34), "")}"'] if family else []


def convert_fonts(fonts: list[Path], cache: Path, dest: Path) -> list[FontFace]:
    """Every OTF/TTF as WOFF2 in dest, converted once per content (cached by hash). Brotli,
    which takes nearly all the time, releases the GIL: threads convert fonts side by side."""
    dest.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(lambda path: _convert_font(path, cache, dest), fonts))


def _convert_font(path: Path, cache: Path, dest: Path) -> FontFace:
    data = path.read_bytes()
    name = path.stem + ".woff2"
    if path.suffix.lower() == ".woff2":
        shutil.copyfile(path, dest / name)
        return _face(data, name)
    converted = web_font_name(path.stem, data)
    shipped = SHIPPED_WEB_FONTS / converted
    if shipped.is_file():
        cached = shipped  # the default fonts, converted once for every book
    else:
        cached = ContentCache(cache).file("web-fonts", converted, lambda: woff2_bytes(data))
    shutil.copyfile(cached, dest / name)
    return _face(data, name)


def woff2_bytes(data: bytes) -> bytes:
    """An OpenType font as WOFF2 (brotli at its best compression: seconds a font)."""
    # recalcTimestamp=False keeps head.modified: the same font gives the same bytes.
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    font.flavor = "woff2"
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=True)
    return buffer.getvalue()


def web_font_name(stem: str, data: bytes) -> str:
    """The WOFF2's name: the font's, with the hash of its content and of the conversion."""
    return f"{stem}-{hashlib.sha256(data + CACHE_VERSION.encode()).hexdigest()[:20]}.woff2"


def _face(data: bytes, file: str) -> FontFace:
    font = TTFont(io.BytesIO(data), lazy=True)
    names = font["name"]
    family = str(names.getDebugName(16) or names.getDebugName(1))
    os2 = font["OS/2"]
    # PANOSE serif styles 11 to 15 are the sans serifs; names settle what PANOSE leaves blank.
    sans = "sans" in family.lower() or 11 <= os2.panose.bSerifStyle <= 15
    role = "display" if "display" in family.lower() else "ui" if sans else "text"
    return FontFace(family, int(os2.usWeightClass), bool(os2.fsSelection & 1), file, role)


def font_face_css(faces: list[FontFace]) -> str:
    """@font-face rules and the three role variables html.css uses (text, display, ui)."""
    rules = []
    for face in sorted(faces, key=lambda f: (f.family, f.weight, f.italic)):
        rules.append(
            f'@font-face {{ font-family: "{face.family}"; font-style: '
            f'{"italic" if face.italic else "normal"}; font-weight: {face.weight}; '
            f'font-display: swap; src: url("../fonts/{face.file}") format("woff2"); }}')

    def family(role: str) -> str | None:
        # The family with the most faces in that role: the one a book is set in.
        counts: dict[str, int] = {}
        for face in faces:
            if face.role == role:
                counts[face.family] = counts.get(face.family, 0) + 1
        return max(sorted(counts), key=lambda f: counts[f]) if counts else None

    text = family("text") or family("display") or family("ui")
    serif = ", ".join([*_quoted(text), "Georgia", "serif"])
    rules.append(
        f":root {{ --font-text: {serif}; "
        f"--font-display: {', '.join([*_quoted(family('display')), serif])}; "
        f"--font-ui: {', '.join([*_quoted(family('ui')), 'system-ui', 'sans-serif'])}; }}")
    return "\n".join(rules) + "\n"
