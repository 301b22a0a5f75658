"""The cleaning pipeline: steps in order, and the one loop that runs, counts, times and catches."""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from cleaner.config import DEFAULT_TIMEOUT
from cleaner.model import Doc, RawDoc, Reject, RejectReason, Skipped
from cleaner.ruleset import (
    RuleSet,
)
from cleaner.steps.core import (
    Budget,
    ExtractHtml,
    Finish,
    KeepExtraction,
    Parse,
    SelectRules,
    Step,
    TextRules,
    TextScrape,
    to_doc,
)
from cleaner.steps.language import LanguageFilter

if TYPE_CHECKING:
    from cleaner.run.reduce import CorpusStage
    from cleaner.run.runners import Runner


def build_steps(rules: RuleSet, lang: str | None,
                timeout: float = DEFAULT_TIMEOUT) -> tuple[Step, ...]:
    """The steps of ``cleaner clean``, in order.

    Args:
        rules: the rule set.
        lang: expected language codes, comma-separated (see :func:`expected_languages`).
        timeout: seconds one document may take (0: no limit).
    """
    return Pipeline(rules, lang, timeout).steps


@dataclass(frozen=True, slots=True)
class Pipeline:
    """The one entry to cleaning: the steps of ``cleaner clean``, built once from the rules,
    the expected languages and the time budget.

    ``clean``, ``replay reclean``, ``check`` and the ``rules`` tools all clean through it; a tool
    that needs a document as a step sees it (``rules which``: the extracted text) runs the steps
    only up to that one with ``until``.

    Attributes:
        rules: the rule set.
        lang: expected language codes, comma-separated (see :func:`expected_languages`).
        timeout: seconds one document may take (0: no limit).
        steps: the steps, in order.
    """

    rules: RuleSet
    lang: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    steps: tuple[Step, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        steps: tuple[Step, ...] = (
            Budget(seconds=self.timeout), Parse(), SelectRules(self.rules),
            ExtractHtml(self.rules), TextRules(self.rules), TextScrape(self.rules),
            LanguageFilter(expected=self.lang), KeepExtraction(), Finish())
        object.__setattr__(self, "steps", steps)

    def upto(self, until: str) -> tuple[Step, ...]:
        """The steps up to and including the one named ``until`` (``parse``, ``extract``, ...).

        Raises:
            ValueError: no step has that name.
        """
        names = [s.name for s in self.steps]
        if until not in names:
            raise ValueError(f"no step named {until!r}; the steps are {', '.join(names)}")
        return self.steps[:names.index(until) + 1]

    def clean(self, raw: RawDoc, until: str | None = None) -> Doc | Reject:
        """Clean one raw document (see :func:`clean_one`); with ``until``, only up to and
        including that step, for a tool that looks at the document there."""
        return clean_one(raw, self.steps if until is None else self.upto(until))


# --- running ------------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a run did, for the summary on stderr and the exit code."""

    read: int = 0
    kept: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    failed: int = 0
    no_url: int = 0
    removed_by_rule: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    seconds_by_step: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    def state(self) -> dict[str, Any]:
        """The counts as JSON data, for a resumable run's journal."""
        return {f.name: (dict(value) if isinstance(value, dict) else value)
                for f in fields(self) for value in [getattr(self, f.name)]}

    def restore(self, state: dict[str, Any]) -> None:
        """Take the counts a journal saved (see :meth:`state`); other keys are ignored."""
        for f in fields(self):
            if f.name in state:
                value = state[f.name]
                setattr(self, f.name, Counter(value) if isinstance(value, dict)
                        and f.name != "seconds_by_step" else value)

    def count(self, result: Doc | Reject) -> None:
        if isinstance(result, Reject):
            if result.failed:
                self.failed += 1
            else:
                self.rejected[result.reason.value] += 1
            return
        self.kept += 1
        self.no_url += result.url is None
        for r in result.removals:
            if r.removed:
                self.removed_by_rule[r.rule] += 1
        for w in result.warnings:
            self.warnings[w.partition(":")[0]] += 1


class _OverBudget(BaseException):
    """Raised by the alarm in the middle of a step; a BaseException, so that a library's
    ``except Exception`` cannot swallow it."""


def clean_one(
    raw: RawDoc, steps: Sequence[Step], timer: dict[str, float] | None = None
) -> Doc | Reject:
    """Run one raw document through decoding and the steps; never raises for bad input.

    The :class:`Budget` among the steps limits the time: in the main thread a ``SIGALRM``
    timer stops the document in the middle of a step (between Python bytecodes: a running lxml
    call finishes first), and any timer and handler set before are restored after. Elsewhere
    (other threads, systems without ``setitimer``) the budget is checked between steps only.
    """
    budget = next((s for s in steps if isinstance(s, Budget)), None)
    seconds = budget.seconds if budget else 0.0
    where = ["decode"]  # the step running, for the timeout message
    alarm = bool(seconds) and hasattr(signal, "setitimer") \
        and threading.current_thread() is threading.main_thread()
    if not alarm:
        result = _clean(raw, steps, timer, where, seconds)
    else:
        result = _clean_with_alarm(raw, steps, timer, where, seconds)
    if isinstance(result, Reject) and result.source is None:
        result = replace(result, source=raw.source)
    return result


def _over_budget(seconds: float, where: str) -> Reject:
    return Reject(RejectReason.TIMEOUT,
                  f"cleaning took more than {seconds:g} s (stopped in step {where}); "
                  "give more time with --timeout SECONDS, or 0 for no limit")


def _clean_with_alarm(raw: RawDoc, steps: Sequence[Step], timer: dict[str, float] | None,
                      where: list[str], seconds: float) -> Doc | Reject:
    started = time.monotonic()
    deadline = started + seconds
    previous = signal.getsignal(signal.SIGALRM)

    def on_alarm(signum: int, frame: Any) -> None:
        if time.monotonic() >= deadline:
            raise _OverBudget
        if callable(previous):  # an earlier timer of the caller's went off: pass it on
            previous(signum, frame)

    outer = (0.0, 0.0)
    try:
        signal.signal(signal.SIGALRM, on_alarm)
        outer = signal.setitimer(signal.ITIMER_REAL, seconds)
        result = _clean(raw, steps, timer, where, 0.0)
    except _OverBudget:
        result = _over_budget(seconds, where[0])
    finally:
        while True:  # the alarm may go off while it is being stopped: stop it again
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                break
            except _OverBudget:
                result = _over_budget(seconds, where[0])
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if outer[0]:  # the caller's timer goes on, less the time this document took
            left = max(outer[0] - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, outer[1])
    return result


def _clean(raw: RawDoc, steps: Sequence[Step], timer: dict[str, float] | None,
           where: list[str], seconds: float) -> Doc | Reject:
    """Decode and run the steps; with ``seconds``, stop between steps once they are spent."""
    start = t0 = time.perf_counter()
    result: Doc | Reject = to_doc(raw)
    if timer is not None:
        timer["decode"] = timer.get("decode", 0.0) + time.perf_counter() - t0
    for step in steps:
        if isinstance(result, Reject):
            break
        if seconds and time.perf_counter() - start > seconds:
            return _over_budget(seconds, where[0])
        where[0] = step.name
        t0 = time.perf_counter()
        doc = result
        try:
            result = step.apply(doc)
        except Exception as exc:  # noqa: BLE001 -- the one place that catches: a bug becomes a reject
            result = Reject(RejectReason.INTERNAL_ERROR,
                            f"step {step.name}: {type(exc).__name__}: {exc}")
        if isinstance(result, Reject):  # keep what the document went through, for --explain
            result = replace(result, doc_id=doc.id, removals=result.removals or doc.removals)
        if timer is not None:
            timer[step.name] = timer.get(step.name, 0.0) + time.perf_counter() - t0
    return result


def run(
    inputs: Iterable[RawDoc | Reject | Skipped],
    steps: Sequence[Step],
    summary: Summary,
    keep_duplicates: bool = False,
    jobs: int = 1,
    *,
    runner: Runner | None = None,
    stages: Sequence[CorpusStage] | None = None,
) -> Iterator[Doc | Reject | Skipped]:
    """Clean every input and yield each document or reject in input order, counting in ``summary``.

    The map (:func:`clean_one`) runs where ``runner`` says (default: ``jobs`` local worker
    processes, see :mod:`cleaner.run.runners`); the reduce runs here, in input order, through the
    corpus ``stages`` (default: exact dedup unless ``keep_duplicates``; see
    :mod:`cleaner.run.reduce`). Skipped paths (not inputs) are passed on for the report and counted
    apart from documents. The output is the same whatever the runner.
    """
    from cleaner.run.reduce import default_stages, reduce
    from cleaner.run.runners import LocalRunner

    mapper = runner or LocalRunner(steps, jobs)
    corpus = default_stages(keep_duplicates) if stages is None else stages
    start = time.perf_counter() - summary.seconds
    for item, mapped in mapper.map(inputs, RawDoc):
        if isinstance(item, Skipped):
            summary.skipped[item.what] += 1
            yield item
            continue
        summary.read += 1
        result: Doc | Reject
        if mapped is None:
            assert isinstance(item, Reject)
            result = item
        else:
            result, timer = mapped
            for step, seconds in timer.items():
                summary.seconds_by_step[step] = summary.seconds_by_step.get(step, 0.0) + seconds
        if isinstance(result, Doc):
            result = reduce(result, corpus)
        summary.count(result)
        summary.seconds = time.perf_counter() - start
        yield result
