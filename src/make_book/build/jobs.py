"""Run a build's jobs side by side, one process per job.

WeasyPrint lays a document out on one core, and a book has several (print and screen, the
omnibus and each volume): processes, not threads, are what use the other cores. Each job runs
in a child forked from the build, so it starts with the Book already read and transformed
(lxml trees cannot be pickled, and reading the manuscript again would cost seconds); only its
result, small and picklable, comes back. A job starts when the jobs it needs have finished,
and is given the results of those it `uses` (the print PDF's record, with its page breaks, for
the EPUB).

MAKE_BOOK_JOBS sets the number of processes (1 runs every job in the build's own process);
by default, one per core the build may use.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection, wait
from typing import Any

from make_book.core.diagnostics import BookError, MakeBookError
from make_book.core.log import log, timed
from make_book.core.workers import die_with, worker_count


@dataclass
class Job:
    """One unit of work: `run` in a child process, then `done(result)` in the build's.

    `run` is called with the results of the jobs it `uses`, in that order; it starts once
    those and the jobs it waits for (`after`) have finished."""

    name: str
    run: Callable[..., Any]
    after: tuple[str, ...] = ()
    done: Callable[[Any], None] | None = None
    label: str | None = None  # what the build's progress says when the job starts
    local: bool = False  # run in the build's own process, once no other job is running
    uses: tuple[str, ...] = ()

    @property
    def needs(self) -> tuple[str, ...]:
        """Every job that must finish before this one starts."""
        return self.after + self.uses


def run_jobs(jobs: list[Job], workers: int | None = None,
             started: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run every job, each once its `after` jobs are done, in list order among those ready;
    return the results by name. `started(label)` is called as each labelled job starts. The
    first failure stops the other jobs and is raised."""
    names = {job.name for job in jobs}
    for job in jobs:
        missing = [name for name in job.needs if name not in names]
        if missing:
            raise ValueError(f"job {job.name} waits for unknown jobs {missing}")
    workers = worker_count() if workers is None else workers
    say = started or (lambda _label: None)
    if workers <= 1 or len(jobs) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _run_here(jobs, say)
    return _run_forked(jobs, workers, say)


def _ready(pending: list[Job], results: dict[str, Any]) -> Job | None:
    return next((j for j in pending if all(name in results for name in j.needs)), None)


def _call(job: Job, results: dict[str, Any]) -> Callable[[], Any]:
    """The job's run, given the results of the jobs it uses."""
    return partial(job.run, *(results[name] for name in job.uses))


def _run_here(jobs: list[Job], say: Callable[[str], None],
              results: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run the jobs in this process, adding to the results of those already done."""
    results = {} if results is None else results
    pending = list(jobs)
    while pending:
        job = _ready(pending, results)
        if job is None:
            raise ValueError("jobs wait for each other: " + ", ".join(j.name for j in pending))
        pending.remove(job)
        if job.label:
            say(job.label)
        log.debug("job %s started in the build's process", job.name)
        with timed(f"job {job.name} finished"):
            results[job.name] = _call(job, results)()
        if job.done is not None:
            job.done(results[job.name])
    return results


def _run_forked(jobs: list[Job], workers: int, say: Callable[[str], None]) -> dict[str, Any]:
    context = multiprocessing.get_context("fork")
    results: dict[str, Any] = {}
    pending = list(jobs)
    running: dict[Connection, tuple[Job, multiprocessing.process.BaseProcess, float]] = {}
    try:
        while pending or running:
            while len(running) < workers:
                job = _ready([j for j in pending if not j.local], results)
                if job is None:
                    break
                pending.remove(job)
                if job.label:
                    say(job.label)
                receiver, sender = context.Pipe(duplex=False)
                run = _call(job, results)
                process = context.Process(target=_child, args=(run, sender, os.getpid()),
                                          name=f"make-book: {job.name}", daemon=False)
                # Not daemonic, so that a job may have workers of its own (the PDF's
                # pieces); it dies with the build all the same (die_with).
                process.start()
                sender.close()
                log.debug("job %s started in process %s", job.name, process.pid)
                running[receiver] = (job, process, time.perf_counter())
            if not running:
                job = _ready(pending, results)
                if job is None:
                    raise ValueError("jobs wait for each other: "
                                     + ", ".join(j.name for j in pending))
                pending.remove(job)
                _run_here([job], say, results)
                continue
            for receiver in wait(list(running)):
                job, process, began = running.pop(receiver)  # type: ignore[index]
                try:
                    status, payload = receiver.recv()  # type: ignore[union-attr]
                except EOFError:  # the child died without a word (killed, out of memory)
                    process.join()
                    status, payload = "crash", process.exitcode
                receiver.close()  # type: ignore[union-attr]
                process.join()
                log.debug("job %s finished (%s): %.2f s", job.name, status,
                          time.perf_counter() - began)
                if status != "ok":
                    raise _unpack(job, status, payload)
                results[job.name] = payload
                if job.done is not None:
                    job.done(payload)
    finally:
        for receiver, (_job, process, _began) in running.items():
            process.terminate()
            process.join()
            receiver.close()
    return results


def _child(run: Callable[[], Any], sender: Connection, parent: int) -> None:
    die_with(parent)
    _fresh_stdio()
    try:
        message: tuple[str, Any] = ("ok", run())
    except KeyboardInterrupt:
        message = ("interrupt", None)
    except BookError as exc:  # its diagnostics, not its text, make it again
        message = ("book", (exc.diagnostics, exc.root))
    except BaseException as exc:  # noqa: BLE001  # raised again by the build
        message = ("raise", (_portable(exc), traceback.format_exc()))
    try:
        sender.send(message)
    except Exception as exc:  # noqa: BLE001  # a result that cannot be pickled is a bug
        sender.send(("raise", (RuntimeError(f"cannot send the job's result: {exc}"), "")))
    sender.close()


def _portable(exc: BaseException) -> BaseException:
    """exc itself when it survives pickling unchanged (so that the build reports an OSError
    or a click error exactly as if it had been raised there), else a RuntimeError saying it."""
    try:
        copy = pickle.loads(pickle.dumps(exc))
        if type(copy) is type(exc) and str(copy) == str(exc):
            return exc
    except Exception:  # noqa: BLE001, S110  # not picklable: described instead
        pass
    return RuntimeError(f"{type(exc).__name__}: {exc}")


def _fresh_stdio() -> None:
    """New stdout and stderr objects for the child: a thread of the parent (the progress
    display) may have held the old ones' locks at the instant of the fork, and a child that
    wrote to them (a WeasyPrint warning) would then wait forever."""
    old = {id(sys.stdout): None, id(sys.stderr): None}
    for fd, name in ((1, "stdout"), (2, "stderr")):
        stream = getattr(sys, name)
        try:
            fresh = open(fd, "w", encoding=getattr(stream, "encoding", None) or "utf-8",  # noqa: SIM115
                         errors="backslashreplace", buffering=1, closefd=False)
        except OSError:
            continue
        old[id(stream)] = fresh
        setattr(sys, name, fresh)
    loggers = [logging.getLogger()] + [logging.getLogger(n) for n in logging.root.manager
                                       .loggerDict]
    for logger in loggers:
        for handler in getattr(logger, "handlers", []):
            stream = getattr(handler, "stream", None)
            if isinstance(handler, logging.StreamHandler) and old.get(id(stream)) is not None:
                handler.setStream(old[id(stream)])


class JobError(MakeBookError):
    """A job's process stopped without a result (killed, out of memory)."""


def _unpack(job: Job, status: str, payload: Any) -> BaseException:
    if status == "interrupt":
        return KeyboardInterrupt()
    if status == "book":
        diagnostics, root = payload
        return BookError(diagnostics, root)
    if status == "crash":
        return JobError(f"{job.name}: the process stopped (exit code {payload}); "
                        "out of memory? MAKE_BOOK_JOBS=1 builds one output at a time")
    exc, where = payload
    if where:
        exc.add_note(f"in the job `{job.name}`:\n{where}")
    return exc
