"""The web edition: a static site rendered from the model with Jinja2.

It works from any static host and from file://: relative links only, no external request, the
search index shipped as a script (fetch() of JSON is refused on file://). Everything derived
from binary inputs (WOFF2 fonts, image renditions, social card) is cached under ctx.cache by
content hash, and every output byte depends only on the input: no clock, sorted orders.

This module holds the build's steps and the pages; the chapters' bodies, the pictures, the
downloads, the search index and the metadata have modules of their own.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from markupsafe import Markup

from make_book.assets.cards import icon, social_card
from make_book.assets.covers import cover_spec
from make_book.assets.fonts import (
    font_face_css,
    font_files,
    font_licences,
    web_faces,
    web_font_faces,
)
from make_book.assets.renditions import WEB_WIDTHS
from make_book.core.artifacts import Artifact
from make_book.core.editions import Edition, documents
from make_book.core.locales import ordinal_part
from make_book.core.model import Book, Chapter, Element, Image, Part
from make_book.core.store import ContentCache
from make_book.core.workers import worker_count
from make_book.writers.common import Linker, locale, matter_semantics, style_file, template_env
from make_book.writers.context import BuildContext
from make_book.writers.html.bodies import chapter_body
from make_book.writers.html.downloads import DownloadGroup, download_groups, edition_line
from make_book.writers.html.metadata import (
    absolute,
    book_jsonld,
    chapter_jsonld,
    og_locale,
    sitemap,
)
from make_book.writers.html.pages import Page, part_href, site_pages
from make_book.writers.html.pictures import (
    COVER_SIZES,
    COVER_WIDTHS,
    HERO_COVER_SIZES,
    HERO_SIZES,
    Rendition,
    cover_image,
    picture_markup,
    site_renditions,
)
from make_book.writers.html.search import search_entries, search_script
from make_book.writers.html.webfonts import write_site_fonts


def write(book: Book, edition: Edition, ctx: BuildContext,
          inputs: list[Artifact]) -> list[Artifact]:
    """Write the edition's site (the omnibus's, or the one volume's chosen) into
    ctx.staging/html, offering for download every EPUB and PDF among inputs."""
    out = ctx.staging / "html"
    out.mkdir(parents=True, exist_ok=True)
    Site(book, edition, ctx, out, inputs).build()
    return [Artifact(edition.key, "html", "web", out)]


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
        self.pages = site_pages(self.docs)
        self.pictures: dict[str, list[Rendition]] = {}
        self.covers: dict[str, list[Rendition]] = {}
        self.search_entries: list[list[object]] = []
        self.has_downloads = False
        self.css = ""  # the site's stylesheet, once written
        # The site's address ([web] site_url, ending in "/"), or "": its links stay relative
        # either way; only metadata and the sitemap name absolute addresses.
        self.base_url = book.config.site_url or ""

    # -- the build, step by step --------------------------------------------------------------

    def build(self) -> None:
        """Write the whole site into self.out: static files, pictures and downloads first,
        since the pages link to them, then the pages, then the search index and sitemap."""
        self._assets()
        self._images()
        downloads = download_groups(self.book, self.offered, self.t, self.out / "downloads")
        self.has_downloads = bool(downloads)
        toc = self._toc()
        for index, page in enumerate(self.pages):
            self._write_doc(index, page, toc)
        self._write_home(toc, downloads)
        self._write_single_page(toc)
        self._write_search(toc)
        self._write_text("search-index.js", search_script(self.pages, self.search_entries))
        if self.base_url:  # a sitemap lists absolute addresses only
            hrefs = ["index.html", *(p.href for p in self.pages), self.book_href]
            self._write_text("sitemap.xml", sitemap(hrefs, self.book.config.date,
                                                    self.base_url))
        write_site_fonts(font_files(self.book), self.out, self.css, self.ctx.cache)

    # -- static files -------------------------------------------------------------------------

    def _assets(self) -> None:
        """Write the fonts with their licences, the stylesheet, the scripts, the icon and the
        social card."""
        # The fonts themselves are written once the pages are (_fonts): cut down to them.
        faces = web_faces(self.book, web_font_faces(font_files(self.book)))
        (self.out / "fonts").mkdir(parents=True, exist_ok=True)
        for licence in font_licences(self.book):
            shutil.copyfile(licence, self.out / "fonts" / licence.name)
        css = font_face_css(faces) + "\n" + style_file(self.book, "html.css").read_text("utf-8")
        self.css = css
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
            jobs[("cover", key)] = (cover_image(key, path), COVER_WIDTHS, self.out / "covers")
        with ThreadPoolExecutor(max_workers=worker_count()) as pool:
            done = {job: pool.submit(site_renditions, image, widths, self.ctx.cache, dest)
                    for job, (image, widths, dest) in jobs.items()}
        for (kind, name), future in done.items():
            (self.pictures if kind == "picture" else self.covers)[name] = future.result()

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
            "canonical": absolute(self.base_url, page_href) if self.base_url else None,
            "og_image": absolute(self.base_url, "assets/social.jpg") if self.base_url
            else None,
            "og_locale": og_locale(self.lang), "has_parts": self.book.has_parts,
            "ordinal_part": ordinal_part, "has_downloads": self.has_downloads, **values,
        }

    def _write_doc(self, index: int, page: Page, toc: list[dict]) -> None:
        """Write the page of a part or a chapter (the page at this position of the site)."""
        doc = page.doc
        previous = self.pages[index - 1] if index > 0 else None
        following = self.pages[index + 1] if index + 1 < len(self.pages) else None
        chapter = doc.text
        body, notes = ("", [])
        if chapter is not None:
            body, notes = chapter_body(chapter, self.linker, self.pictures,
                                       self.t["back_to_text"], shift=0, first_eager=True,
                                       own=page.href, index=self._indexer(index, chapter))
        values = self._common(page.href, page.title, page.description, toc,
                              page=page, previous=previous, next=following, body=Markup(body),
                              notes=notes, notes_level=2, total=self._chapter_count(),
                              reading=True,
                              jsonld=chapter_jsonld(page, self.edition, self.lang,
                                                    self.base_url),
                              part_href=part_href(self.pages, doc.part)
                              if doc.part is not None and not doc.part.implicit else None,
                              semantics=matter_semantics(doc, self.t))
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
        """Write index.html: the cover, the introduction, the parts, the downloads."""
        parts = []
        if self.book.has_parts and self.book.config.is_series:
            # The whole series, even on a volume's site: a part outside this edition links
            # to its own address when it has one. A book's parts are in its contents only.
            for part in self.book.parts:
                href = part_href(self.pages, part) or part.url
                chapters = len(part.chapters)
                parts.append({"part": part, "href": href, "cover": self._cover(part),
                              "chapters": self._chapters_label(chapters) if chapters else ""})
        # Reading starts on the first page with text: a part's introduction comes before its
        # chapters; a part's page with none only lists them.
        first = next((p for p in self.pages if p.doc.text is not None), self.pages[0])
        description = self._book_description()
        cover = picture_markup(self.covers[self.edition.key], alt="", sizes=HERO_COVER_SIZES,
                               eager=True, width=0, height=0
                               ) if self.edition.key in self.covers else ""
        values = self._common("index.html", self.edition.title, description, toc,
                              parts=parts, first=first, downloads=downloads, cover=cover,
                              lede=self._lede(),
                              series_line=edition_line(self.book, self.edition, self.t)
                              if self.edition.is_volume else None,
                              jsonld=book_jsonld(self.book, self.edition, description,
                                                 self.base_url, self.pages, downloads),
                              is_home=True)
        self._render("html/index.html", "index.html", values)

    def _write_single_page(self, toc: list[dict]) -> None:
        """The whole edition on one page: headings move down so the book title is the h1."""
        linker = Linker(self.docs, ".html", single_file=True)
        sections = []
        for doc in self.docs:
            chapter = doc.text
            level = 2 if doc.kind == "part" or not self.book.has_parts else 3
            body, notes = ("", [])
            if chapter is not None:
                body, notes = chapter_body(chapter, linker, self.pictures,
                                           self.t["back_to_text"], shift=level - 1,
                                           first_eager=False)
            sections.append({"doc": doc, "level": level, "body": Markup(body), "notes": notes,
                             "hero": self._hero(doc.part, eager=False) if doc.kind == "part"
                             else ""})
        values = self._common(self.book_href, self.t["single_page"], self._book_description(),
                              toc, sections=sections, reading=True,
                              page_toc=self._toc(single=True))
        self._render("html/book.html", self.book_href, values)

    def _write_search(self, toc: list[dict]) -> None:
        """Write the search page (what it searches is search-index.js)."""
        values = self._common(self.search_href, self.t["search"], self._book_description(), toc)
        self._render("html/search.html", self.search_href, values)

    def _render(self, template: str, href: str, values: dict[str, object]) -> None:
        """Render a template into the page at href."""
        self._write_text(href, self.env.get_template(template).render(**values))

    def _indexer(self, page: int, chapter: Chapter) -> Callable[[Element], None]:
        """Make what adds a chapter body's search entries to the index (the page at this
        position of the site holds the chapter)."""
        taken = self.docs[page].anchors

        def index(body: Element) -> None:
            self.search_entries.extend(search_entries(chapter, body, page, taken))

        return index

    # -- pictures -----------------------------------------------------------------------------

    def _hero(self, part: Part | None, eager: bool = True) -> Markup:
        """A part's hero image: decorative (alt=""), since the title says what the part is."""
        if part is None or part.hero is None or part.hero.name not in self.pictures:
            return Markup("")
        return picture_markup(self.pictures[part.hero.name], "", HERO_SIZES, eager,
                              part.hero.width, part.hero.height)

    def _cover(self, part: Part, eager: bool = False) -> Markup:
        """A part's cover, decorative (alt="") beside its title; none for a part without."""
        key = f"part-{part.number}"
        if key not in self.covers:
            return Markup("")
        return picture_markup(self.covers[key], "", COVER_SIZES, eager, 0, 0)

    # -- navigation and descriptions -----------------------------------------------------------

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
            if doc.kind == "chapter" and doc.part is not None and entries and \
                    self.book.has_parts:
                entries[-1]["children"].append(item)
            else:
                entries.append(item)
        return entries

    def _chapter_count(self) -> int:
        """How many chapters the edition has."""
        return sum(1 for p in self.pages if p.chapter_index)

    def _chapters_label(self, count: int) -> str:
        """« 1 chapitre » / "5 chapters", in the book's language."""
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

    # -- files --------------------------------------------------------------------------------

    def _write_text(self, name: str, text: str) -> None:
        """Write text as UTF-8 to the site's file name (folders made as needed)."""
        self._write_bytes(name, text.encode("utf-8"))

    def _write_bytes(self, name: str, data: bytes) -> None:
        """Write data to the site's file name, making its folders as needed."""
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
