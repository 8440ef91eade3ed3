"""Atomic output: a build writes into a staging folder, then moves finished files into place.

Whatever stops a build (an error, Ctrl-C, a killed process), dist/ holds what the last good
build left there: nothing is written into it until every output is finished, and then only by
renames, during which Ctrl-C and SIGTERM wait. A build killed outright (SIGKILL, power cut)
leaves its staging folder behind; the next build removes it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_PID = re.compile(r"-(?:staging|old)-(\d+)-")


@contextmanager
def staging_dir(out: Path) -> Iterator[Path]:
    """A fresh folder next to `out` (same file system, so moves are atomic renames);
    removed whatever happens."""
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)
    path = Path(tempfile.mkdtemp(prefix=f".{out.name}-staging-{os.getpid()}-", dir=out.parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def remove_leftovers(out: Path) -> None:
    """Clear what killed builds left: their staging folders next to `out`, and inside `out`
    a folder set aside by an interrupted swap (put back if its replacement never came).
    A folder whose build is still running (its process id is alive) is left alone."""
    prefix = f".{out.name}-staging-"
    for path in out.parent.iterdir():
        if path.name.startswith(prefix) and path.is_dir() and not _running(path.name):
            shutil.rmtree(path, ignore_errors=True)
    if not out.is_dir():
        return
    for aside in out.iterdir():
        if not (aside.name.startswith(".") and "-old-" in aside.name and aside.is_dir()) \
                or _running(aside.name):
            continue
        for entry in aside.iterdir():
            if not (out / entry.name).exists():
                os.replace(entry, out / entry.name)
        shutil.rmtree(aside, ignore_errors=True)


def _running(name: str) -> bool:
    """Whether the build that named this folder (`…-staging-<pid>-…`) is still running."""
    match = _PID.search(name)
    if match is None:
        return False
    pid = int(match.group(1))
    if pid == os.getpid():
        return False  # this process is starting a build: any earlier one of its own is over
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True


def publish(staged: Path, out: Path) -> None:
    """Move every entry of `staged` into `out`, one atomic rename each.

    A file replaces its old version with os.replace; a folder (the web edition) is swapped:
    the old one is renamed aside, the new one renamed in, then the old one deleted. Ctrl-C
    and SIGTERM are held until the last rename, so out/ never mixes two builds."""
    out.mkdir(parents=True, exist_ok=True)
    with _signals_held():
        for entry in sorted(staged.iterdir()):
            dest = out / entry.name
            if entry.is_dir():
                aside = None
                if dest.exists():
                    aside = Path(tempfile.mkdtemp(prefix=f".{entry.name}-old-{os.getpid()}-",
                                                  dir=out))
                    os.replace(dest, aside / entry.name)
                os.replace(entry, dest)
                if aside is not None:
                    shutil.rmtree(aside, ignore_errors=True)
            else:
                os.replace(entry, dest)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Block SIGINT and SIGTERM for the block; one that arrived meanwhile is delivered after
    it (as KeyboardInterrupt, or the end of the process)."""
    if not hasattr(signal, "pthread_sigmask") or \
            threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


