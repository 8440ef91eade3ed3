"""The EPUB 3 writer: our own XHTML through Jinja2, EbookLib for the container and metadata."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from ebooklib import epub

from make_book.assets.fonts import epub_font_css, font_files, font_licences
from make_book.core.artifacts import Artifact, PageBreaks, find
from make_book.core.editions import Doc, Edition, documents, series_line, series_parts
from make_book.core.files import COMPRESSED_SUFFIXES
from make_book.core.model import Book, Chapter
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
    ebook.add_item(_item("cover-image", f"images/{cover.name}", "image/jpeg", cover.read_bytes(),
                         ["cover-image"]))
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

    toc_entries = []
    ncx: list = []
    chapter_pages = []
    for doc in docs:
        page = _render_doc(env, book, doc, linker, common, breaks)
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
                     page_title=t["in_this_series"], parts=others, **common)
        chapter_pages.append(page)
        toc_entries.append({"href": page.file_name, "title": t["in_this_series"],
                            "children": [], "forthcoming": False})
        ncx.append(epub.Link(page.file_name, t["in_this_series"], "series"))
    page_list = _page_list(breaks, linker)
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

    css = style_file(book, "epub.css").read_bytes()
    if book.fonts is not None:  # [fonts]: the sheet's own @font-face rules give way
        css = epub_font_css(book.fonts, css.decode("utf-8")).encode("utf-8")
    ebook.add_item(_item("css", "css/epub.css", "text/css", css))
    for font in font_files(book):
        if font.suffix in FONT_TYPES:
            ebook.add_item(_item(f"font-{font.stem}", f"fonts/{font.name}",
                                 FONT_TYPES[font.suffix], ctx.font_bytes(font)))
    for licence in font_licences(book):
        # The OFL asks that the licence travel with the fonts; it is not a publication
        # resource, so it sits outside the manifest, next to the fonts.
        ebook.add_item(epub.EpubItem(uid=None, file_name=f"EPUB/fonts/{licence.name}",
                                     content=licence.read_bytes(), manifest=False))
    for image in ctx.images_for(edition):
        ebook.add_item(_item(f"img-{image.name}", f"images/{image.name}", image.media_type,
                             ctx.epub_image_bytes(image)))

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


def _page_list(breaks: PageBreaks, linker: Linker) -> list[dict[str, object]]:
    """The nav's page-list: an entry per page the print edition starts, in page order."""
    entries: list[dict[str, object]] = []
    for key, marks in breaks.items():
        page = linker.href(key)
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
    if config.series and edition.is_volume:
        total = str(len(book.parts))
        ebook.add_metadata(None, "meta", config.series,
                           {"property": "belongs-to-collection", "id": "series"})
        ebook.add_metadata(None, "meta", "series",
                           {"property": "collection-type", "refines": "#series"})
        ebook.add_metadata(None, "meta", str(edition.number),
                           {"property": "group-position", "refines": "#series"})
        ebook.add_metadata(None, "meta", "", {"name": "calibre:series", "content": config.series})
        ebook.add_metadata(None, "meta", "", {"name": "calibre:series_index",
                                              "content": str(edition.number)})
        del total
    for prop, value in ACCESSIBILITY:
        ebook.add_metadata(None, "meta", value, {"property": prop})
    ebook.add_metadata(None, "meta", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA",
                       {"property": "dcterms:conformsTo"})
    ebook.add_metadata(None, "meta", "make-book", {"property": "a11y:certifiedBy"})


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
    ("schema:accessibilitySummary",
     "Reflowable text with structured headings, a navigable table of contents, "
     "descriptions for every image and no hazards."),
]


def _description(book: Book, edition: Edition) -> str | None:
    if book.config.description and not edition.is_volume:
        return book.config.description
    summaries = [p.summary for p in edition.parts if p.summary]
    return " ".join(summaries) if summaries else None




def _render_doc(env, book: Book, doc: Doc, linker: Linker, common: dict,
                breaks: PageBreaks) -> epub.EpubItem:
    chapter: Chapter | None = doc.text
    body_xhtml, notes_xhtml = "", ""
    if chapter is not None:
        body = body_copy(chapter.body, "epub")
        linker.relink(body)
        marks = breaks.get(chapter.key)
        if marks:
            insert_markers(body, marks)
        body_xhtml = _epub_types(inner_xhtml(body))
        notes = []
        for note in kept_notes(chapter.notes, body):
            note_body = body_copy(note.body)
            linker.relink(note_body)
            notes.append({"id": note.id, "number": note.number, "ref_id": note.ref_id,
                          "html": _epub_types(inner_xhtml(note_body))})
        notes_xhtml = env.get_template("epub/notes.xhtml").render(notes=notes, **common)
    if doc.kind == "part":
        return _page(env, "x" + doc.stem, f"{doc.stem}.xhtml", "epub/part.xhtml",
                     page_title=doc.title, part=doc.part, hero=doc.part.hero, body=body_xhtml,
                     notes=notes_xhtml, **common)
    # Manifest ids must be XML names: the file stems start with digits, hence the "x".
    return _page(env, "x" + doc.stem, f"{doc.stem}.xhtml", "epub/chapter.xhtml",
                 page_title=doc.title, chapter=chapter, body=body_xhtml, notes=notes_xhtml,
                 **matter_semantics(doc, common["t"]), **common)


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
