"""make-book's own files, content hashes, and writes that a reader never sees half done."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
PACKAGE_STYLES = PACKAGE / "styles"


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file through a temporary sibling, so a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# Files already compressed: a zip (an EPUB, the release's archives) stores them as they are,
# since deflating them again costs time and saves nothing.
COMPRESSED_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".woff", ".woff2"})


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
