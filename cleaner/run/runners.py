"""Where the map runs: in this process, or in a pool of worker processes (``-j N``).

The map is :func:`cleaner.run.pipeline.clean_one` over one raw document; a runner decides where it
runs and nothing else. Results come back in input order, so the reduce stage (exact dedup, the
summary) and the outputs see the same sequence whatever the runner: ``-j 4`` writes what
``-j 1`` writes, byte for byte.

The pool forks its workers from this process, which has the rules loaded and the steps built:
a worker starts in milliseconds and nothing of the steps (compiled XPath, RE2 sets) has to be
pickled. Raw documents go to the workers and results come back pickled. At most ``ahead``
documents per worker are in flight, so memory does not grow with the input.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol, TypeVar

from cleaner.model import Doc, RawDoc, Reject, RejectReason

if TYPE_CHECKING:
    from cleaner.config import Config
    from cleaner.steps.core import Step

T = TypeVar("T")
Timed = tuple[Doc | Reject, dict[str, float]]

# Documents in flight per worker: enough to keep every worker busy while results are taken in
# order, few enough that a crawl's raw pages are not all held at once.
AHEAD = 4


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether worker processes can be forked here (Linux, the BSDs, macOS)."""
    return "fork" in multiprocessing.get_all_start_methods()


class Runner(Protocol):
    """Where the map runs; it decides that and nothing else."""

    def map(self, items: Iterable[T], is_work: type[RawDoc]) -> Iterator[tuple[T, Timed | None]]:
        """Each item with its result (None for an item that is not ``is_work``), in input
        order."""


@dataclass(frozen=True, slots=True)
class LocalRunner:
    """The map in this process (``jobs`` 1) or in ``jobs`` forked worker processes."""

    steps: Sequence[Step]
    jobs: int = 1

    def map(self, items: Iterable[T], is_work: type[RawDoc]) -> Iterator[tuple[T, Timed | None]]:
        return in_order(items, is_work, self.steps, self.jobs)


def make_runner(cfg: Config, steps: Sequence[Step],
                learned: tuple[tuple[str, str], ...] = ()) -> Runner:
    """The runner a configuration asks for: a Dask cluster's (``--dask``), or this machine's.
    ``learned``: the run's site profiles, (host, TOML), which a Dask worker adds to its rules.

    Raises:
        ConfigError: ``--dask`` is given and Dask is not installed.
    """
    if cfg.dask is not None:
        from cleaner.run.dask_runner import make_dask_runner

        return make_dask_runner(cfg, steps, learned)
    return LocalRunner(steps, cfg.jobs)


def map_serial(raws: Iterable[RawDoc], steps: Sequence[Step]) -> Iterator[Timed]:
    """Clean in this process, one document after the other."""
    from cleaner.run.pipeline import clean_one

    for raw in raws:
        timer: dict[str, float] = {}
        yield finished(clean_one(raw, steps, timer)), timer


def finished(result: Doc | Reject) -> Doc | Reject:
    """A cleaned document without its decoded input, which no output needs: it is as big as
    the raw capture, and a worker need not send it back."""
    return replace(result, source_text="") if isinstance(result, Doc) else result


# The steps of a forked worker: set in the parent just before the fork, inherited by the child.
_STEPS: Sequence[Step] = ()


def _worker_start() -> None:
    """A worker leaves Ctrl-C and termination to the parent, which stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def _worker_clean(raw: RawDoc) -> Timed:
    """Clean one document; the result goes back without the raw capture, which the parent has
    (:meth:`_Pool.take` puts it back)."""
    from cleaner.run.pipeline import clean_one

    timer: dict[str, float] = {}
    result = finished(clean_one(raw, _STEPS, timer))
    if isinstance(result, Doc):
        result = replace(result, raw=replace(raw, data=b"", http_headers=None, warc_record=None))
    return result, timer


def in_order(items: Iterable[T], is_work: type[RawDoc], steps: Sequence[Step],
             jobs: int) -> Iterator[tuple[T, Timed | None]]:
    """Each item with its result (None for an item that is no raw document), in input order,
    cleaned by ``jobs`` forked workers; serially when ``jobs`` is 1 or forking is not possible.
    """
    rest = iter(items)
    # One document is cleaned here: a pool would cost more than it saves.
    head: list[T] = []
    raws = 0
    for item in rest:
        head.append(item)
        raws += isinstance(item, is_work)
        if raws == 2:
            break
    if jobs <= 1 or not can_fork() or raws < 2:
        for item in itertools.chain(head, rest):
            yield item, (next(map_serial([item], steps)) if isinstance(item, is_work) else None)
        return
    pool = _Pool(steps, jobs)
    pending: deque[tuple[T, Future[Timed] | None]] = deque()
    try:
        for item in itertools.chain(head, rest):
            future = pool.submit(item) if isinstance(item, is_work) else None
            pending.append((item, future))
            while len(pending) > AHEAD * jobs or (pending and _ready(pending[0][1])):
                yield pool.take(pending)
        while pending:
            yield pool.take(pending)
    finally:
        pool.close()


def _ready(work: Future[Timed] | None) -> bool:
    return work is None or work.done()


class _Pool:
    """Forked workers that clean documents; a worker that dies (a crash in a C library, the
    kernel's OOM killer) costs one document, which fails, and the pool is started again."""

    def __init__(self, steps: Sequence[Step], jobs: int) -> None:
        self.steps, self.jobs = steps, jobs
        self.pool: ProcessPoolExecutor | None = None

    def _start(self, jobs: int) -> ProcessPoolExecutor:
        global _STEPS
        _STEPS = self.steps  # inherited by the forked workers
        # A forked worker flushes the standard streams it inherited when it ends: what this
        # process still buffers there would be written twice.
        sys.stdout.flush()
        sys.stderr.flush()
        return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_worker_start)

    def submit(self, raw: RawDoc) -> Future[Timed]:
        if self.pool is None:
            self.pool = self._start(self.jobs)
        return self.pool.submit(_worker_clean, raw)

    def take(self, pending: deque[tuple[T, Future[Timed] | None]]) -> tuple[T, Timed | None]:
        item, work = pending.popleft()
        if work is None:
            return item, None
        try:
            result, timer = work.result()
        except BrokenProcessPool:
            pass
        else:
            if isinstance(result, Doc) and isinstance(item, RawDoc):
                result = replace(result, raw=item)
            return item, (result, timer)
        # Every document in flight is lost with the pool: each is cleaned again alone, in a
        # worker of its own, so that only the one that kills its worker fails.
        self.close()
        alone = self._alone(item)
        for k, (other, future) in enumerate(pending):
            if future is not None:
                pending[k] = (other, _done(self._alone(other)))
        return item, alone

    def _alone(self, raw: object) -> Timed:
        assert isinstance(raw, RawDoc)
        solo = self._start(1)
        try:
            result, timer = solo.submit(_worker_clean, raw).result()
            return (replace(result, raw=raw) if isinstance(result, Doc) else result), timer
        except BrokenProcessPool:
            return (Reject(RejectReason.INTERNAL_ERROR,
                           "the worker process cleaning it died (a crash in a library, or out "
                           "of memory)", raw.source), {})
        finally:
            solo.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        global _STEPS
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None
        _STEPS = ()


def _done(value: Timed) -> Future[Timed]:
    future: Future[Timed] = Future()
    future.set_result(value)
    return future
