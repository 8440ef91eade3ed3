"""The site's pictures: each image copied as its web renditions and shown as a <picture>."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from lxml import html
from markupsafe import Markup
from PIL import Image as PILImage

from make_book.assets.renditions import web_renditions
from make_book.core.model import Element, Image

COVER_WIDTHS = (320, 640)
BODY_SIZES = "(min-width: 40rem) 36rem, calc(100vw - 2.5rem)"
HERO_SIZES = "(min-width: 60rem) 52rem, calc(100vw - 2.5rem)"
COVER_SIZES = "(min-width: 64rem) 13rem, (min-width: 36rem) 40vw, 6rem"
HERO_COVER_SIZES = "(min-width: 48rem) 18rem, 60vw"


@dataclass(frozen=True)
class Rendition:
    """One file of a `srcset`, as the site links it."""

    width: int
    height: int
    href: str
    media_type: str


def site_renditions(image: Image, widths: tuple[int, ...], cache: Path,
                    dest: Path) -> list[Rendition]:
    """Copy the image's web renditions (made once and cached by renditions.py) into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for made in web_renditions(image, cache, widths):
        shutil.copyfile(made.path, dest / made.name)
        out.append(Rendition(made.width, made.height, f"{dest.name}/{made.name}",
                             made.media_type))
    return out


def cover_image(key: str, path: Path) -> Image:
    """See a cover JPEG as a model Image, so that it gets renditions like any other."""
    data = path.read_bytes()
    with PILImage.open(io.BytesIO(data)) as probe:
        width, height = probe.size
    return Image(source=path, name=f"cover-{key}.jpg", media_type="image/jpeg", width=width,
                 height=height, sha256=hashlib.sha256(data).hexdigest())


def picture_element(renditions: list[Rendition], alt: str, sizes: str, eager: bool,
                    width: int, height: int) -> Element:
    """Make a <picture> with a WebP <source> and a JPEG/PNG <img> (the middle width, for
    browsers without srcset), explicit size so nothing moves as it loads, lazy below the
    first screen."""
    webp = [r for r in renditions if r.media_type == "image/webp"]
    other = [r for r in renditions if r.media_type != "image/webp"]
    fallback = other[min(1, len(other) - 1)] if other else renditions[0]
    width = width or fallback.width
    height = height or fallback.height
    picture = html.Element("picture")
    if webp:
        html.etree.SubElement(picture, "source", {
            "type": "image/webp", "srcset": _srcset(webp), "sizes": sizes})
    attrs = {"src": fallback.href, "alt": alt, "decoding": "async",
             "loading": "eager" if eager else "lazy"}
    if width and height:  # an SVG without an intrinsic size has none to reserve
        attrs.update(width=str(width), height=str(height))
    if len(other) > 1:
        attrs.update(srcset=_srcset(other), sizes=sizes)
    html.etree.SubElement(picture, "img", attrs)
    return picture


def picture_markup(renditions: list[Rendition], alt: str, sizes: str, eager: bool,
                   width: int, height: int) -> Markup:
    """picture_element as markup for a template (a hero, a cover)."""
    element = picture_element(renditions, alt, sizes, eager, width, height)
    return Markup(html5(html.tostring(element, encoding="unicode")))


def html5(markup: str) -> str:
    """Drop the end tags of void elements from serialised HTML: libxml2's HTML serialiser
    predates HTML5's newer void elements and closes them (`</source>`), which HTML5 parsers
    report as stray end tags."""
    return _VOID_END.sub("", markup)


_VOID_END = re.compile(r"</(?:source|track|wbr)>")


def _srcset(renditions: list[Rendition]) -> str:
    return ", ".join(f"{r.href} {r.width}w" for r in renditions)
