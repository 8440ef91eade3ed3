"""What WeasyPrint may load for a PDF, and the URLs the PDF writer gives the files it loads.

A file of the project is `book:/<path in the project>`, a file of the content cache is
`cache:/<path in the cache>`: WeasyPrint names each image in the PDF after the md5 of its URL,
and a file:// URL would make two builds of one manuscript in two folders, or with the cache
in two places, differ.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import quote, unquote, urlparse
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from make_book.core.files import PACKAGE_STYLES
from make_book.core.store import cache_dir

BOOK_URL = "book:/"
CACHE_URL = "cache:/"


def book_url(path: Path, root: Path) -> str:
    """`cache:/<path>` for a file of the project's content cache, `book:/<path>` for another
    file of the project, else the file's file:// URI."""
    path = path.resolve()
    holding = [(folder, prefix) for folder, prefix in
               ((cache_dir(root).resolve(), CACHE_URL), (root.resolve(), BOOK_URL))
               if path.is_relative_to(folder)]
    if not holding:
        return path.as_uri()
    # The deepest folder names it: the cache inside the project (the default), or the project
    # inside a shared cache's folder, so that the URL never depends on where the other lies.
    folder, prefix = max(holding, key=lambda held: len(held[0].parts))
    return prefix + quote(path.relative_to(folder).as_posix())


class BookFetcher(URLFetcher):
    """What WeasyPrint may load: files of the project (by `book:/` URL or file://), of its
    content cache (`cache:/`) and make-book's own styles and fonts. Nothing from the network,
    no other file: a refused URL is a WeasyPrint warning, never a request."""

    def __init__(self, root: Path, fonts: list[Path] | None = None):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.root = root.resolve()
        self.cache = cache_dir(root).resolve()
        # The system fonts [fonts] chose, each file by name: nothing else of the system.
        self.fonts = {path.resolve() for path in fonts or []}

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        for prefix, folder in ((BOOK_URL, self.root), (CACHE_URL, self.cache)):
            if url.startswith(prefix):
                path = (folder / unquote(url[len(prefix):])).resolve()
                if path.is_relative_to(folder) and path.is_file():
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        if url.startswith("data:"):
            return super().fetch(url, headers)  # self-contained: the stylesheet's own rules
        if url.startswith("file:"):
            path = Path(url2pathname(urlparse(url).path)).resolve()
            if (path.is_relative_to(self.root) or path.is_relative_to(PACKAGE_STYLES)
                    or path in self.fonts):
                return super().fetch(url, headers)
        raise ValueError(f"make-book loads nothing from outside the book: {url}")
