"""One embedded font per font file in a PDF assembled from pieces.

Each piece WeasyPrint lays out embeds its own subset of every font it draws with; appended
together, a 1,000-page book would carry one copy of each font per chapter. `merge_fonts`
groups a PDF's Type 0 fonts by the font file they were cut from, subsets that file once to
the union of their glyphs (at the same glyph ids, so no content stream changes) and points
every page at the one font left.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pikepdf
import uharfbuzz as hb
from fontTools.ttLib import TTFont

from make_book.core.store import ContentCache

# WeasyPrint writes its ToUnicode maps as bfchar lines: <glyph> <utf-16be>.
BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]*)>")
PROGRAMS = ("/FontFile3", "/FontFile2", "/FontFile")
# The tables WeasyPrint drops from the subsets it embeds: a PDF draws glyphs, it shapes none.
DROPPED = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH",
           b"PCLT", b"SVG ")
# Part of a merged subset's cache key: bump it when subset_font cuts differently.
RECIPE = "merged-1"


def merge_fonts(pdf: pikepdf.Pdf, fonts: list[Path], cache: Path | None = None
                ) -> dict[str, int]:
    """Replaces every group of subsets of one of `fonts` by a single font; returns, per font
    (its PostScript name), how many subsets it replaced. Merged subsets are kept in the
    content cache in folder `cache` when given: the screen PDF and a rebuild that brings no
    new glyph reuse them."""
    originals: dict[str, Path] = {}
    for path in fonts:
        originals.setdefault(_ps_name(path.read_bytes()), path)
    groups: dict[str, list[pikepdf.Dictionary]] = {}
    # In page order: where two pieces disagree on a glyph's text (a hyphen drawn for « - »
    # and for « ‐ ») the first one drawn wins, as in one WeasyPrint document.
    ordered: dict[tuple[int, int], pikepdf.Dictionary] = {}
    for page in pdf.pages:
        for font in fonts_of(page.obj.get("/Resources"), set()):
            ordered.setdefault(font.objgen, font)
    for font in ordered.values():
        if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
            continue
        found = program(font.DescendantFonts[0].FontDescriptor)
        if found is None:
            continue
        name = _ps_name(found[1].read_bytes())
        if name in originals:
            groups.setdefault(name, []).append(font)
    replaced: dict[str, int] = {}
    canonical: dict[tuple[int, int], pikepdf.Object] = {}
    for name, group in groups.items():
        if len(group) > 1:
            _merge(pdf, group, originals[name], cache)
        for font in group:
            canonical[font.objgen] = group[0]
        replaced[name] = len(group)
    for page in pdf.pages:
        _point_at(page.obj.get("/Resources"), canonical, set())
    return replaced


def _merge(pdf: pikepdf.Pdf, group: list[pikepdf.Dictionary], original: Path,
           cache: Path | None) -> None:
    """Makes the group's first font the subset of `original` holding every glyph of the
    group, with their widths and text."""
    widths: dict[int, float] = {}
    unicode: dict[int, bytes] = {}
    for font in group:
        widths.update(_widths(font.DescendantFonts[0].W))
        if "/ToUnicode" in font:
            for glyph, code in _to_unicode(font.ToUnicode).items():
                unicode.setdefault(glyph, code)
    data = _cached_subset(original, sorted(set(widths) | set(unicode) | {0}), cache)
    first = group[0]
    descendant = first.DescendantFonts[0]
    key, _old = program(descendant.FontDescriptor)  # type: ignore[misc]
    extra = ({"/Subtype": pikepdf.Name("/OpenType")} if key == "/FontFile3"
             else {"/Length1": len(data)})
    descendant.FontDescriptor[key] = pikepdf.Stream(pdf, data, extra)
    descendant.W = _w_array(widths)
    if unicode:
        first.ToUnicode = pikepdf.Stream(pdf, _cmap(unicode))


def program(descriptor: pikepdf.Dictionary) -> tuple[str, pikepdf.Stream] | None:
    """The font descriptor's embedded program: its key and stream."""
    for key in PROGRAMS:
        if key in descriptor:
            return key, descriptor[key]
    return None


def fonts_of(resources: object, seen: set[tuple[int, int]]) -> list[pikepdf.Dictionary]:
    """The fonts of a resource dictionary and of its form XObjects, nested."""
    if not isinstance(resources, pikepdf.Dictionary):
        return []
    found = list(resources["/Font"].values()) if "/Font" in resources else []
    xobjects = resources.get("/XObject")
    if isinstance(xobjects, pikepdf.Dictionary):
        for xobject in xobjects.values():
            if xobject.objgen not in seen:
                seen.add(xobject.objgen)
                found += fonts_of(xobject.get("/Resources"), seen)
    return found


def _cached_subset(path: Path, glyphs: list[int], cache: Path | None) -> bytes:
    """subset_font's result, from the content cache in folder `cache` when it holds it
    (keyed by the font's bytes, the glyphs and HarfBuzz's version)."""
    if cache is None:
        return subset_font(path, glyphs)
    source = path.read_bytes()
    key = hashlib.sha256(b"\0".join([
        RECIPE.encode(), hb.__version__.encode(), hashlib.sha256(source).digest(),
        ",".join(map(str, glyphs)).encode()])).hexdigest()[:32]
    return ContentCache(cache).bytes("merged-fonts", f"{path.stem}-{key}{path.suffix.lower()}",
                                     lambda: subset_font(path, glyphs, source))


def subset_font(path: Path, glyphs: list[int], data: bytes | None = None) -> bytes:
    """The font file (`data`, read from `path` when not given) cut down to `glyphs`, kept
    at their glyph ids, as WeasyPrint cuts the subsets it embeds: HarfBuzz's subsetter, no
    layout tables, desubroutinised, no hinting (fontTools' subsetter took about 0.8 s a
    face, most of it reading the layout tables it then drops)."""
    face = hb.Face(hb.Blob(data if data is not None else path.read_bytes()))
    request = hb.SubsetInput()
    request.glyph_set.update(glyphs)
    request.drop_table_tag_set.update(int.from_bytes(tag, "big") for tag in DROPPED)
    request.flags = (hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
                     | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_HINTING)
    cut = hb.subset(face, request)
    if cut is None:
        raise ValueError(f"{path.name}: HarfBuzz could not subset the font")
    return cut.blob.data


def _ps_name(data: bytes) -> str:
    """A font file's PostScript name (its full name when it has none)."""
    font = TTFont(io.BytesIO(data), lazy=True)
    return str(font["name"].getDebugName(6) or font["name"].getDebugName(4))


def _widths(array: pikepdf.Array) -> dict[int, float]:
    """A /W array (`first [w w …]` runs, as WeasyPrint writes) as glyph → width."""
    widths: dict[int, float] = {}
    items = list(array)
    for i in range(0, len(items) - 1, 2):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for offset, value in enumerate(items[i + 1]):
                widths[first + offset] = float(value)
    return widths


def _to_unicode(stream: pikepdf.Stream) -> dict[int, bytes]:
    """A ToUnicode CMap's bfchar entries as glyph → UTF-16BE hex."""
    text = stream.read_bytes().split(b"endcodespacerange", 1)[-1]
    return {int(glyph, 16): code for glyph, code in BFCHAR.findall(text)}


def _w_array(widths: dict[int, float]) -> pikepdf.Array:
    """Glyph → width as a /W array of consecutive runs."""
    items: list[object] = []
    run: list[float] = []
    previous: int | None = None
    for glyph in sorted(widths):
        if previous is None or glyph != previous + 1:
            if run:
                items.append(pikepdf.Array(run))
            items.append(glyph)
            run = []
        run.append(widths[glyph])
        previous = glyph
    if run:
        items.append(pikepdf.Array(run))
    return pikepdf.Array(items)


def _cmap(unicode: dict[int, bytes]) -> bytes:
    """A ToUnicode CMap of glyph → UTF-16BE hex, in bfchar blocks of 100."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0",
             b">> def", b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(unicode.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (glyph, code) for glyph, code in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _point_at(resources: object, canonical: dict[tuple[int, int], pikepdf.Object],
              seen: set[tuple[int, int]]) -> None:
    """Points every /Font resource (of the page and its form XObjects) at its group's font."""
    if not isinstance(resources, pikepdf.Dictionary):
        return
    if resources.is_indirect:
        if resources.objgen in seen:
            return
        seen.add(resources.objgen)
    fonts = resources.get("/Font")
    if isinstance(fonts, pikepdf.Dictionary):
        for key in list(fonts.keys()):
            target = canonical.get(fonts[key].objgen)
            if target is not None:
                fonts[key] = target
    xobjects = resources.get("/XObject")
    if isinstance(xobjects, pikepdf.Dictionary):
        for key in list(xobjects.keys()):
            _point_at(xobjects[key].get("/Resources"), canonical, seen)
