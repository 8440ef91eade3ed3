"""`make-book serve`: the real command on a free localhost port, a real rebuild after a file
changes, errors shown to the page, and a clean stop on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, copy_project, require_tool

from make_book.cli import main
from make_book.commands.serve import concerns_web, inject

ADDED = "A sentence added while the server runs."
CHROMIUM = Path("/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], seconds: float, what: str) -> object:
    """Poll condition until it is truthy; fail after `seconds` (every loop here is bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
        except OSError:  # not listening yet
            value = None
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {seconds:.0f} s waiting for {what}")


@dataclass
class Server:
    root: Path
    port: int
    process: subprocess.Popen[str]

    def get(self, path: str) -> tuple[int, str]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as reply:
            return reply.status, reply.read().decode("utf-8")

    def state(self) -> dict[str, object]:
        return json.loads(self.get("/__reload")[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    root = copy_project(FIXTURES / "mini", tmp_path / "book")
    port = free_port()
    exe = Path(sys.executable).with_name("make-book")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKEBOOK_")}
    process = subprocess.Popen([str(exe), "serve", str(root), "--port", str(port), "--host",
                                "127.0.0.1", "--edition", "omnibus"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    try:
        yield Server(root, port, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


@pytest.mark.browser
def test_serve_rebuilds_after_a_change_and_stops_cleanly(server: Server) -> None:
    wait_for(lambda: server.state()["generation"] == 1, 90, "the first build")
    site = server.root / ".cache" / "make-book" / "serve" / "html"
    status, index = server.get("/")
    assert status == 200
    assert '<script src="/__livereload.js?g=1"></script></body>' in index
    assert "__livereload" not in (site / "index.html").read_text(encoding="utf-8")
    assert not (server.root / "dist").exists()  # the preview leaves dist/ alone
    assert 'fetch("/__reload"' in server.get("/__livereload.js")[1]

    page = "/" + next(site.glob("*second*.html")).name
    assert ADDED not in server.get(page)[1]
    with open_page(f"http://127.0.0.1:{server.port}{page}") as tab:
        tab.evaluate("window.beforeReload = true")
        chapter = server.root / "manuscript" / "02-second.md"
        chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n{ADDED}\n",
                           encoding="utf-8")
        # The open page reloads by itself once the rebuild is done: the marker is gone.
        wait_for(lambda: reloaded_with(tab, ADDED), 30, "the open page to reload with the change")
        rebuilt = server.state()["generation"]
        assert isinstance(rebuilt, int) and rebuilt > 1
        assert f"?g={rebuilt}" in server.get(page)[1]

        # A broken book: the page shows the error, the last good site stays served.
        first = server.root / "manuscript" / "01-first.md"
        good = first.read_text(encoding="utf-8")
        first.write_text(good.replace("assets/disc.png", "assets/nope.png"), encoding="utf-8")
        error = wait_for(lambda: server.state()["error"], 30, "the error of a broken rebuild")
        assert "manuscript/01-first.md:9: E042 image not found" in str(error)
        banner = wait_for(lambda: tab.query_selector("pre[role=alert]"), 10, "the banner")
        assert "E042 image not found" in banner.text_content()  # type: ignore[union-attr]
        assert server.state()["generation"] == rebuilt and ADDED in server.get(page)[1]
        first.write_text(good, encoding="utf-8")
        wait_for(lambda: server.state()["error"] is None, 30, "the build after the fix")
        assert server.state()["generation"] > rebuilt

    server.process.send_signal(signal.SIGINT)
    out, err = server.process.communicate(timeout=20)
    assert server.process.returncode == 0, err
    assert "Traceback" not in out + err
    assert f"serving http://127.0.0.1:{server.port}/" in err
    assert "E042" in err and err.rstrip().endswith("stopped")


def reloaded_with(tab: Any, text: str) -> bool:
    """Whether the tab has reloaded (the marker set before is gone) and shows text."""
    from playwright.sync_api import Error

    try:
        return not tab.evaluate("window.beforeReload === true") and text in tab.content()
    except Error:  # the page is navigating: its context is being replaced
        return False


@contextmanager
def open_page(url: str) -> Iterator[Any]:
    """The page in headless Chromium (Debian's), as an author keeps it open while writing."""
    require_tool("browser", "Chromium")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            tab = browser.new_page()
            tab.goto(url)
            yield tab
        finally:
            browser.close()


def test_port_in_use_is_one_clear_error(tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "mini", tmp_path / "book")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", str(root), "--port", str(port)])
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.output


def test_not_a_project(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", str(tmp_path), "--port", "0"])
    assert result.exit_code == 1 and "no manuscript/ folder" in result.stderr


def test_only_changes_that_concern_the_web_edition_rebuild(tmp_path: Path) -> None:
    styles = tmp_path / "styles"
    assert not concerns_web([styles / "pdf.css", styles / "epub.css"], tmp_path)
    assert concerns_web([styles / "pdf.css", styles / "html.css"], tmp_path)
    assert concerns_web([tmp_path / "manuscript" / "01-a.md"], tmp_path)
    assert concerns_web([tmp_path / "assets" / "pdf.css"], tmp_path)  # an image folder's file


def test_script_goes_before_the_end_of_body() -> None:
    assert inject("<html><body><p>x</p></BODY></html>", 4) == (
        '<html><body><p>x</p><script src="/__livereload.js?g=4"></script></BODY></html>')
    assert inject("<p>fragment</p>", 1).endswith('<script src="/__livereload.js?g=1"></script>')
