"""Resolve every image the manuscript names to a checked file inside the project."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import unquote

from PIL import Image as PILImage

from ..diagnostics import Report, line_of
from ..model import Book, Chapter, Image

# Pillow's own guard raises past twice this; we refuse at it, before decoding a single pixel.
MAX_PIXELS = 89_478_485
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif",
               "WEBP": "image/webp"}
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def run(book: Book, report: Report) -> None:
    for chapter in book.documents():
        for img in chapter.body.iter("img"):
            src = img.get("src", "")
            line = line_of(chapter.text, src, chapter.line_offset + 1)
            image = resolve(book, chapter.source, src, report, line)
            if image is not None:
                img.set("src", "images/" + image.name)
                img.set("width", str(image.width))
                img.set("height", str(image.height))
            if not img.get("alt"):
                report.warn("W030", f"image `{src}` has no alt text: describe it for readers "
                            "who cannot see it", chapter.source, line)
    for part in book.parts:
        hero = getattr(part, "hero_path", None)
        if hero and part.source is not None:
            text = part.source.read_text(encoding="utf-8")
            part.hero = resolve(book, part.source, hero, report, line_of(text, "hero:"))


def resolve(book: Book, referrer: Path, src: str, report: Report,
            line: int | None) -> Image | None:
    """The Image for `src` as written in `referrer`; problems go to the report."""
    if _REMOTE.match(src) or src.startswith("//"):
        report.error("E040", f"remote image `{src}`: builds never use the network; download it "
                     "into assets/ and point to the file", referrer, line)
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
                     f"and {_rel(candidates[1], root)})", referrer, line)
        return None
    real = found.resolve()
    if not real.is_relative_to(root):
        report.error("E043", f"image `{src}` points outside the project folder; refused",
                     referrer, line)
        return None
    if real in book.images:
        return book.images[real]
    image = _inspect(real, src, referrer, report, line)
    if image is not None:
        book.images[real] = image
    return image


def _inspect(path: Path, src: str, referrer: Path, report: Report,
             line: int | None) -> Image | None:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() == ".svg":
        return Image(path, f"{path.stem}-{digest[:8]}.svg", "image/svg+xml", 0, 0, digest)
    try:
        with PILImage.open(path) as im:
            if im.width * im.height > MAX_PIXELS:
                report.error("E044", f"image `{src}` is too large ({im.width} × {im.height} "
                             f"pixels, over {MAX_PIXELS:,}): scale it down", referrer, line)
                return None
            fmt = im.format or ""
            im.load()  # decodes fully: a truncated file fails here, not in a writer
            width, height = im.size
    except PILImage.DecompressionBombError:
        report.error("E044", f"image `{src}` is too large to decode safely", referrer, line)
        return None
    except (OSError, SyntaxError, ValueError) as exc:
        report.error("E045", f"image `{src}` cannot be read ({exc}): the file is corrupt or not "
                     "an image", referrer, line)
        return None
    if fmt not in MEDIA_TYPES:
        report.error("E046", f"image `{src}` is {fmt or 'an unknown format'}: use JPEG, PNG, GIF, "
                     "WebP or SVG", referrer, line)
        return None
    ext = {"JPEG": "jpg"}.get(fmt, fmt.lower())
    return Image(path, f"{_safe(path.stem)}-{digest[:8]}.{ext}", MEDIA_TYPES[fmt], width, height,
                 digest)


def _safe(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-") or "image"


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)
