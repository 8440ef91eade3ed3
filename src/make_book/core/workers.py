"""How many things a build may do at once: the one number every pool of the build reads.

MAKE_BOOK_JOBS (set by `--jobs N`) bounds the job runner's processes, the pandoc processes
that convert the chapters and the threads that cut fonts and renditions; by default, one per
core the build may use. `--jobs 1` therefore builds on one core.
"""

from __future__ import annotations

import os

JOBS_VARIABLE = "MAKE_BOOK_JOBS"


def worker_count() -> int:
    """MAKE_BOOK_JOBS when it is a positive number, else the cores this process may use."""
    value = os.environ.get(JOBS_VARIABLE, "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
