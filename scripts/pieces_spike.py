"""Can an edition laid out in pieces, each piece in its own process, be assembled into the
PDF one document gives? A measurement, not the build: docs/performance.md (« Laying out in
pieces: findings ») reports what it found.

For one edition of a project it lays out, times and compares:
- the edition's PDF source (writers/pdf.render_html) as one WeasyPrint document;
- the same source cut into units (each opening on a recto: the front pages, the contents,
  each part page with its introduction, each chapter, each matter item), each unit its own
  WeasyPrint document in a pool of worker processes; then each unit again with its first
  folio and the page numbers it prints of other units (the second pass);
- the units' PDFs joined with pikepdf, as they come (each unit embeds its own subsets of the
  fonts) and assembled: one subset of each font file for the union of the glyphs the units
  use (WeasyPrint keeps glyph ids when it subsets: a glyph id means the same glyph in every
  unit), the named destinations in one name tree, links between units, the outline, the
  page labels.

It prints the sizes, font programs, links, outline, reproducibility and the pages whose text
differs from the single document's (pdftotext). Run it on a copy (it caches into the
project, as a build does):

    cp -rL tests/fixtures/series /tmp/series
    PYTHONPATH=src .venv/bin/python scripts/pieces_spike.py /tmp/series --jobs 2
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import tinycss2
from fontTools import subset
from fontTools.ttLib import TTFont
from lxml import html

# Top-level elements of the PDF source that open a unit (a recto in print); the others join
# the unit before them (the copyright page the title page's, a part's introduction its page).
OPENS = ("half-title", "toc", "chapter", "matter", "part-page", "series-page")


def cut(source: str) -> list[str]:
    """The edition's HTML as one HTML document per unit, each with the whole <head>."""
    tree = html.document_fromstring(source)
    head = html.tostring(tree.find("head"), encoding="unicode")
    body = tree.find("body")
    units: list[list[html.HtmlElement]] = []
    for child in body:
        classes = set((child.get("class") or "").split())
        if not units or classes & set(OPENS) and not _continues(units[-1], classes):
            units.append([])
        units[-1].append(child)
    for unit in units:
        # Pages after the unit's last, inside its last element (so of its named page): the
        # notes that did not fit on the last page go there, as in one document, where the
        # next page exists; WeasyPrint drops them at the end of a document. lay_out()
        # removes those pages when no note went there.
        unit[-1].append(html.fragment_fromstring(f'<div class="{SENTINEL}"></div>'))
    lang = tree.get("lang", "")
    return [f'<!DOCTYPE html>\n<html lang="{lang}">{head}<body>'
            f'{"".join(html.tostring(e, encoding="unicode") for e in u)}</body></html>'
            for u in units]


SENTINEL = "pieces-end"
# On the next recto: the notes go to the verso before it, a blank page in WeasyPrint's eyes
# (no folio, no running head), as in one document.
SENTINEL_CSS = f".{SENTINEL} {{ break-before: right; height: 0; margin: 0; }}"


def _continues(unit: list[str], classes: set[str]) -> bool:
    # The half-title, title and copyright pages are one unit (the copyright on the verso).
    return ("front" in classes and not classes & {"toc", "matter"}
            and "half-title" in (unit[0].get("class") or ""))


def numbers_css(source: str, folio: int, pages: dict[str, str]) -> str:
    """CSS giving a unit its first folio and the page numbers it prints of other units:
    every rule of the stylesheet whose `content` has target-counter(attr(href), page) is
    repeated for each such link, its selector narrowed to `[href="#id"]` (so it wins) and
    the counter replaced by the page's label, already formatted."""
    sheet = html.document_fromstring(source).find("head/style").text or ""
    out = [f"@page :first {{ counter-reset: page {folio}; }}"]
    for rule in tinycss2.parse_stylesheet(sheet, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        for decl in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                    skip_whitespace=True):
            if decl.type != "declaration" or decl.lower_name != "content" or not any(
                    t.type == "function" and t.lower_name == "target-counter"
                    for t in decl.value):
                continue
            selectors = tinycss2.serialize(rule.prelude).split(",")
            for target, label in pages.items():
                narrowed = ",".join(re.sub(r"(::?(after|before))\s*$",
                                           f'[href="#{target}"]\\1', sel.strip())
                                    for sel in selectors)
                value = "".join(
                    f'"{_styled(label, t)}"' if t.type == "function"
                    and t.lower_name == "target-counter" else tinycss2.serialize([t])
                    for t in decl.value)
                out.append(f"{narrowed} {{ content: {value}; }}")
    return "\n".join(out)


def _styled(label: str, function: object) -> str:
    """A page's label in the counter style target-counter() asks for."""
    from make_book.assets.lettering import roman
    from make_book.writers.pagination import roman_value

    args = [t for t in function.arguments if t.type == "ident"]  # type: ignore[attr-defined]
    style = args[-1].lower_value if len(args) > 1 else "decimal"
    number = int(label) if label.isdigit() else roman_value(label)
    if style == "lower-roman":
        return roman(number).lower()
    if style == "upper-roman":
        return roman(number)
    return str(number)


def with_css(unit: str, css: str) -> str:
    """The unit's HTML with css after its stylesheet."""
    return unit.replace("</head>", f"<style>{css}</style></head>", 1)


_FONT_CONFIG = None


@dataclass
class Piece:
    """A unit laid out: its PDF, and what the assembly needs from its layout."""

    pdf: bytes
    pages: int
    seconds: float  # CPU, not wall: the machine may be shared
    anchors: dict[str, int]  # id → page of the unit
    foreign: list[tuple[int, list[float], str]]  # links out of the unit: page, PDF rect, id
    marks: list[SimpleNamespace]  # per page: its bookmarks and height, for the outline


def lay_out(job: tuple[str, str, list[str], bool]) -> Piece:
    """One unit laid out in a worker."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from make_book.writers.fetcher import BookFetcher

    global _FONT_CONFIG  # noqa: PLW0603 - one font configuration per worker process
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    source, root, fonts, full = job
    started = time.process_time()
    fetcher = BookFetcher(Path(root), [Path(f) for f in fonts])
    document = HTML(string=source, base_url=root, url_fetcher=fetcher).render(
        font_config=_FONT_CONFIG, stylesheets=[CSS(string=SENTINEL_CSS)],
        presentational_hints=True)
    if SENTINEL in source:
        kept = list(document.pages)
        if not _has_notes(kept[-1]):  # the sentinel's own page
            kept.pop()
        if kept and kept[-1]._page_box.page_type.blank and not _has_notes(kept[-1]):  # noqa: SLF001
            kept.pop()  # the verso break-before: right added, with no note on it
        document = document.copy(kept)
    anchors: dict[str, int] = {}
    for i, page in enumerate(document.pages):
        for name in page.anchors:  # a box split over pages has its id on each part
            anchors.setdefault(name, i)
    foreign = []
    for i, page in enumerate(document.pages):
        for kind, target, rect, _box in page.links:
            if kind == "internal" and target not in anchors:
                # WeasyPrint's own transform (pdf/__init__.py): 0.75 pt a CSS pixel, y up.
                x1, y1, x2, y2 = rect
                h = page.height
                foreign.append((i, [x1 * .75, (h - y1) * .75, x2 * .75, (h - y2) * .75],
                                target))
    marks = [SimpleNamespace(bookmarks=page.bookmarks, height=page.height)
             for page in document.pages]
    data = document.write_pdf(full_fonts=full)
    return Piece(data, len(document.pages), time.process_time() - started, anchors, foreign,
                 marks)


def _has_notes(page: object) -> bool:
    """Whether footnotes were placed on the page."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox

    return any(isinstance(box, FootnoteAreaBox) and box.children
               for box in page._page_box.children)  # noqa: SLF001 - the page's boxes


def join(pieces: list[Piece], blank: bytes) -> tuple[pikepdf.Pdf, list[int]]:
    """The units' PDFs as one, with WeasyPrint's own blank page (`blank`, a verso: no folio,
    no running head) after each unit of odd length but the last, since the next one opens on
    a recto as `break-before: right` makes it in one document; returns the PDF and the index
    of each unit's first page. Every unit's named destinations go into one name tree, and the
    links out of a unit are added, to the destination's name."""
    pdf = pikepdf.Pdf.new()
    filler = pikepdf.open(io.BytesIO(blank))
    starts: list[int] = []
    dests: dict[str, pikepdf.Array] = {}
    for index, piece in enumerate(pieces):
        unit = pikepdf.open(io.BytesIO(piece.pdf))
        first = len(pdf.pages)
        starts.append(first)
        pdf.add_pages_from(unit, outlines="ignore")
        names = unit.Root.get("/Names", {}).get("/Dests")
        if names is not None:
            for name, dest in pikepdf.NameTree(names).items():
                page = unit.pages.index(pikepdf.Page(dest[0]))
                dests[name] = pikepdf.Array([pdf.pages[first + page].obj, *list(dest)[1:]])
        for page, rect, target in piece.foreign:
            target_page = pdf.pages[first + page].obj
            if "/Annots" not in target_page:
                target_page.Annots = pikepdf.Array()
            target_page.Annots.append(pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=rect,
                BS=pikepdf.Dictionary(W=0), Dest=pikepdf.String(target))))
        if piece.pages % 2 and index < len(pieces) - 1:
            pdf.add_pages_from(filler, [0])
    tree = pikepdf.NameTree.new(pdf)
    for name in sorted(dests):
        tree[name] = dests[name]
    pdf.Root.Names = pdf.make_indirect(pikepdf.Dictionary(Dests=tree.obj))
    return pdf, starts


def outline(pdf: pikepdf.Pdf, pieces: list[Piece], starts: list[int]) -> int:
    """The outline, made by WeasyPrint's own algorithm over the bookmarks of every page
    of every unit (a chapter nests under the part before it, in another unit); returns how
    many items it has."""
    from weasyprint.document import Document

    pages: list[SimpleNamespace] = []
    for piece, start in zip(pieces, starts, strict=True):
        pages += [SimpleNamespace(bookmarks=[], height=piece.marks[0].height)] * (
            start - len(pages))
        pages += piece.marks
    tree = Document.make_bookmark_tree(SimpleNamespace(pages=pages), 0.75,
                                       transform_pages=True)
    count = 0

    def items(nodes: list) -> list[pikepdf.OutlineItem]:
        nonlocal count
        made = []
        for title, (page, x, y), children, state in nodes:
            count += 1
            item = pikepdf.OutlineItem(title, page, "XYZ", left=x, top=y)
            item.children.extend(items(children))
            item.is_closed = state == "closed"
            made.append(item)
        return made

    with pdf.open_outline() as root:
        root.root.extend(items(tree))
    return count


def page_labels(pdf: pikepdf.Pdf, body: int) -> None:
    """/PageLabels: lower-case roman before the page at index `body`, arabic from 1 there."""
    nums: list[object] = [0, pikepdf.Dictionary(S=pikepdf.Name.r)] if body else []
    nums += [body, pikepdf.Dictionary(S=pikepdf.Name.D, St=1)]
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))


def _program(descriptor: pikepdf.Dictionary) -> tuple[str, pikepdf.Stream] | None:
    for key in ("/FontFile3", "/FontFile2", "/FontFile"):
        if key in descriptor:
            return key, descriptor[key]
    return None


def _ps_name(data: bytes) -> str:
    font = TTFont(io.BytesIO(data), lazy=True)
    return str(font["name"].getDebugName(6) or font["name"].getDebugName(4))


def _widths(array: pikepdf.Array) -> dict[int, float]:
    widths: dict[int, float] = {}
    items = list(array)
    i = 0
    while i < len(items):
        first = int(items[i])
        for offset, value in enumerate(items[i + 1]):
            widths[first + offset] = float(value)
        i += 2
    return widths


BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]*)>")


def _to_unicode(stream: pikepdf.Stream) -> dict[int, bytes]:
    text = stream.read_bytes()
    # WeasyPrint writes bfchar lines only: <glyph> <utf-16be>.
    return {int(g, 16): u for g, u in BFCHAR.findall(text.split(b"endcodespacerange", 1)[-1])}


def merge_fonts(pdf: pikepdf.Pdf, originals: dict[str, Path]) -> dict[str, int]:
    """One font object per font file for every page; returns, per font, how many subsets it
    replaced."""
    groups: dict[str, list[pikepdf.Dictionary]] = {}
    # In the order of the pages: a glyph's text (ToUnicode) is the last one drawn with it,
    # as WeasyPrint keeps it in one document.
    ordered: dict[tuple[int, int], pikepdf.Dictionary] = {}
    for page in pdf.pages:
        for font in _fonts_of(page.obj.get("/Resources"), set()):
            ordered.setdefault(font.objgen, font)
    for obj in ordered.values():
        if (obj.get("/Subtype") == "/Type0" and obj.get("/Encoding") == "/Identity-H"):
            descendant = obj.DescendantFonts[0]
            found = _program(descendant.FontDescriptor)
            if found is None:
                continue
            name = _ps_name(found[1].read_bytes())
            if name in originals:
                groups.setdefault(name, []).append(obj)
    replaced: dict[str, int] = {}
    canonical: dict[tuple[int, int], pikepdf.Object] = {}
    for name, fonts in groups.items():
        widths: dict[int, float] = {}
        unicode: dict[int, bytes] = {}
        for font in fonts:
            widths.update(_widths(font.DescendantFonts[0].W))
            unicode.update(_to_unicode(font.ToUnicode))
        glyphs = sorted(set(widths) | set(unicode) | {0})
        program = subset_font(originals[name], glyphs)
        first = fonts[0]
        descendant = first.DescendantFonts[0]
        key, _old = _program(descendant.FontDescriptor)  # type: ignore[misc]
        extra = {"/Subtype": pikepdf.Name("/OpenType")} if key == "/FontFile3" else {
            "/Length1": len(program)}
        stream = pikepdf.Stream(pdf, program, extra)
        descendant.FontDescriptor[key] = stream
        descendant.W = _w_array(widths)
        first.ToUnicode = pikepdf.Stream(pdf, _cmap(unicode))
        for font in fonts:
            canonical[font.objgen] = first
        replaced[name] = len(fonts)
    for page in pdf.pages:
        _point_at(page.obj.get("/Resources"), canonical, set())
    return replaced


def _point_at(resources: object, canonical: dict[tuple[int, int], pikepdf.Object],
              seen: set[tuple[int, int]]) -> None:
    """Every /Font resource (of the page and its form XObjects) at its group's font."""
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


def subset_font(path: Path, glyphs: list[int]) -> bytes:
    """The font file cut down to `glyphs`, at their glyph ids, as WeasyPrint subsets (its
    fontTools path: no layout tables, desubroutinised, no hinting)."""
    options = subset.Options(retain_gids=True, passthrough_tables=True,
                             ignore_missing_glyphs=True, hinting=False, desubroutinize=True)
    options.drop_tables += ["GSUB", "GPOS", "SVG ", "BASE", "DSIG", "JSTF", "LTSH", "PCLT"]
    font = TTFont(path)
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=glyphs)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _w_array(widths: dict[int, float]) -> pikepdf.Array:
    items: list[object] = []
    run: list[float] = []
    previous = None
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
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0",
             b">> def", b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(unicode.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (glyph, text) for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def font_programs(pdf: pikepdf.Pdf) -> tuple[int, int]:
    """How many font programs the PDF embeds, and their bytes (compressed)."""
    count = size = 0
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for font in _fonts_of(page.obj.get("/Resources"), set()):
            descendant = font.get("/DescendantFonts")
            if descendant is None:
                continue
            found = _program(descendant[0].FontDescriptor)
            if found and found[1].objgen not in seen:
                seen.add(found[1].objgen)
                count += 1
                size += len(found[1].read_raw_bytes())
    return count, size


def _fonts_of(resources: object, seen: set[tuple[int, int]]) -> list[pikepdf.Dictionary]:
    if not isinstance(resources, pikepdf.Dictionary):
        return []
    found = list(resources.get("/Font", {}).values()) if "/Font" in resources else []
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.objgen not in seen:
            seen.add(xobject.objgen)
            found += _fonts_of(xobject.get("/Resources"), seen)
    return found


def saved(pdf: pikepdf.Pdf, path: Path) -> int:
    pdf.save(path, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             deterministic_id=True)
    return path.stat().st_size


def outline_of(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every outline item, in order."""
    found: list[tuple[int, str, int]] = []
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}

    def walk(items: list, depth: int) -> None:
        for item in items:
            dest = item.destination
            found.append((depth, item.title, pages.get(dest[0].objgen, -1) if dest else -1))
            walk(item.children, depth + 1)

    with pdf.open_outline() as root:
        walk(root.root, 0)
    return found


def links_of(pdf: pikepdf.Pdf) -> tuple[int, int, int]:
    """Internal links, those whose named destination is missing, and named destinations."""
    names = pdf.Root.get("/Names", {}).get("/Dests")
    dests = set(pikepdf.NameTree(names).keys()) if names is not None else set()
    links = broken = 0
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if "/Dest" in annot:
                links += 1
                broken += str(annot.Dest) not in dests
    return links, broken, len(dests)


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915 - a measurement, in order
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--edition", default=None, help="omnibus, part-N (default: the first)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--full-fonts", action="store_true",
                        help="workers embed whole fonts (WeasyPrint's full_fonts)")
    args = parser.parse_args(argv)

    from weasyprint import HTML

    from make_book.assets.fonts import font_files
    from make_book.build.pipeline import load, source_epoch
    from make_book.core.editions import editions
    from make_book.core.store import cache_dir
    from make_book.writers.context import BuildContext
    from make_book.writers.fetcher import BookFetcher
    from make_book.writers.pdf import body_start, render_html

    root = args.project.resolve()
    book, _report = load(root)
    chosen = [e for e in editions(book) if args.edition in (None, e.key)][0]
    scratch = Path(tempfile.mkdtemp(prefix="pieces-"))
    ctx = BuildContext(book=book, staging=scratch, cache=cache_dir(root),
                       epoch=source_epoch(book))
    ctx.covers = {e.key: scratch / "cover.jpg" for e in editions(book)}
    os.environ["SOURCE_DATE_EPOCH"] = str(ctx.epoch)
    source = render_html(book, chosen, ctx, {})
    fonts = font_files(book)
    originals = {_ps_name(p.read_bytes()): p for p in fonts}
    start_id = body_start(book, chosen)

    started, cpu = time.perf_counter(), time.process_time()
    document = HTML(string=source, base_url=str(root),
                    url_fetcher=BookFetcher(root, fonts)).render(
        font_config=ctx.font_config, stylesheets=[], presentational_hints=True)
    single_bytes = document.write_pdf()
    single_time, single_cpu = time.perf_counter() - started, time.process_time() - cpu
    (scratch / "single.pdf").write_bytes(single_bytes)
    single = pikepdf.open(scratch / "single.pdf")
    print(f"edition {chosen.key}: single document {len(document.pages)} pages, "
          f"{single_time:.1f} s ({single_cpu:.1f} s CPU), {len(single_bytes)} bytes; "
          f"font programs (count, bytes) {font_programs(single)}; links (internal, "
          f"broken, named destinations) {links_of(single)}", flush=True)
    del document
    single_text = subprocess.run(["pdftotext", "-layout", str(scratch / "single.pdf"), "-"],
                                 capture_output=True, text=True, check=True).stdout

    units = cut(source)
    head = html.tostring(html.document_fromstring(source).find("head"), encoding="unicode")
    # Its second page is WeasyPrint's own blank verso (no folio, no running head, the
    # marks and bleed of the print pages).
    blank = (f"<!DOCTYPE html><html>{head}<body><div></div>"
             '<div style="break-before: right"></div></body></html>')
    started = time.perf_counter()
    jobs = [(u, str(root), [str(f) for f in fonts], args.full_fonts) for u in [*units, blank]]
    # Longest first, so that the last worker is not left with the longest unit.
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][0]))
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = dict(zip(order, pool.map(lay_out, [jobs[i] for i in order]), strict=True))
    pieces = [results[i] for i in range(len(units))]
    layout_time = time.perf_counter() - started
    work = sum(p.seconds for p in pieces)
    blank_pdf = pikepdf.open(io.BytesIO(results[len(units)].pdf))
    filler = pikepdf.Pdf.new()
    filler.pages.append(blank_pdf.pages[1])
    filler_bytes = io.BytesIO()
    filler.save(filler_bytes)

    # Which units print a page number of another unit (the table of contents, the
    # cross-references), and whether that unit comes before (known once it is laid out)
    # or after.
    owner = {name: i for i, p in enumerate(pieces) for name in p.anchors}
    backward = forward = 0
    needing = set()
    for i, piece in enumerate(pieces):
        for _page, _rect, target in piece.foreign:
            if target in owner and "toc" not in piece.anchors:
                needing.add(i)
                backward += owner[target] < i
                forward += owner[target] > i
    toc = [i for i, p in enumerate(pieces) if "toc" in p.anchors]

    # The second pass: each unit laid out again with its first folio and the page numbers
    # it prints of other units, known from the first pass's page counts.
    def labels_of(pieces: list[Piece]) -> tuple[list[int], int, dict[str, str]]:
        starts, at = [], 0
        for k, piece in enumerate(pieces):
            starts.append(at)
            at += piece.pages + (piece.pages % 2 if k < len(pieces) - 1 else 0)
        body = next((starts[i] + p.anchors[start_id] for i, p in enumerate(pieces)
                     if start_id in p.anchors), 0)
        label = {name: (str(starts[i] + pg - body + 1) if starts[i] + pg >= body
                        else roman(starts[i] + pg + 1).lower())
                 for i, p in enumerate(pieces) for name, pg in p.anchors.items()}
        return starts, body, label

    from make_book.assets.lettering import roman

    starts, body, label = labels_of(pieces)
    if os.environ.get("PIECES_DEBUG"):
        print("starts", starts, "body", body, "pages", [p.pages for p in pieces])
        print({k: v for k, v in list(label.items()) if not k.startswith("pb-")})
        print([(k, [t for _a, _b, t in p.foreign]) for k, p in enumerate(pieces)])
    again: list[int] = []
    second = {}
    for k, piece in enumerate(pieces):
        folio = starts[k] - body + 1 if starts[k] >= body else starts[k] + 1
        wanted = {t: label[t] for _p, _r, t in piece.foreign if t in label}
        if folio != 1 or wanted:
            again.append(k)
            second[k] = (with_css(units[k], numbers_css(source, folio, wanted)), *jobs[k][1:])
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        redone = dict(zip(second, pool.map(lay_out, second.values()), strict=True))
    second_time = time.perf_counter() - started
    moved = [k for k, p in redone.items() if p.pages != pieces[k].pages]
    only_numbers = [k for k in again if any(t in label for _p, _r, t in pieces[k].foreign)]
    first = pieces
    pieces = [redone.get(k, p) for k, p in enumerate(pieces)]
    print(f"second pass: {len(again)} of {len(units)} units laid out again "
          f"({len(only_numbers)} for the page numbers of other units, the rest for their "
          f"first folio), {second_time:.1f} s wall, "
          f"{sum(p.seconds for p in redone.values()):.1f} s CPU; units whose page count "
          f"changed: {moved}")

    def assemble() -> tuple[pikepdf.Pdf, list[int], dict[str, int], int]:
        pdf, starts = join(pieces, filler_bytes.getvalue())
        items = outline(pdf, pieces, starts)
        body = next((starts[i] + p.anchors[start_id] for i, p in enumerate(pieces)
                     if start_id in p.anchors), 0)
        page_labels(pdf, body)
        return pdf, starts, merge_fonts(pdf, originals), items

    raw, _starts = join(pieces, filler_bytes.getvalue())
    joined_size, joined_fonts = saved(raw, scratch / "joined.pdf"), font_programs(raw)
    print(f"joined as they come: {joined_size} bytes ({joined_size / len(single_bytes):.2f} × "
          f"single), font programs {joined_fonts}")
    started, cpu = time.perf_counter(), time.process_time()
    pdf, starts, merged_counts, items = assemble()
    merged_size = saved(pdf, scratch / "merged.pdf")
    assemble_time, assemble_cpu = time.perf_counter() - started, time.process_time() - cpu
    again, *_ = assemble()
    saved(again, scratch / "again.pdf")
    same = (scratch / "again.pdf").read_bytes() == (scratch / "merged.pdf").read_bytes()
    merged = pikepdf.open(scratch / "merged.pdf")
    print(f"pieces: {len(units)} units, {sum(p.pages for p in pieces)} pages + "
          f"{len(merged.pages) - sum(p.pages for p in pieces)} blank "
          f"(single: {len(single.pages)}); layout {layout_time:.1f} s wall with {args.jobs} "
          f"workers ({work:.1f} s CPU in the workers, longest unit "
          f"{max(p.seconds for p in first):.1f} s); assembly {assemble_time:.1f} s "
          f"({assemble_cpu:.1f} s CPU)")
    print("unit CPU seconds, first pass:", " ".join(f"{p.seconds:.2f}" for p in first))
    print(f"merged: {merged_size} bytes ({merged_size / len(single_bytes):.3f} × single), "
          f"font programs {font_programs(merged)}; subsets merged per font {merged_counts}")
    print(f"links (internal, broken, named destinations): {links_of(merged)}; "
          f"outline items {items}, same as single: {outline_of(merged) == outline_of(single)}"
          f" ({len(outline_of(single))} in single); assembled twice, same bytes: {same}")
    print(f"units printing another unit's page number: table of contents {toc}, "
          f"cross-references in {len(needing)} units ({backward} backward, {forward} "
          "forward)")
    merged_text = subprocess.run(["pdftotext", "-layout", str(scratch / "merged.pdf"), "-"],
                                 capture_output=True, text=True, check=True).stdout
    differ = [i for i, (a, b) in enumerate(zip(single_text.split("\f"),
                                               merged_text.split("\f"), strict=False))
              if a != b]
    # One glyph draws both U+002D and the hyphenation's U+2010; ToUnicode can name only one.
    hyphen = [i for i, (a, b) in enumerate(zip(single_text.replace("\u2010", "-").split("\f"),
                                               merged_text.replace("\u2010", "-").split("\f"),
                                               strict=False)) if a != b]
    print(f"pages whose text (pdftotext -layout) differs from the single document: "
          f"{len(differ)} {differ[:20]}; with U+2010 read as U+002D: {len(hyphen)} {hyphen}")
    print(f"files in {scratch}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    sys.exit(main())
