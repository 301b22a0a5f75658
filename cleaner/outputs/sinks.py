"""Sinks: where the results of a run go, every kind of output behind one protocol.

A sink takes each result in input order (a document, with its output record, or a reject) and
decides how it is written, nothing else: JSONL records, a WARC archive with its CDXJ index, the
explain lines, the rejects. :func:`open_sinks` opens any number of them in one place for every
command that writes a corpus (``clean``, ``replay reclean``); all their files appear together
when the run completes (:class:`~cleaner.outputs.atomic.OutputGroup`), or none does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cleaner.model import Doc, Reject
from cleaner.outputs.atomic import OutputGroup
from cleaner.outputs.jsonl import JsonlSink, explain_lines, reject_line, to_record
from cleaner.outputs.warc import WarcSettings, WarcSink

Result = Doc | Reject
Record = dict[str, Any]


class Sink(Protocol):
    """One output of a run."""

    def write(self, result: Result, record: Record | None) -> None:
        """Write one result; ``record`` is a document's output record (None for a reject)."""


@dataclass(frozen=True, slots=True)
class Outputs:
    """What a run writes.

    Attributes:
        records: the JSONL file of output records (``.jsonl`` or ``.jsonl.gz``).
        stdout: write the records to stdout instead.
        warc: the WARC archive (and its index), with its warcinfo, clock and record ids.
        explain: one JSON line per removed fragment.
        rejects: one JSON line per rejected or failed input.
    """

    records: Path | None = None
    stdout: bool = False
    warc: WarcSettings | None = None
    explain: Path | None = None
    rejects: Path | None = None


@dataclass(slots=True)
class _Records:
    jsonl: JsonlSink

    def write(self, result: Result, record: Record | None) -> None:
        if record is not None:
            self.jsonl.write(record)


@dataclass(slots=True)
class _Archive:
    warc: WarcSink

    def write(self, result: Result, record: Record | None) -> None:
        if isinstance(result, Doc) and record is not None:
            self.warc.write(result, record)


@dataclass(slots=True)
class _Explain:
    jsonl: JsonlSink

    def write(self, result: Result, record: Record | None) -> None:
        for line in explain_lines(result):
            self.jsonl.write(line)


@dataclass(slots=True)
class _Rejects:
    jsonl: JsonlSink

    def write(self, result: Result, record: Record | None) -> None:
        if isinstance(result, Reject):
            self.jsonl.write(reject_line(result))


class Sinks:
    """The open outputs of a run: call it with each result, in input order."""

    def __init__(self, sinks: list[Sink], rules_version: str, warc: WarcSink | None) -> None:
        self._sinks, self._rules_version, self._warc = sinks, rules_version, warc

    def __call__(self, result: Result) -> None:
        """Write one result to every output."""
        record = to_record(result, self._rules_version) if isinstance(result, Doc) else None
        for sink in self._sinks:
            sink.write(result, record)

    def warc_size(self) -> int:
        """Bytes in the archive file being written (0 without an archive)."""
        return self._warc.size() if self._warc is not None else 0


@contextmanager
def open_sinks(outputs: Outputs, rules_version: str) -> Iterator[Sinks]:
    """Open the outputs; yield what writes one result to all of them.

    Raises:
        OutputError: a file cannot be written (names it, with the reason); then none appears.
    """
    # The group commits after the sinks have closed (the ExitStack exits first).
    with OutputGroup() as group, ExitStack() as stack:
        sinks: list[Sink] = []
        warc = None
        if outputs.records or outputs.stdout:
            sinks.append(_Records(stack.enter_context(JsonlSink(outputs.records, group))))
        if outputs.warc is not None:
            warc = stack.enter_context(WarcSink(outputs.warc, group))
            sinks.append(_Archive(warc))
        if outputs.explain:
            sinks.append(_Explain(stack.enter_context(JsonlSink(outputs.explain, group))))
        if outputs.rejects:
            sinks.append(_Rejects(stack.enter_context(JsonlSink(outputs.rejects, group))))
        yield Sinks(sinks, rules_version, warc)
