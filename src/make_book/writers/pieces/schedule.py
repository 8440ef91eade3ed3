"""The workers of an edition's PDF and what they report as it happens: a unit's page count as
soon as it is laid out (before it is drawn), and the unit once drawn.

A unit's first folio rests on the counts of the units before it. Reported early, a count lets
the next unit be laid out with its true numbers while the worker draws the last one: the
units of a book are laid out once each, one after the other, and drawn side by side, instead
of all being laid out once for their counts and again with their numbers.

The workers are forked from the PDF job with a queue (worker.COUNTED) on which each puts the
facts of a unit once laid out; a thread of the job reads it into the events the rounds wait
on, with the jobs' completions.
"""

from __future__ import annotations

import itertools
import os
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from make_book.core.workers import die_with, worker_count
from make_book.writers.hyphenation import Kept
from make_book.writers.pieces import worker


@dataclass(frozen=True)
class Job:
    """One unit to lay out: its index, HTML, cache key, whether to draw it and, while the
    hyphenation may still be mended, the words kept whole so far (a unit asking for more is
    not drawn: the next round changes its HTML)."""

    unit: int
    source: str
    key: str
    draw: bool
    kept: frozenset[Kept] | None = None


@dataclass(frozen=True)
class Event:
    """A job's unit laid out (`counted`, its piece without PDFs) or finished (`done`)."""

    job: int
    counted: bool
    piece: worker.Piece


class Workers:
    """The worker processes of one PDF job (none with one worker: jobs run here, one at a
    time), and the events of the jobs given them."""

    def __init__(self, pool: ProcessPoolExecutor | None, count: int,
                 events: queue.Queue[Event | BaseException] | None = None) -> None:
        self.pool, self.count = pool, count
        self.events = events if events is not None else queue.Queue()
        self._ids = itertools.count()

    def submit(self, job: Job, store: Path) -> int:
        """Start the job; its events come with the number returned."""
        number = next(self._ids)
        out = store / job.key if job.draw else None
        if self.pool is None:
            piece = worker.lay_out(job.source, out, None, job.kept)
            self.events.put(Event(number, True, piece))
            self.events.put(Event(number, False, piece))
            return number
        future = self.pool.submit(worker.lay_out, job.source, out, number, job.kept)
        future.add_done_callback(lambda done: self._finished(number, done))
        return number

    def _finished(self, number: int, future: Future[worker.Piece]) -> None:
        error = future.exception()
        self.events.put(error if error is not None else Event(number, False, future.result()))

    def next(self) -> Event:
        """The next event; a worker's error is raised here."""
        event = self.events.get()
        if isinstance(event, BaseException):
            raise event
        return event


@contextmanager
def workers() -> Iterator[Workers]:
    """The PDF job's workers, forked (they inherit worker.SETTING and worker.COUNTED), with
    the thread that reads what they report."""
    count = worker_count()
    if count <= 1:
        yield Workers(None, 1)
        return
    context = get_context("fork")
    counted = context.SimpleQueue()
    worker.COUNTED = counted
    events: queue.Queue[Event | BaseException] = queue.Queue()

    def read() -> None:
        while (message := counted.get()) is not None:
            number, piece = message
            events.put(Event(number, True, piece))

    reader = threading.Thread(target=read, name="pieces-counts", daemon=True)
    reader.start()
    try:
        with ProcessPoolExecutor(max_workers=count, mp_context=context,
                                 initializer=die_with, initargs=(os.getpid(),)) as pool:
            yield Workers(pool, count, events)
    finally:
        # Once the workers are gone: a worker's last report must find the reader there.
        counted.put(None)
        reader.join()
        worker.COUNTED = None
