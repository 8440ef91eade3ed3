"""make-book's debug log: cache hits and misses, jobs, external tools and their durations.

Silent unless `--debug` (or MAKEBOOK_DEBUG=1) turns it on; then each line goes to standard
error as `make-book: <what>`, so that findings on standard output stay clean.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("make_book")
log.addHandler(logging.NullHandler())


def enable_debug() -> None:
    """Send every debug line to standard error (called once by the command line)."""
    if any(getattr(h, "make_book", False) for h in log.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("make-book: %(message)s"))
    handler.make_book = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)


@contextmanager
def timed(what: str) -> Iterator[None]:
    """Log `what` with the seconds it took (an external tool call, a job)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        log.debug("%s: %.2f s", what, time.perf_counter() - started)
