"""The PDF writer: one HTML document per edition, laid out once by WeasyPrint, written twice.

`print` is the book as laid out: trim size, bleed and crop marks when asked, chapters on
recto pages, blank versos. `screen` is drawn from the same pages, since the layout is what
costs (writers/screen.py): the cover first, the blank versos left out, no bleed, links in
colour, margins made equal, tagged for screen readers. Its folios are the print edition's,
so a page cited from one is found in the other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pydyf
from lxml import etree, html
from weasyprint import HTML, Document
from weasyprint.urls import URLFetcher

from make_book.assets.fonts import font_files
from make_book.assets.renditions import print_source
from make_book.core.artifacts import Artifact
from make_book.core.editions import (
    Doc,
    Edition,
    back_matter,
    documents,
    series_line,
    series_parts,
)
from make_book.core.locales import ordinal_part
from make_book.core.model import Book, Chapter, Face, Image
from make_book.core.store import cache_dir
from make_book.writers import grid
from make_book.writers.common import (
    Linker,
    body_copy,
    copyright_lines,
    credits,
    inner_html,
    locale,
    matter_semantics,
    style_file,
    template_env,
)
from make_book.writers.context import BuildContext
from make_book.writers.fetcher import BookFetcher, book_url
from make_book.writers.hyphen_inline import mended
from make_book.writers.hyphenation import KEPT_CSS, Kept, keep_words
from make_book.writers.locators import anchor_pages, print_locators
from make_book.writers.pagination import (
    BlockRef,
    folio_labels,
    page_starts,
    roman_value,
    tag_blocks,
)
from make_book.writers.printing import (
    backgrounds_kept,
    geometry_css,
    gutter_css,
    print_document,
    print_options,
    stable_document_id,
)
from make_book.writers.screen import screen_layout, screen_options
from make_book.writers.settle import left_note, settle


def write(book: Book, edition: Edition, ctx: BuildContext,
          inputs: list[Artifact]) -> list[Artifact]:
    """Write `<slug>.pdf` (print) and `<slug>-screen.pdf` into ctx.staging from one layout
    of render_html's document, and return their records: the print one's carries where its
    pages start, for the EPUB's page list. A PDF builds on no other output: inputs is empty."""
    anchors: dict[str, BlockRef] = {}
    fetcher = BookFetcher(book.root, font_files(book))
    document = _layout(book, edition, ctx, anchors, fetcher, "")
    gutter, note = gutter_css(book, len(document.pages) + 1)  # + 1: the page an odd count adds
    if gutter:  # a thick book for its printer: laid out again with the wider gutter
        anchors.clear()
        del document  # freed before the next layout is made
        document = _layout(book, edition, ctx, anchors, fetcher, gutter)
    start = body_start(book, edition)

    def relayout(pages: dict[str, int] | None, kept: frozenset[Kept]) -> Document:
        anchors.clear()
        return _layout(book, edition, ctx, anchors, fetcher, gutter, pages, kept)

    # The index prints the page of each place: known once the pages are laid out, and the
    # index comes after them all, so laying it out again moves none of them.
    indexed = any(c.role == "index" for c in back_matter(book, edition))
    laid = [document]
    del document  # settle holds the only reference, and frees it when it lays out again
    document, left = settle(laid, relayout,
                            (lambda done: anchor_pages(done, start)) if indexed else None)
    labels = folio_labels(document, body_start(book, edition))
    notes = tuple(filter(None, [note, left_note(left, labels)]))
    breaks = page_starts(document, anchors, labels)
    options = {"uncompressed_pdf": False, "pdf_identifier": edition.identifier.encode(),
               "pdf_variant": book.config.pdf.variant}
    printed = ctx.staging / f"{edition.slug}.pdf"
    to_print = print_document(book, document, ctx.epoch)
    # The page an odd count adds at the end carries the next folio.
    printed_labels = labels + [str(int(labels[-1]) + 1) if labels[-1].isdigit() else ""
                               ] * (len(to_print.pages) - len(labels))
    with stable_document_id(options["pdf_identifier"]), backgrounds_kept(to_print):
        to_print.write_pdf(printed, finisher=page_labels(printed_labels),
                           **{**options, **print_options(book)})
    cover = HTML(string=cover_html(book, edition, ctx), base_url=str(book.root),
                 url_fetcher=fetcher).render(font_config=ctx.font_config, stylesheets=[])
    screen = ctx.staging / f"{edition.slug}-screen.pdf"
    on_screen = screen_layout(document, cover.pages)
    # The screen edition shows the print folios: a page cited from one is found in the other.
    shown = [locale(book)["cover"]] * len(cover.pages) + [
        label for page, label in zip(document.pages, labels, strict=True)
        if not page._page_box.page_type.blank]  # noqa: SLF001
    with stable_document_id(options["pdf_identifier"]):
        on_screen.write_pdf(screen, finisher=page_labels(shown),
                            **{**options, **screen_options(book.config.pdf.variant)})
    return [Artifact(edition.key, "pdf", "print", printed, len(to_print.pages), breaks, notes),
            Artifact(edition.key, "pdf", "screen", screen, len(on_screen.pages))]


def body_start(book: Book, edition: Edition) -> str | None:
    """The anchor of the edition's first part or chapter: where the arabic folios begin."""
    return next((doc.anchor for doc in documents(book, edition)
                 if doc.kind in ("part", "chapter")), None)


def page_labels(labels: list[str]) -> Callable[[object, pydyf.PDF], None]:
    """A WeasyPrint finisher writing /PageLabels, so that a viewer's « page 12 » is the
    folio 12: runs of roman (/r) and arabic (/D) numbers, other labels as prefixes (the
    cover)."""
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
            entry = pydyf.Dictionary({"S": style, "St": value} if style else
                                     {"P": pydyf.String(label)})
            nums += [index, entry]
        previous = (style, value)

    def finish(_document: object, pdf: pydyf.PDF) -> None:
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(nums)})

    return finish


def _layout(book: Book, edition: Edition, ctx: BuildContext, anchors: dict[str, BlockRef],
            fetcher: URLFetcher, extra_css: str, pages: dict[str, int] | None = None,
            kept: frozenset[Kept] = frozenset()) -> Document:
    """The edition laid out by WeasyPrint, `extra_css` after the stylesheet; `pages` (each
    marked place's page, from a first layout) gives the index its page numbers; the words
    of `kept` are not hyphenated."""
    source = render_html(book, edition, ctx, anchors, pages, extra_css, kept)
    with mended():
        return HTML(string=source, base_url=str(book.root), url_fetcher=fetcher).render(
            font_config=ctx.font_config, stylesheets=[], presentational_hints=True)


def cover_html(book: Book, edition: Edition, ctx: BuildContext) -> str:
    """The screen edition's first page: the edition's cover, bled off the page."""
    return template_env().get_template("pdf/cover.html").render(
        lang=book.config.lang, alt=locale(book)["cover"], width=book.config.pdf.width_mm,
        height=book.config.pdf.height_mm, cover=book_url(ctx.cover_for(edition), book.root),
        # The author's own cover is shown whole (never cropped), on the page's white.
        fit="contain" if edition.key in ctx.own_covers else "cover")


def render_html(book: Book, edition: Edition, ctx: BuildContext,
                anchors: dict[str, BlockRef] | None = None,
                pages: dict[str, int] | None = None, extra_css: str = "",
                kept: frozenset[Kept] = frozenset()) -> str:
    """The whole edition as one HTML document, ready for WeasyPrint; `pages` (each marked
    place's page, from a first layout) gives the index its page numbers, `extra_css` comes
    after the stylesheet (a printer's wider gutter); every paragraph's last word and the
    words of `kept` are kept whole (not hyphenated)."""
    t = locale(book)
    lang = book.config.lang
    docs = documents(book, edition)
    linker = Linker(docs, "", single_file=True)
    start = body_start(book, edition)
    rendered = []
    for doc in docs:
        chapter: Chapter | None = doc.text
        body = _pdf_body(book, chapter, linker, anchors, pages) if chapter is not None else None
        if anchors is not None and doc.kind == "part":
            # The part's own page (its title), which starts a printed page before its text.
            anchors[doc.part.key] = (doc.part.key, -1)
        hero = None
        if doc.kind == "part" and doc.part.hero is not None:
            hero = _hero(book, doc.part.hero)
        rendered.append({"kind": doc.kind, "title": doc.title, "part": doc.part,
                         "chapter": doc.chapter, "body": body, "hero": hero,
                         "start": doc.anchor == start, **matter_semantics(doc, t)})
    css = page_css(book, edition) + extra_css
    _fit_to_grid(book, ctx, css, rendered)
    for doc in rendered:
        doc["body"] = inner_html(doc["body"]) if doc["body"] is not None else ""
        doc["hero"] = _hero_html(doc["hero"]) if doc["hero"] is not None else None
    entries = _toc_entries(book, docs)
    config = book.config
    others = series_parts(book, edition)
    if others:
        entries.append({"kind": "series", "anchor": "series", "title": t["in_this_series"],
                        "ordinal": None, "forthcoming": False})
        if anchors is not None:  # the EPUB has the page too: its page list names it
            anchors["series"] = ("series", -1)
    return keep_words(template_env().get_template("pdf/book.html").render(
        lang=lang, t=t, edition=edition, docs=rendered, entries=entries,
        publisher=config.publisher, rights=config.rights, **credits(book),
        copyright=copyright_lines(book, edition, "pdf"),
        date=config.date, description=" ".join(p.summary for p in edition.parts if p.summary),
        keywords=", ".join(filter(None, [config.series, edition.title])),
        series_line=series_line(book, edition), series=others, colophon=ctx.colophon,
        toc_position=config.pdf.toc,
        cover=book_url(ctx.cover_for(edition), book.root),
        page_css=css), kept)


def _hero(book: Book, image: Image) -> html.HtmlElement:
    """A part's hero art, to be measured as a picture of its proportions (see grid.py)."""
    hero = html.Element("div", {"class": "hero"})
    etree.SubElement(hero, "img", {
        "src": book_url(print_source(image, cache_dir(book.root)), book.root),
        "width": str(image.width), "height": str(image.height), "alt": ""})
    return hero


def _hero_html(hero: html.HtmlElement) -> str:
    """The hero as drawn: decoration, so the picture is its background (an artifact, which
    a screen reader passes over), at the height the grid measured for it."""
    img = hero[0]
    hero.remove(img)
    style = f'background-image: url("{_css_string(img.get("src"))}"); ' + hero.get("style", "")
    hero.set("style", style.strip().removesuffix(";"))
    hero.set("role", "presentation")
    return html.tostring(hero, encoding="unicode")


def _fit_to_grid(book: Book, ctx: BuildContext, css: str,
                 rendered: list[dict[str, object]]) -> None:
    """Pad every figure and hero of the rendered documents to the text's line grid; the
    hero also gets the height its picture takes at the text's width."""
    blocks: list[tuple[str, html.HtmlElement]] = []
    for doc in rendered:
        if doc["hero"] is not None:
            blocks.append(("part-intro", doc["hero"]))
        if doc["body"] is not None:
            context = "part-intro" if doc["kind"] == "part" else "chapter"
            blocks += [(context, figure) for figure in doc["body"].iter("figure")]
    if not blocks:
        return
    fonts = font_files(book)
    fetcher = BookFetcher(book.root, fonts)
    sizes = grid.measure(blocks, css, book.config.lang, lambda source: HTML(
        string=source, base_url=str(book.root), url_fetcher=fetcher).render(
        font_config=ctx.font_config, stylesheets=[], presentational_hints=True),
        ctx.cache, fonts)
    for (_, block), size in zip(blocks, sizes, strict=True):
        if block.get("class") == "hero":
            # The picture's own height, which the background will be drawn at.
            picture = size.height - size.padding_top - size.padding_bottom
            block.set("style", f"height: {picture:.3f}pt")
        grid.fit(block, size)


def _toc_entries(book: Book, docs: list[Doc]) -> list[dict[str, object]]:
    """The table of contents: parts and chapters, and the front and back matter that has a
    title (a dedication or an epigraph is not listed)."""
    entries = []
    t = locale(book)
    for doc in docs:
        if doc.role is not None:
            semantics = matter_semantics(doc, t)
            if not semantics["untitled"]:
                entries.append({"kind": doc.kind, "anchor": doc.chapter.key,
                                "title": doc.title, "ordinal": semantics["label"],
                                "forthcoming": False})
        elif doc.kind == "part":
            entries.append({"kind": "part", "anchor": doc.part.key, "title": doc.title,
                            "ordinal": ordinal_part(book.config.lang, doc.part.number),
                            "forthcoming": doc.part.forthcoming})
        else:
            entries.append({"kind": "chapter", "anchor": doc.chapter.key, "title": doc.title,
                            "ordinal": None, "forthcoming": False})
    return entries


def _pdf_body(book: Book, chapter: Chapter, linker: Linker,
              anchors: dict[str, BlockRef] | None,
              pages: dict[str, int] | None = None) -> html.HtmlElement:
    """A body for print: images as file URIs, each note moved to its call, blocks anchored
    so that page starts can be found after layout, the index's locators page numbers."""
    body = body_copy(chapter.body, "pdf")
    if chapter.meta.get("role") == "index":
        print_locators(body, pages)
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
    return body


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
    if book.fonts is None:
        fonts = "\n".join(_font_face(font) for font in font_files(book))
    else:
        fonts = "\n".join(_role_font_face(face) for face in book.fonts)
    geometry = geometry_css(book) + f"""
:root {{ --book-title: "{_css_string(book.config.title)}"; }}
"""
    running = f"""
@page :left {{ @top-left {{ content: "{_css_string(edition.title)}"; }} }}
"""
    if book.fonts is not None and any(face.role == "mono" for face in book.fonts):
        running += 'code, pre, kbd { font-family: "Book Mono", monospace; }\n'
    return (fonts + geometry + style_file(book, "pdf.css").read_text(encoding="utf-8")
            + running + FOLIOS + KEPT_CSS)


# The text's folios start at 1 on its first page (a part's or a chapter's), the pages before
# it being front matter: the page counter is reset on the first page of that one element,
# which gets a page name of its own for it (WeasyPrint resets counters in page rules, not on
# elements), keeping the looks of a part page or a chapter opening. Here, not in pdf.css, so
# that a project's own pdf.css keeps the book's numbering.
FOLIOS = """
.part-page.body-start { page: first-part; }
.chapter.body-start, .matter.body-start { page: first-chapter; }
@page first-part { @top-left { content: none; } @top-right { content: none; }
  @bottom-left { content: none; } @bottom-right { content: none; } }
@page :nth(1 of first-part), :nth(1 of first-chapter) { counter-reset: page 1; }
@page :nth(1 of first-chapter) { @top-left { content: none; } @top-right { content: none; } }
"""


def _font_face(font: Path) -> str:
    name = font.stem
    family = "Book Sans" if "Sans" in name else (
        "Book Display" if "Display" in name else "Book Serif")
    style = "italic" if name.endswith(("It", "Italic")) else "normal"
    weight = 600 if "Semibold" in name else (700 if "Bold" in name else 400)
    return (f'@font-face {{ font-family: "{family}"; font-style: {style}; '
            f'font-weight: {weight}; src: url("{font.as_uri()}"); }}')


# pdf.css's families by role of [fonts].
PDF_FAMILIES = {"body": "Book Serif", "display": "Book Display", "sans": "Book Sans",
                "mono": "Book Mono"}


def _role_font_face(face: Face) -> str:
    """The @font-face rule of one face of [fonts], under the family pdf.css names."""
    return (f'@font-face {{ font-family: "{PDF_FAMILIES[face.role]}"; font-style: '
            f'{"italic" if face.italic else "normal"}; font-weight: {face.weight}; '
            f'src: url("{face.path.as_uri()}"); }}')


def _css_string(text: str) -> str:
    # Also keeps `</style>` out of the inline stylesheet: `<` is written as a CSS escape, and
    # so is every control character: a raw newline would end the string and let a title
    # write CSS of its own.
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\{ord(m.group()):x} ", text)
