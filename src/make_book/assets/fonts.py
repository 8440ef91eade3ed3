"""The fonts a book is set in: which files, and their WOFF2 subsets for the web edition."""

from __future__ import annotations

import io
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont

from make_book.assets.subset import cached_subset
from make_book.core.files import PACKAGE_STYLES
from make_book.core.model import Book, Face
from make_book.core.workers import worker_count

_EMBEDDED = (".otf", ".ttf", ".woff2")


def _default_folder(root: Path) -> Path:
    """Where the default set is: the project's styles/fonts/ when it holds OpenType fonts
    (they replace make-book's), else make-book's own."""
    own = root / "styles" / "fonts"
    return own if own.is_dir() and any(own.glob("*.otf")) else PACKAGE_STYLES / "fonts"


def font_files(book: Book) -> list[Path]:
    """The fonts the editions embed: the faces of [fonts] when book.toml has the table, else
    the project's styles/fonts/ or the defaults."""
    if book.fonts is not None:
        return sorted({f.path for f in book.fonts if f.path.suffix.lower() in _EMBEDDED})
    folder = _default_folder(book.root)
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in _EMBEDDED)


def font_licences(book: Book) -> list[Path]:
    """The licences that travel with the fonts (the OFL asks for it): those of the folders
    the fonts come from, the project's styles/fonts/ or make-book's."""
    if book.fonts is None:
        return sorted(_default_folder(book.root).glob("LICENSE*"))
    known = {book.root / "styles" / "fonts", PACKAGE_STYLES / "fonts"}
    folders = {f.path.parent for f in book.fonts} & known
    return sorted(p for folder in folders for p in folder.glob("LICENSE*"))


# The roles the web edition's faces have ("text", "display", "ui") as [fonts] names them.
_ROLE_OF_WEB = {"text": "body", "display": "display", "ui": "sans"}
_WEB_ROLE = {"body": "text", "display": "display", "sans": "ui", "mono": "mono"}


def default_faces(root: Path) -> list[Face]:
    """The default set's faces by role, told apart by their metadata as the web edition
    tells them: the faces a role of [fonts] keeps when the table does not name it."""
    faces = []
    for path in sorted(p for p in _default_folder(root).iterdir()
                       if p.suffix.lower() in _EMBEDDED):
        face = _face(path.read_bytes(), path.name)
        faces.append(Face(path, face.family, _ROLE_OF_WEB[face.role], face.weight,
                          face.italic))
    return faces


def web_faces(book: Book, converted: list[FontFace]) -> list[FontFace]:
    """The web edition's faces: as converted, or with the family, role, weight and slant
    [fonts] gave them (each WOFF2 is named after its font file)."""
    if book.fonts is None:
        return converted
    files = {face.file for face in converted}
    return [FontFace(f.family, f.weight, f.italic, f"{f.path.stem}.woff2", _WEB_ROLE[f.role])
            for f in book.fonts if f"{f.path.stem}.woff2" in files]


# The EPUB stylesheet's families (epub.css) by role of [fonts].
EPUB_FAMILIES = {"body": "Source Serif Book", "display": "Source Serif Display",
                 "sans": "Source Sans Book", "mono": "Book Mono"}
_FONT_FACE_RULE = re.compile(r"@font-face\s*\{[^}]*\}\s*")


def epub_font_css(faces: list[Face], css: str) -> str:
    """The EPUB's stylesheet set in the faces of [fonts]: its own @font-face rules replaced
    by one per face, under the families the rest of the sheet names."""
    rules = [f'@font-face {{ font-family: "{EPUB_FAMILIES[f.role]}"; font-style: '
             f'{"italic" if f.italic else "normal"}; font-weight: {f.weight}; '
             f'src: url("../fonts/{f.path.name}"); }}' for f in faces]
    mono = ['code, pre { font-family: "Book Mono", monospace; }'] if any(
        f.role == "mono" for f in faces) else []
    return "\n".join(rules) + "\n" + _FONT_FACE_RULE.sub("", css) + "\n".join(mono) + "\n"


def without_faces(css: str, kept: set[str]) -> str:
    """The stylesheet without the @font-face rules whose font file is not among kept (file
    names): the faces an edition does not ship."""
    def keep(rule: re.Match[str]) -> str:
        urls = re.findall(r"url\(\s*[\"']?([^\"')]+)", rule.group(0))
        return rule.group(0) if any(u.rsplit("/", 1)[-1] in kept for u in urls) else ""

    return _FONT_FACE_RULE.sub(keep, css)


@dataclass(frozen=True)
class FontFace:
    family: str
    weight: int
    italic: bool
    file: str
    role: str  # "text", "display" or "ui" (the sans)


def _quoted(family: str | None) -> list[str]:
    return [f'"{family.replace(chr(34), "")}"'] if family else []


def web_font_faces(fonts: list[Path]) -> list[FontFace]:
    """The web edition's faces, one a font file, each as its WOFF2 in fonts/ is named
    (`<stem>.woff2`), told apart by the font's own metadata."""
    return [_face(path.read_bytes(), path.stem + ".woff2") for path in fonts]


def write_web_fonts(fonts: list[Path], chars: set[str], features: set[str], cache: Path,
                    dest: Path) -> None:
    """Every font as a WOFF2 subset into dest (`<stem>.woff2`): the characters the web
    edition's pages set and the OpenType features its stylesheet asks for, made once per
    content. Brotli, most of the time on a cache miss, releases the GIL: threads make the
    fonts side by side."""
    dest.mkdir(parents=True, exist_ok=True)

    def write(font: Path) -> None:
        made = cached_subset(font, chars, features, cache, flavor="woff2")
        shutil.copyfile(made, dest / f"{font.stem}.woff2")

    with ThreadPoolExecutor(max_workers=worker_count()) as pool:
        list(pool.map(write, fonts))


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
    mono = family("mono")
    if mono:  # only [fonts] gives one: html.css has its own list of monospace fonts
        # :root first: html.css, which comes after, sets these elements' own list.
        rules.append(f":root .text code, :root .text pre {{ font-family: {_quoted(mono)[0]}, "
                     "ui-monospace, monospace; }")
    return "\n".join(rules) + "\n"
