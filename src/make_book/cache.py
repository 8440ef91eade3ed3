"""Content-hash caches that let a rebuild skip work whose inputs did not change.

Every key is a sha256 of contents — the inputs, the templates and styles, the configuration and
make-book's own files and library versions — never of modification times, which a checkout, a
copy or an editor's save can change without changing a byte (or keep while changing many).

- `pandoc_html`: pandoc's HTML for one chapter, under `<cache>/pandoc/`.
- `OutputStore`: `<cache>/outputs.json`, the key each file of `dist/` was made from and the
  sha256 it had. A build whose output would have the same key copies the previous file into its
  staging folder instead of rendering it again, after checking the file still has the recorded
  bytes; a whole build whose inputs are unchanged is recognised before the manuscript is read.

A cache entry that cannot be read, or whose checksum does not match, is ignored and remade: a
damaged cache costs time, never a wrong or failed build.
"""

from __future__ import annotations

import ctypes
import dataclasses
import datetime as dt
import enum
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from . import __version__
from .diagnostics import Diagnostic, Severity
from .output import write_atomic

__all__ = ["OutputStore", "cache_dir", "digest", "model_digest", "pandoc_html", "tool_fingerprint"]

PACKAGE = Path(__file__).resolve().parent
STORE_VERSION = 1
# The distributions whose code shapes the editions' bytes.
LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "pyphen", "fonttools", "brotli",
             "ebooklib", "pillow", "lxml", "jinja2", "markupsafe", "pypdf", "pypandoc_binary",
             "pyyaml")


def cache_dir(root: Path) -> Path:
    """Where a project keeps what builds reuse: the same folder as renditions.cache_dir,
    defined here too so that a build that finds nothing changed loads no image library."""
    return root / ".cache" / "make-book"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tree_digest(path: Path) -> str:
    """sha256 of a file, or of a folder's relative names and contents (sorted). Symbolic
    links are followed, as the reader follows them, each real folder once."""
    if path.is_file():
        return sha256_file(path)
    files: list[tuple[str, Path]] = []
    seen: set[str] = set()
    for folder, dirs, names in os.walk(path, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        relative = Path(folder).relative_to(path)
        files += [((relative / name).as_posix(), Path(folder, name)) for name in names]
    hasher = hashlib.sha256()
    for name, item in sorted(files):
        if item.is_file():
            hasher.update(f"{name}\0{sha256_file(item)}\n".encode())
    return hasher.hexdigest()


def digest(*parts: object) -> str:
    """sha256 of several values, each written unambiguously (type and length)."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8")
        hasher.update(f"{type(part).__name__}:{len(data)}:".encode())
        hasher.update(data)
    return hasher.hexdigest()


# ---------------------------------------------------------------------------------------------
# make-book itself


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """make-book's version, every file of the package (code, templates, styles, fonts,
    locales) and the versions of the libraries that shape the output: a new release or a
    change to any template invalidates what was made before."""
    hasher = hashlib.sha256(f"{__version__}\n{sys.version}\n".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            hasher.update(f"{path.relative_to(PACKAGE).as_posix()}\0".encode())
            hasher.update(path.read_bytes())
    hasher.update(library_versions().encode())
    return hasher.hexdigest()


def library_versions() -> str:
    """The versions of the libraries whose output ends up in the editions, read from their
    installed metadata (quicker than importing them), and of Pango and HarfBuzz, which lay
    out the PDF's lines."""
    from importlib import metadata

    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    for library, function in (("libpango-1.0.so.0", "pango_version_string"),
                              ("libharfbuzz.so.0", "hb_version_string")):
        try:
            call = getattr(ctypes.CDLL(library), function)
            call.restype = ctypes.c_char_p
            versions.append(f"{library} {call().decode()}")
        except (OSError, AttributeError):
            versions.append(f"{library} -")
    return "\n".join(versions)


# ---------------------------------------------------------------------------------------------
# The model


def model_digest(value: object) -> str:
    """sha256 of everything reachable from value (the Book, a Part…): dataclass fields in
    order, lxml trees serialised, sets sorted; an object met again is written as a back
    reference, so the model's parent links do not loop."""
    hasher = hashlib.sha256()
    _feed(hasher, value, {})
    return hasher.hexdigest()


def _feed(hasher: Any, value: object, seen: dict[int, int]) -> None:  # noqa: C901
    def put(text: str) -> None:
        hasher.update(text.encode("utf-8", "surrogatepass"))

    if value is None or isinstance(value, bool | int | float | enum.Enum):
        put(f"{value!r};")
    elif isinstance(value, str):
        put(f"s{len(value)}:{value}")
    elif isinstance(value, bytes):
        put(f"b{hashlib.sha256(value).hexdigest()};")
    elif isinstance(value, Path):
        put(f"p{len(str(value))}:{value}")
    elif isinstance(value, dt.date | dt.datetime | dt.time):
        put(f"d{value.isoformat()};")
    elif isinstance(value, etree._Element):  # noqa: SLF001  # a chapter body or a note
        put("e" + etree.tostring(value, encoding="unicode", with_tail=False) + ";")
    elif id(value) in seen:
        put(f"r{seen[id(value)]};")
    else:
        seen[id(value)] = len(seen)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            put(f"D{type(value).__name__}(")
            for item in dataclasses.fields(value):
                put(item.name + "=")
                _feed(hasher, getattr(value, item.name), seen)
            put(")")
        elif isinstance(value, dict):
            put(f"M{len(value)}(")
            for key, item in value.items():
                _feed(hasher, key, seen)
                _feed(hasher, item, seen)
            put(")")
        elif isinstance(value, list | tuple):
            put(f"L{len(value)}(")
            for item in value:
                _feed(hasher, item, seen)
            put(")")
        elif isinstance(value, set | frozenset):
            put(f"S{len(value)}(" + "".join(sorted(model_digest(i) for i in value)) + ")")
        elif hasattr(value, "__dict__"):
            put(f"O{type(value).__name__}(")
            _feed(hasher, vars(value), seen)
            put(")")
        else:  # a value the model does not hold today: its repr, flagged when it is unstable
            text = repr(value)
            put(f"?{len(text)}:{text}" if " at 0x" not in text else f"?{id(value)}")


# ---------------------------------------------------------------------------------------------
# pandoc


@lru_cache(maxsize=1)
def pandoc_fingerprint() -> str:
    """The pandoc that converts (its path and `--version`) and how it is called."""
    import pypandoc

    from . import markdown

    path = pypandoc.get_pandoc_path()
    return digest(path, pypandoc.get_pandoc_version(), markdown.PANDOC_FORMAT,
                  json.dumps(markdown.PANDOC_ARGS), __version__,
                  Path(markdown.__file__).read_bytes())


def pandoc_html(markdown_text: str, source: Path, line_offset: int, cache: Path) -> str:
    """pandoc's HTML for one chapter, converted once per content: the entry is named by the
    sha256 of the text and of pandoc's fingerprint, and holds its own checksum."""
    from .markdown import run_pandoc

    key = digest(pandoc_fingerprint(), markdown_text)
    path = cache / "pandoc" / f"{key[:32]}.html"
    try:
        stored = path.read_bytes()
        check, _, body = stored.partition(b"\n")
        if check.decode("ascii") == hashlib.sha256(body).hexdigest():
            return body.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        pass  # absent or damaged: convert again
    output = run_pandoc(markdown_text, source, line_offset)
    body = output.encode("utf-8")
    try:
        write_atomic(path, hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body)
    except OSError:
        pass  # a read-only cache slows the next build down, nothing more
    return output


# ---------------------------------------------------------------------------------------------
# Outputs


@dataclasses.dataclass
class Carried:
    """What a reused output brings back besides its file (the print PDF's page breaks)."""

    data: dict[str, Any]


class OutputStore:
    """`<cache>/outputs.json`: for each file written to an output folder, the key it was made
    from and its sha256; for each (folder, formats, edition), the last build's inputs."""

    def __init__(self, root: Path) -> None:
        self.path = cache_dir(root) / "outputs.json"
        self.outputs: dict[str, dict[str, Any]] = {}
        self.builds: dict[str, dict[str, Any]] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") == STORE_VERSION:
                self.outputs = {k: v for k, v in data["outputs"].items() if _record(v)}
                self.builds = {k: v for k, v in data["builds"].items() if isinstance(v, dict)}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # no store yet, or a damaged one: every output is rendered

    # -- single outputs -----------------------------------------------------------------------

    def reuse(self, dest: Path, key: str, staged: Path) -> Carried | None:
        """Copy dest (the previous build's file or folder) to staged when it was made from the
        same key and still has the bytes recorded then; None when it must be rendered."""
        record = self.outputs.get(str(dest))
        if record is None or record["key"] != key or not dest.exists():
            return None
        try:
            if tree_digest(dest) != record["sha256"]:
                return None
            if dest.is_dir():
                shutil.copytree(dest, staged, copy_function=shutil.copyfile)
            else:
                shutil.copyfile(dest, staged)
        except OSError:
            if staged.is_dir():
                shutil.rmtree(staged, ignore_errors=True)
            return None
        return Carried(dict(record.get("data") or {}))

    def remember(self, dest: Path, key: str, sha256: str, data: dict[str, Any] | None = None
                 ) -> None:
        self.outputs[str(dest)] = {"key": key, "sha256": sha256, "data": data or {}}

    # -- whole builds -------------------------------------------------------------------------

    @staticmethod
    def build_name(out: Path, formats: Iterable[str], edition: str) -> str:
        return f"{out}|{','.join(sorted(formats))}|{edition}"

    def unchanged(self, root: Path, name: str) -> tuple[list[Path], list[Diagnostic]] | None:
        """The outputs and warnings of the last build of this name when its inputs are the
        same and every output still has the recorded bytes; None otherwise."""
        record = self.builds.get(name)
        if not record:
            return None
        try:
            extra = [Path(p) for p in record["files"]]
            if inputs_digest(root, extra) != record["inputs"]:
                return None
            outputs = [Path(p) for p in record["outputs"]]
            for path in outputs:
                entry = self.outputs.get(str(path))
                if entry is None or not path.exists() or tree_digest(path) != entry["sha256"]:
                    return None
            return outputs, [_diagnostic(w) for w in record["warnings"]]
        except (OSError, KeyError, TypeError, ValueError):
            return None

    def remember_build(self, root: Path, name: str, files: list[Path], outputs: list[Path],
                       warnings: list[Diagnostic]) -> None:
        self.builds[name] = {
            "inputs": inputs_digest(root, files), "files": [str(p) for p in files],
            "outputs": [str(p) for p in outputs],
            "warnings": [_warning_json(w) for w in warnings]}

    def save(self) -> None:
        """Write the store, forgetting outputs that no longer exist (temporary folders of
        `make-book check` and `release`)."""
        outputs = {k: v for k, v in self.outputs.items() if Path(k).exists()}
        builds = {k: v for k, v in self.builds.items()
                  if all(p in outputs for p in v.get("outputs", []))}
        data = {"version": STORE_VERSION, "outputs": dict(sorted(outputs.items())),
                "builds": dict(sorted(builds.items()))}
        try:
            write_atomic(self.path, json.dumps(data, indent=1, ensure_ascii=False).encode())
        except OSError:
            pass  # the next build renders everything again, nothing worse


def _record(value: object) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("key"), str)
            and isinstance(value.get("sha256"), str))


def inputs_digest(root: Path, extra: list[Path]) -> str:
    """Every file a build reads from the project: manuscript/ and styles/ (names and
    contents), the images it used elsewhere in the project, the environment that sets dates,
    and make-book itself. A file added next to a chapter changes it (an image path is looked
    up in the chapter's folder first)."""
    hasher = hashlib.sha256(tool_fingerprint().encode())
    hasher.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode() + b"\n")
    for folder in (root / "manuscript", root / "styles"):
        hasher.update(f"{folder.name}:{tree_digest(folder) if folder.exists() else '-'}\n"
                      .encode())
    for path in sorted(set(extra)):
        hasher.update(f"{path}:{sha256_file(path) if path.is_file() else '-'}\n".encode())
    return hasher.hexdigest()


def _warning_json(item: Diagnostic) -> dict[str, Any]:
    return {"code": item.code, "message": item.message,
            "path": str(item.path) if item.path is not None else None, "line": item.line,
            "col": item.col, "hint": item.hint}


def _diagnostic(data: dict[str, Any]) -> Diagnostic:
    return Diagnostic(data["code"], data["message"],
                      Path(data["path"]) if data["path"] is not None else None, data["line"],
                      data["col"], Severity.WARNING, data["hint"])
