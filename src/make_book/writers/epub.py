"""The EPUB 3 writer: our own XHTML through Jinja2, EbookLib for the container and metadata."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from ebooklib import epub
from lxml import html

from make_book.assets.font_usage import font_usage
from make_book.assets.fonts import epub_font_css, font_files, font_licences, without_faces
from make_book.assets.renditions import Rendition, epub_cover, epub_rendition
from make_book.assets.subset import cached_subset, css_features
from make_book.core.artifacts import Artifact, PageBreaks, find
from make_book.core.editions import Doc, Edition, documents, series_line, series_parts
from make_book.core.files import COMPRESSED_SUFFIXES
from make_book.core.model import Book, Chapter, Element
from make_book.core.names import stable_uuid
from make_book.writers.common import (
    Linker,
    body_copy,
    copyright_lines,
    credits,
    inner_xhtml,
    kept_notes,
    locale,
    matter_semantics,
    style_file,
    template_env,
)
from make_book.writers.context import BuildContext
from make_book.writers.pagination import insert_markers, label_order

EPUB_NS = "http://www.idpf.org/2007/ops"
FONT_TYPES = {".otf": "font/otf", ".ttf": "font/ttf", ".woff2": "font/woff2"}


def write(book: Book, edition: Edition, ctx: BuildContext,
          inputs: list[Artifact]) -> list[Artifact]:
    """Write `<slug>.epub` into ctx.staging and return its record; the print PDF of the
    edition, when among inputs, gives the EPUB the print edition's page numbers."""
    printed = find(inputs, edition.key, "pdf", "print")
    breaks: PageBreaks = (printed.page_breaks or {}) if printed is not None else {}
    env = template_env()
    t = locale(book)
    lang = book.config.lang
    docs = documents(book, edition)
    linker = Linker(docs, ".xhtml")
    ebook = epub.EpubBook()
    _metadata(ebook, book, edition, ctx)
    common = {"lang": lang, "t": t, "edition": edition}

    cover = ctx.cover_for(edition)
    ebook.add_item(_item("cover-image", f"images/{cover.name}", "image/jpeg",
                         epub_cover(cover, ctx.cache).read_bytes(), ["cover-image"]))
    ebook.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    spine = []
    cover_page = _page(env, "cover", "cover.xhtml", "epub/cover.xhtml",
                       page_title=edition.title, cover_name=cover.name,
                       cover_alt=f"{t['cover']} : {edition.title}" if lang.startswith("fr")
                       else f"{t['cover']}: {edition.title}", **common)
    spine.append(cover_page)
    title_page = _page(env, "titlepage", "titlepage.xhtml", "epub/titlepage.xhtml",
                       page_title=edition.title, series_line=series_line(book, edition),
                       publisher=book.config.publisher, **credits(book),
                       copyright=copyright_lines(book, edition, "epub"),
                       rights=book.config.rights, date=book.config.date,
                       colophon=ctx.colophon, **common)
    spine.append(title_page)

    renditions = {image.name: epub_rendition(image, ctx.cache)
                  for image in ctx.images_for(edition)}
    toc_entries = []
    ncx: list = []
    chapter_pages = []
    for doc in docs:
        page = _render_doc(env, book, doc, linker, common, breaks, renditions)
        chapter_pages.append(page)
        if doc.kind == "part":
            part = doc.part
            entry = {"href": page.file_name, "title": doc.title, "children": [],
                     "forthcoming": part.forthcoming}
            toc_entries.append(entry)
            label = doc.title + (f" — {t['forthcoming']}" if part.forthcoming else "")
            ncx.append([epub.Section(label, page.file_name), []])
        else:
            label = matter_semantics(doc, t)["label"]
            link = {"href": page.file_name, "title": f"{label} : {doc.title}" if label and
                    lang.startswith("fr") else f"{label}: {doc.title}" if label else doc.title}
            if toc_entries and doc.part is not None and not doc.part.implicit:
                toc_entries[-1]["children"].append(link)
                ncx[-1][1].append(epub.Link(page.file_name, link["title"], doc.anchor))
            else:
                toc_entries.append({**link, "children": [], "forthcoming": False})
                ncx.append(epub.Link(page.file_name, link["title"], doc.anchor))
    others = series_parts(book, edition)
    if others:
        # The other volumes and the forthcoming ones, after the text: never a placeholder.
        page = _page(env, "series-page", "series.xhtml", "epub/series.xhtml",
                     page_title=t["in_this_series"], parts=others,
                     title_pages=[label for label, _ in breaks.get("series", [])], **common)
        chapter_pages.append(page)
        toc_entries.append({"href": page.file_name, "title": t["in_this_series"],
                            "children": [], "forthcoming": False})
        ncx.append(epub.Link(page.file_name, t["in_this_series"], "series"))
    page_list = _page_list(breaks, linker, {"series": "series.xhtml"} if others else {})
    if page_list:
        # The page numbers come from the print PDF of the same build: name it as their source.
        source = stable_uuid(edition.identifier, "print")
        ebook.add_metadata("DC", "source", source, {"id": "print-source"})
        ebook.add_metadata(None, "meta", "pagination",
                           {"refines": "#print-source", "property": "source-of"})
        ebook.add_metadata(None, "meta", source, {"property": "pageBreakSource"})
        for feature in ("pageBreakMarkers", "pageNavigation"):
            ebook.add_metadata(None, "meta", feature, {"property": "schema:accessibilityFeature"})
    # The bibliography and the index, found by a reader's « go to » menu.
    back = [{"role": d.chapter.role, "href": p.file_name, "title": d.title}
            for d, p in zip(docs, chapter_pages[:len(docs)], strict=True)
            if d.chapter is not None and d.chapter.role in ("bibliography", "index")]
    nav = _page(env, "nav", "nav.xhtml", "epub/nav.xhtml", page_title=t["contents"],
                toc=toc_entries,
                bodymatter=chapter_pages[_first_text(docs)].file_name, page_list=page_list,
                back_landmarks=back, **common)
    nav.properties = ["nav"]
    spine.append(nav)
    spine.extend(chapter_pages)
    for page in spine:
        ebook.add_item(page)
    ebook.spine = spine
    ebook.toc = [tuple(entry) if isinstance(entry, list) else entry for entry in ncx]
    ebook.add_item(epub.EpubNcx())

    css = style_file(book, "epub.css").read_text("utf-8")
    if book.fonts is not None:  # [fonts]: the sheet's own @font-face rules give way
        css = epub_font_css(book.fonts, css)
    # Each font cut down to the characters it sets in these pages; a face no page sets is
    # not shipped, nor its @font-face rule (a reading system would look for the file).
    usage = font_usage([page.content for page in spine], css)
    fonts = [f for f in font_files(book) if f.suffix in FONT_TYPES and f.name in usage.text]
    css = without_faces(css, {f.name for f in fonts})
    ebook.add_item(_item("css", "css/epub.css", "text/css", css.encode("utf-8")))
    features = css_features(css)
    for font in fonts:
        subset = cached_subset(font, usage.text[font.name], features, ctx.cache)
        ebook.add_item(_item(f"font-{font.stem}", f"fonts/{font.name}",
                             FONT_TYPES[font.suffix], subset.read_bytes()))
    for licence in font_licences(book):
        # The OFL asks that the licence travel with the fonts; it is not a publication
        # resource, so it sits outside the manifest, next to the fonts.
        ebook.add_item(epub.EpubItem(uid=None, file_name=f"EPUB/fonts/{licence.name}",
                                     content=licence.read_bytes(), manifest=False))
    for name, rendition in renditions.items():
        ebook.add_item(_item(f"img-{name}", f"images/{name}", rendition.media_type,
                             rendition.read_bytes()))

    out = ctx.staging / f"{edition.slug}.epub"
    buffer = io.BytesIO()
    mtime = dt.datetime.fromtimestamp(ctx.epoch, dt.UTC).replace(tzinfo=None)
    # compresslevel 0: normalise_zip compresses once, what is worth compressing.
    writer = _Writer(buffer, ebook, {"mtime": mtime, "raise_exceptions": True,
                                     "epub3_pages": False, "epub3_landmark": False,
                                     "compresslevel": 0})
    writer.lang = lang
    writer.process()
    writer.write()
    out.write_bytes(normalise_zip(buffer.getvalue(), ctx.epoch))
    return [Artifact(edition.key, "epub", None, out)]


def _first_text(docs: list[Doc]) -> int:
    """The index of the first document past the front matter: the bodymatter landmark."""
    return next((i for i, doc in enumerate(docs) if doc.kind != "front"), 0)


def _page_list(breaks: PageBreaks, linker: Linker,
               pages: dict[str, str]) -> list[dict[str, object]]:
    """The nav's page-list: an entry per page the print edition starts, in page order;
    `pages` names the files of the pages no chapter holds (the series page)."""
    entries: list[dict[str, object]] = []
    for key, marks in breaks.items():
        page = pages.get(key) or linker.href(key)
        if page is None:
            continue
        page = page.split("#")[0]
        entries += [{"href": f"{page}#page-{label}", "label": label, "n": label_order(label)}
                    for label, _ in marks]
    return sorted(entries, key=lambda e: e["n"])


def _metadata(ebook: epub.EpubBook, book: Book, edition: Edition, ctx: BuildContext) -> None:
    config = book.config
    ebook.set_identifier(edition.identifier)
    ebook.set_title(edition.title)
    ebook.set_language(config.lang)
    # Each person with the MARC relator of what they did; a book that names no one is
    # credited to its publisher, as a corporate author.
    creators = config.authors or ((config.publisher,) if config.publisher else ())
    for index, author in enumerate(creators, 1):
        ebook.add_author(author, role="aut", uid=f"creator{index}")
    contributors = [(name, "trl") for name in config.translators] + [
        (name, "edt") for name in config.editors] + [
        (name, "ill") for name in config.illustrators]
    for index, (name, role) in enumerate(contributors, 1):
        ebook.add_metadata("DC", "contributor", name, {"id": f"contributor{index}"})
        ebook.add_metadata(None, "meta", role, {"refines": f"#contributor{index}",
                                                "property": "role", "scheme": "marc:relators"})
    if config.publisher:
        ebook.add_metadata("DC", "publisher", config.publisher)
    if config.date:
        ebook.add_metadata("DC", "date", config.date)
    if config.rights:
        ebook.add_metadata("DC", "rights", config.rights)
    description = _description(book, edition)
    if description:
        ebook.add_metadata("DC", "description", description)
    if config.series and config.is_series:
        _series_metadata(ebook, config.series, edition)
    for prop, value in ACCESSIBILITY:
        ebook.add_metadata(None, "meta", value, {"property": prop})
    # The summary is read to the book's reader: in the book's language.
    ebook.add_metadata(None, "meta", locale(book)["accessibility_summary"],
                       {"property": "schema:accessibilitySummary"})
    ebook.add_metadata(None, "meta", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA",
                       {"property": "dcterms:conformsTo"})
    if config.accessibility_evaluator:
        # Who evaluated the book against that claim: a person or body named in book.toml,
        # never the software that made it.
        ebook.add_metadata(None, "meta", config.accessibility_evaluator,
                           {"property": "a11y:certifiedBy"})


def _series_metadata(ebook: epub.EpubBook, series: str, edition: Edition) -> None:
    """The series a volume or the omnibus belongs to, in EPUB 3's collection metadata and in
    Calibre's. A volume has its number; the omnibus, which holds several, has no EPUB
    group-position (a single number would misplace it) and for Calibre, which needs one,
    the number of the first volume it collects: shelved with the run it opens, as stores
    list an omnibus « 1-3 » from its first number."""
    ebook.add_metadata(None, "meta", series,
                       {"property": "belongs-to-collection", "id": "series"})
    ebook.add_metadata(None, "meta", "series",
                       {"property": "collection-type", "refines": "#series"})
    if edition.is_volume:
        ebook.add_metadata(None, "meta", str(edition.number),
                           {"property": "group-position", "refines": "#series"})
    index = edition.number if edition.is_volume else min(
        (p.number for p in edition.parts if not p.forthcoming), default=1)
    ebook.add_metadata(None, "meta", "", {"name": "calibre:series", "content": series})
    ebook.add_metadata(None, "meta", "", {"name": "calibre:series_index", "content": str(index)})


ACCESSIBILITY = [
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "visual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
]


def _description(book: Book, edition: Edition) -> str | None:
    if book.config.description and not edition.is_volume:
        return book.config.description
    summaries = [p.summary for p in edition.parts if p.summary]
    return " ".join(summaries) if summaries else None




def _render_doc(env, book: Book, doc: Doc, linker: Linker, common: dict,
                breaks: PageBreaks, renditions: dict[str, Rendition]) -> epub.EpubItem:
    chapter: Chapter | None = doc.text
    body_xhtml, notes_xhtml = "", ""
    if chapter is not None:
        body = body_copy(chapter.body, "epub")
        linker.relink(body)
        marks = breaks.get(chapter.key)
        if marks:
            insert_markers(body, marks)
        # After the markers: the print body, which they were counted in, has its <hr>.
        asterisms(body)
        rendition_sizes(body, renditions)
        body_xhtml = _epub_types(inner_xhtml(body))
        notes = []
        for note in kept_notes(chapter.notes, body):
            note_body = body_copy(note.body)
            linker.relink(note_body)
            notes.append({"id": note.id, "number": note.number, "ref_id": note.ref_id,
                          "html": _epub_types(inner_xhtml(note_body))})
        notes_xhtml = env.get_template("epub/notes.xhtml").render(notes=notes, **common)
    if doc.kind == "part":
        hero = doc.part.hero
        return _page(env, "x" + doc.stem, f"{doc.stem}.xhtml", "epub/part.xhtml",
                     page_title=doc.title, part=doc.part, hero=hero,
                     title_pages=[label for label, _ in breaks.get(doc.part.key, [])],
                     hero_size=_size(renditions[hero.name]) if hero is not None
                     and hero.name in renditions else None, body=body_xhtml,
                     notes=notes_xhtml, **common)
    # Manifest ids must be XML names: the file stems start with digits, hence the "x".
    return _page(env, "x" + doc.stem, f"{doc.stem}.xhtml", "epub/chapter.xhtml",
                 page_title=doc.title, chapter=chapter, body=body_xhtml, notes=notes_xhtml,
                 **matter_semantics(doc, common["t"]), **common)


def _size(rendition: Rendition) -> tuple[int, int]:
    return rendition.width, rendition.height


def rendition_sizes(body: Element, renditions: dict[str, Rendition]) -> None:
    """Give each <img> the width and height of the file the EPUB carries (its rendition,
    not the source): a reading system reserves that box before the picture loads."""
    for img in body.iter("img"):
        rendition = renditions.get(img.get("src", "").removeprefix("images/"))
        if rendition is not None and rendition.width and rendition.height:
            img.set("width", str(rendition.width))
            img.set("height", str(rendition.height))


def asterisms(body: Element) -> None:
    """Make each section break (<hr>) an asterism written in the text: three asterisks,
    one over two, centred. Generated content (hr::after) is what older reading systems drop,
    leaving a bare rule or nothing; the book's fonts have no ⁂ (U+2042), and asterisks set in
    them keep the break in the book's face. role="separator" keeps what <hr> told assistive
    technologies, without the asterisks read out one by one."""
    for rule in list(body.iter("hr")):
        mark = html.Element("p", {"class": "asterism", "role": "separator"})
        mark.text = "*"
        mark.append(html.Element("br"))
        mark[0].tail = "*\u2003*"
        mark.tail = rule.tail
        rule.getparent().replace(rule, mark)


def _epub_types(markup: str) -> str:
    """Give note calls their EPUB semantics, and `data-epub-type` (the index's) its name.
    Done on the serialised text because lxml's HTML elements cannot carry a prefixed
    attribute name such as `epub:type`."""
    markup = markup.replace(' data-epub-type="', ' epub:type="')
    return markup.replace('class="noteref"', 'class="noteref" epub:type="noteref" '
                          'role="doc-noteref"').replace('<span class="pagebreak" ',
                                                        '<span class="pagebreak" '
                                                        'epub:type="pagebreak" ')


def _page(env, uid: str, file_name: str, template: str, **values) -> epub.EpubItem:
    content = env.get_template(template).render(**values).encode("utf-8")
    item = epub.EpubItem(uid=uid, file_name=file_name, media_type="application/xhtml+xml",
                         content=content)
    item.properties = []
    return item


def _item(uid: str, file_name: str, media_type: str, content: bytes,
          properties: list[str] | None = None) -> epub.EpubItem:
    item = epub.EpubItem(uid=uid, file_name=file_name, media_type=media_type, content=content)
    item.properties = properties or []
    return item


class _Writer(epub.EpubWriter):
    """EbookLib's writer, plus the package's `xml:lang` that Ace requires (EbookLib has no
    option for it)."""

    lang = "en"

    def _write_opf_file(self, root) -> None:  # noqa: ANN001
        root.set("{http://www.w3.org/XML/1998/namespace}lang", self.lang)
        super()._write_opf_file(root)


def normalise_zip(data: bytes, epoch: int) -> bytes:
    """Rewrite the container for identical bytes at every build: `mimetype` first and
    stored, then every entry in name order with one fixed timestamp; images and compressed
    fonts stored as they are, the rest deflated."""
    stamp = dt.datetime.fromtimestamp(max(epoch, 315532800), dt.UTC).timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(n for n in source.namelist() if n != "mimetype")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        info = zipfile.ZipInfo("mimetype", stamp)
        info.compress_type = zipfile.ZIP_STORED
        target.writestr(info, source.read("mimetype"))
        for name in names:
            info = zipfile.ZipInfo(name, stamp)
            stored = Path(name).suffix.lower() in COMPRESSED_SUFFIXES
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name), compresslevel=None if stored else 9)
    return out.getvalue()
