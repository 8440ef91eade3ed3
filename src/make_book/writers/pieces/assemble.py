"""The units' PDFs assembled into one PDF with pikepdf: pages in order (a blank verso after a
unit of odd length, so that the next opens on a recto), one copy of each font, the named
destinations in one name tree, links between units, the outline, /PageLabels, the first
unit's metadata and standard (PDF/X's output intent, PDF/UA's identification) and, for a
tagged PDF, one structure tree. The same units give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pikepdf
from weasyprint.document import Document

from make_book.writers.pagination import roman_value
from make_book.writers.pieces.fonts import merge_fonts
from make_book.writers.pieces.shared import share_streams
from make_book.writers.pieces.structure import StructPart, copied, merge_structure

# A link to a place of another unit, which WeasyPrint (no such anchor in the unit) would
# drop: the unit's HTML names it by this scheme, so that WeasyPrint writes it as a tagged
# link to an URI, and the assembly makes it a link to the named destination.
FOREIGN = "x-make-book-unit:"


@dataclass
class Part:
    """A PDF to assemble and which of its pages (by index) go in."""

    path: Path
    pages: list[int]


def assemble(parts: list[Part], out: Path, fonts: list[Path], labels: list[str],
             bookmarks: list[tuple[list[Any], float]], tagged: bool,
             meta_from: int = 0, cache: Path | None = None) -> None:
    """Write `out`: the pages of `parts` in order; `labels` the label of each page,
    `bookmarks` each page's WeasyPrint bookmarks and height (for the outline), metadata and
    standard from parts[meta_from]; the merged fonts kept in `cache`."""
    pdf = pikepdf.Pdf.new()
    opened = [pikepdf.open(part.path) for part in parts]
    dests: dict[str, pikepdf.Array] = {}
    structured: list[StructPart] = []
    for part, source in zip(parts, opened, strict=True):
        first = len(pdf.pages)
        for index in part.pages:
            pdf.pages.append(source.pages[index])
        where = {source.pages[i].objgen: first + n for n, i in enumerate(part.pages)}
        names = source.Root.get("/Names", {}).get("/Dests")
        if names is not None:
            for name, dest in pikepdf.NameTree(names).items():
                page = where.get(dest[0].objgen)
                if page is not None:
                    dests[name] = pikepdf.Array([pdf.pages[page].obj, *list(dest)[1:]])
        if tagged and "/StructTreeRoot" in source.Root:
            structured.append(StructPart(source, first, part.pages))
    _metadata(pdf, opened[meta_from])
    if tagged:
        merge_structure(pdf, structured)
    _link_units(pdf, dests)
    tree = pikepdf.NameTree.new(pdf)
    for name in sorted(dests):
        tree[name] = dests[name]
    pdf.Root.Names = pdf.make_indirect(pikepdf.Dictionary(Dests=tree.obj))
    _outline(pdf, bookmarks)
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(_label_nums(labels)))
    merge_fonts(pdf, fonts, cache)
    share_streams(pdf)
    pdf.save(out, compress_streams=True, deterministic_id=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    for source in opened:
        source.close()


def _metadata(pdf: pikepdf.Pdf, source: pikepdf.Pdf) -> None:
    """The document's information, XMP packet, language, output intents and viewer
    preferences: those of one unit, all units sharing the edition's <head>."""
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False):
        pass  # creates the stream; replaced just below by the unit's own packet
    for key in ("/Metadata", "/OutputIntents", "/Lang", "/ViewerPreferences", "/MarkInfo"):
        if key in source.Root:
            pdf.Root[key] = copied(pdf, source.Root[key])
    if source.trailer.get("/Info") is not None:
        pdf.trailer.Info = copied(pdf, source.trailer.Info)


def _link_units(pdf: pikepdf.Pdf, dests: dict[str, pikepdf.Array]) -> None:
    """Every link a unit wrote to FOREIGN:id made a link to the named destination id."""
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith(FOREIGN):
                name = uri[len(FOREIGN):]
                del annot["/A"]
                if name in dests:
                    annot.Dest = pikepdf.String(name)


def _outline(pdf: pikepdf.Pdf, bookmarks: list[tuple[list[Any], float]]) -> None:
    """The outline, made by WeasyPrint's own algorithm over the bookmarks of every page (a
    chapter nests under the part before it, laid out in another unit)."""
    pages = [SimpleNamespace(bookmarks=marks, height=height) for marks, height in bookmarks]
    tree = Document.make_bookmark_tree(SimpleNamespace(pages=pages), 0.75,
                                       transform_pages=True)

    def items(nodes: list[Any]) -> list[pikepdf.OutlineItem]:
        made = []
        for title, (page, x, y), children, state in nodes:
            item = pikepdf.OutlineItem(title, page, "XYZ", left=x, top=y)
            item.children.extend(items(children))
            item.is_closed = state == "closed"
            made.append(item)
        return made

    with pdf.open_outline() as root:
        root.root.extend(items(tree))


def _label_nums(labels: list[str]) -> list[object]:
    """/PageLabels' /Nums: runs of roman (/r) and arabic (/D) numbers, other labels as
    prefixes (the cover), as writers/pdf.page_labels writes them for one document."""
    nums: list[object] = []
    previous: tuple[str, int] | None = None
    for index, label in enumerate(labels):
        if label.isdigit():
            style, value = "/D", int(label)
        elif label and set(label) <= set("ivxlcdm"):
            style, value = "/r", roman_value(label)
        else:
            style, value = "", 0
        if previous is None or style != previous[0] or not style or value != previous[1] + 1:
            entry = (pikepdf.Dictionary(S=pikepdf.Name(style), St=value) if style
                     else pikepdf.Dictionary(P=pikepdf.String(label)))
            nums += [index, entry]
        previous = (style, value)
    return nums
