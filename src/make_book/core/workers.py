"""How many things a build may do at once: the one number every pool of the build reads.

MAKE_BOOK_JOBS (set by `--jobs N`) bounds the job runner's processes, the pandoc processes
that convert the chapters and the threads that cut fonts and renditions; by default, one per
core the build may use. `--jobs 1` therefore builds on one core.
"""

from __future__ import annotations

import ctypes
import os
import signal

JOBS_VARIABLE = "MAKE_BOOK_JOBS"
PR_SET_PDEATHSIG = 1  # prctl(2)


def worker_count() -> int:
    """MAKE_BOOK_JOBS when it is a positive number, else the cores this process may use."""
    value = os.environ.get(JOBS_VARIABLE, "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def die_with(parent: int) -> None:
    """Has Linux kill this process when its parent ends, however it ends (SIGTERM,
    SIGKILL): a child left running would go on writing into a staging folder that the next
    build is removing."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's `finally` is all there is
        return
    if os.getppid() != parent:  # the build ended before the line above ran
        os._exit(1)
