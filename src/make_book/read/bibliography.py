"""The bibliography: its files found and parsed for their keys, pandoc's citeproc arguments,
and the list of entries an edition cites, formatted by pandoc.

Citations are formatted by pandoc's citeproc inside each chapter's own pandoc call (see
markdown.run_pandoc), so that a note style's citations become footnotes like any other; the
list of works is made once per edition by a second call on a document that `nocite`s the keys
its chapters cite (render_entries).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pypandoc
import yaml

from make_book.core.config import BookConfig
from make_book.core.diagnostics import Report, fail
from make_book.core.files import PACKAGE_STYLES, digest
from make_book.core.model import Bibliography
from make_book.core.store import ContentCache

# The CSL files shipped for citation_style (styles/csl/README.md gives their licence);
# chicago-author-date is pandoc's own default and needs none.
PRESETS = {"chicago-note": "chicago-note.csl", "ieee": "ieee.csl"}
_BIBTEX = {".bib": "biblatex", ".bibtex": "bibtex"}
_YAML = (".yaml", ".yml")
_JSON = (".json",)


def find_file(root: Path, name: str) -> Path | None:
    """A file named in book.toml: relative to the project folder, then to manuscript/."""
    for base in (root, root / "manuscript"):
        path = base / name
        if path.is_file():
            return path
    return None


def load_bibliography(root: Path, config: BookConfig) -> Bibliography | None:
    """The book's bibliography, or None when book.toml names none; a missing file or one
    that does not parse is a located error (E035), each file reported."""
    if not config.bibliography:
        return None
    toml = root / "manuscript" / "book.toml"
    report = Report()
    files: list[Path] = []
    keys: set[str] = set()
    for name in config.bibliography:
        path = find_file(root, name)
        if path is None:
            report.error("E035", f"bibliography file `{name}` not found (looked in the project "
                         "folder, then in manuscript/)", toml, _toml_line(toml, name))
            continue
        try:
            keys.update(file_keys(path))
            files.append(path)
        except ValueError as exc:
            line, message = exc.args
            report.error("E035", f"bibliography `{path.name}` does not parse: {message}",
                         path, line)
    csl = _style(root, config, toml, report)
    report.raise_if_errors()
    style = csl.read_bytes() if csl is not None else b""
    note = bool(re.search(rb"<style\b[^>]*\bclass=\"note\"", style[:4000]))
    citation = style[style.find(b"<citation"):style.find(b"</citation>")]
    numeric = b'variable="citation-number"' in citation
    fingerprint = digest(*(p.read_bytes() for p in files),
                         csl.read_bytes() if csl is not None else b"", config.lang)
    return Bibliography(tuple(files), csl, frozenset(keys), note, numeric, fingerprint)


def _style(root: Path, config: BookConfig, toml: Path, report: Report) -> Path | None:
    if config.csl:
        path = find_file(root, config.csl)
        if path is None:
            report.error("E035", f"CSL style `{config.csl}` not found (looked in the project "
                         "folder, then in manuscript/)", toml, _toml_line(toml, config.csl))
        elif b"<style" not in path.read_bytes()[:4000]:
            report.error("E035", f"`{path.name}` is not a CSL style (no <style> element)", path,
                         1)
        return path
    preset = PRESETS.get(config.citation_style)
    return PACKAGE_STYLES / "csl" / preset if preset else None


def _toml_line(toml: Path, name: str) -> int | None:
    for number, line in enumerate(toml.read_text(encoding="utf-8").splitlines(), 1):
        if name in line:
            return number
    return None


def file_keys(path: Path) -> set[str]:
    """The citation keys a bibliography file defines; ValueError((line, message)) when it
    does not parse. BibTeX goes through pandoc's own reader, the one citeproc will use."""
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8", errors="replace")
    if suffix in _YAML:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ValueError(mark.line + 1 if mark else None,
                             getattr(exc, "problem", None) or str(exc)) from None
        items = data.get("references", []) if isinstance(data, dict) else data
        return _ids(items, "a `references:` list")
    if suffix in _JSON:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(exc.lineno, exc.msg) from None
        return _ids(data, "a list of CSL JSON items")
    reader = _BIBTEX.get(suffix)
    if reader is None:
        raise ValueError(None, "use .bib (BibLaTeX), .bibtex, .json (CSL JSON) or .yaml "
                         "(CSL YAML)")
    done = subprocess.run([pypandoc.get_pandoc_path(), "--from", reader, "--to", "csljson",
                           str(path)], capture_output=True, timeout=120, check=False)
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace")
        match = re.search(r"\(line (\d+), column \d+\):\s*(.*)", error)
        if match:
            raise ValueError(int(match.group(1)), match.group(2).strip() or "syntax error")
        raise ValueError(None, " ".join(error.split()) or "pandoc cannot read it")
    return _ids(json.loads(done.stdout), "entries")


def _ids(items: object, wanted: str) -> set[str]:
    if not isinstance(items, list) or any(not isinstance(i, dict) or "id" not in i
                                          for i in items):
        raise ValueError(None, f"expected {wanted}, each with an `id`")
    return {str(item["id"]) for item in items}


def citeproc_args(bibliography: Bibliography, lang: str) -> list[str]:
    """pandoc's arguments that format citations: the files, the style, the book's language
    (the locale of « et al. », « p. »), and links from each citation to its entry."""
    args = ["--citeproc", "--metadata", "link-citations=true", "--metadata", f"lang={lang}"]
    for path in bibliography.files:
        args += ["--bibliography", str(path)]
    if bibliography.csl is not None:
        args += ["--csl", str(bibliography.csl)]
    return args


def render_entries(bibliography: Bibliography, keys: list[str], lang: str,
                   cache: Path) -> str:
    """The HTML of the list of works for these keys (pandoc's `<div id="refs">`), in the
    style's order; converted once per set of keys."""
    document = "---\nnocite: |\n  " + ", ".join(f"@{k}" for k in keys) + "\n---\n"
    args = citeproc_args(bibliography, lang)
    key = digest(bibliography.fingerprint, document, json.dumps(args),
                 pypandoc.get_pandoc_version())

    def convert() -> bytes:
        command = [pypandoc.get_pandoc_path(), "--from", "markdown", "--to", "html5",
                   "--wrap=none", *args]
        done = subprocess.run(command, input=document.encode("utf-8"), capture_output=True,
                              timeout=300, check=False)
        if done.returncode != 0:
            raise fail("E035", "pandoc could not format the bibliography: "
                       + " ".join(done.stderr.decode("utf-8", "replace").split()),
                       bibliography.files[0])
        return done.stdout

    return ContentCache(cache).bytes("bibliography", f"{key[:32]}.html", convert).decode("utf-8")
