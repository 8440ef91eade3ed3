"""Image renditions for each edition, made with Pillow and cached by content.

- EPUB: sRGB (CMYK, palette, 16-bit and colour-managed sources converted), at most
  1200 px on the long side and 4 megapixels (what reading screens show), orientation applied,
  no metadata; a progressive JPEG for photographs, at the lowest quality whose MS-SSIM
  against the resized picture reaches EPUB_TARGET (perceptual.py), an optimised PNG for
  drawings and anything with transparency; SVG as is. The EPUB's cover keeps its size and
  gets the same measured quality.
- Web: the same pixels at a few widths, in WebP and in the EPUB's family (for old browsers).
- Print: the source itself at full resolution when WeasyPrint embeds it faithfully, otherwise a
  full-resolution lossless (or CMYK-keeping) conversion.

Every rendition lives in `<cache>/renditions/`, named by the sha256 of the source's bytes, the
rendition's parameters and VERSION: an unchanged image is never processed twice, and the bytes
are the same at every build (fixed encoder settings, no timestamps, no metadata).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy
import PIL
from lxml import etree
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps

from make_book import __version__
from make_book.assets.perceptual import lowest_quality
from make_book.core.log import log
from make_book.core.model import Image
from make_book.core.store import ContentCache

VERSION = "2"  # bump when the pixels or bytes of a rendition change
# The libraries that make a rendition's bytes: a cache shared by machines must not hand one
# Pillow's renditions to another.
LIBRARIES = f"make-book {__version__}, Pillow {PIL.__version__}, numpy {numpy.__version__}"
# A reading screen is 1072 to 1680 px tall (Kindle Paperwhite to Kobo Elipsa) and a figure
# takes its width, 1072 to 1404 px, at most: 1200 px on the long side is what they show.
EPUB_MAX_SIDE = 1200
EPUB_MAX_PIXELS = 4_000_000
# The MS-SSIM an EPUB JPEG must keep against the picture it encodes, and the qualities the
# search may choose from: 0.985 is where these tests' photographs stop losing visible detail
# (q 65 to 75 for grainy illustrations, lower for flat ones); above it the bytes grow fast
# for grain no reading screen shows.
EPUB_TARGET = 0.985
EPUB_QUALITIES = (40, 90)
WEB_WIDTHS = (480, 960, 1600)
JPEG_QUALITY = 85
WEBP_QUALITY = 80
# libwebp's effort: 2 encodes a 1600-pixel photograph three times faster than the default 4,
# at a size within a few per cent either way.
WEBP_METHOD = 2
# Distinct colours in a 256 × 256 nearest-neighbour sample above which an image is a photograph
# (JPEG compresses it far better); flat drawings and screenshots stay well under this.
PHOTO_COLOURS = 4096
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp",
               "svg": "image/svg+xml", "tif": "image/tiff"}
# What WeasyPrint embeds faithfully as it is (checked by the tests): anything else gets a
# print rendition (16-bit greyscale, CMYK or Lab TIFFs come out black or missing otherwise).
_PRINT_AS_IS = {"JPEG": {"L", "RGB", "CMYK"},
                "PNG": {"1", "L", "LA", "P", "PA", "RGB", "RGBA"},
                "GIF": {"L", "P", "RGB", "RGBA"}, "WEBP": {"RGB", "RGBA"}}
_SVG = "{http://www.w3.org/2000/svg}svg"
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class Rendition:
    """One cached file made from an image, with what a writer needs to reference it."""

    path: Path  # the cached file
    name: str  # its file name inside an edition
    media_type: str
    width: int
    height: int

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


# ---------------------------------------------------------------------------------------------
# Decisions taken while the manuscript is read (transforms/images.py)


def epub_family(im: PILImage.Image) -> str:
    """`"jpg"` or `"png"`: the format the EPUB and web renditions of an opened image use.

    Photographs become JPEG whatever they came as (a 24-megapixel PNG photo would weigh
    megabytes); transparency and flat drawings stay PNG, which keeps their edges crisp.
    """
    if has_alpha(im):
        return "png"
    if im.format in ("JPEG", "MPO"):
        return "jpg"
    sample = im.resize((256, 256), PILImage.Resampling.NEAREST).convert("RGB")
    return "png" if sample.getcolors(PHOTO_COLOURS) is not None else "jpg"


def has_alpha(im: PILImage.Image) -> bool:
    """Whether the image is really transparent somewhere (an opaque alpha channel is not)."""
    if im.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        return im.getchannel("A").getextrema()[0] < 255
    if "transparency" in im.info:
        return im.convert("RGBA").getchannel("A").getextrema()[0] < 255
    return False


def oriented_size(im: PILImage.Image) -> tuple[int, int]:
    """The size as displayed: EXIF orientations 5 to 8 turn the picture a quarter."""
    orientation = im.getexif().get(0x0112, 1)
    return (im.height, im.width) if orientation in (5, 6, 7, 8) else im.size


def svg_size(data: bytes) -> tuple[int, int]:
    """The intrinsic size of an SVG in CSS pixels (0, 0 when it has none); ValueError when
    the file is not an SVG document."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not well-formed XML: {exc}") from None
    if root.tag != _SVG:
        raise ValueError("its root element is not <svg> in the SVG namespace")
    width, height = _css_px(root.get("width")), _css_px(root.get("height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if (not width or not height) and len(box) == 4:
        try:
            vw, vh = float(box[2]), float(box[3])
        except ValueError:
            vw = vh = 0.0
        if vw > 0 and vh > 0:
            width, height = (width, width * vh / vw) if width else (
                (height * vw / vh, height) if height else (vw, vh))
    return (round(width), round(height)) if width and height else (0, 0)


def _css_px(value: str | None) -> float:
    units = {"px": 1.0, "": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54,
             "mm": 96 / 25.4}
    if not value:
        return 0.0
    value = value.strip()
    number = value.rstrip("abcdefghijklmnopqrstuvwxyz%")
    unit = value[len(number):]
    try:
        return float(number) * units[unit] if unit in units else 0.0
    except ValueError:
        return 0.0


# ---------------------------------------------------------------------------------------------
# Renditions


def epub_rendition(image: Image, cache: Path) -> Rendition:
    """The EPUB's copy of `image` (named `image.name`, of type `image.media_type`), from
    `cache/renditions` when it was made before."""
    if image.media_type == "image/svg+xml":
        # Vetted when the manuscript was read (no script, nothing loaded): passed as it is.
        return Rendition(image.source, image.name, image.media_type, image.width, image.height)
    family = Path(image.name).suffix.lstrip(".")
    width, height = fit_size((image.width, image.height), EPUB_MAX_SIDE, EPUB_MAX_PIXELS)

    def make() -> bytes:
        return encode_measured(
            _resize(load_display(image.source, max(width, height)), (width, height)), family)

    params = f"epub-{EPUB_MAX_SIDE}-{EPUB_MAX_PIXELS}-ms-ssim-{EPUB_TARGET}-{EPUB_QUALITIES}"
    path = _cached(image, cache, params, family, make)
    return Rendition(path, image.name, MEDIA_TYPES[family], width, height)


def epub_cover(path: Path, cache: Path) -> Path:
    """The EPUB's copy of a cover JPEG: its pixels at the measured quality (a store's
    1600 × 2560 stays so), made once per content."""
    data = path.read_bytes()
    key = hashlib.sha256(f"{VERSION}\n{hashlib.sha256(data).hexdigest()}\nepub-cover-"
                         f"{EPUB_TARGET}-{EPUB_QUALITIES}".encode()).hexdigest()[:16]

    def make() -> bytes:
        measured = encode_measured(load_display(path), "jpg")
        return measured if len(measured) < len(data) else data

    return ContentCache(cache).file("renditions", f"{path.stem}-{key}.jpg", make)


def encode_measured(im: PILImage.Image, ext: str) -> bytes:
    """The bytes of im for the EPUB: a JPEG at the lowest quality keeping EPUB_TARGET,
    anything else as encode() makes it."""
    if ext != "jpg":
        return encode(im, ext)
    low, high = EPUB_QUALITIES
    flat = flatten(im)
    _, data = lowest_quality(flat, EPUB_TARGET, lambda q: encode(flat, "jpg", quality=q),
                             low, high)
    return data


def web_renditions(image: Image, cache: Path,
                   widths: tuple[int, ...] = WEB_WIDTHS) -> list[Rendition]:
    """Copies for a `srcset`: each width (never wider than the source) in WebP and in the
    image's EPUB family; an SVG is its own single rendition."""
    stem = Path(image.name).stem
    if image.media_type == "image/svg+xml":
        return [epub_rendition(image, cache)]
    family = Path(image.name).suffix.lstrip(".")
    sizes = sorted({min(w, image.width) for w in widths})
    decoded: list[PILImage.Image] = []  # decoded once, and only if a rendition is missing

    def source() -> PILImage.Image:
        if not decoded:
            long_side = max(sizes) * max(image.width, image.height) // image.width
            decoded.append(load_display(image.source, long_side))
        return decoded[0]

    resized: dict[tuple[int, int], PILImage.Image] = {}  # one resize for both formats

    def scaled(size: tuple[int, int]) -> PILImage.Image:
        if size not in resized:
            resized[size] = _resize(source(), size)
        return resized[size]

    out = []
    for width in sizes:
        height = max(1, round(image.height * width / image.width))
        for ext in ("webp", family):
            def make(width: int = width, height: int = height, ext: str = ext) -> bytes:
                return encode(scaled((width, height)), ext)

            params = f"web-{width}x{height}-{JPEG_QUALITY}-{WEBP_QUALITY}-{WEBP_METHOD}"
            path = _cached(image, cache, params, ext, make)
            out.append(Rendition(path, f"{stem}-{width}.{ext}", MEDIA_TYPES[ext], width, height))
    return out


def print_source(image: Image, cache: Path) -> Path:
    """The file the print PDF embeds, at full resolution: the source itself when WeasyPrint
    takes it faithfully as it is, else a conversion made once.

    WeasyPrint re-encodes any JPEG carrying EXIF at its default quality (75): such a photo is
    given instead without its EXIF segments (lossless) or, when it must be turned, re-encoded
    here at quality 95. CMYK stays CMYK for the printer.
    """
    if image.media_type == "image/svg+xml":
        return image.source
    with PILImage.open(image.source) as im:
        fmt, mode = im.format or "", im.mode
        exif = "exif" in im.info
        turned = im.getexif().get(0x0112, 1) != 1
    if mode in _PRINT_AS_IS.get(fmt, set()) and not (fmt == "JPEG" and exif):
        return image.source
    if fmt == "JPEG" and not turned:
        return _cached(image, cache, "print-noexif", "jpg",
                       lambda: strip_jpeg_exif(image.source.read_bytes()))
    photo = fmt in ("JPEG", "MPO") or mode == "CMYK"

    def make() -> bytes:
        with PILImage.open(image.source) as im:
            im.seek(0)
            upright = ImageOps.exif_transpose(im)
            if photo:
                keep = upright if upright.mode in ("L", "RGB", "CMYK") else to_display(upright)
                return encode(keep, "jpg", quality=95, subsampling="4:4:4")
            return encode(to_display(upright), "png")

    return _cached(image, cache, "print-95", "jpg" if photo else "png", make)


def strip_jpeg_exif(data: bytes) -> bytes:
    """The JPEG without its APP1 segments (EXIF, GPS, XMP), every other byte kept.

    Done by hand because no library here removes a segment without decoding and re-encoding
    the picture; the segment syntax (marker, 2-byte length) is fixed by ITU T.81.
    """
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG stream")
    out, pos = bytearray(data[:2]), 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: the rest is picture data
            break
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if marker != 0xE1:
            out += data[pos:pos + 2 + length]
        pos += 2 + length
    return bytes(out + data[pos:])


# ---------------------------------------------------------------------------------------------
# Pixels


def load_display(path: Path, long_side: int | None = None) -> PILImage.Image:
    """Decode `path` (first frame) into displayable sRGB pixels, upright.

    With `long_side`, a JPEG is decoded directly at a reduced scale no smaller than needed:
    a 24-megapixel phone photo then costs a fraction of a full decode.
    """
    with PILImage.open(path) as im:
        if long_side and im.format in ("JPEG", "MPO") and max(im.size) > long_side:
            scale = long_side / max(im.size)
            im.draft(im.mode, (round(im.width * scale), round(im.height * scale)))
        im.seek(0)
        im.load()
        return to_display(ImageOps.exif_transpose(im))


def to_display(im: PILImage.Image) -> PILImage.Image:
    """RGB, RGBA, L or LA pixels in sRGB, with no metadata left in `info`."""
    icc = im.info.get("icc_profile")
    if icc and im.mode in ("RGB", "RGBA", "CMYK"):
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            im = ImageCms.profileToProfile(im, src, _SRGB,
                                           outputMode="RGBA" if im.mode == "RGBA" else "RGB")
        except (ImageCms.PyCMSError, OSError, ValueError) as exc:
            # A broken profile: the numbers are taken as sRGB, as browsers do.
            log.debug("colour profile ignored: %s", exc)
    if im.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        # Pillow's convert("L") clips 16-bit values instead of scaling them.
        im = im.convert("I").point(lambda v: v / 256).convert("L")
    elif im.mode == "LAB":
        lab = ImageCms.createProfile("LAB")
        im = ImageCms.profileToProfile(im, lab, _SRGB, outputMode="RGB")
    elif im.mode == "1":
        im = im.convert("L")
    elif im.mode not in ("RGB", "RGBA", "L", "LA"):
        im = im.convert("RGBA" if has_alpha(im) else "RGB")
    if im.mode in ("RGBA", "LA") and not has_alpha(im):
        im = im.convert(im.mode[:-1])
    clean = im.copy()
    clean.info = {}
    return clean


def fit_size(size: tuple[int, int], max_side: int, max_pixels: int) -> tuple[int, int]:
    """The largest size of the same proportions within both limits (never enlarged)."""
    width, height = size
    scale = min(1.0, max_side / max(width, height), (max_pixels / (width * height)) ** 0.5)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _resize(im: PILImage.Image, size: tuple[int, int]) -> PILImage.Image:
    if im.size == size:
        return im
    return im.resize(size, PILImage.Resampling.LANCZOS, reducing_gap=3.0)


def flatten(im: PILImage.Image, background: tuple[int, int, int] = (255, 255, 255)
            ) -> PILImage.Image:
    """Transparency composited on white, for formats without an alpha channel."""
    if im.mode not in ("RGBA", "LA"):
        return im
    rgba = im.convert("RGBA")
    flat = PILImage.new("RGB", rgba.size, background)
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat if im.mode == "RGBA" else flat.convert("L")


def encode(im: PILImage.Image, ext: str, quality: int = JPEG_QUALITY,
           subsampling: str = "4:2:0") -> bytes:
    """The bytes of `im` in format `ext`, with fixed settings and no metadata."""
    buffer = io.BytesIO()
    clean = im.copy()
    clean.info = {}  # no EXIF, GPS, ICC, DPI or text chunks reach the file
    if ext == "jpg":
        clean = flatten(clean)
        clean.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True,
                   subsampling=subsampling)
    elif ext == "png":
        clean.save(buffer, "PNG", optimize=True)
    elif ext == "webp":
        clean.save(buffer, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD,
                   exact=False)
    else:
        raise ValueError(f"no encoder for {ext}")
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Cache


def cache_key(image: Image, params: str) -> str:
    """sha256 of the source's content, the rendition's parameters, the VERSION and the
    LIBRARIES that make it."""
    return hashlib.sha256(f"{VERSION}\n{LIBRARIES}\n{image.sha256}\n{params}".encode()
                          ).hexdigest()


def _cached(image: Image, cache: Path, params: str, ext: str,
            make: Callable[[], bytes]) -> Path:
    name = f"{Path(image.name).stem}-{cache_key(image, params)[:16]}.{ext}"
    return ContentCache(cache).file("renditions", name, make)
