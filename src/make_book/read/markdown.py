"""Markdown to an HTML tree, through pandoc (the pypandoc-binary wheel)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

import pypandoc
from lxml import html

from make_book import __version__
from make_book.core.diagnostics import fail
from make_book.core.files import digest
from make_book.core.log import timed
from make_book.core.store import ContentCache

# Typography is our own pass (typography.py), so pandoc's `smart` is off: the model keeps the
# author's characters and every edition gets the same, language-aware result.
PANDOC_FORMAT = "markdown-smart"
PANDOC_ARGS = ["--wrap=none", "--eol=lf"]
DEFAULT_TIMEOUT = 120.0
PANDOC_HEAP = "4g"  # GHC runtime cap: pandoc stops with "Heap exhausted" past it
# A citation of these prefixes is a cross-reference (xrefs.py), never a work cited.
XREF_PREFIXES = ("fig", "tbl", "sec")
# pandoc's arguments that format citations, and a fingerprint of what they read.
Citeproc = tuple[tuple[str, ...], str]


def to_html(markdown: str, source: Path, line_offset: int = 0,
            cache: Path | None = None, citeproc: Citeproc | None = None) -> html.HtmlElement:
    """Convert one chapter's Markdown to a `<div>` element; pandoc errors name the file.
    With a cache folder, pandoc runs only for a text it has not converted before; with
    citeproc (its arguments and the bibliography's fingerprint), citations are formatted."""
    if cache is None:
        output = run_pandoc(markdown, source, line_offset, citeproc)
    else:
        output = pandoc_html(markdown, source, line_offset, cache, citeproc)
    if not output.strip():
        return html.fragment_fromstring("<div></div>")
    body = html.fragment_fromstring(output, create_parent="div")
    for refs in body.xpath("div[@id='refs']"):
        # The works this chapter cites, which citeproc appends for its links to point at:
        # each edition has one list for all its chapters (transforms/citations.py).
        refs.drop_tree()
    return body


def pandoc_timeout(markdown: str) -> float:
    """Seconds pandoc may take on this text: MAKE_BOOK_PANDOC_TIMEOUT (default 120) plus 30 per
    megabyte. A 2 MB chapter converts in seconds; long runs of `[` or `<` make pandoc's parser
    backtrack for hours, and a build must end with an error rather than hang."""
    value = os.environ.get("MAKE_BOOK_PANDOC_TIMEOUT", "")
    base = float(value) if re.fullmatch(r"\d+(\.\d*)?", value) else DEFAULT_TIMEOUT
    return base + 30 * len(markdown) / 1_000_000


def run_pandoc(markdown: str, source: Path, line_offset: int = 0,
               citeproc: Citeproc | None = None) -> str:
    """pandoc's HTML for markdown, its raw HTML balanced (see balance_raw_html): Markdown to
    pandoc's JSON, then JSON to HTML. pandoc is called directly rather than through
    pypandoc.convert_text, which has no timeout; the heap cap keeps a pathological file from
    taking the machine."""
    timeout = pandoc_timeout(markdown)
    ast = _pandoc(["--from", PANDOC_FORMAT, "--to", "json"], markdown, source, line_offset,
                  timeout)
    try:
        document = json.loads(ast)
    except RecursionError:  # nested deeper than Python's parser goes: convert it unbalanced
        return _pandoc(["--from", PANDOC_FORMAT, "--to", "html5", *PANDOC_ARGS], markdown,
                       source, line_offset, timeout)
    balance_raw_html(document)
    protect_xrefs(document)
    extra = list(citeproc[0]) if citeproc is not None else []
    return _pandoc(["--from", "json", "--to", "html5", *PANDOC_ARGS, *extra],
                   json.dumps(document), source, line_offset, timeout)


def protect_xrefs(document: dict[str, Any]) -> None:
    """Turn each citation of labels only (`@fig:x`, `[@tbl:a; @sec:b]`) into the span pandoc
    writes for it without citeproc, in place: citeproc would print them as unknown works,
    and the xrefs pass resolves them."""
    pending: list[Any] = [document.get("blocks", [])]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("t") == "Cite":
                citations, inlines = node["c"]
                ids = [c.get("citationId", "") for c in citations]
                if ids and all(i.split(":")[0] in XREF_PREFIXES and ":" in i for i in ids):
                    node["t"] = "Span"
                    node["c"] = [["", ["citation"], [["cites", " ".join(ids)]]], inlines]
                    continue
            pending.extend(v for v in node.values() if isinstance(v, (list, dict)))
        else:
            pending.extend(v for v in node if isinstance(v, (list, dict)))


def _pandoc(args: list[str], text: str, source: Path, line_offset: int,
            timeout: float) -> str:
    command = [pypandoc.get_pandoc_path(), "+RTS", f"-M{PANDOC_HEAP}", "-RTS", *args]
    try:
        with timed(f"pandoc {' '.join(args[:4])} ({source.name})"):
            done = subprocess.run(command, input=text.encode("utf-8"), capture_output=True,
                                  timeout=timeout, check=False)
    except subprocess.TimeoutExpired:  # subprocess.run has killed pandoc
        raise fail("E021", f"pandoc did not finish converting this file in {timeout:.0f} s",
                   source, hint="look for long runs of `[`, `<` or backticks, or split the "
                   "file; MAKE_BOOK_PANDOC_TIMEOUT sets the limit in seconds") from None
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip()
        lines = [line for line in error.splitlines() if line.strip()]
        message = " ".join(lines[-3:]) if lines else f"pandoc exited with {done.returncode}"
        # pandoc names the position as "(line N, column M)" on an earlier line of its message.
        match = re.search(r"\(line (\d+), column \d+\)", error) or re.search(r"line (\d+)",
                                                                               message)
        line = int(match.group(1)) + line_offset if match else None
        raise fail("E020", f"pandoc could not convert this file: {message}", source, line)
    return done.stdout.decode("utf-8")


# ---------------------------------------------------------------------------------------------
# Raw HTML, balanced inside the Markdown element that holds it
#
# pandoc passes raw HTML on as written. An author's unclosed `<table>` or `<script>` in one
# paragraph, or a stray `</div>`, would then swallow or break what follows once the page is
# parsed: the rest of the chapter, the next footnotes. So within each list of blocks or inlines,
# a tag left open is closed at the end of the list, a closing tag with nothing open is dropped.

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
         "param", "source", "track", "wbr"}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>")
# Comments, and elements whose content is text: no tag is looked for inside them.
_OPAQUE = re.compile(r"<!--.*?(?:-->|$)|<(script|style|textarea|title|xmp)\b.*?</\1\s*>",
                     re.S | re.I)
_RAW = {"RawBlock", "RawInline"}


def balance_raw_html(document: dict[str, Any]) -> None:
    """Balance the raw HTML of every block and inline list of pandoc's JSON, in place."""
    pending: list[Any] = [document.get("blocks", [])]
    while pending:  # a loop, not recursion: a deeply nested document is no stack overflow
        node = pending.pop()
        if isinstance(node, dict):
            pending.extend(v for v in node.values() if isinstance(v, (list, dict)))
            continue
        pending.extend(v for v in node if isinstance(v, (list, dict)))
        kind = next((x["t"] for x in node if isinstance(x, dict) and x.get("t") in _RAW), None)
        if kind is None:
            continue
        stack: list[str] = []
        for item in node:
            if isinstance(item, dict) and item.get("t") == kind and \
                    str(item["c"][0]).lower() in ("html", "html4", "html5"):
                item["c"][1] = _balance(item["c"][1], stack)
        if stack:
            node.append({"t": kind, "c": ["html", "".join(f"</{t}>" for t in reversed(stack))]})


def _balance(text: str, stack: list[str]) -> str:
    """The raw HTML text with closing tags that match nothing on the stack removed; tags that
    close one opened earlier also close what was opened after it. Updates the stack."""
    masked = _OPAQUE.sub(lambda m: " " * len(m.group()), text)
    out: list[str] = []
    last = 0
    for match in _TAG.finditer(masked):
        closing, name, empty = match.group(1), match.group(2).lower(), match.group(3)
        if not closing:
            if name not in _VOID and not empty:
                stack.append(name)
            continue
        if name in stack:
            implied = []
            while stack[-1] != name:
                implied.append(stack.pop())
            stack.pop()
            out.append(text[last:match.start()] + "".join(f"</{t}>" for t in implied))
            last = match.start()
        elif name not in _VOID:
            out.append(text[last:match.start()])  # closes nothing: dropped
            last = match.end()
    out.append(text[last:])
    return "".join(out)


@lru_cache(maxsize=1)
def pandoc_fingerprint() -> str:
    """The pandoc that converts (its path and `--version`) and how it is called (this file)."""
    path = pypandoc.get_pandoc_path()
    return digest(path, pypandoc.get_pandoc_version(), PANDOC_FORMAT, json.dumps(PANDOC_ARGS),
                  __version__, Path(__file__).read_bytes())


def pandoc_html(markdown_text: str, source: Path, line_offset: int, cache: Path,
                citeproc: Citeproc | None = None) -> str:
    """pandoc's HTML for one chapter, converted once per content: the entry is named by the
    sha256 of the text, of pandoc's fingerprint and of what citeproc reads (the bibliography's
    and the style's bytes, the language, the arguments)."""
    key = digest(pandoc_fingerprint(), markdown_text,
                 json.dumps(citeproc[0]) if citeproc else "", citeproc[1] if citeproc else "")
    made = ContentCache(cache).bytes(
        "pandoc", f"{key[:32]}.html",
        lambda: run_pandoc(markdown_text, source, line_offset, citeproc).encode("utf-8"))
    return made.decode("utf-8")
