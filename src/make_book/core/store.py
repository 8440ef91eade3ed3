"""The content-addressed cache: files made once per content, under `<project>/.cache/make-book/`
or, when the `MAKE_BOOK_CACHE` environment variable names a folder, there (one cache that
many books and machines share: a catalogue's CI, a test run).

Every entry is named by a key the caller derives from what the file is made from (contents,
parameters, a version), never from modification times. An entry is written atomically with a
`.sha256` beside it and read back only when its bytes still match: a damaged or half-copied
cache costs time, never a wrong or failed build. A cache that cannot be written (read-only)
slows the next build down, nothing more. Every miss is a debug line.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from make_book.core.files import write_atomic
from make_book.core.log import log

CACHE_VARIABLE = "MAKE_BOOK_CACHE"


def state_dir(root: Path) -> Path:
    """Where a project keeps what belongs to it alone: the record of its last builds, the
    site `serve` makes. Also its content cache unless `MAKE_BOOK_CACHE` names another."""
    return root / ".cache" / "make-book"


def cache_dir(root: Path) -> Path:
    """Where a project's builds keep the files they make once per content: the folder
    `MAKE_BOOK_CACHE` names (made absolute from the current folder), else the project's own.
    Every entry is named by what it is made from, so books may share one cache safely."""
    shared = os.environ.get(CACHE_VARIABLE, "").strip()
    return Path(shared).expanduser().resolve() if shared else state_dir(root)


class ContentCache:
    """Files keyed by content under one folder (`cache_dir(root)` for a project)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, kind: str, name: str) -> Path:
        """Where entry `kind/name` lives, whether or not it was made."""
        return self.folder / kind / name

    def has(self, kind: str, name: str) -> bool:
        """Whether entry `kind/name` is there with the bytes it was stored with."""
        return self._intact(self.path(kind, name))

    def put(self, kind: str, name: str, data: bytes) -> Path:
        """Store `data` as entry `kind/name` and return its path."""
        path = self.path(kind, name)
        log.debug("cache store %s/%s (%d bytes)", kind, name, len(data))
        self._store(path, data)
        return path

    def file(self, kind: str, name: str, make: Callable[[], bytes]) -> Path:
        """The path of entry `kind/name`, made with `make()` when absent or damaged."""
        path = self.folder / kind / name
        if self._intact(path):
            log.debug("cache hit %s/%s", kind, name)
            return path
        log.debug("cache miss %s/%s", kind, name)
        data = make()
        try:
            self._store(path, data)
        except OSError as exc:
            log.debug("cache not written %s/%s: %s", kind, name, exc)
            # The caller wants a path: the entry goes where the system keeps temporary files.
            fallback = Path(tempfile.mkdtemp(prefix="make-book-")) / name
            fallback.write_bytes(data)
            return fallback
        return path

    def bytes(self, kind: str, name: str, make: Callable[[], bytes]) -> bytes:
        """The bytes of entry `kind/name`, made with `make()` when absent or damaged."""
        path = self.folder / kind / name
        if self._intact(path):
            log.debug("cache hit %s/%s", kind, name)
            return path.read_bytes()
        log.debug("cache miss %s/%s", kind, name)
        data = make()
        try:
            self._store(path, data)
        except OSError as exc:
            log.debug("cache not written %s/%s: %s", kind, name, exc)
        return data

    @staticmethod
    def _intact(path: Path) -> bool:
        try:
            recorded = path.with_name(path.name + ".sha256").read_text("ascii").strip()
            return hashlib.sha256(path.read_bytes()).hexdigest() == recorded
        except (OSError, UnicodeDecodeError) as exc:
            if path.exists():
                log.debug("cache entry %s unreadable or unchecked: %s", path.name, exc)
            return False

    @staticmethod
    def _store(path: Path, data: bytes) -> None:
        # The data first, then its checksum: an entry whose checksum is missing or stale is
        # made again, whatever was interrupted.
        write_atomic(path, data)
        write_atomic(path.with_name(path.name + ".sha256"),
                     hashlib.sha256(data).hexdigest().encode("ascii"))
