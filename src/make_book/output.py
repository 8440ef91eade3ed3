"""Atomic output: a build writes into a staging folder, then moves finished files into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staging_dir(out: Path) -> Iterator[Path]:
    """A fresh folder next to `out` (same file system, so moves are atomic renames);
    removed whatever happens."""
    out.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{out.name}-staging-", dir=out.parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def publish(staged: Path, out: Path) -> None:
    """Move every entry of `staged` into `out`, one atomic rename each.

    A file replaces its old version with os.replace; a folder (the web edition) is swapped:
    the old one is renamed aside, the new one renamed in, then the old one deleted."""
    out.mkdir(parents=True, exist_ok=True)
    for entry in sorted(staged.iterdir()):
        dest = out / entry.name
        if entry.is_dir():
            aside = None
            if dest.exists():
                aside = Path(tempfile.mkdtemp(prefix=f".{entry.name}-old-", dir=out))
                os.replace(dest, aside / entry.name)
            os.replace(entry, dest)
            if aside is not None:
                shutil.rmtree(aside, ignore_errors=True)
        else:
            os.replace(entry, dest)


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
