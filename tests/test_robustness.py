"""Nothing lost, nothing let in: every bad input is one clear located error (never a
traceback), nothing the manuscript names may lead outside the project, raw HTML that could run
code is removed from every edition, and metadata is escaped wherever it is printed."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import FIXTURES, copy_project, epubcheck
from lxml import etree, html

from make_book.cli import main
from make_book.core.files import PACKAGE_STYLES
from make_book.read import reader
from make_book.transforms.images import svg_problem
from make_book.transforms.sanitize import _safe_style, _safe_url

DISC = FIXTURES / "mini" / "assets" / "disc.png"


# --------------------------------------------------------------------------------------------
# helpers


def project(tmp_path: Path, fixture: str = "mini") -> Path:
    return copy_project(FIXTURES / fixture, tmp_path / "book")


def invoke(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """`make-book build ROOT --format epub` in this process (fast; monkeypatches apply)."""
    result = CliRunner().invoke(main, ["build", str(root), "--format", "epub", *args], env=env)
    assert "Traceback" not in result.output, result.output
    assert "internal error" not in result.output, result.output
    if result.exc_info is not None:
        assert result.exc_info[0] is SystemExit, result.exc_info  # never an escaped exception
    return result


def fails(root: Path, expected: str, *args: str, env: dict[str, str] | None = None) -> str:
    result = invoke(root, *args, env=env)
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output
    assert not (root / "dist").exists(), "a failed first build published something"
    return result.output


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new), encoding="utf-8")


def run_real(root: Path, *args: str, timeout: float = 120,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command in a subprocess: for cases that could hang the test process."""
    exe = Path(sys.executable).parent / "make-book"
    result = subprocess.run([str(exe), "build", str(root), "--format", "epub", *args],
                            capture_output=True, text=True, timeout=timeout,
                            env={**os.environ, **(env or {})})
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims width × height pixels but holds almost none: decoding it would need
    gigabytes, reading its header takes nothing."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


FIRST = "manuscript/01-first.md"
SECOND = "manuscript/02-second.md"


# --------------------------------------------------------------------------------------------
# configuration and text


def test_invalid_toml_names_its_line(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root / "manuscript/book.toml", 'publisher = "Test Press"', "publisher = Test Press")
    fails(root, "manuscript/book.toml:6: E003 invalid TOML")


def test_every_configuration_error_at_once(tmp_path: Path) -> None:
    root = project(tmp_path)
    toml = root / "manuscript/book.toml"
    edit(toml, 'lang = "en"', "lang = 3")
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[pdf]\ntrim = 5\n', encoding="utf-8")
    output = fails(root, "manuscript/book.toml:5: E005 [book] lang must be")
    assert "manuscript/book.toml:11: E005 [pdf] trim must be" in output


def test_unknown_table_is_a_warning(tmp_path: Path) -> None:
    root = project(tmp_path)
    toml = root / "manuscript/book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[colours]\nink = "blue"\n',
                    encoding="utf-8")
    result = invoke(root)
    assert result.exit_code == 0, result.output
    assert "manuscript/book.toml:10: W001 unknown table [colours] ignored" in result.output


def test_invalid_yaml_in_a_part_names_its_line(tmp_path: Path) -> None:
    root = project(tmp_path, "parts")
    edit(root / "manuscript/02-suite/_part.md", 'summary: "Ce qui vient après."',
         "summary: [Ce qui")
    # The line of the mistake, where the bracket opens (YAML gives up on the next line).
    fails(root, "manuscript/02-suite/_part.md:3:10: E011 invalid YAML front matter: unclosed [ "
          "opened on line 3: close it with ]")


def test_chapter_not_utf8_names_the_byte_and_its_position(tmp_path: Path) -> None:
    root = project(tmp_path)
    path = root / SECOND
    lines = path.read_bytes().split(b"\n")
    lines[4] = b"Anot\xe9her introduction"  # Latin-1 é on line 5, column 5
    path.write_bytes(b"\n".join(lines))
    offset = len(b"\n".join(lines[:4])) + 1 + 4
    fails(root, f"{SECOND}:5: E010 not UTF-8: byte 0xe9 at offset {offset} (column 5)")


def test_control_characters_are_removed_with_a_warning(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root / SECOND, "Another introduction", "Another\x01 intro\ufffeduction")
    result = invoke(root)
    assert result.exit_code == 0, result.output
    assert f"{SECOND}:5: W012 character U+0001 removed" in result.output


def test_empty_manuscript(tmp_path: Path) -> None:
    root = project(tmp_path)
    for chapter in (root / "manuscript").glob("*.md"):
        chapter.unlink()
    fails(root, "manuscript: E014 the manuscript has no chapters")


def test_empty_chapter_file(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / SECOND).write_bytes(b"")
    fails(root, f"{SECOND}:1: E018 chapter has no title")


def test_published_part_without_chapters(tmp_path: Path) -> None:
    root = project(tmp_path, "parts")
    (root / "manuscript/02-suite/01-second.md").unlink()
    edit(root / "manuscript/02-suite/_part.md", "url: https://example.org/suite",
         "url: https://example.org/suite\nstatus: published")
    fails(root, "manuscript/02-suite/_part.md: E017 a published part has no chapters")


def test_part_folder_without_part_file(tmp_path: Path) -> None:
    root = project(tmp_path, "parts")
    (root / "manuscript/02-suite/_part.md").unlink()
    fails(root, "manuscript/02-suite: E015 part folder without _part.md")


def test_duplicate_label(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root / FIRST, "## Introduction", "## Introduction {#sec:later}")
    fails(root, "E030 label `sec:later` defined twice")


def test_unknown_reference(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root / FIRST, "See @fig:disc.", "See @fig:nowhere.")
    fails(root, f"{FIRST}:7: E031 reference to unknown label `@fig:nowhere`")


def test_large_chapter_warns_with_its_size(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The threshold is lowered: a 2 MB chapter would cost the test run seconds of pandoc."""
    monkeypatch.setattr(reader, "LARGE_CHAPTER_BYTES", 4096)
    root = project(tmp_path)
    (root / "manuscript/03-long.md").write_text(
        "# Long\n\n" + "Words and more words.\n\n" * 400, encoding="utf-8")
    result = invoke(root)
    assert result.exit_code == 0, result.output
    assert "manuscript/03-long.md: W011 very large chapter (8 KiB)" in result.output


def test_pandoc_failure_is_its_message_with_the_file(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root / SECOND, "## Later", "---\nkey: [unclosed\n...\n\n## Later")
    output = fails(root, f"{SECOND}:7: E020 pandoc could not convert this file")
    assert "YAML" in output and "did not find expected" in output


def test_pandoc_that_would_run_for_hours_is_stopped(tmp_path: Path) -> None:
    """Runs of `[` make pandoc's parser backtrack for hours: the build must stop with E021."""
    root = project(tmp_path)
    (root / SECOND).write_text("# Brackets\n\n" + "[" * 20000 + "\n", encoding="utf-8")
    started = time.monotonic()
    result = run_real(root, env={"MAKE_BOOK_PANDOC_TIMEOUT": "2"})
    assert result.returncode == 1, result.stderr
    assert f"{SECOND}: E021 pandoc did not finish converting this file in" in result.stderr
    assert time.monotonic() - started < 60


def test_named_pipe_chapter_is_refused_not_read(tmp_path: Path) -> None:
    """Reading a FIFO blocks until someone writes: the build would hang."""
    root = project(tmp_path)
    os.mkfifo(root / "manuscript/03-pipe.md")
    result = run_real(root, timeout=60)
    assert result.returncode == 1
    assert "manuscript/03-pipe.md: E019 not a regular file" in result.stderr


def test_folder_named_like_a_chapter_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path, "parts")
    (root / "manuscript/02-suite/02-dossier.md").mkdir()
    fails(root, "manuscript/02-suite/02-dossier.md: E019 not a regular file")


# --------------------------------------------------------------------------------------------
# images


def test_image_missing(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root / FIRST, "assets/disc.png", "assets/nope.png")
    fails(root, f"{FIRST}:9: E042 image not found: `assets/nope.png`")


def test_image_that_is_a_folder(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root / FIRST, "assets/disc.png", "assets")
    fails(root, f"{FIRST}:9: E042 image `assets` is not a file")


def test_image_corrupt(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "assets/disc.png").write_bytes(os.urandom(2048))
    fails(root, f"{FIRST}:9: E045 image `assets/disc.png` cannot be read")


def test_image_truncated(tmp_path: Path) -> None:
    root = project(tmp_path)
    data = DISC.read_bytes()
    (root / "assets/disc.png").write_bytes(data[: len(data) // 2])
    fails(root, f"{FIRST}:9: E045 image `assets/disc.png` cannot be read")


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(("size", "expected"), [
    (10_000, "E044 image `assets/disc.png` is too large (10000 × 10000 pixels"),
    (60_000, "E044 image `assets/disc.png` is too large to decode safely"),
])
def test_image_enormous_is_refused_before_decoding(tmp_path: Path, size: int,
                                                   expected: str) -> None:
    root = project(tmp_path)
    (root / "assets/disc.png").write_bytes(png_header(size, size))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    fails(root, f"{FIRST}:9: {expected}")
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 300, f"reading the image took {grown_mib:.0f} MiB"


def test_image_file_too_large_is_not_read(tmp_path: Path) -> None:
    root = project(tmp_path)
    with (root / "assets/disc.png").open("r+b") as handle:
        handle.truncate(60 * 2**20)  # sparse: no disk, but 60 MiB to read
    fails(root, f"{FIRST}:9: E044 image `assets/disc.png` is too large (60 MiB, over 50 MiB)")


@pytest.mark.parametrize(("src", "expected"), [
    ("https://example.org/disc.png", "E040 remote image `https://example.org/disc.png`: builds "
                                     "never use the network"),
    ("//example.org/disc.png", "E040 remote image `//example.org/disc.png`"),
    ("data:image/png;base64,iVBORw0KGgo=", "E040 image embedded as a `data:` address"),
    ("javascript:alert(1)", "E040 image address `javascript:alert(1)` is not a file"),
    ("/etc/hostname", "E041 absolute image path `/etc/hostname`"),
    ("../../outside.png", "E043 image `../../outside.png` points outside the project folder"),
])
def test_image_address_that_is_not_a_project_file(tmp_path: Path, src: str,
                                                  expected: str) -> None:
    root = project(tmp_path)
    shutil.copy(DISC, tmp_path / "outside.png")
    edit(root / FIRST, "assets/disc.png", src)
    started = time.monotonic()
    fails(root, f"{FIRST}:9: {expected}")
    assert time.monotonic() - started < 30  # no connection attempted, nothing waited for


def test_svg_with_a_script_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "assets/drawing.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
        '<rect width="8" height="8" onclick="alert(1)"/></svg>', encoding="utf-8")
    edit(root / FIRST, "assets/disc.png", "assets/drawing.svg")
    fails(root, f"{FIRST}:9: E047 SVG image `assets/drawing.svg` holds an event handler")


@pytest.mark.parametrize(("svg", "problem"), [
    ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "a <script> element"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
     "a <foreignObject> element"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
     '<image x:href="file:///etc/passwd"/></svg>', "a reference to `file:///etc/passwd`"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><use href="https://example.org/a.svg#x"/></svg>',
     "a reference to `https://example.org/a.svg#x`"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><style>@import "x.css";</style></svg>',
     "a style that loads a resource"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(https://x/y)"/></svg>',
     "a style that loads a resource"),
    ('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>', "entity declarations"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="g"/></defs>'
     '<rect style="fill: url(#g)"/><use href="#g"/></svg>', None),
])
def test_svg_problems(svg: str, problem: str | None) -> None:
    assert svg_problem(svg.encode()) == problem


# --------------------------------------------------------------------------------------------
# containment: nothing outside the project folder is read or copied


def _secret(tmp_path: Path) -> Path:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "01-leak.md").write_text("# Leak\n\nSECRET-TEXT\n", encoding="utf-8")
    (secret / "_part.md").write_text("---\ntitle: Leak\n---\n", encoding="utf-8")
    shutil.copy(DISC, secret / "disc.png")
    (secret / "epub.css").write_text("body { color: red }", encoding="utf-8")
    return secret


@pytest.mark.parametrize(("link", "target", "fixture"), [
    ("manuscript/03-leak.md", "01-leak.md", "mini"),
    ("manuscript/04-leak", ".", "parts"),
    ("manuscript/01-debut/02-leak.md", "01-leak.md", "parts"),
    ("styles/epub.css", "epub.css", "mini"),
    ("styles/fonts", ".", "mini"),
    ("manuscript/book.toml", "epub.css", "mini"),
])
def test_symbolic_link_out_of_the_project_is_refused(tmp_path: Path, link: str, target: str,
                                                     fixture: str) -> None:
    root = project(tmp_path, fixture)
    secret = _secret(tmp_path)
    path = root / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.symlink_to((secret / target).resolve())
    output = fails(root, f"{link}: E019 symbolic link to {(secret / target).resolve()}, "
                   "outside the project folder: refused")
    assert "SECRET-TEXT" not in output


def test_symbolic_link_to_an_image_outside_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path)
    secret = _secret(tmp_path)
    (root / "assets/disc.png").unlink()
    (root / "assets/disc.png").symlink_to(secret / "disc.png")
    fails(root, f"{FIRST}:9: E043 image `assets/disc.png` points outside the project folder")


def test_hero_outside_the_project_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path, "parts")
    shutil.copy(DISC, tmp_path / "outside.png")
    edit(root / "manuscript/02-suite/_part.md", "url: https://example.org/suite",
         "url: https://example.org/suite\nhero: ../../../outside.png")
    fails(root, "manuscript/02-suite/_part.md:5: E043 image `../../../outside.png` points "
          "outside the project folder")


def test_symbolic_links_inside_the_project_are_followed(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "assets/disc.png").rename(root / "assets/real.png")
    (root / "assets/disc.png").symlink_to("real.png")
    (root / "shared").mkdir()
    (root / SECOND).rename(root / "shared/second.md")
    (root / SECOND).symlink_to(root / "shared/second.md")
    result = invoke(root)
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------------------------
# raw HTML


RAW = """
[script link](javascript:alert(101)) and [data link](data:text/html;base64,PHNjcmlwdD4=)

<a href=" JaVa&#x09;ScRiPt:alert(102)">tab</a> <img src="assets/disc.png" alt="d" \
onerror="alert(103)" srcset="https://evil.example/x.png 2x">

<script>alert(104)</script>

<svg><script>alert(105)</script><a xlink:href="javascript:alert(106)"><text>t</text></a></svg>

<div style="background:url(javascript:alert(107))">styled</div> <p style="color: red">red</p>
<span style="width: \\75 rl(https://evil.example/t.png)">escaped url</span>

<iframe srcdoc="<script>alert(108)</script>"></iframe>
<object data="https://evil.example/o"></object><embed src="https://evil.example/e">
<p>after the embed</p>
<details open ontoggle="alert(109)"><summary>Summary</summary>Details kept.</details>
<video src="https://evil.example/v.mp4" poster="https://evil.example/p.png"></video>
<form action="https://evil.example"><button formaction="javascript:alert(110)">b</button></form>
<p>Kept: <abbr title="HyperText">HTML</abbr>, <kbd>Ctrl</kbd>, <mark>marked</mark>, \
<q>quoted</q>.</p>
<!-- a note for the author only -->

```{=html}
<script>alert(111)</script>
```

Unclosed <span class="x">span and a stray </div> closer.[^u1] [^u2]

[^u1]: <table><tr><td>an unclosed table in a note
[^u2]: The note after it.

<div class="box">

A *Markdown* paragraph in a div.

</div>

The last paragraph.

<li>An orphan item.</li> <span dir="up">A bad direction.</span>

<details>Details without a summary.</details>
"""


@pytest.fixture(scope="module")
def raw_html_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The mini book with every kind of harmful raw HTML, built as EPUB and web edition."""
    root = project(tmp_path_factory.mktemp("raw"))
    with (root / SECOND).open("a", encoding="utf-8") as handle:
        handle.write(RAW)
    result = invoke(root, "--format", "epub,html")
    assert result.exit_code == 0, result.output
    return root, result.output


def _edition_texts(dist: Path) -> dict[str, str]:
    texts = {}
    for epub in dist.glob("*.epub"):
        with zipfile.ZipFile(epub) as archive:
            for name in archive.namelist():
                if name.endswith((".xhtml", ".opf", ".ncx", ".html")):
                    texts[f"{epub.name}/{name}"] = archive.read(name).decode("utf-8")
    for path in (dist / "html").rglob("*"):
        if path.suffix in (".html", ".js", ".json", ".xml"):
            texts[str(path.relative_to(dist))] = path.read_text(encoding="utf-8")
    return texts


def test_raw_html_warnings_name_file_and_line(raw_html_build: tuple[Path, str]) -> None:
    _root, output = raw_html_build
    start = 10  # the second chapter has 10 lines, RAW starts with an empty one
    expected = [
        (2, "W022 unsafe address `javascript:alert(101)` removed from <a>"),
        (2, "W022 unsafe address `data:text/html;base64,PHNjcmlwdD4=` removed from <a>"),
        (4, "W022 unsafe address"),
        (4, "W021 event handler `onerror` removed from <img>"),
        (4, "W024 attribute `srcset` removed from <img>"),
        (6, "W020 raw <script> removed"),
        (8, "W020 raw <svg> removed"),
        (10, "W023 style `background:url(javascript:alert(107))` removed from <div>"),
        (11, "W023 style `width: \\75 rl(https://evil.example/t.pn…` removed from <span>"),
        (13, "W020 raw <iframe> removed"),
        (14, "W020 raw <object> removed"),
        (14, "W020 raw <embed> removed"),
        (16, "W021 event handler `ontoggle` removed from <details>"),
        (17, "W020 raw <video> removed"),
        (18, "W020 raw <form> removed"),
        (23, "W020 raw <script> removed"),
    ]
    flat = " ".join(output.split())
    for offset, message in expected:
        assert f"{SECOND}:{start + offset}: {message}" in flat, (message, output)
    # Kept tags where HTML does not allow them: unwrapped, so that EPUBCheck accepts the book.
    for message in ("W024 raw <li> cannot stand outside <ol> or <ul>: tag removed, its text "
                    "kept", "W024 attribute `dir` removed from <span>: `up` is not a value it "
                    "takes", "W024 raw <details> cannot stand without a <summary>"):
        assert re.search(rf"{SECOND}:\d+: {re.escape(message)}", flat), (message, output)


def test_raw_html_leaves_nothing_harmful_in_any_edition(
        raw_html_build: tuple[Path, str]) -> None:
    root, _output = raw_html_build
    texts = _edition_texts(root / "dist")
    assert len(texts) > 10
    for name, text in texts.items():
        for bad in ("alert(1", "javascript:", "evil.example", "<iframe", "<object", "<embed",
                    "srcdoc", "formaction", "ontoggle", "onerror", "a note for the author"):
            assert bad not in text.lower(), (bad, name)
    chapter = next(t for n, t in texts.items() if n.endswith("EPUB/02-second.xhtml"))
    for kept in ('<abbr title="HyperText">HTML</abbr>', "<kbd>Ctrl</kbd>", "<mark>marked</mark>",
                 'style="color: red"', "after the embed", "Details kept.", "styled",
                 "The note after it.", "A <em>Markdown</em> paragraph in a div.",
                 "The last paragraph.", "An orphan item.", "A bad direction.",
                 "Details without a summary."):
        assert kept in chapter, kept


@pytest.mark.epubcheck
def test_raw_html_build_passes_epubcheck(raw_html_build: tuple[Path, str]) -> None:
    root, _output = raw_html_build
    assert epubcheck(next((root / "dist").glob("*.epub"))) == []


@pytest.mark.parametrize(("url", "safe"), [
    ("#note", True), ("chapitre.md#x", True), ("https://example.org", True),
    ("mailto:a@b.c", True), ("?q=a:b", True), ("javascript:alert(1)", False),
    (" JAVASCRIPT:alert(1)", False), ("java\tscript:alert(1)", False),
    ("java\nscript:alert(1)", False), ("\x01javascript:x", False),
    ("java%20script:alert(1)", False), ("vbscript:x", False), ("data:text/html,x", False),
    ("file:///etc/passwd", False),
])
def test_link_addresses(url: str, safe: bool) -> None:
    assert _safe_url(url) is safe


@pytest.mark.parametrize(("style", "safe"), [
    ("color: red", True), ("text-align: right;", True), ("width:50.0%", True),
    ("color: rgb(1, 2, 3); width: calc(100% - 2em)", True),
    ("background: url(x.png)", False), ("background:URL ( 'x.png' )", False),
    ("background: \\75 rl(x.png)", False), ("background: u\\rl(x.png)", False),
    ("width: expression(alert(1))", False), ("background: image-set('x.png' 1x)", False),
    ("behavior: u/**/rl(x.htc)", False), ("@import 'x.css'", False),
])
def test_style_attributes(style: str, safe: bool) -> None:
    assert _safe_style(style) is safe


# --------------------------------------------------------------------------------------------
# metadata is escaped wherever it is printed, never evaluated


PAYLOAD = ('</script><script>alert("meta")</script><img src=x onerror=alert(2)>'
           "{{ 7*7 }}{% if 1 %}x{% endif %}<!--")


def test_metadata_is_escaped_everywhere_and_never_evaluated(tmp_path: Path) -> None:
    root = project(tmp_path, "parts")
    toml = root / "manuscript/book.toml"
    edit(toml, 'title = "Essais en trois parties"',
         f"title = 'Essais {PAYLOAD}'\nsubtitle = '{PAYLOAD}'\ndescription = '{PAYLOAD}'\n"
         f"author = '{PAYLOAD}'\nrights = '{PAYLOAD}'")
    edit(toml, "name = \"Essais\"", f"name = '{PAYLOAD}'")
    part = root / "manuscript/01-debut/_part.md"
    edit(part, 'title: "Le début"', f"title: '{PAYLOAD}'")
    edit(part, 'summary: "Où tout commence."', f"summary: '{PAYLOAD}'")
    chapter = next((root / "manuscript/01-debut").glob("0*.md"))
    chapter.write_text(f"---\ntitle: '{PAYLOAD}'\n---\n\n" + chapter.read_text(
        encoding="utf-8").split("---\n", 2)[-1], encoding="utf-8")
    result = invoke(root, "--format", "epub,html")
    assert result.exit_code == 0, result.output
    texts = _edition_texts(root / "dist")
    assert any("{{ 7*7 }}" in t for t in texts.values()), "the payload vanished"
    for name, text in texts.items():
        assert "{% if 1 %}" in text or "{{ 7*7 }}" not in text, name  # never evaluated
        if name.endswith((".js", ".json")):
            continue  # data, checked by the web edition's browser tests
        assert '<script>alert("meta")' not in text, name
        assert "<img src=x" not in text, name
        _check_markup(name, text)


def _check_markup(name: str, text: str) -> None:
    """Parse the page as a browser would and look for code the payload could have become."""
    parser = etree.XMLParser(recover=False) if name.endswith((".xhtml", ".opf", ".ncx")) \
        else None
    tree = (etree.fromstring(text.encode(), parser) if parser is not None
            else html.document_fromstring(text.encode()))
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute, value in element.attrib.items():
            assert not (attribute.lower().startswith("on") and "alert" in value), (name, value)
        if etree.QName(element).localname == "script":
            body = element.text or ""
            assert "alert(" not in body or element.get("type") == "application/ld+json", name
            if element.get("type") == "application/ld+json":
                json.loads(body)  # still one JSON document: the payload did not close it
                assert "</script" not in body.lower() and "<!--" not in body, name


def test_titles_cannot_write_css_of_their_own() -> None:
    """The PDF's running heads quote the titles in its stylesheet."""
    import tinycss2

    from make_book.writers.pdf import _css_string

    title = 'T"\\\n} @page { background: url(https://evil.example/x) } :root { --x: "</style>'
    css = f':root {{ --book-title: "{_css_string(title)}"; }}'
    rules = tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)
    assert len(rules) == 1 and "</style" not in css
    declarations = tinycss2.parse_declaration_list(rules[0].content, skip_whitespace=True)
    assert [d.name for d in declarations] == ["--book-title"]
    value = [t for t in declarations[0].value if t.type == "string"]
    assert [t.value for t in value] == [title]  # the whole title, newline included


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "/etc/passwd"])
def test_a_part_address_must_be_a_web_address(tmp_path: Path, url: str) -> None:
    """A part's `url` becomes a link on the web edition's home page."""
    root = project(tmp_path, "parts")
    edit(root / "manuscript/02-suite/_part.md", "url: https://example.org/suite", f"url: {url}")
    fails(root, f"manuscript/02-suite/_part.md:4: E012 url must be an http:// or https:// "
          f"address, not '{url}'")


def test_a_damaged_font_is_a_located_error(tmp_path: Path) -> None:
    root = project(tmp_path)
    fonts = root / "styles" / "fonts"
    fonts.mkdir(parents=True)
    real = next((PACKAGE_STYLES / "fonts").glob("*.otf"))
    (fonts / "Book-Regular.otf").write_bytes(real.read_bytes()[:4000])  # cut short
    fails(root, "styles/fonts/Book-Regular.otf: E048 font `Book-Regular.otf` cannot be read")
