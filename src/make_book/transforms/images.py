"""Resolve every image the manuscript names to a checked file inside the project, decide the
format of its EPUB rendition, and check the resolution it will print at."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote

from lxml import etree
from PIL import Image as PILImage
from PIL import ImageFile

from make_book.assets import renditions
from make_book.core.diagnostics import Report, line_of
from make_book.core.model import Book, Image
from make_book.core.store import ContentCache, cache_dir

# Pillow's own guard raises past twice this; we refuse at it, before decoding a single pixel.
MAX_PIXELS = 89_478_485
# Formats a rendition can turn into what each edition carries (MPO: many phones' JPEGs).
ACCEPTED = ("JPEG", "MPO", "PNG", "GIF", "WEBP", "TIFF", "BMP", "AVIF")
# Formats Pillow cannot read that authors still bring: say how to export them.
UNREADABLE = {".heic": "HEIC", ".heif": "HEIF", ".psd": "Photoshop", ".ai": "Illustrator",
              ".eps": "EPS", ".pdf": "PDF", ".cr2": "camera raw", ".nef": "camera raw",
              ".dng": "camera raw", ".arw": "camera raw", ".raf": "camera raw"}
# Figures are set at the text width of the print page (pdf.css: inner 21 mm + outer 16 mm
# margins, at most 120 mm tall); 300 ppi is what printers ask for.
PRINT_MARGINS_MM = 21.0 + 16.0
FIGURE_MAX_HEIGHT_MM = 120.0
PRINT_PPI = 300
# Pillow warns (on stderr) from MAX_PIXELS on; we refuse from there with E044 instead.
warnings.filterwarnings("ignore", category=PILImage.DecompressionBombWarning)
MAX_BYTES = 50 * 2**20  # an image file past this is not meant for a book; never read whole
# In an SVG's styles: url() to anything but its own #fragments, or an @import.
_SVG_LOADS = re.compile(r"url\(\s*['\"]?\s*[^#'\"\s)]|@import", re.I)
# What an SVG may point to: its own #fragments, and raster pictures embedded in it.
_SVG_INLINE = ("#", "data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def run(book: Book, report: Report) -> None:
    for chapter in book.documents():
        for img in chapter.body.iter("img"):
            src = img.get("src", "")
            line = line_of(chapter.text, src, chapter.line_offset + 1)
            image = resolve(book, chapter.source, src, report, line)
            if image is not None:
                img.set("src", "images/" + image.name)
                if image.width and image.height:  # an SVG may have no intrinsic size
                    img.set("width", str(image.width))
                    img.set("height", str(image.height))
                check_print(book, image, src, chapter.source, line, report,
                            in_figure=img.getparent() is not None
                            and img.getparent().tag == "figure")
            if not img.get("alt"):
                report.warn("W030", f"image `{src}` has no alt text: describe it for readers "
                            "who cannot see it", chapter.source, line)
    toml = book.root / "manuscript" / "book.toml"
    if book.config.cover:
        line = line_of(toml.read_text(encoding="utf-8"), "cover")
        book.cover = resolve(book, toml, book.config.cover, report, line)
        check_cover(book, book.cover, book.config.cover, toml, line, report)
    for part in book.parts:
        own = getattr(part, "cover_path", None)
        if own and part.source is not None:
            line = line_of(part.source.read_text(encoding="utf-8"), "cover:")
            part.cover = resolve(book, part.source, own, report, line)
            check_cover(book, part.cover, own, part.source, line, report)
        hero = getattr(part, "hero_path", None)
        if hero and part.source is not None:
            text = part.source.read_text(encoding="utf-8")
            line = line_of(text, "hero:")
            part.hero = resolve(book, part.source, hero, report, line)
            if part.hero is not None:
                check_print(book, part.hero, hero, part.source, line, report, in_figure=False)


def check_cover(book: Book, image: Image | None, src: str, referrer: Path, line: int | None,
                report: Report) -> None:
    """W035: an author's cover too small for the printed front panel at 300 ppi, bleed
    included (0.125 in at least, what KDP and IngramSpark ask)."""
    if image is None or image.media_type == "image/svg+xml" or not image.width:
        return
    pdf = book.config.pdf
    bleed = max(pdf.bleed_mm, 3.175)
    width = round(PRINT_PPI * (pdf.width_mm + bleed) / 25.4)
    height = round(PRINT_PPI * (pdf.height_mm + 2 * bleed) / 25.4)
    if image.width < width or image.height < height:
        report.warn("W035", f"cover `{src}` is {image.width} × {image.height} px: the printed "
                    f"front, bleed included, needs {width} × {height} px at {PRINT_PPI} ppi",
                    referrer, line, hint="supply the cover at that size, or larger")


def check_print(book: Book, image: Image, src: str, referrer: Path, line: int | None,
                report: Report, in_figure: bool) -> None:
    """Warn when an image will print under 300 ppi at the size it is placed on the page, and,
    for a print-ready profile, when it has what a printer may reject (transparency, RGB)."""
    if image.media_type == "image/svg+xml" or not image.width or not image.height:
        return  # vector art prints sharp at any size
    pdf = book.config.pdf
    placed_mm = pdf.width_mm - PRINT_MARGINS_MM
    if in_figure:
        placed_mm = min(placed_mm, FIGURE_MAX_HEIGHT_MM * image.width / image.height)
    ppi = image.width / (placed_mm / 25.4)
    if ppi < PRINT_PPI:
        needed = round(PRINT_PPI * placed_mm / 25.4)
        report.warn("W031", f"image `{src}` prints at {ppi:.0f} ppi ({image.width} px over "
                    f"{placed_mm:.0f} mm): under {PRINT_PPI} ppi it looks soft in print; supply "
                    f"it at least {needed} px wide", referrer, line)
    if pdf.profile != "print-ready":
        return
    with PILImage.open(image.source) as im:
        mode, alpha = im.mode, renditions.has_alpha(im)
    if alpha:
        report.warn("W032", f"image `{src}` has transparency: printers working to PDF/X-1a "
                    "reject it; flatten it onto its background", referrer, line)
    if mode not in ("CMYK", "L", "1", "LA"):
        report.warn("W033", f"image `{src}` is in {mode}: the printer will convert it to CMYK "
                    "and bright colours may shift; proof it or supply a CMYK file",
                    referrer, line)


def resolve(book: Book, referrer: Path, src: str, report: Report,
            line: int | None) -> Image | None:
    """The Image for `src` as written in `referrer`; problems go to the report."""
    if _REMOTE.match(src) or src.startswith("//"):
        scheme = src.split(":", 1)[0].lower() if not src.startswith("//") else "https"
        if scheme == "data":
            report.error("E040", f"image embedded as a `data:` address (`{_short(src)}`): save "
                         "it as a file in assets/ and point to the file", referrer, line)
        elif scheme in ("http", "https", "ftp"):
            report.error("E040", f"remote image `{_short(src)}`: builds never use the network; "
                         "download it into assets/ and point to the file", referrer, line)
        else:
            report.error("E040", f"image address `{_short(src)}` is not a file of the project",
                         referrer, line)
        return None
    relative = unquote(src.split("#")[0].split("?")[0])
    if Path(relative).is_absolute():
        report.error("E041", f"absolute image path `{src}`: use a path inside the project",
                     referrer, line)
        return None
    root = book.root.resolve()
    candidates = [referrer.parent / relative, book.root / relative]
    found = next((c for c in candidates if c.exists() or c.is_symlink()), None)
    if found is None:
        report.error("E042", f"image not found: `{src}` (looked in {_rel(candidates[0], root)} "
                     f"and {_rel(candidates[1], root)})" + _closest_image(book, relative),
                     referrer, line)
        return None
    real = found.resolve()
    if not real.is_relative_to(root):
        report.error("E043", f"image `{src}` points outside the project folder; refused",
                     referrer, line)
        return None
    if not real.is_file():  # a folder, or a named pipe that would block the build
        report.error("E042", f"image `{src}` is not a file", referrer, line)
        return None
    if real in book.images:
        return book.images[real]
    image = _inspect(real, src, referrer, report, line, ContentCache(cache_dir(root)))
    if image is not None:
        book.images[real] = image
    return image


def _inspect(path: Path, src: str, referrer: Path, report: Report, line: int | None,
             cache: ContentCache) -> Image | None:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            report.error("E044", f"image `{src}` is too large ({size / 2**20:,.0f} MiB, over "
                         f"{MAX_BYTES // 2**20} MiB): scale it down", referrer, line)
            return None
        data = path.read_bytes()
    except OSError as exc:
        report.error("E045", f"image `{src}` cannot be read ({exc.strerror or exc})",
                     referrer, line)
        return None
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() == ".svg":
        try:
            width, height = renditions.svg_size(data)
        except ValueError as exc:
            report.error("E045", f"image `{src}` cannot be read as SVG ({exc})", referrer, line)
            return None
        problem = svg_problem(data)
        if problem is not None:
            report.error("E047", f"SVG image `{src}` holds {problem}: an image may not run code "
                         "or load anything; remove it, or export the drawing as PNG",
                         referrer, line)
            return None
        return Image(path, f"{_safe(path.stem)}-{digest[:8]}.svg", "image/svg+xml", width,
                     height, digest)
    known = _known(cache, digest)
    if known is not None:  # decoded whole by an earlier build: the same bytes decode again
        width, height, family = known
        return Image(path, f"{_safe(path.stem)}-{digest[:8]}.{family}",
                     renditions.MEDIA_TYPES[family], width, height, digest)
    try:
        with _strict_decoding(), PILImage.open(path) as im:
            if im.width * im.height > MAX_PIXELS:
                report.error("E044", f"image `{src}` is too large ({im.width} × {im.height} "
                             f"pixels, over {MAX_PIXELS:,}): scale it down", referrer, line)
                return None
            fmt = im.format or ""
            if fmt not in ACCEPTED:
                report.error("E046", f"image `{src}` is {fmt or 'an unknown format'}: no "
                             "edition can carry it; use JPEG, PNG, GIF, WebP, TIFF or SVG",
                             referrer, line)
                return None
            im.load()  # decodes fully: a truncated file fails here, not in a writer
            width, height = renditions.oriented_size(im)
            family = renditions.epub_family(im)
    except PILImage.DecompressionBombError:
        report.error("E044", f"image `{src}` is too large to decode safely (over "
                     f"{2 * MAX_PIXELS:,} pixels): scale it down", referrer, line)
        return None
    except (OSError, SyntaxError, ValueError) as exc:
        kind = UNREADABLE.get(path.suffix.lower())
        if kind is not None:
            report.error("E046", f"image `{src}` is a {kind} file: no edition can carry it; "
                         "export it as JPEG (photographs) or PNG (drawings)", referrer, line)
        else:
            report.error("E045", f"image `{src}` cannot be read ({exc}): the file is corrupt "
                         "or not an image", referrer, line)
        return None
    _remember(cache, digest, width, height, family)
    return Image(path, f"{_safe(path.stem)}-{digest[:8]}.{family}",
                 renditions.MEDIA_TYPES[family], width, height, digest)


def _entry(digest: str) -> str:
    """The cache entry of a picture's inspection: its bytes, and the libraries that read it."""
    tools = hashlib.sha256(renditions.LIBRARIES.encode()).hexdigest()[:16]
    return f"{digest}-{tools}.json"


def _known(cache: ContentCache, digest: str) -> tuple[int, int, str] | None:
    """Size and EPUB family of a raster picture an earlier build decoded without a fault
    (decoding the pictures was a tenth of reading a long illustrated book again)."""
    path = cache.path("inspected", _entry(digest))
    if not cache.has("inspected", _entry(digest)):
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        width, height, family = int(data["width"]), int(data["height"]), str(data["family"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (width, height, family) if family in renditions.MEDIA_TYPES else None


def _remember(cache: ContentCache, digest: str, width: int, height: int, family: str) -> None:
    """Record a picture that decoded whole; a cache that cannot be written costs only time."""
    data = json.dumps({"width": width, "height": height, "family": family}, sort_keys=True)
    try:
        cache.put("inspected", _entry(digest), data.encode("utf-8"))
    except OSError:
        pass


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Truncated files fail to decode while the manuscript is checked: importing WeasyPrint
    sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process."""
    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved


def svg_problem(data: bytes) -> str | None:
    """What makes an SVG unsafe to publish, or None: a script, an event handler, an embedded
    document, entity declarations, or a reference to anything outside the file (WeasyPrint
    would fetch it while drawing the PDF; a browser opening the file would run its script)."""
    if b"<!ENTITY" in data:
        return "entity declarations"
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(data, parser)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname.lower()
        if name in ("script", "foreignobject", "iframe", "embed", "object", "handler"):
            return f"a <{etree.QName(element).localname}> element"
        if name == "style" and _SVG_LOADS.search(element.text or ""):
            return "a style that loads a resource"
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname.lower()
            if local.startswith("on"):
                return f"an event handler `{local}`"
            if local == "href" and not value.strip().startswith(_SVG_INLINE):
                return f"a reference to `{_short(value)}`"
            if local == "style" and _SVG_LOADS.search(value):
                return "a style that loads a resource"
    return None


def _closest_image(book: Book, relative: str) -> str:
    """« : did you mean `assets/schema.png`? » for the project's image file nearest to a path
    that does not exist (a typo, a wrong extension), else ""."""
    folder = book.root / "assets"
    files = [p.relative_to(book.root).as_posix() for p in folder.rglob("*")
             if p.is_file()] if folder.is_dir() else []
    close = difflib.get_close_matches(relative, files, n=1, cutoff=0.7)
    return f": did you mean `{close[0]}`?" if close else ""


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:59] + "…"


def _safe(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-") or "image"


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)
