"""What the site tells search engines and link previews: JSON-LD, the sitemap, og:locale.

Addresses in metadata are absolute or absent: Open Graph, schema.org and sitemaps want a
page's full address, which only [web] site_url gives (base_url, ending in "/"); without it
the site names none."""

from __future__ import annotations

import json

from markupsafe import Markup, escape

from make_book.core.editions import Edition
from make_book.core.model import Book
from make_book.writers.html.downloads import DownloadGroup
from make_book.writers.html.pages import Page, part_href


def book_jsonld(book: Book, edition: Edition, description: str, base_url: str,
                pages: list[Page], downloads: list[DownloadGroup]) -> Markup:
    """Describe the edition as a schema.org Book: its parts, and the EPUBs and PDFs offered."""
    config = book.config
    data: dict[str, object] = {
        "@context": "https://schema.org", "@type": "Book", "name": edition.title,
        "inLanguage": config.lang, "description": description,
    }
    if base_url:
        data.update(url=absolute(base_url, "index.html"),
                    image=absolute(base_url, "assets/social.jpg"))
    if config.authors:
        data["author"] = [{"@type": "Person", "name": a} for a in config.authors]
    if config.publisher:
        data["publisher"] = {"@type": "Organization", "name": config.publisher}
    if config.date:
        data["datePublished"] = config.date
    if config.series:
        data["isPartOf"] = {"@type": "BookSeries", "name": config.series}
    if book.has_parts:
        data["hasPart"] = [_with_url(
            {"@type": "Book", "name": p.title, "position": p.number,
             "creativeWorkStatus": "Forthcoming" if p.forthcoming else "Published"},
            base_url, part_href(pages, p) or "index.html") for p in book.parts]
    examples = [_with_url({"@type": "Book", "name": g.title,
                           "bookFormat": "https://schema.org/EBook",
                           "encodingFormat": f.media_type}, base_url, f.href)
                for g in downloads for f in g.files]
    if examples:
        data["workExample"] = examples
    return _jsonld(data)


def chapter_jsonld(page: Page, edition: Edition, lang: str, base_url: str) -> Markup:
    """Describe a page as a schema.org Chapter (a part's page as a CreativeWork) of the book."""
    doc = page.doc
    data: dict[str, object] = _with_url({
        "@context": "https://schema.org",
        "@type": "Chapter" if doc.kind == "chapter" else "CreativeWork",
        "name": doc.title, "inLanguage": lang,
        "isPartOf": _with_url({"@type": "Book", "name": edition.title}, base_url,
                              "index.html"),
    }, base_url, page.href)
    if page.chapter_index:
        data["position"] = page.chapter_index
    return _jsonld(data)


def absolute(base_url: str, href: str) -> str:
    """The full address of the site's file at href: the home page as the site's folder."""
    return base_url + ("" if href == "index.html" else href)


def _with_url(data: dict[str, object], base_url: str, href: str) -> dict[str, object]:
    """data with the absolute "url" of href, when the site has an address."""
    return {**data, "url": absolute(base_url, href)} if base_url else data


def sitemap(hrefs: list[str], date: str | None, base_url: str) -> str:
    """sitemap.xml for these pages at their absolute addresses (the protocol takes no other),
    each last modified on the book's date when it has one."""
    assert base_url, "a sitemap needs the site's address"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for href in hrefs:
        lastmod = f"<lastmod>{date}</lastmod>" if date else ""
        lines.append(f"<url><loc>{escape(absolute(base_url, href))}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def og_locale(lang: str) -> str:
    """The Open Graph locale of a language tag: fr → fr_FR, en-GB → en_GB."""
    base, _, region = lang.partition("-")
    defaults = {"fr": "FR", "en": "US", "de": "DE", "es": "ES", "it": "IT"}
    return f"{base.lower()}_{(region or defaults.get(base.lower(), base)).upper()}"


def _jsonld(data: dict[str, object]) -> Markup:
    # "</script" would end the element early and "<!--" can keep it from ending at all:
    # no "<", ">" or "&" at all, in the \u escapes JSON allows (as Django's json_script).
    text = json.dumps(data, ensure_ascii=False, indent=None, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
