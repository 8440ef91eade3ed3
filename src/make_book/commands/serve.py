"""`make-book serve`: the web edition on localhost, rebuilt as the author writes.

The site is built into .cache/make-book/serve (dist/ keeps the last real build) and served by
the standard library's HTTP server in a thread, while the main thread watches manuscript/,
assets/ and styles/ with watchfiles. A change rebuilds the HTML edition only, and only when
the changed files concern it (styles/pdf.css does not). Served HTML pages get one extra
script, added in the response and never written to a file: it polls /__reload and reloads the
page after a rebuild, or shows the book's errors over the page when a rebuild fails.
"""

from __future__ import annotations

import errno
import json
import signal
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rich.console import Console
from rich.markup import escape

from make_book.commands.build import pipeline_build, print_warnings
from make_book.core.diagnostics import BookError, MakeBookError

RELOAD_PATH = "/__reload"  # also written in LIVE_RELOAD_JS
SCRIPT_PATH = "/__livereload.js"
# Styles that only the EPUB or the PDF read: a change to them leaves the web edition as it is.
NOT_WEB = frozenset({"epub.css", "pdf.css"})

LIVE_RELOAD_JS = """\
(function () {
  var me = document.currentScript;
  var seen = Number(new URL(me.src).searchParams.get("g"));
  var banner = null;
  function show(error) {
    if (!error) { if (banner) { banner.remove(); banner = null; } return; }
    if (!banner) {
      banner = document.createElement("pre");
      banner.setAttribute("role", "alert");
      banner.style.cssText = "position:fixed;left:0;right:0;bottom:0;margin:0;z-index:2147483647;"
        + "max-height:40vh;overflow:auto;padding:1em 1.25em;white-space:pre-wrap;"
        + "background:#2b1d16;color:#f6e7dc;font:13px/1.45 ui-monospace,monospace";
      document.body.appendChild(banner);
    }
    banner.textContent = "make-book: the book has errors\\n\\n" + error;
  }
  function poll() {
    fetch("/__reload", {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.generation !== seen) { location.reload(); return; }
        show(s.error);
        setTimeout(poll, 500);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
"""

WAITING_PAGE = """<!doctype html>
<html lang="en"><meta charset="utf-8"><title>make-book serve</title>
<body style="font:16px/1.5 system-ui,sans-serif;margin:3em auto;max-width:38em;padding:0 1em">
<h1 style="font-weight:500">%(title)s</h1><p>%(text)s</p></body></html>
"""


@dataclass
class State:
    """What the pages poll: the build generation (bumped by each good build) and the error."""

    generation: int = 0
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {"generation": self.generation, "error": self.error}

    def built(self) -> None:
        with self.lock:
            self.generation += 1
            self.error = None

    def failed(self, error: str) -> None:
        with self.lock:
            self.error = error


class Handler(SimpleHTTPRequestHandler):
    """Static files of the site, plus the reload endpoint and the injected script."""

    state: State
    site: Path

    def __init__(self, *args: Any, state: State, site: Path, **kwargs: Any) -> None:
        self.state = state
        self.site = site
        super().__init__(*args, directory=str(site), **kwargs)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a preview is never stale
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request would drown the rebuild messages

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == RELOAD_PATH:
            self._send(json.dumps(self.state.snapshot()).encode(), "application/json")
        elif path == SCRIPT_PATH:
            self._send(LIVE_RELOAD_JS.encode(), "text/javascript; charset=utf-8")
        elif not (self.site / "index.html").is_file():
            self._send_page(self._waiting_page())
        else:
            file = Path(self.translate_path(self.path))
            if file.is_dir():
                if not path.endswith("/"):
                    super().do_GET()  # the base class redirects to the slash form
                    return
                file = file / "index.html"
            if file.suffix == ".html" and file.is_file():
                self._send_page(file.read_text(encoding="utf-8"))
            else:
                super().do_GET()

    def _waiting_page(self) -> str:
        error = self.state.snapshot()["error"]
        if error:
            return WAITING_PAGE % {"title": "The book has errors",
                                   "text": "Fix them and this page reloads by itself."}
        return WAITING_PAGE % {"title": "Building the web edition…",
                               "text": "This page reloads by itself when it is ready."}

    def _send_page(self, text: str) -> None:
        self._send(inject(text, self.state.snapshot()["generation"]).encode(),
                   "text/html; charset=utf-8")

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_HEAD = do_GET


def inject(page: str, generation: int) -> str:
    """The page with the live-reload script just before </body> (or at its end)."""
    tag = f'<script src="{SCRIPT_PATH}?g={generation}"></script>'
    index = page.lower().rfind("</body>")
    return page[:index] + tag + page[index:] if index >= 0 else page + tag


def concerns_web(changed: Iterable[Path], root: Path) -> bool:
    """Whether any changed file can change the web edition."""
    for path in changed:
        try:
            relative = path.resolve().relative_to(root.resolve())
        except ValueError:
            return True  # a symlinked folder (styles/ may be one): better rebuild
        if relative.parts[:1] == ("styles",) and relative.name in NOT_WEB:
            continue
        return True
    return False


@dataclass
class Preview:
    """One `make-book serve` session: the server thread and the rebuilds."""

    root: Path
    edition: str
    console: Console
    debug: bool = False
    state: State = field(default_factory=State)

    @property
    def out(self) -> Path:
        return self.root / ".cache" / "make-book" / "serve"

    @property
    def site(self) -> Path:
        return self.out / "html"

    def rebuild(self, reason: str) -> None:
        """Build the web edition; on a book error keep the last good site and show the error."""
        build = pipeline_build()
        started = time.perf_counter()
        try:
            result = build(self.root, self.out, ("html",), self.edition, None, False)
        except BookError as exc:
            text = exc.format_message()
            self.console.print(f"[red]the book has errors[/red] ({escape(reason)}):")
            self.console.print(text, markup=False)
            self.state.failed(text)
            return
        except MakeBookError as exc:
            self.console.print(f"[red]error[/red] {escape(exc.format_message())}")
            self.state.failed(exc.format_message())
            return
        except Exception as exc:  # a bug: keep serving the last good site, say what happened
            if self.debug:
                traceback.print_exc()
            message = f"internal error: {exc.__class__.__name__}: {exc}"
            self.console.print(f"[red]{escape(message)}[/red] (run with --debug for the "
                               "traceback)")
            self.state.failed(message)
            return
        print_warnings(self.console, result.report.warnings, self.root)
        self.state.built()
        self.console.print(f"built the web edition in {time.perf_counter() - started:.1f} s "
                           f"({escape(reason)})")

    def watched(self) -> list[Path]:
        return [p for p in (self.root / n for n in ("manuscript", "assets", "styles"))
                if p.exists()]


def start_server(host: str, port: int, state: State, site: Path) -> ThreadingHTTPServer:
    """Bind now (so a port in use is reported before any build) and serve in a thread."""
    try:
        server = ThreadingHTTPServer((host, port), partial(Handler, state=state, site=site))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise MakeBookError(f"port {port} on {host} is already in use: choose another "
                                f"with --port (for example --port {port + 1})") from None
        raise MakeBookError(f"cannot serve on {host}:{port}: {exc.strerror}") from None
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                     name="make-book-serve", daemon=True).start()
    return server


def serve(root: Path, host: str, port: int, edition: str, console: Console, debug: bool = False,
          open_browser: bool = False, stop: threading.Event | None = None,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve until Ctrl-C (or SIGTERM, or `stop` is set); always shuts the server down."""
    import watchfiles  # deferred: only `serve` watches files

    root = root.resolve()
    if not (root / "manuscript").is_dir():
        raise MakeBookError(f"no manuscript/ folder in {root}: run `make-book serve` in a "
                            "project folder or name it (make-book serve PATH)")
    preview = Preview(root, edition, console, debug)
    stop = stop or threading.Event()
    server = start_server(host, port, preview.state, preview.site)
    url = f"http://{host}:{server.server_address[1]}/"
    previous = _stop_on_sigterm()
    try:
        names = ", ".join(f"{p.name}/" for p in preview.watched())
        console.print(f"serving [bold]{url}[/bold] · watching {names} · Ctrl-C stops")
        if on_ready is not None:
            on_ready(url)
        preview.rebuild("first build")
        if open_browser:
            webbrowser.open(url)
        for changes in watchfiles.watch(*preview.watched(), debounce=800, step=100,
                                        stop_event=stop, raise_interrupt=True):
            changed = sorted({Path(p) for _, p in changes})
            if not concerns_web(changed, root):
                continue
            names = ", ".join(sorted({p.name for p in changed})[:3])
            preview.rebuild(f"{names} changed" if len(changed) <= 3 else
                            f"{names} and {len(changed) - 3} more changed")
    except KeyboardInterrupt:
        pass  # Ctrl-C during a build: stop all the same
    finally:
        server.shutdown()
        server.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        console.print("stopped")


def _stop_on_sigterm() -> Any:
    """Make SIGTERM stop the server as Ctrl-C does (main thread only: tests call from threads)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)
