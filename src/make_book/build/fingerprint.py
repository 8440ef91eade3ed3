"""What an output is made from, as digests: make-book itself, the model, the project's files."""

from __future__ import annotations

import ctypes
import dataclasses
import datetime as dt
import enum
import hashlib
import os
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from make_book import __version__
from make_book.core.files import PACKAGE, sha256_file, tree_digest

# The distributions whose code shapes the editions' bytes.
LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "pyphen", "fonttools", "brotli",
             "ebooklib", "pillow", "lxml", "jinja2", "markupsafe", "pypdf", "pypandoc_binary",
             "pyyaml", "uharfbuzz", "numpy")


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
    elif _is_element(value):  # a chapter body or a note
        put("e" + _etree().tostring(value, encoding="unicode", with_tail=False) + ";")
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


def _etree() -> Any:
    """lxml.etree, imported by whatever made the value being fed."""
    return sys.modules["lxml.etree"]


def _is_element(value: object) -> bool:
    """Whether value is an lxml element, without importing lxml: a value can only be one
    once lxml is loaded, and the build that finds nothing changed (which digests the inputs
    with this module) answers without loading it."""
    etree = sys.modules.get("lxml.etree")
    return etree is not None and isinstance(value, etree._Element)  # noqa: SLF001


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
