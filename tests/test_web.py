"""The web edition, built once from the real series and once from a tiny book with notes, then
checked as files (structure, metadata, determinism, cache) and in a real browser (Chromium
through Playwright): navigation, search, notes, small screens, accessibility (axe-core)."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import SERIES, always_omnibus, require_tool
from lxml import html as lxml_html
from tinyhtml5.parser import HTMLParser

from make_book.build.pipeline import build
from make_book.core.artifacts import Artifact
from make_book.core.store import cache_dir

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SHOTS = Path(os.environ.get("MAKE_BOOK_SHOTS", "/tmp/web-shots"))
# Lazy images load when scrolled to; a screenshot of the whole page wants them all now.
LOAD_EVERYTHING = """Promise.all([document.fonts.ready, ...[...document.images].map(image => {
    image.loading = "eager"; return image.decode().catch(() => null); })]).then(() => true)"""
PHRASE = "goulot d’étranglement"  # typographic apostrophe, as the typeset text has it

NOTES_BOOK = {
    "book.toml": '[book]\ntitle = "Petit livre"\nlang = "fr"\n',
    "01-un.md": "# Premier chapitre\n\nUn paragraphe avec une note[^1] et une autre plus "
                "loin[^2].\n\n" + "Un deuxième paragraphe, assez long pour remplir quelques "
                "lignes. " * 12 + "\n\nUn troisième paragraphe[^3].\n\n"
                "[^1]: La première note, courte.\n[^2]: La deuxième note, *en italique*.\n"
                "[^3]: La troisième note.\n",
    "02-deux.md": "# Deuxième chapitre\n\nLe second chapitre a sa propre note[^1].\n\n"
                  "[^1]: Une note numérotée 1 de nouveau, par chapitre.\n",
}


@dataclass
class Site:
    root: Path  # the project
    html: Path  # dist/html
    url: str  # served over http


def _copy_series(dest: Path) -> Path:
    """The frozen copy of the repository's book (without styles/: the default fonts come
    converted, which test_identical_output_and_cached_renditions relies on)."""
    for name in ("manuscript", "assets"):
        shutil.copytree(SERIES / name, dest / name)
    always_omnibus(dest)  # the omnibus, although one part is published
    return dest


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a browser that closes a page mid-download breaks the pipe: not our concern


@pytest.fixture(scope="module")
def servers() -> Iterator[list[ThreadingHTTPServer]]:
    running: list[ThreadingHTTPServer] = []
    yield running
    for server in running:
        server.shutdown()
        server.server_close()


def _serve(folder: Path, running: list[ThreadingHTTPServer]) -> str:
    """Serve folder on 127.0.0.1 and a free port from a thread; return its base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    running.append(server)
    return f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="module")
def web_series(tmp_path_factory: pytest.TempPathFactory,
               servers: list[ThreadingHTTPServer]) -> Site:
    """The series (tests/fixtures/series) as a web edition with its omnibus EPUB, which the
    downloads block must list (the PDF writer and the volume are left out for time:
    test_every_epub_and_pdf_given_is_offered covers them). Not conftest's `series`, which builds
    every edition and format."""
    root = _copy_series(tmp_path_factory.mktemp("series"))
    build(root, root / "dist", ("epub", "html"), edition="omnibus")
    html = root / "dist" / "html"
    return Site(root, html, _serve(html, servers))


@pytest.fixture(scope="module")
def notes_book(tmp_path_factory: pytest.TempPathFactory, web_series: Site,
               servers: list[ThreadingHTTPServer]) -> Site:
    """A two-chapter book without parts whose chapters have footnotes."""
    root = tmp_path_factory.mktemp("notes")
    (root / "manuscript").mkdir()
    for name, text in NOTES_BOOK.items():
        (root / "manuscript" / name).write_text(text, encoding="utf-8")
    build(root, root / "dist", ("html",))
    html = root / "dist" / "html"
    return Site(root, html, _serve(html, servers))


@pytest.fixture(scope="module")
def part_notes(tmp_path_factory: pytest.TempPathFactory, web_series: Site,
               servers: list[ThreadingHTTPServer]) -> Site:
    """The series with a note in part 3's introduction, under the part's picture: on wide
    screens the page's column moves left to leave the note its margin."""
    root = _copy_series(tmp_path_factory.mktemp("part-notes"))
    intro = root / "manuscript" / "03-quand-l-execution-s-effondre" / "_part.md"
    text = intro.read_text("utf-8").replace("des exceptions.", "des exceptions[^n].", 1)
    intro.write_text(text + "\n\n[^n]: Une note de l'introduction.\n", encoding="utf-8")
    build(root, root / "dist", ("html",), edition="omnibus")
    html = root / "dist" / "html"
    return Site(root, html, _serve(html, servers))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_tool("browser", "Chromium")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the web edition is tested in a real browser; "
                    "install it with `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Watched:
    """A page that records console errors and failed requests."""

    def __init__(self, browser: object, width: int = 1280, scheme: str = "light") -> None:
        self.page = browser.new_page(viewport={"width": width, "height": 900},  # type: ignore[attr-defined]
                                     color_scheme=scheme)
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"{r.status}: {r.url}"))

    def _failed(self, request: object) -> None:
        # Leaving a page cancels what it was still fetching (the icon, a lazy image): that
        # is no failure. A missing file answers 404 (http) or FILE_NOT_FOUND (file://).
        if request.failure != "net::ERR_ABORTED":  # type: ignore[attr-defined]
            self.problems.append(f"failed: {request.url} {request.failure}")  # type: ignore[attr-defined]

    def __enter__(self) -> Watched:
        return self

    def __exit__(self, *exc: object) -> None:
        self.page.close()


def _doc(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(path.read_bytes())


def _select(root: lxml_html.HtmlElement, selector: str) -> list[lxml_html.HtmlElement]:
    """A small CSS subset without the cssselect package: `tag.class`, `#id .class`,
    `tag[attr=value]`, descendants separated by spaces."""
    path = ""
    for step in selector.split():
        match = re.fullmatch(r"([a-z0-9]*)(?:#([\w-]+))?((?:\.[\w-]+)*)(?:\[([\w:-]+)="
                             r"'?([^'\]]*)'?\])?", step)
        assert match, step
        tag, ident, classes, attr, value = match.groups()
        tests = [f"@id='{ident}'"] if ident else []
        tests += [f"contains(concat(' ', normalize-space(@class), ' '), ' {c} ')"
                  for c in classes.split(".") if c]
        if attr:
            tests.append(f"@{attr}='{value}'")
        path += "//" + (tag or "*") + "".join(f"[{t}]" for t in tests)
    return root.xpath("." + path)


def _pages(site: Site) -> list[Path]:
    return sorted(site.html.glob("*.html"))


# ---------------------------------------------------------------------------------------------
# The files


def test_site_layout(web_series: Site) -> None:
    names = {p.name for p in web_series.html.iterdir()}
    assert {"index.html", "livre.html", "recherche.html", "search-index.js"} <= names
    chapters = sorted(web_series.html.glob("03-0*.html"))
    assert len(chapters) == 9
    assert (web_series.html / "03-quand-l-execution-s-effondre.html").is_file()
    for part in ("01-un-guide-pour-la-revolution", "04-la-vie-apres-l-effondrement"):
        # A forthcoming part has no page: the home page lists it, once.
        assert not (web_series.html / f"{part}.html").exists()
    fonts = sorted(web_series.html.glob("fonts/*.woff2"))
    assert len(fonts) == 8 and all(f.read_bytes()[:4] == b"wOF2" for f in fonts)
    assert (web_series.html / "fonts" / "LICENSE-SourceSerif4.md").is_file()


def test_pages_are_well_formed_html5(web_series: Site, notes_book: Site) -> None:
    for page in _pages(web_series) + _pages(notes_book):
        parser = HTMLParser()
        parser.parse(page.read_bytes())
        assert not parser.errors, f"{page.name}: {parser.errors[:3]}"
        root = _doc(page)
        assert root.get("lang") == "fr"
        assert len(root.findall(".//h1")) == 1, page.name
        levels = [int(h.tag[1]) for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), \
            f"{page.name}: heading levels skip: {levels}"
        ids = [e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")]
        assert len(ids) == len(set(ids)), f"{page.name}: duplicate ids"
        for tag in ("header", "nav", "main", "footer"):
            assert root.find(f".//{tag}") is not None, f"{page.name}: no <{tag}>"
        for img in root.iter("img"):
            assert img.get("alt") is not None and img.get("width") and img.get("height")


def test_no_external_resources(web_series: Site) -> None:
    """Nothing the pages load comes from the network: every src, srcset and stylesheet is a
    relative path inside the site."""
    for page in _pages(web_series):
        root = _doc(page)
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            urls = [element.get("src"), element.get("srcset")]
            if element.tag == "link":
                urls.append(element.get("href"))
            for value in filter(None, urls):
                for url in re.split(r",\s*", value):
                    target = url.split()[0].split("#")[0]
                    assert not re.match(r"^[a-z]+:|^//|^/", target), f"{page.name}: {url}"
                    assert (web_series.html / target).is_file(), f"{page.name}: missing {target}"
    css = (web_series.html / "assets" / "site.css").read_text("utf-8")
    assert not re.search(r"url\(\s*['\"]?([a-z]+:|//)", css) and "@import" not in css


def test_downloads_are_listed_with_their_size(web_series: Site) -> None:
    """Each file with its format and size; its checksum is the release's (SHA256SUMS), not
    something a reader is shown."""
    built = sorted(p.name for p in (web_series.root / "dist").iterdir()
                   if p.suffix in (".epub", ".pdf"))
    assert built == ["intelligence-abondante.epub"]
    home = _doc(web_series.html / "index.html")
    listed = _select(home, "#downloads .download")
    assert sorted(Path(li.find("a").get("href")).name for li in listed) == built
    for item in listed:
        href = item.find("a").get("href")
        data = (web_series.html / href).read_bytes()
        assert data == (web_series.root / "dist" / Path(href).name).read_bytes()
        assert re.search(r"\d( |,\d )\s?(octets|Ko|Mo)", item.text_content().replace(
            "\u00a0", " ")), item.text_content()
    shown = _select(home, "#downloads")[0].text_content()
    assert "SHA" not in shown and not re.search(r"[0-9a-f]{64}", shown), shown


def test_home_shows_the_four_parts(web_series: Site) -> None:
    home = _doc(web_series.html / "index.html")
    cards = _select(home, ".part-card")
    assert len(cards) == 4
    muted = [c for c in cards if "is-forthcoming" in c.get("class")]
    assert len(muted) == 3
    for card in muted:
        assert "À paraître" in card.text_content()
    assert all(_select(c, "picture img") for c in cards)


def test_start_reading_opens_the_first_page_with_text(web_series: Site,
                                                      tmp_path: Path) -> None:
    """« Commencer la lecture » opens the part's introduction when the part has one, else its
    first chapter."""
    home = _doc(web_series.html / "index.html")
    start = _select(home, ".actions a.button")[0]
    assert start.get("href") == "03-quand-l-execution-s-effondre.html"
    assert "Toute votre carrière" in _doc(web_series.html / start.get("href")).text_content()
    # A part whose page only lists its chapters: reading starts on the first of them.
    manuscript = tmp_path / "manuscript"
    for folder, intro in (("01-sans", ""), ("02-avec", "Une introduction.\n")):
        (manuscript / folder).mkdir(parents=True)
        (manuscript / folder / "_part.md").write_text(
            f"---\ntitle: Partie {folder}\n---\n\n{intro}", encoding="utf-8")
        (manuscript / folder / "01-un.md").write_text("# Un chapitre\n\nDu texte.\n",
                                                      encoding="utf-8")
    (manuscript / "book.toml").write_text('[book]\ntitle = "Deux parties"\nlang = "fr"\n',
                                          encoding="utf-8")
    build(tmp_path, tmp_path / "dist", ("html",))
    home = _doc(tmp_path / "dist" / "html" / "index.html")
    assert _select(home, ".actions a.button")[0].get("href") == "01-01-un.html"


def test_metadata(web_series: Site) -> None:
    """Without [web] site_url the pages name no address (Open Graph, canonical links and
    sitemaps take absolute ones only) and there is no sitemap: what a page says of itself
    holds wherever the site is put."""
    home = _doc(web_series.html / "index.html")
    data = json.loads(_select(home, "script[type='application/ld+json']")[0].text)
    assert data["@type"] == "Book" and data["inLanguage"] == "fr"
    assert len(data["hasPart"]) == 4 and data["workExample"]
    props = {m.get("property"): m.get("content") for m in home.iter("meta") if m.get("property")}
    assert props["og:locale"] == "fr_FR" and props["og:title"] == "Intelligence abondante"
    for page in _pages(web_series):
        root = _doc(page)
        named = [m.get("property") for m in root.iter("meta")
                 if m.get("property") in ("og:url", "og:image")]
        assert named == [] and not _select(root, "link[rel=canonical]"), page.name
        for script in _select(root, "script[type='application/ld+json']"):
            assert not re.search(r'"(url|image)"', script.text), (page.name, script.text)
    chapter = _doc(web_series.html / "03-02-quand-la-rarete-devient-abondance.html")
    assert _select(chapter, "meta[name=description]")[0].get("content")
    assert not (web_series.html / "sitemap.xml").exists()


def test_site_url_makes_addresses_absolute(web_series: Site, tmp_path: Path) -> None:
    """With [web] site_url every page names its absolute address (canonical, og:url), its
    card (og:image) and sitemap.xml lists every page at its address."""
    root = tmp_path / "book"
    (root / "manuscript").mkdir(parents=True)
    for name, text in NOTES_BOOK.items():
        (root / "manuscript" / name).write_text(text, encoding="utf-8")
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[web]\nsite_url = "https://exemple.fr/petit"\n',
                    encoding="utf-8")
    build(root, root / "dist", ("html",))
    html = root / "dist" / "html"
    base = "https://exemple.fr/petit/"
    pages = {p.name: _doc(p) for p in sorted(html.glob("*.html"))}
    assert {"index.html", "01-un.html", "02-deux.html", "livre.html"} <= set(pages)
    for name, page in pages.items():
        address = base if name == "index.html" else base + name
        props = {m.get("property"): m.get("content") for m in page.iter("meta")
                 if m.get("property")}
        assert _select(page, "link[rel=canonical]")[0].get("href") == address, name
        assert props["og:url"] == address and props["og:image"] == base + "assets/social.jpg"
    data = json.loads(_select(pages["01-un.html"], "script[type='application/ld+json']")[0].text)
    assert data["url"] == base + "01-un.html" and data["isPartOf"]["url"] == base
    from lxml import etree

    sitemap = etree.parse(str(html / "sitemap.xml"))
    locs = sitemap.xpath("//s:loc/text()", namespaces={
        "s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    assert sorted(locs) == sorted(base if n == "index.html" else base + n for n in pages
                                  if n != "recherche.html")
    # Each an absolute address of a file the site has.
    assert all(loc.startswith(base) and (html / (loc.removeprefix(base) or "index.html"))
               .is_file() for loc in locs)


def test_a_malformed_site_url_is_an_error(tmp_path: Path) -> None:
    """One message with the file and line, exit code 1, nothing built."""
    from conftest import run_cli

    (tmp_path / "manuscript").mkdir()
    for name, text in NOTES_BOOK.items():
        (tmp_path / "manuscript" / name).write_text(text, encoding="utf-8")
    toml = tmp_path / "manuscript" / "book.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[web]\nsite_url = "exemple.fr/petit"\n',
                    encoding="utf-8")
    for command in ("check", "build"):
        result = run_cli(command, str(tmp_path), *(["--format", "html"] if command == "build"
                                                   else []))
        assert result.returncode == 1, result.stderr
        assert ('manuscript/book.toml:6: E005 [web] site_url must be an absolute http(s) '
                'address such as "https://example.org/livre/", not \'exemple.fr/petit\'') \
            in result.stderr + result.stdout, result.stderr
        assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "dist" / "html").exists()


def test_search_index_is_a_script_with_the_text(web_series: Site) -> None:
    script = (web_series.html / "search-index.js").read_text("utf-8")
    assert script.startswith("window.MAKE_BOOK_SEARCH = ")
    data = json.loads(script.removeprefix("window.MAKE_BOOK_SEARCH = ").rstrip(";\n"))
    texts = [e[2] for e in data["entries"] if PHRASE in e[2]]
    assert texts and all(not re.search(r"\w\d", t) for t in texts)


def test_search_index_keeps_the_no_break_spaces(web_series: Site) -> None:
    """French typography puts U+202F before « ; ! ? » and U+00A0 before « : »: the index
    keeps them, so that a result never breaks a line between a word and its semicolon."""
    script = (web_series.html / "search-index.js").read_text("utf-8")
    data = json.loads(script.removeprefix("window.MAKE_BOOK_SEARCH = ").rstrip(";\n"))
    texts = [e[2] for e in data["entries"]]
    assert any("couches\u202f; celle du milieu" in t for t in texts)
    assert sum(t.count("\u202f") for t in texts) > 10 and any("\u00a0:" in t for t in texts)
    breaking = [t for t in texts if re.search(r"\w [;!?:»]|« ", t)]
    assert breaking == [], breaking[:3]


def test_responsive_images(web_series: Site) -> None:
    page = _doc(web_series.html / "03-04-la-hierarchie-se-retourne.html")
    picture = _select(page, ".text figure picture")[0]
    source = picture.find("source")
    assert source.get("type") == "image/webp" and " 960w" in source.get("srcset")
    img = picture.find(".//img")  # libxml2 does not know <source> is void: img nests in it
    assert img.get("decoding") == "async" and img.get("sizes")
    assert img.get("width") == "2400" and img.get("height") == "1500"
    # Every figure opens its chapter (eager there); on the single page all are far down.
    whole = _select(_doc(web_series.html / "livre.html"), "picture")
    assert len(whole) == 6 and all(p.find(".//img").get("loading") == "lazy" for p in whole)
    hero = _select(_doc(web_series.html / "03-quand-l-execution-s-effondre.html"), ".hero img")[0]
    assert hero.get("alt") == ""


def _tree(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _rewrite(root: Path, staging: Path, offered: list[tuple[Artifact, bytes]]) -> Path:
    """Run the web writer alone on the project at root, as the pipeline would once the EPUB
    and PDF writers had written `offered` into the staging folder and returned its records."""
    from make_book.build.covers import plan_covers
    from make_book.build.jobs import run_jobs
    from make_book.build.pipeline import load
    from make_book.core.editions import editions
    from make_book.writers import html as web
    from make_book.writers.context import BuildContext

    book, _ = load(root)
    ctx = BuildContext(book=book, staging=staging, cache=cache_dir(root),
                       epoch=0)
    run_jobs(plan_covers(book, ctx, editions(book)))
    staging.mkdir(parents=True, exist_ok=True)
    records = []
    for artifact, data in offered:
        path = staging / artifact.path.name
        path.write_bytes(data)
        records.append(artifact.moved(path))
    made = web.write(book, editions(book)[0], ctx, records)
    assert made == [Artifact("omnibus", "html", "web", staging / "html")]
    return staging / "html"


def test_identical_output_and_cached_renditions(web_series: Site, notes_book: Site,
                                                tmp_path: Path) -> None:
    """The same input gives the same bytes, without redoing the fonts and images (their
    cache files are left untouched)."""
    cache = cache_dir(web_series.root)
    cached = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    assert any("renditions" in str(p) for p in cached)
    assert any("font-subsets" in str(p) for p in cached)
    epubs = [(Artifact("omnibus", "epub", None, p), p.read_bytes())
             for p in (web_series.root / "dist").glob("*.epub")]
    again = _rewrite(web_series.root, tmp_path / "series", epubs)
    assert _tree(again) == _tree(web_series.html)
    assert {p: p.stat().st_mtime_ns for p in cached} == cached
    build(notes_book.root, tmp_path / "notes", ("html",))
    assert _tree(notes_book.html) == _tree(tmp_path / "notes" / "html")


def test_readers_are_offered_the_epub_and_the_screen_pdf(web_series: Site,
                                                         tmp_path: Path) -> None:
    """Of the files the web writer is given the records of, a reader is offered each
    edition's EPUB and its PDF for screens, as « PDF » (the print PDF when no screen PDF was
    made), grouped by edition; the printer's files are neither listed nor copied."""
    slug = "intelligence-abondante"
    volume = "intelligence-abondante-3-quand-l-execution-s-effondre"
    records = [Artifact("omnibus", "pdf", "print", Path(f"{slug}.pdf")),
               Artifact("omnibus", "pdf", "cover", Path(f"{slug}-cover.pdf")),
               Artifact("part-3", "epub", None, Path(f"{volume}.epub")),
               Artifact("part-3", "pdf", "print", Path(f"{volume}.pdf")),
               Artifact("part-3", "pdf", "cover", Path(f"{volume}-cover.pdf")),
               Artifact("omnibus", "pdf", "screen", Path(f"{slug}-screen.pdf")),
               Artifact("omnibus", "epub", None, Path(f"{slug}.epub")),
               Artifact("omnibus", "docx", None, Path(f"{slug}.docx"))]
    site = _rewrite(web_series.root, tmp_path, [(r, b"%" * 1500 * (i + 1))
                                            for i, r in enumerate(records)])
    home = _doc(site / "index.html")
    labels = [(Path(a.get("href")).name, a.text) for a in _select(home, "li.download a")]
    assert labels == [(f"{slug}.epub", "EPUB"), (f"{slug}-screen.pdf", "PDF"),
                      (f"{volume}.epub", "EPUB"), (f"{volume}.pdf", "PDF")]
    assert sorted(p.name for p in (site / "downloads").iterdir()) == sorted(
        name for name, _ in labels)
    sizes = [s.text for s in _select(home, "li.download span.size")]
    assert sizes == ["10,5\u00a0Ko", "9,0\u00a0Ko", "4,5\u00a0Ko", "6,0\u00a0Ko"]
    groups = [h.text_content() for h in _select(home, "section.download-group h3")]
    assert groups == ["Intelligence abondante La série complète",
                      "Quand l’exécution s’effondre Intelligence abondante, volume 3 sur 4"]
    shown = _select(home, "#downloads")[0].text_content()
    assert "imprim" not in shown and "SHA" not in shown, shown
    data = json.loads(_select(home, "script[type='application/ld+json']")[0].text)
    assert [(w["name"], w["encodingFormat"]) for w in data["workExample"]] == [
        ("Intelligence abondante", "application/epub+zip"),
        ("Intelligence abondante", "application/pdf"),
        ("Quand l’exécution s’effondre", "application/epub+zip"),
        ("Quand l’exécution s’effondre", "application/pdf")]


# ---------------------------------------------------------------------------------------------
# In the browser


@pytest.mark.browser
def test_home_loads_cleanly(browser: object, web_series: Site) -> None:
    with Watched(browser) as watched:
        watched.page.goto(web_series.url + "index.html", wait_until="networkidle")
        assert watched.page.title() == "Intelligence abondante"
        fonts = watched.page.evaluate(
            "document.fonts.ready.then(() => [...document.fonts].filter("
            "f => f.status === 'loaded').map(f => f.family))")
        assert any("Source Serif" in f for f in fonts)
        assert watched.problems == []


@pytest.mark.browser
def test_next_links_walk_the_book(browser: object, web_series: Site) -> None:
    first = "03-01-la-chose-pour-laquelle-vous-etiez-paye.html"
    last = "03-09-vous-etes-maintenant-un-architecte.html"
    with Watched(browser) as watched:
        watched.page.goto(web_series.url + first)
        assert "Chapitre 1 sur 9" in watched.page.inner_text(".position")
        seen = [first]
        while not watched.page.url.endswith(last) and len(seen) < 20:
            watched.page.click("a[rel=next]")
            watched.page.wait_for_load_state()
            seen.append(watched.page.url.rsplit("/", 1)[1])
        assert seen[-1] == last and len(seen) == 9
        assert "Chapitre 9 sur 9" in watched.page.inner_text(".position")
        assert watched.problems == []


@pytest.mark.browser
@pytest.mark.parametrize("query", [PHRASE, "GOULOT d'etranglement"])
def test_search_finds_a_phrase_of_part_three(browser: object, web_series: Site, query: str) -> None:
    with Watched(browser) as watched:
        page = watched.page
        page.goto(web_series.url + "recherche.html")
        page.fill("#search-input", query)
        page.wait_for_selector("#search-results li")
        # Titles are broken by sense with no-break spaces (transforms/titles.py).
        titles = [t.replace("\u00a0", " ") for t in page.locator(".result-title").all_inner_texts()]
        assert "Quand la rareté devient abondance, tout s’inverse" in titles
        assert PHRASE in page.locator("mark").first.inner_text()
        assert "résultats" in page.inner_text("#search-status")
        # Keyboard: down from the field into the results, Enter follows the link.
        page.focus("#search-input")
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.closest('#search-results') !== null")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "#c3-" in page.url
        assert "goulot d’étranglement" in page.locator(":target").inner_text()
        assert watched.problems == []


@pytest.mark.browser
def test_search_results_keep_the_no_break_spaces(browser: object, web_series: Site) -> None:
    """A query typed with a plain space finds the text, which is shown as typeset."""
    with Watched(browser) as watched:
        page = watched.page
        page.goto(web_series.url + "recherche.html")
        page.fill("#search-input", "couches ; celle du milieu")
        page.wait_for_selector("#search-results li")
        snippet = page.locator(".result-snippet").first
        assert "couches\u202f; celle du milieu" in snippet.text_content()
        assert "couches\u202f; celle du milieu" in snippet.locator("mark").first.text_content()
        assert watched.problems == []


@pytest.mark.browser
def test_search_finds_a_phrase_across_a_bound_dash(browser: object, web_series: Site) -> None:
    """The typesetter binds an aside's dash to its word with a word joiner (U+2060): a reader
    types a plain space and dash, and the phrase is still found."""
    with Watched(browser) as watched:
        page = watched.page
        page.goto(web_series.url + "recherche.html")
        page.fill("#search-input", "réseaux d'experts - c'étaient les gardiens")
        page.wait_for_selector("#search-results li")
        snippet = page.locator(".result-snippet").first
        marks = [m.text_content() or "" for m in snippet.locator("mark").all()]
        # The phrase is found whole: one mark runs over the dash and its word joiner.
        assert any("\u2060" in m and "experts" in m and "gardiens" in m for m in marks), marks
        assert watched.problems == []


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_clear_button_in_the_theme(browser: object, web_series: Site, tmp_path: Path,
                                          scheme: str) -> None:
    """The field's clear button is drawn in the theme's muted ink, not Chromium's blue (by
    day) or white (by night), and it clears the field."""
    from PIL import Image

    with Watched(browser, scheme=scheme) as watched:
        page = watched.page
        page.goto(web_series.url + "recherche.html?q=couches")
        page.wait_for_selector("#search-results li")
        field = page.locator("#search-input")
        box = field.bounding_box()
        assert box
        page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)  # Chromium shows it then
        field.screenshot(path=str(tmp_path / "field.png"))
        muted = page.evaluate("getComputedStyle(document.documentElement)"
                              ".getPropertyValue('--muted').trim()")
        paper = page.evaluate("getComputedStyle(document.getElementById('search-input'))"
                              ".backgroundColor")
        with Image.open(tmp_path / "field.png") as shot:
            image = shot.convert("RGB")
        background = tuple(int(v) for v in re.findall(r"\d+", paper)[:3])
        want = tuple(int(muted[i:i + 2], 16) for i in (1, 3, 5))
        # The right part of the field, inside its border: only the button is drawn there.
        width, height = image.size
        inked = [(x, y, image.getpixel((x, y))) for x in range(int(width * 0.8), width - 4)
                 for y in range(4, height - 4)
                 if sum(abs(a - b) for a, b in zip(image.getpixel((x, y)), background,
                                                     strict=True)) > 30]
        assert len(inked) > 20, "no clear button drawn"
        # The stroke's core (the pixel farthest from the paper) is the theme's colour.
        x, y, core = max(inked, key=lambda i: sum(abs(a - b) for a, b in zip(
            i[2], background, strict=True)))
        assert all(abs(a - b) <= 16 for a, b in zip(core, want, strict=True)), (core, want)
        xs = [i[0] for i in inked]
        ys = [i[1] for i in inked]
        page.mouse.click(box["x"] + (min(xs) + max(xs)) / 2, box["y"] + (min(ys) + max(ys)) / 2)
        assert field.input_value() == ""
        assert watched.problems == []


@pytest.mark.browser
def test_search_says_when_nothing_is_found(browser: object, web_series: Site) -> None:
    with Watched(browser) as watched:
        watched.page.goto(web_series.url + "recherche.html?q=zzyzx")
        watched.page.wait_for_function(
            "document.getElementById('search-status').textContent !== ''")
        assert watched.page.inner_text("#search-status") == "Aucun résultat"
        assert watched.page.locator("#search-results li").count() == 0


@pytest.mark.browser
def test_search_works_from_file_urls(browser: object, web_series: Site) -> None:
    with Watched(browser, width=375) as watched:
        page = watched.page
        page.goto((web_series.html / "recherche.html").as_uri() + "?q=goulot")
        page.wait_for_selector("#search-results li")
        with page.expect_navigation():
            page.click("#search-results a >> nth=0")
        assert page.url.startswith("file://") and "#c3-" in page.url
        assert page.locator("h1").count() == 1
        loaded = page.evaluate("document.fonts.ready.then(() => [...document.fonts]"
                               ".filter(f => f.status === 'loaded').length)")
        assert loaded >= 3, "the WOFF2 fonts load from file:// too"
        assert watched.problems == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
def test_footnote_and_back_link(browser: object, notes_book: Site, width: int) -> None:
    """Narrow: the call jumps to the note at the end. Wide: the note stands in the margin and
    the call moves the focus to it. Both have a back link to the call."""
    with Watched(browser, width=width) as watched:
        page = watched.page
        page.goto(notes_book.url + "01-un.html")
        page.click("#c1-fnref2")
        if width < 900:
            assert page.url.endswith("#c1-fn2")
            note = page.locator("#c1-fn2")
        else:
            assert page.locator(".endnotes").is_hidden()
            note = page.locator(".sidenote[data-note='c1-fn2']")
            assert page.evaluate("document.activeElement.dataset.note") == "c1-fn2"
            call = page.locator("#c1-fnref2").bounding_box()
            box = note.bounding_box()
            assert box["x"] > call["x"] and abs(box["y"] - call["y"]) < 120
        assert note.is_visible() and "deuxième note" in note.inner_text()
        note.locator("a.note-number").click()
        assert page.url.endswith("#c1-fnref2")
        assert watched.problems == []


@pytest.mark.browser
def test_print_stylesheet(browser: object, notes_book: Site) -> None:
    """On paper: no interface, and the notes at the end of the chapter, not in a margin."""
    with Watched(browser) as watched:
        page = watched.page
        page.goto(notes_book.url + "01-un.html")
        page.emulate_media(media="print")
        assert page.locator(".endnotes").is_visible()
        assert page.locator(".sidenote").first.is_hidden()
        assert page.locator(".site-header").is_hidden() and page.locator(".pager").is_hidden()


@pytest.mark.browser
def test_toc_by_keyboard(browser: object, web_series: Site) -> None:
    with Watched(browser, width=375) as watched:
        page = watched.page
        page.goto(web_series.url + "03-02-quand-la-rarete-devient-abondance.html")
        page.focus(".toc-menu summary")
        page.keyboard.press("Enter")
        current = page.locator(".toc-menu [aria-current=page]")
        assert current.is_visible()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('.toc-panel') !== null")
        page.keyboard.press("Escape")
        assert not current.is_visible()


@pytest.mark.browser
def test_nothing_overflows_a_phone(browser: object, web_series: Site) -> None:
    pages = ["index.html", "03-quand-l-execution-s-effondre.html",
             "03-05-la-couche-du-milieu-disparait.html", "livre.html", "recherche.html?q=le"]
    with Watched(browser, width=375) as watched:
        for name in pages:
            watched.page.goto(web_series.url + name)
            width = watched.page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{name} is {width} px wide"
        assert watched.problems == []


@pytest.mark.browser
def test_measure_is_a_book_line(browser: object, web_series: Site) -> None:
    """About 65 characters a line on a wide screen: 60 to 75."""
    with Watched(browser) as watched:
        watched.page.goto(web_series.url + "03-07-la-connaissance-n-est-plus-un-fosse.html")
        watched.page.evaluate("document.fonts.ready")
        per_line = watched.page.evaluate("""() => {
            const p = document.querySelector('.text p + p');
            const ctx = document.createElement('canvas').getContext('2d');
            const style = getComputedStyle(p);
            ctx.font = `${style.fontSize} ${style.fontFamily}`;
            const text = p.textContent;
            return p.getBoundingClientRect().width / (ctx.measureText(text).width / text.length);
        }""")
        assert 60 <= per_line <= 75, per_line


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_accessibility_axe(browser: object, web_series: Site, notes_book: Site,
                           scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    urls = [web_series.url + name for name in (
        "index.html", "03-quand-l-execution-s-effondre.html",
        "03-04-la-hierarchie-se-retourne.html", "recherche.html?q=valeur")] + [
        notes_book.url + "01-un.html"]
    with Watched(browser, scheme=scheme) as watched:
        for url in urls:
            watched.page.goto(url)
            watched.page.evaluate("document.fonts.ready.then(() => true)")
            violations = axe.run(watched.page).response["violations"]
            bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                   for v in violations if v["impact"] in ("serious", "critical")]
            assert bad == [], f"{url} ({scheme}): {bad}"


@pytest.mark.browser
def test_screenshots(browser: object, web_series: Site) -> None:
    """Home page and a chapter at phone and desktop widths in both themes, for a person to
    look at (written to $MAKE_BOOK_SHOTS, /tmp/web-shots by default). The themes follow the
    reader's preference: warm paper by day, warm ink by night. Each picture shows a page:
    many colours (text, images), the most frequent of them the theme's background."""
    from PIL import Image

    SHOTS.mkdir(parents=True, exist_ok=True)
    backgrounds = set()
    dominant: dict[tuple[str, int, str], tuple[int, int, int]] = {}
    with Watched(browser) as watched:
        page = watched.page
        for name in ("index", "03-04-la-hierarchie-se-retourne"):
            page.goto(web_series.url + name + ".html")
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                background = page.evaluate("getComputedStyle(document.body).backgroundColor")
                backgrounds.add(background)
                for width in (375, 1280):
                    page.set_viewport_size({"width": width, "height": 900})
                    page.evaluate(LOAD_EVERYTHING)
                    shot = SHOTS / f"{name}-{width}-{scheme}.png"
                    # The whole home page; the chapter's first screen and a half.
                    page.screenshot(path=str(shot), full_page=name == "index",
                                    clip=None if name == "index" else {
                                        "x": 0, "y": 0, "width": width, "height": 1350})
                    with Image.open(shot) as image:
                        colours = image.convert("RGB").getcolors(maxcolors=1 << 24)
                    assert colours and len(colours) > 100, f"{shot.name} is nearly uniform"
                    dominant[name, width, scheme] = max(colours)[1]
                    assert "rgb({}, {}, {})".format(*dominant[name, width, scheme]) == \
                        background, f"{shot.name}: the page's background is not the theme's"
        assert watched.problems == []
    assert backgrounds == {"rgb(247, 243, 235)", "rgb(27, 25, 22)"}
    for (name, width, scheme), colour in dominant.items():
        if scheme == "light":
            assert colour != dominant[name, width, "dark"], f"{name}-{width}: one theme"


# What is laid out in the reading column's band, against the sticky contents beside it.
_BOXES = """selectors => selectors.flatMap(s => [...document.querySelectorAll(s)]).map(e => {
    const r = e.getBoundingClientRect();
    return {name: e.className || e.tagName, left: r.left, right: r.right, top: r.top,
            bottom: r.bottom};
}).filter(b => b.right > b.left)"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1024, 1280, 1440, 1600, 1920])
def test_nothing_reaches_under_the_contents(browser: object, web_series: Site,
                                            notes_book: Site, part_notes: Site, width: int,
                                            scheme: str) -> None:
    """The contents stand in the left margin on wide screens and stay there as the page
    scrolls (sticky): the part's picture, the text and the notes keep clear of their column,
    at every scroll position, so no line of the contents is ever drawn over. On narrower
    screens the picture stays on the screen, notes beside the text or not."""
    pages = [web_series.url + "03-quand-l-execution-s-effondre.html",
             web_series.url + "livre.html", notes_book.url + "01-un.html",
             part_notes.url + "03-quand-l-execution-s-effondre.html"]
    with Watched(browser, width=width, scheme=scheme) as watched:
        page = watched.page
        for url in pages:
            page.goto(url)
            page.evaluate(LOAD_EVERYTHING)
            contents = page.locator(".toc-aside-inner")
            shown = page.locator("main .hero img, main .text, main .sidenote")
            assert shown.count(), url
            if width < 1280:  # the contents are in the header's menu: nothing beside the text
                assert contents.is_hidden()
                boxes = page.evaluate(_BOXES, [".hero img", ".text", ".sidenote"])
                assert all(0 <= b["left"] and b["right"] <= width for b in boxes), \
                    f"{url} at {width} px: {boxes}"
                continue
            toc = contents.bounding_box()
            assert toc and toc["width"] > 100, url
            boxes = page.evaluate(_BOXES, [".hero img", ".text", ".sidenote"])
            # Sticky: the column moves only up and down, so any shared x is an overlap.
            crossing = [b for b in boxes if b["left"] < toc["x"] + toc["width"]
                        and b["right"] > toc["x"]]
            assert crossing == [], f"{url} at {width} px: {crossing} under {toc}"
            # And, scrolled to the picture (the contents stuck beside it), the boxes do not meet.
            if page.locator(".hero img").count():
                page.locator(".hero img").first.evaluate(
                    "e => window.scrollBy(0, e.getBoundingClientRect().top - 40)")
                hero = page.locator(".hero img").first.bounding_box()
                toc = contents.bounding_box()
                assert hero and toc
                apart_x = hero["x"] >= toc["x"] + toc["width"] or \
                    hero["x"] + hero["width"] <= toc["x"]
                apart_y = hero["y"] >= toc["y"] + toc["height"] or \
                    hero["y"] + hero["height"] <= toc["y"]
                assert apart_x or apart_y, f"{url} at {width} px: {hero} meets {toc}"
                if width == 1280:
                    page.screenshot(path=str(SHOTS / f"part-hero-{width}-{scheme}.png"))
        assert watched.problems == []
