"""The PDF writer: one HTML document per edition, laid out once by WeasyPrint, written twice.

`print` is the book as laid out: trim size, bleed and crop marks when asked, chapters on
recto pages, blank versos. `screen` is drawn from the same pages, since the layout is what
costs: the cover first, the blank versos left out, no bleed, links in colour. Its folios are
the print edition's, so a page cited from one is found in the other.
"""

from __future__ import annotations

import copy
import mimetypes
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlparse
from urllib.request import url2pathname

from lxml import html
from tinycss2.color5 import parse_color
from weasyprint import HTML, Document, Page
from weasyprint.urls import URLFetcher, URLFetcherResponse

from make_book.assets.fonts import font_files
from make_book.assets.renditions import print_source
from make_book.core.artifacts import Artifact
from make_book.core.editions import Doc, Edition, documents
from make_book.core.files import PACKAGE_STYLES
from make_book.core.locales import ordinal_part
from make_book.core.model import Book, Chapter
from make_book.core.store import cache_dir
from make_book.writers.common import Linker, body_copy, inner_html, locale, style_file, template_env
from make_book.writers.context import BuildContext
from make_book.writers.pagination import BlockRef, page_starts, tag_blocks
from make_book.writers.printing import (
    backgrounds_kept,
    geometry_css,
    gutter_css,
    print_document,
    print_options,
    stable_document_id,
)

# The screen edition's link colour: the web edition's accent.
SCREEN_LINK = "#7a3a22"
# Links that keep the text's colour on screen: cross-references and the table of contents
# read as text, and their page number says where they lead.
PLAIN_LINKS = ("xref", "toc-link")


def write(book: Book, edition: Edition, ctx: BuildContext,
          inputs: list[Artifact]) -> list[Artifact]:
    """Write `<slug>.pdf` (print) and `<slug>-screen.pdf` into ctx.staging from one layout
    of render_html's document, and return their records: the print one's carries where its
    pages start, for the EPUB's page list. A PDF builds on no other output: inputs is empty."""
    anchors: dict[str, BlockRef] = {}
    fetcher = BookFetcher(book.root)
    document = _layout(book, edition, ctx, anchors, fetcher, "")
    gutter, note = gutter_css(book, len(document.pages) + 1)  # + 1: the page an odd count adds
    if gutter:  # a thick book for its printer: laid out again with the wider gutter
        anchors.clear()
        document = _layout(book, edition, ctx, anchors, fetcher, gutter)
    breaks = page_starts(document, anchors)
    options = {"uncompressed_pdf": False, "pdf_identifier": edition.identifier.encode(),
               "pdf_variant": book.config.pdf.variant}
    printed = ctx.staging / f"{edition.slug}.pdf"
    to_print = print_document(book, document, ctx.epoch)
    with stable_document_id(options["pdf_identifier"]), backgrounds_kept(to_print):
        to_print.write_pdf(printed, **{**options, **print_options(book)})
    cover = HTML(string=cover_html(book, edition, ctx), base_url=str(book.root),
                 url_fetcher=fetcher).render(font_config=ctx.font_config, stylesheets=[])
    screen = ctx.staging / f"{edition.slug}-screen.pdf"
    on_screen = screen_document(document, cover.pages)
    on_screen.write_pdf(screen, **options)
    return [Artifact(edition.key, "pdf", "print", printed, len(to_print.pages), breaks,
                     (note,) if note else ()),
            Artifact(edition.key, "pdf", "screen", screen, len(on_screen.pages))]


def _layout(book: Book, edition: Edition, ctx: BuildContext, anchors: dict[str, BlockRef],
            fetcher: URLFetcher, extra_css: str) -> Document:
    """The edition laid out by WeasyPrint, `extra_css` after the stylesheet."""
    source = render_html(book, edition, ctx, anchors, extra_css)
    return HTML(string=source, base_url=str(book.root), url_fetcher=fetcher).render(
        font_config=ctx.font_config, stylesheets=[], presentational_hints=True)


def screen_document(document: Document, cover: list[Page]) -> Document:
    """The print layout as the screen edition: cover pages first, no blank page, no bleed,
    no crop marks, links in colour. Drawing reads the boxes again, so restyling them after
    the print PDF is written changes only what comes next."""
    colour = parse_color(SCREEN_LINK)
    pages = []
    for page in document.pages:
        box = page._page_box  # noqa: SLF001 - what WeasyPrint knows of a page
        if box.page_type.blank:
            continue
        if box.style["marks"]:
            box.style = box.style.copy()
            box.style["marks"] = ()  # the computed value of `marks: none`
        _colour_links(box, colour)
        trimmed = copy.copy(page)
        trimmed.bleed = dict.fromkeys(page.bleed, 0)
        pages.append(trimmed)
    return document.copy(cover + pages)


def _colour_links(page_box: object, colour: object) -> None:
    done: set[int] = set()
    for box in page_box.descendants():
        element = getattr(box, "element", None)
        if (getattr(box, "element_tag", None) != "a" or element is None
                or not element.get("href") or id(box) in done
                or set((element.get("class") or "").split()) & set(PLAIN_LINKS)):
            continue
        for inner in box.descendants():
            if id(inner) not in done and hasattr(inner, "style"):
                done.add(id(inner))
                inner.style = inner.style.copy()  # a style may be shared with other boxes
                inner.style["color"] = colour


def cover_html(book: Book, edition: Edition, ctx: BuildContext) -> str:
    """The screen edition's first page: the edition's cover, bled off the page."""
    return template_env().get_template("pdf/cover.html").render(
        lang=book.config.lang, alt=locale(book)["cover"], width=book.config.pdf.width_mm,
        height=book.config.pdf.height_mm, cover=book_url(ctx.cover_for(edition), book.root))


def render_html(book: Book, edition: Edition, ctx: BuildContext,
                anchors: dict[str, BlockRef] | None = None, extra_css: str = "") -> str:
    """The whole edition as one HTML document, ready for WeasyPrint."""
    t = locale(book)
    lang = book.config.lang
    docs = documents(book, edition)
    linker = Linker(docs, "", single_file=True)
    rendered = []
    for doc in docs:
        chapter: Chapter | None = doc.chapter if doc.kind == "chapter" else doc.part.intro
        body = _pdf_body(book, chapter, linker, anchors) if chapter is not None else ""
        hero = None
        if doc.kind == "part" and doc.part.hero is not None:
            hero = book_url(print_source(doc.part.hero, cache_dir(book.root)), book.root)
        rendered.append({"kind": doc.kind, "title": doc.title, "part": doc.part,
                         "chapter": doc.chapter, "body": body, "hero": hero})
    entries = _toc_entries(book, docs)
    config = book.config
    series_line = None
    if config.series and edition.is_volume:
        series_line = t["series_volume"].format(series=config.series, number=edition.number,
                                                total=len(book.parts))
    return template_env().get_template("pdf/book.html").render(
        lang=lang, t=t, edition=edition, docs=rendered, entries=entries,
        authors=config.authors, publisher=config.publisher, rights=config.rights,
        date=config.date, description=" ".join(p.summary for p in edition.parts if p.summary),
        keywords=", ".join(filter(None, [config.series, edition.title])),
        series_line=series_line, colophon=ctx.colophon, toc_position=config.pdf.toc,
        cover=book_url(ctx.cover_for(edition), book.root),
        page_css=page_css(book, edition) + extra_css)


def _toc_entries(book: Book, docs: list[Doc]) -> list[dict[str, object]]:
    entries = []
    for doc in docs:
        if doc.kind == "part":
            entries.append({"kind": "part", "anchor": doc.part.key, "title": doc.title,
                            "ordinal": ordinal_part(book.config.lang, doc.part.number),
                            "forthcoming": doc.part.forthcoming})
        else:
            entries.append({"kind": "chapter", "anchor": doc.chapter.key, "title": doc.title,
                            "ordinal": None, "forthcoming": False})
    return entries


def _pdf_body(book: Book, chapter: Chapter, linker: Linker,
              anchors: dict[str, BlockRef] | None) -> str:
    """A body for print: images as file URIs, each note moved to its call, blocks anchored
    so that page starts can be found after layout."""
    body = body_copy(chapter.body)
    linker.relink(body)
    if anchors is not None:
        tag_blocks(body, chapter.key, anchors)
        anchors[chapter.key] = (chapter.key, -1)
    for img in body.iter("img"):
        name = img.get("src", "").removeprefix("images/")
        image = next((i for i in book.images.values() if i.name == name), None)
        if image is not None:
            img.set("src", book_url(print_source(image, cache_dir(book.root)), book.root))
    notes = {n.id: n for n in chapter.notes}
    for call in list(body.find_class("noteref")):
        note = notes.get(call.get("href", "").split("#")[-1])
        if note is None:
            continue
        call.getparent().replace(call, _footnote(note.body, linker, call.tail))
    for link in body.iter("a"):
        if link.get("href", "").startswith(("http://", "https://")):
            link.set("class", (link.get("class", "") + " url").strip())
    return inner_html(body)


def _footnote(note_body: html.HtmlElement, linker: Linker, tail: str | None) -> html.HtmlElement:
    """`<span class="footnote">`: WeasyPrint floats it to the foot of the call's page.
    Paragraphs become spans, since a block inside a <p> would be split off by the parser."""
    span = html.Element("span", {"class": "footnote"})
    note = body_copy(note_body)
    linker.relink(note)
    span.text = note.text
    for child in note:
        if child.tag == "p":
            child.tag = "span"
            child.set("class", "note-para")
        span.append(child)
    span.tail = tail
    return span


def page_css(book: Book, edition: Edition) -> str:
    """The stylesheet: fonts from their files, page geometry from book.toml, then pdf.css."""
    fonts = "\n".join(_font_face(font) for font in font_files(book))
    geometry = geometry_css(book) + f"""
:root {{ --book-title: "{_css_string(book.config.title)}"; }}
"""
    running = f"""
@page :left {{ @top-left {{ content: "{_css_string(edition.title)}"; }} }}
"""
    return fonts + geometry + style_file(book, "pdf.css").read_text(encoding="utf-8") + running


def _font_face(font: Path) -> str:
    name = font.stem
    family = "Book Sans" if "Sans" in name else (
        "Book Display" if "Display" in name else "Book Serif")
    style = "italic" if name.endswith(("It", "Italic")) else "normal"
    weight = 600 if "Semibold" in name else (700 if "Bold" in name else 400)
    return (f'@font-face {{ font-family: "{family}"; font-style: {style}; '
            f'font-weight: {weight}; src: url("{font.as_uri()}"); }}')


def _css_string(text: str) -> str:
    # Also keeps `</style>` out of the inline stylesheet: `<` is written as a CSS escape, and
    # so is every control character: a raw newline would end the string and let a title
    # write CSS of its own.
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\{ord(m.group()):x} ", text)


BOOK_URL = "book:/"


def book_url(path: Path, root: Path) -> str:
    """`book:/<path inside the project>` for a file of the project, else its file:// URI.
    WeasyPrint names each image in the PDF after the md5 of its URL: a file:// URL would
    make two builds of one manuscript in two folders differ."""
    try:
        return BOOK_URL + quote(path.resolve().relative_to(root.resolve()).as_posix())
    except ValueError:
        return path.as_uri()


class BookFetcher(URLFetcher):
    """What WeasyPrint may load: files of the project (by `book:/` URL or file://) and
    make-book's own styles and fonts. Nothing from the network, no other file: a refused
    URL is a WeasyPrint warning, never a request."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.root = root.resolve()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith(BOOK_URL):
            path = (self.root / unquote(url[len(BOOK_URL):])).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        elif url.startswith("data:"):
            return super().fetch(url, headers)  # self-contained: the stylesheet's own rules
        elif url.startswith("file:"):
            path = Path(url2pathname(urlparse(url).path)).resolve()
            if path.is_relative_to(self.root) or path.is_relative_to(PACKAGE_STYLES):
                return super().fetch(url, headers)
        raise ValueError(f"make-book loads nothing from outside the book: {url}")
