"""The map on a Dask cluster (``cleaner clean --dask SCHEDULER``).

The client (this process) reads the inputs, sends slices of consecutive raw documents to the
cluster's workers, takes the results back in input order and hands them to the reduce (dedup
across the whole run) and the outputs, which run here as with any runner: the output is the
same as a local run's.

A worker cannot inherit the steps (it is no fork of this process, and compiled XPath and RE2
sets do not pickle): it is sent a :class:`StepsSpec` (rule directories, languages, time
budget) and builds the steps from it once per worker process. Results come back without the
raw capture, which the client still holds and puts back. At most a few slices per worker
thread are in flight, so memory stays flat whatever the input's size.
"""

from __future__ import annotations

import importlib.util
import itertools
import logging
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from cleaner import TOOL
from cleaner.config import DEFAULT_TIMEOUT, ConfigError
from cleaner.model import Doc, RawDoc, Reject, RejectReason

if TYPE_CHECKING:
    from cleaner.config import Config
    from cleaner.run.runners import Timed
    from cleaner.steps.core import Step

T = TypeVar("T")

INSTALL = "pip install 'article-cleaner[dask]'"
# Documents per task: enough that a task's overhead (some milliseconds on the scheduler and the
# network) is small beside cleaning them, few enough that the work spreads over the workers.
SLICE_DOCS = 32
# ... and raw bytes per task, so that a slice of big pages stays a small message.
SLICE_BYTES = 8 * 1024 * 1024
# Slices in flight per worker thread: one cleaning, one waiting, one coming back.
AHEAD = 3
# What Dask keeps of its recent messages and task events, for debugging: by default 1,000 each,
# and each may hold a whole slice (its raw pages, or its results) in the client, the local
# scheduler and every worker; memory would grow with the first 32,000 documents.
LOG_LENGTH = 16
# Seconds to wait for the scheduler to answer (Dask's own default).
CONNECT_SECONDS = 30


def require_dask() -> None:
    """Refuse ``--dask`` where Dask is not installed, saying what to install.

    Raises:
        ConfigError: ``dask.distributed`` cannot be imported.
    """
    try:
        found = importlib.util.find_spec("distributed") is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise ConfigError(f"--dask needs Dask, which is not installed; {INSTALL}")


class StepsFactory(Protocol):
    """Something small, picklable and hashable that builds a run's steps where it is."""

    def build(self) -> Sequence[Step]:
        """The steps, built here."""


@dataclass(frozen=True, slots=True)
class StepsSpec:
    """What a worker needs to build the steps of ``cleaner clean``, as the client did.

    Attributes:
        rules_dirs: rule directories (absolute: a worker's working directory is its own); they
            must be at the same path on every worker.
        bundled_rules: load the bundled rules too.
        lang: expected languages, comma-separated, as checked by the client.
        timeout: seconds one document may take (0: no limit).
        expect: the cleaner and rules versions the client runs; a worker with others refuses
            to clean (:class:`WorkerMismatch`), since its output would differ. Empty: no check.
        learned: the profiles the client learned, (host or ``theme:NAME``, TOML): added to
            the rules.
    """

    rules_dirs: tuple[str, ...] = ()
    bundled_rules: bool = True
    lang: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    expect: str = ""
    learned: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, cfg: Config, rules_version: str = "",
           learned: tuple[tuple[str, str], ...] = ()) -> StepsSpec:
        """The spec of a configuration; ``rules_version``: the client's, for the check."""
        return cls(tuple(str(Path(d).resolve()) for d in cfg.rules_dirs), cfg.bundled_rules,
                   cfg.lang, cfg.timeout, _versions(rules_version) if rules_version else "",
                   learned)

    def build(self) -> Sequence[Step]:
        from cleaner.learn.sites import Profiles, load_profile
        from cleaner.ruleset import load_rules
        from cleaner.run.pipeline import build_steps

        rules = load_rules(tuple(Path(d) for d in self.rules_dirs), self.bundled_rules)
        rules = Profiles([load_profile(text, host) for host, text in self.learned]
                         ).add_to(rules)
        if self.expect and _versions(rules.version) != self.expect:
            raise WorkerMismatch(f"a Dask worker runs {_versions(rules.version)}, the client "
                                 f"{self.expect}: install the same cleaner on every worker and "
                                 "put the --rules directories at the same path on each")
        return build_steps(rules, self.lang, self.timeout)


def _versions(rules_version: str) -> str:
    return f"{TOOL} with rules {rules_version}"


class WorkerMismatch(Exception):
    """A worker would not clean as the client does (another cleaner, other rules)."""


# The steps a worker process built, by the factory they were built from.
_BUILT: dict[StepsFactory, Sequence[Step]] = {}
_BUILDING = threading.Lock()


def worker_steps(factory: StepsFactory) -> Sequence[Step]:
    """The steps of ``factory``, built once per process (a worker may run several threads)."""
    with _BUILDING:
        if factory not in _BUILT:
            try:
                _BUILT[factory] = tuple(factory.build())
            except WorkerMismatch:
                raise
            except Exception as exc:  # noqa: BLE001 -- no steps here: the run cannot go on
                raise WorkerMismatch(f"a Dask worker cannot build the steps: "
                                     f"{type(exc).__name__}: {exc}") from None
        return _BUILT[factory]


def clean_slice(factory: StepsFactory, raws: Sequence[RawDoc]) -> list[Timed]:
    """The task: clean consecutive raw documents on a worker. A document goes back without
    its raw capture, which the client has; a reject goes back as it is."""
    from cleaner.run.pipeline import clean_one
    from cleaner.run.runners import finished

    steps = worker_steps(factory)
    out: list[Timed] = []
    for raw in raws:
        timer: dict[str, float] = {}
        result = finished(clean_one(raw, steps, timer))
        if isinstance(result, Doc):
            result = replace(result, raw=replace(raw, data=b"", http_headers=None,
                                                 warc_record=None))
        out.append((result, timer))
    return out


@dataclass(frozen=True, slots=True)
class DaskRunner:
    """The map on a Dask cluster: ``scheduler`` is its address (``tcp://host:8786``), or
    ``local`` for a ``LocalCluster`` of ``jobs`` worker processes with one thread each."""

    factory: StepsFactory
    scheduler: str
    jobs: int = 1

    def map(self, items: Iterable[T], is_work: type[RawDoc]) -> Iterator[tuple[T, Timed | None]]:
        require_dask()
        with _Connection(self.scheduler, self.jobs) as conn:
            yield from _Slices(conn.client, self.factory, conn.ahead).in_order(items, is_work)


def make_dask_runner(cfg: Config, steps: Sequence[Step],
                     learned: tuple[tuple[str, str], ...] = ()) -> DaskRunner:
    """The Dask runner ``--dask`` asks for; the steps only tell the client's rules version.

    Raises:
        ConfigError: Dask is not installed.
    """
    require_dask()
    assert cfg.dask is not None
    version = next((r.version for s in steps if (r := getattr(s, "rules", None)) is not None),
                   "")
    return DaskRunner(StepsSpec.of(cfg, version, learned), cfg.dask, cfg.jobs)


class _Connection:
    """A client of the scheduler (and the local cluster it started); closed on leaving, on
    Ctrl-C too."""

    def __init__(self, scheduler: str, jobs: int) -> None:
        self.scheduler, self.jobs = scheduler, jobs
        self.cluster: Any = None
        self.client: Any = None
        self.settings: Any = None
        self.ahead = AHEAD

    def __enter__(self) -> _Connection:
        import dask
        from distributed import Client, LocalCluster

        # Read as they start: the client, a local cluster's scheduler, and its workers (their
        # nannies pass them this configuration).
        self.settings = dask.config.set({"distributed.admin.low-level-log-length": LOG_LENGTH})
        try:
            if self.scheduler == "local":
                with _ctrl_c_ignored():  # the workers inherit it: Ctrl-C is the client's
                    self.cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1,
                                                processes=True, dashboard_address=":0",
                                                silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
            else:
                self.client = Client(self.scheduler, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError) as exc:
            self.__exit__(None, None, None)
            raise ConfigError(f"--dask {self.scheduler}: cannot reach the scheduler ({exc}); "
                              "give the address `dask scheduler` prints, or local") from None
        threads = sum(self.client.nthreads().values()) or self.jobs
        self.ahead = AHEAD * max(1, threads)
        return self

    def __exit__(self, *exc: object) -> None:
        for part in (self.client, self.cluster):
            if part is not None:
                part.close()
        self.client = self.cluster = None
        if self.settings is not None:
            self.settings.__exit__(None, None, None)
        self.settings = None


@contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """While the block runs, SIGINT is ignored (in the main thread; elsewhere, as it is).

    Ctrl-C reaches every process of the terminal's foreground group: worker processes started
    meanwhile keep ignoring it, and the client stops them (each would print a traceback)."""
    try:
        before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


@dataclass
class _Slice:
    """Consecutive raw documents sent as one task, and what came back."""

    raws: list[RawDoc] = field(default_factory=list)
    size: int = 0
    future: Any = None
    results: list[Timed] | None = None
    taken: int = 0


class _Slices:
    """Sends slices to the cluster and takes their results back in input order."""

    def __init__(self, client: Any, factory: StepsFactory, ahead: int) -> None:
        self.client, self.factory, self.ahead = client, factory, ahead
        self.sent: deque[_Slice] = deque()
        self.keys = (f"cleaner-slice-{n}" for n in itertools.count())
        self.prefix = f"{id(self):x}"

    def in_order(self, items: Iterable[T], is_work: type[RawDoc]
                 ) -> Iterator[tuple[T, Timed | None]]:
        pending: deque[tuple[T, _Slice | None]] = deque()
        filling = _Slice()
        try:
            for item in items:
                if isinstance(item, is_work):
                    filling.raws.append(item)
                    filling.size += len(item.data)
                    pending.append((item, filling))
                    if len(filling.raws) >= SLICE_DOCS or filling.size >= SLICE_BYTES:
                        self.send(filling)
                        filling = _Slice()
                else:
                    pending.append((item, None))
                while pending and (len(self.sent) > self.ahead or self.ready(pending[0][1])):
                    yield self.take(pending)
            if filling.raws:
                self.send(filling)
            while pending:
                yield self.take(pending)
        finally:
            futures = [s.future for s in self.sent if s.future is not None]
            if futures:
                self.client.cancel(futures)

    def send(self, part: _Slice) -> None:
        self.sent.append(self.submitted(part))

    def submitted(self, part: _Slice) -> _Slice:
        part.future = self.client.submit(clean_slice, self.factory, part.raws,
                                         key=f"{next(self.keys)}-{self.prefix}", pure=False)
        return part

    @staticmethod
    def ready(part: _Slice | None) -> bool:
        return part is None or (part.future is not None and part.future.done())

    def take(self, pending: deque[tuple[T, _Slice | None]]) -> tuple[T, Timed | None]:
        item, part = pending.popleft()
        if part is None:
            return item, None
        if part.results is None:
            part.results = self.collect(part)
            part.future = None
        result, timer = part.results[part.taken]
        part.taken += 1
        if part.taken == len(part.raws):
            self.sent.popleft()  # slices are sent and taken in input order
        if isinstance(result, Doc):
            result = replace(result, raw=part.raws[part.taken - 1])
        return item, (result, timer)

    def collect(self, part: _Slice) -> list[Timed]:
        """A slice's results; when its task killed workers, each document is cleaned again
        alone, so that only the one that kills its worker fails."""
        from distributed import KilledWorker

        try:
            return list(part.future.result())
        except KilledWorker:
            if len(part.raws) == 1:
                return [(_died(part.raws[0]), {})]
        except WorkerMismatch as exc:
            raise ConfigError(str(exc)) from None
        except Exception as exc:  # noqa: BLE001 -- a task's failure costs its documents only
            if _scheduler_lost(exc):
                raise ConnectionError(f"the Dask scheduler went away: {exc}") from None
            if "deserialization of the task graph" in str(exc):
                raise ConfigError(f"the Dask scheduler cannot load cleaner's tasks: {INSTALL} "
                                  f"(version {TOOL.rpartition(' ')[2]}) where the scheduler "
                                  "runs too") from None
            return [(_task_failed(raw, exc), {}) for raw in part.raws]
        # One after the other: a task that shares a worker with the one that kills it is
        # counted as a suspect too, and only the document that kills its worker alone fails.
        return [self.collect(self.submitted(_Slice([raw])))[0] for raw in part.raws]


def _scheduler_lost(exc: Exception) -> bool:
    from concurrent.futures import CancelledError

    return isinstance(exc, CancelledError | OSError | TimeoutError)


def _died(raw: RawDoc) -> Reject:
    return Reject(RejectReason.INTERNAL_ERROR,
                  "the Dask worker cleaning it died, again on every retry (a crash in a "
                  "library, or out of memory)", raw.source)


def _task_failed(raw: RawDoc, exc: Exception) -> Reject:
    return Reject(RejectReason.INTERNAL_ERROR,
                  f"the Dask task cleaning it failed: {type(exc).__name__}: {exc}", raw.source)
