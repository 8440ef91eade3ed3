"""[fonts] in book.toml: each role's family found by the fonts' own metadata, face by face.

A family is looked for in the project's styles/fonts/, then among the system's fonts
(fontconfig's fc-list). Its faces are told apart by what the files say of themselves: the
family in the name table, the weight class and the italic bit of the OS/2 table, never by
their file names. A font goes into the editions only if its licence lets it be embedded
(OS/2 fsType): system fonts are copied into every edition, like the project's.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont

from make_book.core.config import FontsConfig, key_line
from make_book.core.diagnostics import Report
from make_book.core.model import Face

ROLES = ("body", "display", "sans", "mono")
FONT_SUFFIXES = (".otf", ".ttf", ".woff", ".woff2")
# The four faces of a role: (name in messages, italic, bold).
SLOTS = (("regular", False, False), ("italic", True, False), ("bold", False, True),
         ("bold italic", True, True))
# fsType bits 0-3 == 2: « Restricted License embedding », the font may not be embedded.
_RESTRICTED = 0x0002


@dataclass(frozen=True)
class FontInfo:
    """What a font file says of itself."""

    path: Path
    families: tuple[str, ...]  # typographic family (name ID 16) and family (ID 1)
    weight: int  # OS/2 usWeightClass
    width: int  # OS/2 usWidthClass: 5 is normal, condensed below
    italic: bool  # OS/2 fsSelection bit 0 (italic) or 9 (oblique)
    embeddable: bool  # OS/2 fsType allows embedding


def font_info(path: Path) -> FontInfo | None:
    """The metadata of one font file; None for a file fontTools cannot read (E048 says so
    for the project's own)."""
    try:
        with TTFont(path, lazy=True) as font:
            names, os2 = font["name"], font["OS/2"]
            families = tuple(dict.fromkeys(
                str(n) for n in (names.getDebugName(16), names.getDebugName(1)) if n))
            return FontInfo(path, families, int(os2.usWeightClass), int(os2.usWidthClass),
                            bool(os2.fsSelection & 0x0201),
                            os2.fsType & 0x000F != _RESTRICTED)
    except Exception:  # fontTools raises many kinds on damaged data
        return None


def folder_fonts(folder: Path) -> list[FontInfo]:
    """Every readable font of a folder, in name order."""
    if not folder.is_dir():
        return []
    found = [font_info(p) for p in sorted(folder.iterdir())
             if p.suffix.lower() in FONT_SUFFIXES and p.is_file()]
    return [info for info in found if info is not None]


def system_fonts(family: str) -> list[FontInfo]:
    """The system's fonts of a family, as fontconfig lists them ([] without fontconfig)."""
    if shutil.which("fc-list") is None:
        return []
    escaped = "".join(f"\\{c}" if c in "\\-:,=" else c for c in family)
    try:
        listed = subprocess.run(["fc-list", "--format", "%{file}\n", f":family={escaped}"],
                                capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    paths = sorted({Path(line) for line in listed.stdout.splitlines()
                    if line.lower().endswith(FONT_SUFFIXES)})
    return [info for info in map(font_info, paths) if info is not None]


def of_family(fonts: list[FontInfo], family: str) -> list[FontInfo]:
    """The fonts whose name table names this family (case and spaces aside)."""
    wanted = " ".join(family.lower().split())
    return [f for f in fonts if wanted in (" ".join(n.lower().split()) for n in f.families)]


def pick(fonts: list[FontInfo], italic: bool, bold: bool) -> FontInfo | None:
    """The face of a family for one slot: the right slant, a weight of 600 or more for bold
    (nearest 700) and under 600 otherwise (nearest 400), the normal width first."""
    fitting = [f for f in fonts if f.italic == italic and (f.weight >= 600) == bold]
    target = 700 if bold else 400
    return min(fitting, key=lambda f: (abs(f.width - 5), abs(f.weight - target), str(f.path)),
               default=None)


def resolve_fonts(root: Path, fonts: FontsConfig, defaults: list[Face], toml: Path,
                  report: Report) -> list[Face] | None:
    """The faces of every role when [fonts] names any (None otherwise: the defaults as they
    are), problems in the report: E049 for a family found nowhere, E050 for a font whose
    licence forbids embedding, W040 for each face a family lacks. A role not given, or
    whose family was not found, keeps the default faces."""
    given = fonts.given()
    if not given:
        return None
    text = toml.read_text(encoding="utf-8") if toml.is_file() else ""
    own = folder_fonts(root / "styles" / "fonts")
    faces: list[Face] = []
    for role in ROLES:
        family = given.get(role)
        if family is None:
            faces.extend(f for f in defaults if f.role == role)
            continue
        line = key_line(text, "fonts", role)
        found, where = of_family(own, family), "styles/fonts/"
        if not found:
            found, where = of_family(system_fonts(family), family), "the system's fonts"
        for info in found:
            if not info.embeddable:
                report.error("E050", f"[fonts] {role}: `{info.path.name}` may not be embedded "
                             "in a book: its licence (OS/2 fsType) restricts it", toml, line,
                             hint="choose a family whose licence allows embedding, such as "
                             "one under the SIL Open Font License")
        if not found:
            report.error("E049", f"[fonts] {role}: no font of the family « {family} » in "
                         "styles/fonts/ nor on this system", toml, line,
                         hint="copy its files into styles/fonts/, or check the name with "
                         "`fc-list : family`")
        found = [info for info in found if info.embeddable]
        if not found:
            faces.extend(f for f in defaults if f.role == role)
            continue
        for slot, italic, bold in SLOTS:
            face = pick(found, italic, bold)
            if face is None:
                report.warn("W040", f"[fonts] {role}: « {family} » has no {slot} face in "
                            f"{where}: {_FAUX[slot]}", toml, line,
                            hint=f"add the {slot} file of « {family} » to styles/fonts/")
                continue
            faces.append(Face(face.path, family, role, 700 if bold else 400, italic))
    return faces


# What a renderer makes of a missing face: not the face the designer drew.
_FAUX = {
    "regular": "its text would be set in another family",
    "italic": "italic text would be the regular slanted (a faux italic)",
    "bold": "bold text would be the regular thickened (a faux bold)",
    "bold italic": "bold italic text would be faked from another face",
}
