"""The covers of a build as jobs: each drawn once per content, and the print wrap covers.

The pipeline imports this module (and with it Pillow) only once it must read the manuscript:
a build that finds nothing changed loads none of it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from functools import partial

from PIL import Image as PILImage

from make_book import __version__
from make_book.assets.covers import DRAWING_VERSION, CoverSpec, cover_spec, jpeg_bytes, render_cover
from make_book.assets.renditions import cache_key, encode, load_display
from make_book.assets.wrapcover import page_count, wrap_spec
from make_book.build.jobs import Job
from make_book.core.artifacts import Artifact
from make_book.core.editions import Edition
from make_book.core.locales import strings
from make_book.core.model import Book, Image
from make_book.core.store import ContentCache
from make_book.writers.context import BuildContext
from make_book.writers.wrap import write_wrap_pdf


def make_wrap_cover(book: Book, ed: Edition, ctx: BuildContext, printed: Artifact) -> Artifact:
    """Write `<print pdf>-cover.pdf`, the wrap-around cover, its spine sized by the print
    PDF's page count (from its record), and return its record."""
    pages = printed.pages if printed.pages is not None else page_count(printed.path)
    spec = wrap_spec(book, ed, cover_spec(book, ed), pages,
                     strings(book.config.lang)["forthcoming"])
    own = own_covers(book, [ed]).get(ed.key)
    if own is not None:  # the author's own front, as made
        spec = dataclasses.replace(spec, front_art=own.source)
    price = book.config.price_code if spec.isbn and not ed.is_volume else None
    path = write_wrap_pdf(spec, printed.path.with_name(f"{printed.path.stem}-cover.pdf"),
                          ContentCache(ctx.cache), ed.title, ctx.epoch, price, ctx.font_config)
    return Artifact(ed.key, "pdf", "cover", path, page_count(path))


def cover_specs(book: Book, every: list[Edition]) -> dict[str, CoverSpec]:
    """The front cover of each edition and of each forthcoming part, by key."""
    t = strings(book.config.lang)
    config = book.config
    specs: dict[str, CoverSpec] = {ed.key: cover_spec(book, ed) for ed in every}
    if book.has_parts:
        for part in book.parts:
            if part.forthcoming:
                specs[f"part-{part.number}"] = CoverSpec(
                    title=part.title, subtitle=part.subtitle, series=config.series,
                    number=part.number, total=len(book.parts), publisher=config.publisher,
                    author=", ".join(config.authors) or None,
                    art=part.hero.source if part.hero else None, muted=True,
                    badge=t["forthcoming"], lang=config.lang)
    return specs


def cover_name(key: str, spec: CoverSpec) -> str:
    """`<key>-<digest>.jpg`, the digest of all the cover is made from. The name goes into the
    EPUB and the PDF: it is keyed by the art's bytes, not its path, so that the same book in
    another folder gives the same name, and by DRAWING_VERSION, not the code's bytes."""
    art = spec.art.read_bytes() if spec.art else b""
    fields = repr(dataclasses.replace(spec, art=None)).encode()
    # The digest the covers have always been named by (their names are in every edition).
    name = hashlib.sha256(fields + art + DRAWING_VERSION.encode()
                          + __version__.encode()).hexdigest()[:16]
    return f"{key}-{name}.jpg"


# The EPUB cover's largest size (Apple Books' and Kindle's recommendation: 1600 × 2560).
OWN_MAX = (1600, 2560)


def own_covers(book: Book, every: list[Edition]) -> dict[str, Image]:
    """The editions whose front cover the author made: a volume with its part's `cover:`,
    else any edition of a book with [book] cover."""
    found: dict[str, Image] = {}
    for ed in every:
        part_cover = ed.parts[0].cover if ed.is_volume and ed.parts else None
        if part_cover is not None:
            found[ed.key] = part_cover
        elif book.cover is not None:
            found[ed.key] = book.cover
    return found


def own_cover_bytes(image: Image) -> bytes:
    """The author's cover for the EPUB and the screen: the file itself when it is a JPEG
    within 1600 × 2560 px, else the same picture within that size, aspect kept, never
    cropped."""
    if image.media_type == "image/jpeg" and image.width <= OWN_MAX[0] \
            and image.height <= OWN_MAX[1]:
        return image.source.read_bytes()
    picture = load_display(image.source, max(OWN_MAX))
    picture.thumbnail(OWN_MAX, PILImage.Resampling.LANCZOS)
    return encode(picture, "jpg", quality=92)


def plan_covers(book: Book, ctx: BuildContext, every: list[Edition]) -> list[Job]:
    """A cover per edition and per forthcoming part, cached by the content of its inputs: its
    path goes into ctx.covers now, and a job to draw it (a second of Pillow drawing) is
    returned when the cache lacks it."""
    cache = ContentCache(ctx.cache)
    missing: list[Job] = []
    own = own_covers(book, every)
    for key, image in own.items():
        made_by = cache_key(image, "own cover")  # the source and the libraries encoding it
        ctx.covers[key] = cache.file("covers", f"{key}-own-{made_by[:16]}.jpg",
                                     partial(own_cover_bytes, image))
        ctx.own_covers.add(key)
    for key, spec in cover_specs(book, every).items():
        if key in own:
            continue
        name = cover_name(key, spec)
        if not cache.has("covers", name):
            missing.append(Job(f"cover {key}", partial(_draw_cover, spec, cache, name),
                               label=None if missing else "drawing the covers"))
        ctx.covers[key] = cache.path("covers", name)
    return missing


def _draw_cover(spec: CoverSpec, cache: ContentCache, name: str) -> None:
    cache.put("covers", name, jpeg_bytes(render_cover(spec)))

