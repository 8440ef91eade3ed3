"""The web edition's fonts: subsets of the faces to what the site shows, and what a chapter
page costs a reader, measured in Chromium."""

from __future__ import annotations

import functools
import io
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import SERIES, require_tool
from fontTools.ttLib import TTFont
from lxml import html as lxml_html

from make_book.build.pipeline import build
from make_book.core.files import PACKAGE_STYLES

CHAPTER = "03-04-la-hierarchie-se-retourne.html"  # a chapter with a figure


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The series' web edition alone."""
    root = tmp_path_factory.mktemp("web-fonts")
    for name in ("manuscript", "assets"):
        shutil.copytree(SERIES / name, root / name)
    build(root, root / "dist", ("html",))
    return root / "dist" / "html"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def _transferred(folder: Path, page: str) -> dict[str, int]:
    """Each response's body size when Chromium loads the page from an http server, by path."""
    require_tool("browser", "Chromium")
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sizes: dict[str, int] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu"])
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.on("response", lambda r: sizes.__setitem__(
                r.url.split("/", 3)[3], len(r.body())))
            tab.goto(f"http://127.0.0.1:{server.server_address[1]}/{page}",
                     wait_until="networkidle")
            tab.evaluate("document.fonts.ready.then(() => true)")
            browser.close()
    finally:
        server.shutdown()
    return sizes


@pytest.mark.browser
def test_a_chapter_page_transfers_under_300_kb(site: Path) -> None:
    sizes = _transferred(site, CHAPTER)
    fonts = {path: size for path, size in sizes.items() if path.endswith(".woff2")}
    assert fonts, sizes  # the page is set in the book's fonts
    assert sum(sizes.values()) < 300_000, sizes
    # A face is fetched only for text the page sets in it: never more than the site has.
    assert set(fonts) <= {f"fonts/{p.name}" for p in (site / "fonts").glob("*.woff2")}


def test_each_web_font_is_a_subset_covering_the_pages(site: Path) -> None:
    regular = TTFont(site / "fonts" / "SourceSerif4SmText-Regular.woff2")
    source = TTFont(PACKAGE_STYLES / "fonts" / "SourceSerif4SmText-Regular.otf")
    assert len(regular.getGlyphOrder()) < len(source.getGlyphOrder()) / 2
    cmap = regular.getBestCmap()
    for page in sorted(site.glob("*.html")):
        tree = lxml_html.fromstring(page.read_bytes())
        for element in tree.iter("script", "style"):
            element.drop_tree()
        text = tree.body.text_content()
        missing = {c for c in text if c.isprintable() and ord(c) not in cmap
                   and ord(c) in source.getBestCmap()}
        assert not missing, (page.name, missing)
    # The features html.css uses survive: small capitals, old-style figures, ligatures.
    features = {r.FeatureTag for r in regular["GSUB"].table.FeatureList.FeatureRecord}
    assert {"smcp", "c2sc", "onum", "pnum", "liga"} <= features
    total = sum(p.stat().st_size for p in (site / "fonts").glob("*.woff2"))
    assert total < 250_000
    data = (site / "fonts" / "SourceSans3-Regular.woff2").read_bytes()
    assert TTFont(io.BytesIO(data)).flavor == "woff2"
