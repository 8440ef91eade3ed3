"""The web edition: a static site rendered from the model with Jinja2.

It works from any static host and from file://: relative links only, no external request, the
search index shipped as a script (fetch() of JSON is refused on file://). Everything derived
from binary inputs (WOFF2 fonts, image renditions, social card) is cached under ctx.cache by
content hash, and every output byte depends only on the input: no clock, sorted orders.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lxml import html
from markupsafe import Markup, escape
from PIL import Image as PILImage

from make_book.assets.cards import icon, social_card
from make_book.assets.covers import cover_spec
from make_book.assets.fonts import convert_fonts, font_face_css, font_files, font_licences
from make_book.assets.renditions import WEB_WIDTHS, web_renditions
from make_book.core.artifacts import Artifact
from make_book.core.editions import Doc, Edition, documents
from make_book.core.editions import editions as all_editions
from make_book.core.locales import ordinal_part
from make_book.core.model import Book, Chapter, Element, Image, Note, Part
from make_book.core.store import ContentCache
from make_book.writers.common import (
    Linker,
    body_copy,
    inner_html,
    locale,
    shift_headings,
    style_file,
    template_env,
)
from make_book.writers.context import BuildContext

COVER_WIDTHS = (320, 640)
BODY_SIZES = "(min-width: 40rem) 36rem, calc(100vw - 2.5rem)"
HERO_SIZES = "(min-width: 60rem) 52rem, calc(100vw - 2.5rem)"
COVER_SIZES = "(min-width: 64rem) 13rem, (min-width: 36rem) 40vw, 6rem"
HERO_COVER_SIZES = "(min-width: 48rem) 18rem, 60vw"
# What the site offers, in the order of reading preference, with the label of each.
DOWNLOAD_LABELS = {("epub", None): "web_epub", ("pdf", "screen"): "web_pdf_screen",
                   ("pdf", "print"): "web_pdf_print", ("pdf", "cover"): "web_pdf_cover"}
MEDIA_TYPES = {"epub": "application/epub+zip", "pdf": "application/pdf"}
BLOCKS = ("p", "li", "h2", "h3", "h4", "h5", "h6", "figcaption", "dt", "dd", "td", "th",
          "blockquote")


# ---------------------------------------------------------------------------------------------
# Entry point


def write(book: Book, edition: Edition, ctx: BuildContext,
          inputs: list[Artifact]) -> list[Artifact]:
    """Write the edition's site (the omnibus's, or the one volume's chosen) into
    ctx.staging/html, offering for download every EPUB and PDF among inputs."""
    out = ctx.staging / "html"
    out.mkdir(parents=True, exist_ok=True)
    Site(book, edition, ctx, out, inputs).build()
    return [Artifact(edition.key, "html", "web", out)]


@dataclass
class Page:
    """One HTML page of the site and what the navigation needs to know about it."""

    doc: Doc
    href: str
    title: str
    description: str = ""
    chapter_index: int | None = None  # position among the chapters, 1-based


@dataclass
class Download:
    """An EPUB or PDF of the same build, copied into downloads/."""

    href: str
    label: str
    size: str
    sha256: str
    media_type: str
    is_book: bool = True  # False for the printer's cover


@dataclass
class DownloadGroup:
    title: str
    subtitle: str | None
    files: list[Download] = field(default_factory=list)


class Site:
    """Renders one edition as a site: assets first, then every page, then the index files."""

    def __init__(self, book: Book, edition: Edition, ctx: BuildContext, out: Path,
                 offered: list[Artifact]) -> None:
        self.book, self.edition, self.ctx, self.out = book, edition, ctx, out
        self.offered = offered  # the EPUBs and PDFs for downloads/
        self.t = locale(book)
        self.lang = book.config.lang
        self.env = template_env()
        self.docs = documents(book, edition)
        self.linker = Linker(self.docs, ".html")
        self.book_href = self.t["web_book_file"] + ".html"
        self.search_href = self.t["web_search_file"] + ".html"
        self.pages = self._pages()
        self.pictures: dict[str, list[Rendition]] = {}
        self.covers: dict[str, list[Rendition]] = {}
        self.search_entries: list[list[object]] = []
        self.has_downloads = False
        # A site address, should book.toml ever carry one, makes the links absolute.
        base = getattr(book.config, "site_url", None)
        self.base_url = base.rstrip("/") + "/" if isinstance(base, str) and base else ""

    # -- the build, step by step --------------------------------------------------------------

    def build(self) -> None:
        self._assets()
        self._images()
        downloads = self._downloads()
        self.has_downloads = bool(downloads)
        toc = self._toc()
        for index, page in enumerate(self.pages):
            self._write_doc(index, page, toc)
        self._write_home(toc, downloads)
        self._write_single_page(toc)
        self._write_search(toc)
        self._write_text("search-index.js", _search_script(self.pages, self.search_entries))
        self._write_text("sitemap.xml", self._sitemap())

    def _pages(self) -> list[Page]:
        pages, count = [], 0
        for doc in self.docs:
            index = None
            if doc.kind == "chapter":
                count += 1
                index = count
            pages.append(Page(doc, doc.stem + ".html", doc.title, _doc_description(doc),
                              index))
        return pages

    # -- static files -------------------------------------------------------------------------

    def _assets(self) -> None:
        faces = convert_fonts(font_files(self.book), self.ctx.cache, self.out / "fonts")
        for licence in font_licences(self.book):
            shutil.copyfile(licence, self.out / "fonts" / licence.name)
        css = font_face_css(faces) + "\n" + style_file(self.book, "html.css").read_text("utf-8")
        self._write_text("assets/site.css", css)
        for name, dest in (("html-site.js", "assets/site.js"), ("search.js", "assets/search.js")):
            self._write_text(dest, style_file(self.book, name).read_text("utf-8"))
        self._write_bytes("assets/icon.png", icon(self.book.config.title))
        card = social_card(cover_spec(self.book, self.edition), ContentCache(self.ctx.cache))
        self._write_bytes("assets/social.jpg", card.read_bytes())

    def _images(self) -> None:
        """Renditions of the body images, heroes and covers, made in parallel (Pillow
        releases the GIL while it decodes, resizes and encodes)."""
        jobs: dict[tuple[str, str], tuple[Image, tuple[int, ...], Path]] = {}
        for image in self.ctx.images_for(self.edition):
            jobs[("picture", image.name)] = (image, WEB_WIDTHS, self.out / "images")
        for key, path in sorted(self.ctx.covers.items()):
            jobs[("cover", key)] = (_cover_image(key, path), COVER_WIDTHS, self.out / "covers")
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            done = {job: pool.submit(site_renditions, image, widths, self.ctx.cache, dest)
                    for job, (image, widths, dest) in jobs.items()}
        for (kind, name), future in done.items():
            (self.pictures if kind == "picture" else self.covers)[name] = future.result()

    def _downloads(self) -> list[DownloadGroup]:
        """Copy every EPUB and PDF the site is given into downloads/ and list them by
        edition, the editions in the book's order, each edition's files in DOWNLOAD_LABELS'
        order."""
        every = all_editions(self.book)
        order = {e.key: i for i, e in enumerate(every)}
        ranks = list(DOWNLOAD_LABELS)
        offered = [a for a in self.offered if (a.format, a.variant) in DOWNLOAD_LABELS]
        groups: dict[str, DownloadGroup] = {}
        for artifact in sorted(offered, key=lambda a: (order.get(a.edition, len(order)),
                                                       ranks.index((a.format, a.variant)),
                                                       a.path.name)):
            data = artifact.path.read_bytes()
            self._write_bytes(f"downloads/{artifact.path.name}", data)
            edition = next((e for e in every if e.key == artifact.edition), None)
            group = groups.setdefault(artifact.edition, DownloadGroup(
                edition.title if edition else artifact.edition, self._edition_line(edition)))
            label = DOWNLOAD_LABELS[(artifact.format, artifact.variant)]
            group.files.append(Download(
                f"downloads/{artifact.path.name}", self.t[label], self._size(len(data)),
                hashlib.sha256(data).hexdigest(), MEDIA_TYPES[artifact.format],
                is_book=label != "web_pdf_cover"))
        return list(groups.values())

    def _edition_line(self, edition: Edition | None) -> str | None:
        if edition is None:
            return None
        if not edition.is_volume:
            return self.t["omnibus"]
        return self.t["series_volume"].format(series=self.book.config.series or self.book.config
                                              .title, number=edition.number,
                                              total=len(self.book.parts))

    def _size(self, size: int) -> str:
        """« 4,2 Mo » / "4.2 MB": one decimal past the kilobyte, in the book's language."""
        units = [u.strip() for u in self.t["web_size_units"].split(",")]
        value, unit = float(size), 0
        while value >= 1000 and unit < len(units) - 1:
            value, unit = value / 1000, unit + 1
        text = f"{value:.0f}" if unit == 0 else f"{value:.1f}"
        return text.replace(".", self.t["web_decimal_mark"]) + "\u00a0" + units[unit]

    # -- pages --------------------------------------------------------------------------------

    def _common(self, page_href: str, title: str, description: str, toc: list[dict],
                **values: object) -> dict[str, object]:
        """What every template receives: strings, navigation, metadata."""
        config = self.book.config
        return {
            "lang": self.lang, "t": self.t, "book": config, "edition": self.edition,
            "site_title": self.edition.title,
            "title": title, "description": description, "toc": toc,
            "current": page_href, "book_href": self.book_href,
            "search_href": self.search_href, "colophon": self.ctx.colophon,
            "canonical": self.base_url + page_href if self.base_url else page_href,
            "og_image": self.base_url + "assets/social.jpg",
            "og_locale": _og_locale(self.lang), "has_parts": self.book.has_parts,
            "ordinal_part": ordinal_part, "has_downloads": self.has_downloads, **values,
        }

    def _write_doc(self, index: int, page: Page, toc: list[dict]) -> None:
        doc = page.doc
        previous = self.pages[index - 1] if index > 0 else None
        following = self.pages[index + 1] if index + 1 < len(self.pages) else None
        chapter = doc.chapter if doc.kind == "chapter" else doc.part.intro  # type: ignore[union-attr]
        body, notes = ("", [])
        if chapter is not None:
            body, notes = self._body(chapter, self.linker, shift=0, first_eager=True,
                                     own=page.href)
        values = self._common(page.href, page.title, page.description, toc,
                              page=page, previous=previous, next=following, body=Markup(body),
                              notes=notes, notes_level=2, total=self._chapter_count(),
                              reading=True,
                              jsonld=self._chapter_jsonld(page),
                              part_href=_part_href(self.pages, doc.part)
                              if doc.part is not None and not doc.part.implicit else None)
        if doc.kind == "part":
            part = doc.part
            assert part is not None
            values.update(part=part, hero=self._hero(part), cover=self._cover(part, eager=True),
                          chapters=[p for p in self.pages if p.doc.kind == "chapter"
                                    and p.doc.part is part])
            self._render("html/part.html", page.href, values)
        else:
            self._render("html/chapter.html", page.href, values)

    def _write_home(self, toc: list[dict], downloads: list[DownloadGroup]) -> None:
        parts = []
        if self.book.has_parts:
            # The whole series, even on a volume's site: a part outside this edition links
            # to its own address when it has one.
            for part in self.book.parts:
                href = _part_href(self.pages, part) or part.url
                chapters = len(part.chapters)
                parts.append({"part": part, "href": href, "cover": self._cover(part),
                              "chapters": self._chapters_label(chapters) if chapters else ""})
        first = next((p for p in self.pages if p.chapter_index == 1), self.pages[0])
        description = self._book_description()
        cover = self._picture_markup(self.covers[self.edition.key], alt="",
                                     sizes=HERO_COVER_SIZES, eager=True, width=0, height=0
                                     ) if self.edition.key in self.covers else ""
        values = self._common("index.html", self.edition.title, description, toc,
                              parts=parts, first=first, downloads=downloads, cover=cover,
                              lede=self._lede(),
                              series_line=self._edition_line(self.edition)
                              if self.edition.is_volume else None,
                              jsonld=self._book_jsonld(description, downloads), is_home=True)
        self._render("html/index.html", "index.html", values)

    def _write_single_page(self, toc: list[dict]) -> None:
        """The whole edition on one page: headings move down so the book title is the h1."""
        linker = Linker(self.docs, ".html", single_file=True)
        sections = []
        for doc in self.docs:
            chapter = doc.chapter if doc.kind == "chapter" else doc.part.intro  # type: ignore[union-attr]
            level = 2 if doc.kind == "part" or not self.book.has_parts else 3
            body, notes = ("", [])
            if chapter is not None:
                body, notes = self._body(chapter, linker, shift=level - 1, first_eager=False,
                                         single=True)
            sections.append({"doc": doc, "level": level, "body": Markup(body), "notes": notes,
                             "hero": self._hero(doc.part, eager=False) if doc.kind == "part"
                             else ""})
        values = self._common(self.book_href, self.t["single_page"], self._book_description(),
                              toc, sections=sections, reading=True,
                              page_toc=self._toc(single=True))
        self._render("html/book.html", self.book_href, values)

    def _write_search(self, toc: list[dict]) -> None:
        values = self._common(self.search_href, self.t["search"], self._book_description(), toc)
        self._render("html/search.html", self.search_href, values)

    def _render(self, template: str, href: str, values: dict[str, object]) -> None:
        self._write_text(href, self.env.get_template(template).render(**values))

    # -- bodies -------------------------------------------------------------------------------

    def _body(self, chapter: Chapter, linker: Linker, shift: int, first_eager: bool,
              single: bool = False, own: str = "") -> tuple[str, list[dict]]:
        """The chapter's body as HTML (links, pictures, sidenotes) and its notes."""
        body = body_copy(chapter.body)
        linker.relink(body)
        _local_links(body, own)
        shift_headings(body, shift)
        self._pictures_in(body, first_eager)
        if not single:
            self._index(chapter, body)
        notes = [self._note(note, linker, own) for note in chapter.notes]
        _place_sidenotes(body, chapter.notes, notes, self.t["back_to_text"])
        return _html5(inner_html(body)), notes

    def _note(self, note: Note, linker: Linker, own: str) -> dict[str, object]:
        note_body = body_copy(note.body)
        linker.relink(note_body)
        _local_links(note_body, own)
        for element in note_body.iter():
            # The sidenote repeats the note: ids inside it would be duplicated.
            if isinstance(element.tag, str):
                element.attrib.pop("id", None)
        return {"id": note.id, "number": note.number, "ref_id": note.ref_id,
                "html": Markup(_html5(inner_html(note_body)))}

    def _pictures_in(self, body: Element, first_eager: bool) -> None:
        """Each <img> of the model becomes a <picture> of renditions; images below the first
        screen load lazily."""
        for position, img in enumerate(list(body.iter("img"))):
            name = img.get("src", "").removeprefix("images/")
            renditions = self.pictures.get(name)
            if not renditions:
                continue
            eager = first_eager and position == 0 and _near_top(body, img)
            picture = picture_element(renditions, img.get("alt", ""), BODY_SIZES, eager,
                                      int(img.get("width") or 0), int(img.get("height") or 0))
            picture.tail = img.tail
            img.getparent().replace(img, picture)

    def _index(self, chapter: Chapter, body: Element) -> None:
        """Search entries, one per block of text; each block gets an id to land on."""
        page = next(i for i, p in enumerate(self.pages) if p.doc.chapter is chapter or (
            p.doc.kind == "part" and p.doc.part.intro is chapter))  # type: ignore[union-attr]
        taken = self.docs[page].anchors
        count = 0
        for element in body.iter(*BLOCKS):
            if any(child.tag in BLOCKS for child in element.iterdescendants()):
                continue  # the inner blocks are indexed themselves
            text = _plain_text(element)
            if not text:
                continue
            anchor = element.get("id")
            if not anchor:
                count += 1
                anchor = f"{chapter.key}-p{count}"
                if anchor in taken:
                    continue
                element.set("id", anchor)
            self.search_entries.append([page, anchor, text])
        for note in chapter.notes:
            # Land on the call: the note stands beside it (wide) or is one tap away (narrow).
            self.search_entries.append([page, note.ref_id, _plain_text(note.body)])

    # -- pictures -----------------------------------------------------------------------------

    def _hero(self, part: Part | None, eager: bool = True) -> Markup:
        """A part's hero image: decorative (alt=""), since the title says what the part is."""
        if part is None or part.hero is None or part.hero.name not in self.pictures:
            return Markup("")
        return self._picture_markup(self.pictures[part.hero.name], "", HERO_SIZES, eager,
                                    part.hero.width, part.hero.height)

    def _cover(self, part: Part, eager: bool = False) -> Markup:
        key = f"part-{part.number}"
        if key not in self.covers:
            return Markup("")
        return self._picture_markup(self.covers[key], "", COVER_SIZES, eager, 0, 0)

    @staticmethod
    def _picture_markup(renditions: list[Rendition], alt: str, sizes: str, eager: bool,
                        width: int, height: int) -> Markup:
        element = picture_element(renditions, alt, sizes, eager, width, height)
        return Markup(_html5(html.tostring(element, encoding="unicode")))

    # -- navigation and metadata --------------------------------------------------------------

    def _toc(self, single: bool = False) -> list[dict]:
        """Parts with their chapters, in reading order, as the templates walk them; `single`
        for the one-page edition, whose entries jump within the page."""
        entries: list[dict] = []
        for page in self.pages:
            doc = page.doc
            href = "#" + doc.anchor if single else page.href
            item = {"href": href, "title": doc.title, "children": [],
                    "forthcoming": bool(doc.part and doc.part.forthcoming),
                    "label": ordinal_part(self.lang, doc.part.number) if doc.kind == "part"
                    and doc.part else ""}
            if doc.kind == "chapter" and entries and self.book.has_parts:
                entries[-1]["children"].append(item)
            else:
                entries.append(item)
        return entries

    def _chapter_count(self) -> int:
        return sum(1 for p in self.pages if p.chapter_index)

    def _chapters_label(self, count: int) -> str:
        return self.t["web_chapters_one"] if count == 1 else self.t["web_chapters"].format(
            count=count)

    def _book_description(self) -> str:
        """For the description meta: the book's own, a part's summary, else its title."""
        return self._lede() or self.edition.title

    def _lede(self) -> str | None:
        """The home page's introduction: the book's description, else the summary of its only
        published part (with several, no one summary speaks for the book)."""
        if self.book.config.description and not self.edition.is_volume:
            return self.book.config.description
        published = [p for p in self.edition.parts if not p.forthcoming]
        return published[0].summary if len(published) == 1 else None

    def _book_jsonld(self, description: str, downloads: list[DownloadGroup]) -> Markup:
        config = self.book.config
        data: dict[str, object] = {
            "@context": "https://schema.org", "@type": "Book", "name": self.edition.title,
            "inLanguage": self.lang, "description": description,
            "url": self.base_url + "index.html",
            "image": self.base_url + "assets/social.jpg",
        }
        if config.authors:
            data["author"] = [{"@type": "Person", "name": a} for a in config.authors]
        if config.publisher:
            data["publisher"] = {"@type": "Organization", "name": config.publisher}
        if config.date:
            data["datePublished"] = config.date
        if config.series:
            data["isPartOf"] = {"@type": "BookSeries", "name": config.series}
        if self.book.has_parts:
            data["hasPart"] = [
                {"@type": "Book", "name": p.title, "position": p.number,
                 "url": self.base_url + (_part_href(self.pages, p) or "index.html"),
                 "creativeWorkStatus": "Forthcoming" if p.forthcoming else "Published"}
                for p in self.book.parts]
        examples = [{"@type": "Book", "name": g.title, "bookFormat": "https://schema.org/EBook",
                     "encodingFormat": f.media_type, "url": self.base_url + f.href}
                    for g in downloads for f in g.files if f.is_book]
        if examples:
            data["workExample"] = examples
        return _jsonld(data)

    def _chapter_jsonld(self, page: Page) -> Markup:
        doc = page.doc
        data: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "Chapter" if doc.kind == "chapter" else "CreativeWork",
            "name": doc.title, "inLanguage": self.lang, "url": self.base_url + page.href,
            "isPartOf": {"@type": "Book", "name": self.edition.title,
                         "url": self.base_url + "index.html"},
        }
        if page.chapter_index:
            data["position"] = page.chapter_index
        return _jsonld(data)

    def _sitemap(self) -> str:
        hrefs = ["index.html", *(p.href for p in self.pages), self.book_href]
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        for href in hrefs:
            lastmod = f"<lastmod>{self.book.config.date}</lastmod>" if self.book.config.date \
                else ""
            lines.append(f"<url><loc>{escape(self.base_url + href)}</loc>{lastmod}</url>")
        lines.append("</urlset>")
        return "\n".join(lines) + "\n"

    # -- files --------------------------------------------------------------------------------

    def _write_text(self, name: str, text: str) -> None:
        self._write_bytes(name, text.encode("utf-8"))

    def _write_bytes(self, name: str, data: bytes) -> None:
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


# ---------------------------------------------------------------------------------------------
# Helpers on the model


def _part_href(pages: list[Page], part: Part) -> str | None:
    """The page of a part's title, when this edition has it."""
    return next((p.href for p in pages if p.doc.kind == "part" and p.doc.part is part), None)


def _doc_description(doc: Doc) -> str:
    """A sentence or two for search engines and link previews: the part's summary or the
    chapter's first paragraph, cut at a word near 160 characters."""
    if doc.kind == "part" and doc.part is not None and doc.part.summary:
        return doc.part.summary
    chapter = doc.chapter if doc.kind == "chapter" else (doc.part.intro if doc.part else None)
    if chapter is None:
        return doc.title
    first = next((p for p in chapter.body.iter("p") if _plain_text(p)), None)
    text = _plain_text(first) if first is not None else doc.title
    if len(text) <= 160:
        return text
    return text[:160].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _plain_text(element: Element) -> str:
    """The words of a block without its note calls (whose numbers would glue to words)."""
    copy = body_copy(element)
    for ref in copy.find_class("noteref"):
        ref.drop_tree()
    return " ".join(copy.text_content().split())


def _near_top(body: Element, img: Element) -> bool:
    """An image in the first two blocks of a page is likely on the first screen."""
    top = img
    while top.getparent() is not None and top.getparent() is not body:
        top = top.getparent()
    return body.index(top) < 2 if top.getparent() is body else False


def _local_links(body: Element, own: str) -> None:
    """`this-page.html#x` → `#x`: a jump within the page needs no file name."""
    if not own:
        return
    for link in body.iter("a"):
        href = link.get("href", "")
        if href.startswith(own + "#"):
            link.set("href", href[len(own):])


def _place_sidenotes(body: Element, notes: list[Note], rendered: list[dict], back: str) -> None:
    """Put a copy of each note before the top-level block holding its call; CSS floats it
    into the margin on wide screens and hides it (and shows the end notes) on narrow ones."""
    by_ref = {n.ref_id: r for n, r in zip(notes, rendered, strict=True)}
    for ref in list(body.find_class("noteref")):
        ref.set("role", "doc-noteref")
        note = by_ref.get(ref.get("id", ""))
        if note is None:
            continue
        block = ref
        while block.getparent() is not None and block.getparent() is not body:
            block = block.getparent()
        if block.getparent() is not body:
            continue
        aside = html.fragment_fromstring(
            f'<aside class="sidenote" role="doc-footnote" data-note="{note["id"]}" '
            f'tabindex="-1"><a class="note-number" href="#{note["ref_id"]}" '
            f'role="doc-backlink" aria-label="{escape(back)} ({note["number"]})">'
            f'{note["number"]}</a> {note["html"]}</aside>')
        block.addprevious(aside)


def _html5(markup: str) -> str:
    """libxml2's HTML serialiser predates HTML5's newer void elements and closes them
    (`</source>`), which HTML5 parsers report as stray end tags."""
    return _VOID_END.sub("", markup)


_VOID_END = re.compile(r"</(?:source|track|wbr)>")


def _og_locale(lang: str) -> str:
    base, _, region = lang.partition("-")
    defaults = {"fr": "FR", "en": "US", "de": "DE", "es": "ES", "it": "IT"}
    return f"{base.lower()}_{(region or defaults.get(base.lower(), base)).upper()}"


def _jsonld(data: dict[str, object]) -> Markup:
    # "</script" would end the element early and "<!--" can keep it from ending at all:
    # no "<", ">" or "&" at all, in the \u escapes JSON allows (as Django's json_script).
    text = json.dumps(data, ensure_ascii=False, indent=None, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _search_script(pages: list[Page], entries: list[list[object]]) -> str:
    """The index as a script assigning a global: loadable from file:// where fetch() is not."""
    docs = [[p.href, p.title] for p in pages]
    data = json.dumps({"docs": docs, "entries": entries}, ensure_ascii=False,
                      separators=(",", ":"))
    return f"window.MAKE_BOOK_SEARCH = {data};\n"


# ---------------------------------------------------------------------------------------------
# Fonts


# ---------------------------------------------------------------------------------------------
# Images


@dataclass(frozen=True)
class Rendition:
    """One file of a `srcset`, as the site links it."""

    width: int
    height: int
    href: str
    media_type: str


def site_renditions(image: Image, widths: tuple[int, ...], cache: Path,
                    dest: Path) -> list[Rendition]:
    """The image's web renditions (made once and cached by renditions.py) copied into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for made in web_renditions(image, cache, widths):
        shutil.copyfile(made.path, dest / made.name)
        out.append(Rendition(made.width, made.height, f"{dest.name}/{made.name}",
                             made.media_type))
    return out


def _cover_image(key: str, path: Path) -> Image:
    """A cover JPEG seen as a model Image, so that it gets renditions like any other."""
    data = path.read_bytes()
    with PILImage.open(io.BytesIO(data)) as probe:
        width, height = probe.size
    return Image(source=path, name=f"cover-{key}.jpg", media_type="image/jpeg", width=width,
                 height=height, sha256=hashlib.sha256(data).hexdigest())


def picture_element(renditions: list[Rendition], alt: str, sizes: str, eager: bool,
                    width: int, height: int) -> Element:
    """<picture> with a WebP <source> and a JPEG/PNG <img> (the middle width, for browsers
    without srcset), explicit size so nothing moves as it loads, lazy below the first screen."""
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


def _srcset(renditions: list[Rendition]) -> str:
    return ", ".join(f"{r.href} {r.width}w" for r in renditions)


