"""Sharded, resumable output: a run is written shard by shard, and a killed run can go on.

Every run that writes files works in shards: a shard holds the results of consecutive inputs
(``--shard-size`` of them, or until the archive reaches ``--warc-max-size``), and is committed
whole, all its files at once, before the next begins. Beside the outputs, a work folder
(``.<first output>.cleaner-run/``) holds the run's journal: which shards are done, up to which
input, the summary so far and the reduce's state (the dedup hashes each shard added). With
``--resume``, the same command reads the journal, skips the inputs that are done (read, not
cleaned), restores the reduce and the summary, and goes on: no document lost, none written
twice, and the same bytes as a run that was never stopped.

Two layouts:

- **numbered** (``--shard-size N``; the archive alone with ``--warc-max-size``): each shard is
  final and valid the moment it is committed, ``corpus-00001.jsonl``, ``corpus-00001.warc.gz``
  with its ``.cdxj``, ...
- **joined** (a single ``-o corpus.jsonl`` or ``-o corpus.warc.gz``): shards of
  :data:`JOIN_SHARD` inputs are written in the work folder and joined into the one file when
  the run completes (the archive's index merged, its offsets moved), all outputs appearing
  together as before. A run of one shard is joined by renaming.

The work folder is removed when the run completes; it stays after an interruption, a kill or a
failed write, and a new run to the same outputs without ``--resume`` refuses to start until it
is resumed or removed. A lock in it keeps two runs from writing the same outputs.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import heapq
import itertools
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from cleaner.config import ConfigError
from cleaner.model import Doc, RawDoc, Reject, Skipped
from cleaner.outputs.atomic import OutputError, OutputGroup
from cleaner.outputs.index import index_path, read_index
from cleaner.outputs.jsonl import is_gzip_name
from cleaner.outputs.sinks import Outputs, Sinks, open_sinks
from cleaner.outputs.warc import WarcSettings
from cleaner.run.reduce import CorpusStage
from cleaner.safetext import printable, utf8_safe

# Inputs per shard of a joined output: what a kill can cost, against one more commit (a rename
# of each file and a journal write) per this many documents.
JOIN_SHARD = 1000
JOURNAL = "run.json"
RESUME_HINT = "run the same command with --resume to go on"
FORMAT = 1

Item = RawDoc | Reject | Skipped
Result = Doc | Reject | Skipped


def numbered(path: Path, number: int) -> Path:
    """``corpus.jsonl.gz`` -> ``corpus-00001.jsonl.gz``: the shard's name, before the suffix."""
    name = path.name
    lower = name.lower()
    for suffix in (".warc.gz", ".jsonl.gz", ".json.gz", ".warc", ".jsonl", ".json"):
        if lower.endswith(suffix):
            cut = len(name) - len(suffix)
            return path.with_name(f"{name[:cut]}-{number:05d}{name[cut:]}")
    stem, dot, ext = name.rpartition(".")
    if dot and stem:
        return path.with_name(f"{stem}-{number:05d}.{ext}")
    return path.with_name(f"{name}-{number:05d}")


def work_dir(outputs: Outputs) -> Path:
    """The run's work folder: beside its first output file."""
    first = next(p for p in _files(outputs))
    return first.with_name(f".{first.name}.cleaner-run")


def _files(outputs: Outputs) -> Iterator[Path]:
    for path in (outputs.records, outputs.warc.path if outputs.warc else None, outputs.explain,
                 outputs.rejects):
        if path is not None:
            yield path


@dataclass(frozen=True, slots=True)
class Layout:
    """Which outputs are written as numbered shards, and how big a shard is.

    Attributes:
        shard_size: inputs per shard (``--shard-size``): every output is numbered.
        warc_max_size: bytes of archive per shard (``--warc-max-size``): the archive is
            numbered, and a shard ends when it reaches this size.
    """

    shard_size: int | None = None
    warc_max_size: int | None = None

    @property
    def all_numbered(self) -> bool:
        return self.shard_size is not None

    def warc_numbered(self) -> bool:
        return self.shard_size is not None or self.warc_max_size is not None

    def items_per_shard(self) -> int | None:
        if self.shard_size is not None:
            return self.shard_size
        return None if self.warc_max_size is not None else JOIN_SHARD


@dataclass
class _Journal:
    """What a run has finished: the shards, each with where the inputs stood after it."""

    fingerprint: dict[str, Any]
    shards: list[dict[str, Any]] = field(default_factory=list)

    @property
    def done(self) -> int:
        return int(self.shards[-1]["end"]) if self.shards else 0

    def save(self, folder: Path) -> None:
        data = json.dumps({"format": FORMAT, "fingerprint": self.fingerprint,
                           "shards": self.shards}, ensure_ascii=False, indent=1)
        _write_file(folder / JOURNAL, data.encode("utf-8"))

    @classmethod
    def load(cls, folder: Path) -> _Journal:
        path = folder / JOURNAL
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format')!r}, not {FORMAT}")
            return cls(data["fingerprint"], list(data["shards"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path}: cannot read the interrupted run's journal ({exc}); "
                              f"remove {folder} to start over") from exc


def _write_file(path: Path, data: bytes) -> None:
    """Write a small file whole, or not at all: a temporary file, synced, renamed."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


@dataclass
class Restored:
    """What a resumed run takes over from the interrupted one."""

    done: int = 0
    last_source: str | None = None
    sources: str = ""  # the digest of the inputs' sources, in order, up to ``done``
    summary: dict[str, Any] = field(default_factory=dict)


class ShardedRun:
    """Write a run's results shard by shard; see the module docstring.

    Use as a context manager; :meth:`write` each result in input order (skipped paths too: they
    count as inputs), then leave the block. An exception leaves the finished shards and the
    journal for ``--resume``, or nothing at all when no shard was finished.

    Raises:
        ConfigError: a journal is in the way (no ``--resume``), is missing or belongs to a run
            with other options (``--resume``), or another run holds the lock.
        OutputError: a file cannot be written.
    """

    def __init__(self, outputs: Outputs, rules_version: str, layout: Layout,
                 fingerprint: dict[str, Any], stages: Sequence[CorpusStage],
                 resume: bool = False) -> None:
        if outputs.stdout:
            raise ValueError("a sharded run writes files, not stdout")
        self.outputs, self.rules_version, self.layout = outputs, rules_version, layout
        self.stages = stages
        self.resume = resume
        self.folder = work_dir(outputs)
        self.journal = _Journal(fingerprint)
        self.restored = Restored()
        self._lock: IO[bytes] | None = None
        self._shard: _Shard | None = None
        self._last: str | None = None  # the source of the last input written
        self._sources = hashlib.sha256()  # of every input's source so far, in order

    # --- start ---------------------------------------------------------------------------

    def __enter__(self) -> ShardedRun:
        existing = (self.folder / JOURNAL).exists()
        if existing and not self.resume:
            raise ConfigError(
                f"an interrupted run to these outputs left its finished part in {self.folder}: "
                "add --resume to the same command to finish it, or remove that folder to "
                "start over")
        if not existing and not self.resume:
            self._refuse_old_shards()
        created = not self.folder.exists()
        try:
            self.folder.mkdir(exist_ok=True)
            self._take_lock()
            if existing:  # with --resume; without a journal, a resumed run starts from the start
                self._restore()
        except BaseException as exc:
            # Stopped before the run began (a signal, a failed restore): ``__exit__`` will not
            # run, so what this start made goes here. A folder another run holds is its own.
            if self._lock is not None:
                self._lock.close()
                self._lock = None
            if created and not isinstance(exc, ConfigError):
                shutil.rmtree(self.folder, ignore_errors=True)
            raise
        return self

    def _refuse_old_shards(self) -> None:
        """A new run's numbered shards must not mix with those of an earlier run: a run with
        fewer inputs would leave the earlier run's later shards standing beside its own."""
        out, layout = self.outputs, self.layout
        numbered_paths = [p for p in (out.records, out.explain, out.rejects)
                          if p is not None and layout.all_numbered]
        if out.warc is not None and layout.warc_numbered():
            numbered_paths.append(out.warc.path)
        for path in numbered_paths:
            first = numbered(path, 1)
            if first.exists():
                raise ConfigError(
                    f"{first} is there from an earlier run: its shards would mix with this "
                    f"run's; remove them ({numbered(path, 1).name.replace('00001', '*')}) or "
                    "give another output name")

    def _take_lock(self) -> None:
        fh = (self.folder / "lock").open("ab")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.close()
            raise ConfigError(f"another cleaner run is writing these outputs ({self.folder} is "
                              "locked); wait for it, or give other outputs") from exc
        self._lock = fh

    def _restore(self) -> None:
        old = _Journal.load(self.folder)
        changed = sorted(k for k in set(old.fingerprint) | set(self.journal.fingerprint)
                         if old.fingerprint.get(k) != self.journal.fingerprint.get(k))
        if changed:
            raise ConfigError(
                f"--resume: the interrupted run in {self.folder} had other "
                f"{', '.join(changed)}; give the same inputs and options, or remove that "
                "folder to start over")
        self.journal.shards = old.shards
        for shard in old.shards:
            for stage in self.stages:
                self._read_state(shard["number"], stage)
        if old.shards:
            last = old.shards[-1]
            self.restored = Restored(int(last["end"]), last.get("last"), last["sources"],
                                     last["summary"])

    def _read_state(self, number: int, stage: CorpusStage) -> None:
        path = self.folder / f"state-{number:05d}.{stage.name}"
        try:
            stage.restore(path.read_bytes())
        except OSError as exc:
            raise ConfigError(f"--resume: cannot read {path} ({exc.strerror}); remove "
                              f"{self.folder} to start over") from exc

    def skip_done(self, items: Iterable[Item]) -> Iterator[Item]:
        """The inputs after those the interrupted run finished (read again, not cleaned).

        Raises:
            ConfigError: the inputs are not what they were (fewer, or another at the point
                where the interrupted run stopped).
        """
        rest = iter(items)
        done = self.restored.done
        last: Item | None = None
        for last in itertools.islice(rest, done):
            self._seen(_source(last))
        if done and self._sources.hexdigest() != self.restored.sources:
            raise ConfigError(
                f"--resume: the inputs changed since the interrupted run (its first {done} "
                f"inputs, up to {printable(str(self.restored.last_source))}, are not those of "
                f"now, up to {printable(str(_source(last)))}); remove {self.folder} to start "
                "over")
        yield from rest

    def _seen(self, source: str | None) -> None:
        self._last = source
        self._sources.update(f"{source}\n".encode("utf-8", "surrogatepass"))

    # --- writing -------------------------------------------------------------------------

    def write(self, result: Result, summary_state: Callable[[], dict[str, Any]],
              position: int) -> None:
        """Write one result; ``position`` counts the inputs of the run so far, this one in;
        ``summary_state`` gives the run's summary as JSON data, for the journal."""
        shard = self._shard or self._open()
        self._seen(_source(result))
        if not isinstance(result, Skipped):
            shard.sinks(result)
        shard.items += 1
        per = self.layout.items_per_shard()
        full = per is not None and shard.items >= per
        max_size = self.layout.warc_max_size
        full = full or (max_size is not None and shard.sinks.warc_size() >= max_size)
        if full:
            self._commit(summary_state(), position, self._last)

    def _open(self) -> _Shard:
        number = len(self.journal.shards) + 1
        stack = ExitStack()
        sinks = stack.enter_context(open_sinks(self._shard_outputs(number), self.rules_version))
        self._shard = _Shard(number, stack, sinks)
        return self._shard

    def _shard_outputs(self, number: int) -> Outputs:
        out, layout = self.outputs, self.layout
        numbered_all = layout.all_numbered

        def place(path: Path | None, kind: str) -> Path | None:
            if path is None:
                return None
            if numbered_all:
                return numbered(path, number)
            return self.folder / f"{kind}-{number:05d}{_suffix(path)}"

        warc = None
        if out.warc is not None:
            warc = self._shard_warc(out.warc, number)
        return Outputs(records=place(out.records, "records"), warc=warc,
                       explain=place(out.explain, "explain"),
                       rejects=place(out.rejects, "rejects"))

    def _shard_warc(self, settings: WarcSettings, number: int) -> WarcSettings:
        if self.layout.warc_numbered():
            path = numbered(settings.path, number)
            return replace(settings, path=path, max_size=None)
        # Joined: the shards are the one archive cut in pieces: one warcinfo at its head, and
        # the index names the archive.
        return replace(settings, path=self.folder / f"archive-{number:05d}{_suffix(settings.path)}",
                       max_size=None, warcinfo=number == 1, filename=settings.path.name)

    def _commit(self, summary_state: dict[str, Any], position: int, last: str | None) -> None:
        shard, self._shard = self._shard, None
        assert shard is not None
        shard.stack.close()  # the shard's files appear under their names, all together
        for stage in self.stages:
            _write_file(self.folder / f"state-{shard.number:05d}.{stage.name}",
                        stage.checkpoint())
        for older in self.journal.shards:  # only the latest summary is ever read again
            older.pop("summary", None)
        self.journal.shards.append({"number": shard.number, "end": position, "last": last,
                                    "sources": self._sources.hexdigest(),
                                    "summary": summary_state})
        self.journal.save(self.folder)

    # --- end -----------------------------------------------------------------------------

    def finish(self, summary_state: dict[str, Any], position: int) -> None:
        """Commit the last shard, and join the outputs that are one file each."""
        if self._shard is not None or not self.journal.shards:
            if self._shard is None:
                self._open()  # no input at all: the outputs still appear, empty
            self._commit(summary_state, position, self._last)
        self._join()

    def _join(self) -> None:
        shards = [int(s["number"]) for s in self.journal.shards]
        out = self.outputs
        with OutputGroup() as group:
            for path, kind in ((out.records, "records"), (out.explain, "explain"),
                               (out.rejects, "rejects")):
                if path is not None and not self.layout.all_numbered:
                    parts = [self.folder / f"{kind}-{n:05d}{_suffix(path)}" for n in shards]
                    _join_files(group, parts, path)
            if out.warc is not None and not self.layout.warc_numbered():
                parts = [self.folder / f"archive-{n:05d}{_suffix(out.warc.path)}"
                         for n in shards]
                _join_archive(group, parts, out.warc.path)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc is not None and self.journal.shards:  # what the one who reports it must say
            exc.add_note(f"{self.journal.done} inputs are done and kept in {self.folder}: "
                         f"{RESUME_HINT}")
        if self._shard is not None:  # the shard in progress is lost: its files never appear
            shard, self._shard = self._shard, None
            with contextlib.suppress(OutputError):
                shard.stack.__exit__(exc_type or RuntimeError, exc, tb)
        if self._lock is not None:
            self._lock.close()
        if exc_type is None or not self.journal.shards:
            # The journal first: a run killed while the folder goes has no half journal.
            with contextlib.suppress(OSError):
                (self.folder / JOURNAL).unlink()
            shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def finished_shards(self) -> int:
        return len(self.journal.shards)


@dataclass
class _Shard:
    number: int
    stack: ExitStack
    sinks: Sinks
    items: int = 0


def kept_note(exc: BaseException) -> str | None:
    """What a stopped run left for ``--resume`` (a note :class:`ShardedRun` adds to the
    exception that stopped it), if anything."""
    return next((n for n in getattr(exc, "__notes__", ()) if n.endswith(RESUME_HINT)), None)


def _source(item: Result | Item | None) -> str | None:
    if item is None:
        return None
    source = item.raw.source if isinstance(item, Doc) else item.source
    return None if source is None else str(source)


def _suffix(path: Path) -> str:
    """The suffix a shard of ``path`` keeps: what says its kind and compression."""
    lower = path.name.lower()
    for suffix in (".warc.gz", ".jsonl.gz", ".json.gz", ".warc", ".jsonl", ".json", ".gz"):
        if lower.endswith(suffix):
            return suffix
    return ".gz" if is_gzip_name(path) else ""


def _join_files(group: OutputGroup, parts: Sequence[Path], final: Path) -> None:
    """Join shard files into ``final`` (gzip members concatenated are one gzip file)."""
    if len(parts) == 1:
        group.adopt(parts[0], final)
        return
    fh = group.create(final)
    try:
        with fh:
            for part in parts:
                with part.open("rb") as src:
                    shutil.copyfileobj(src, fh, 1 << 20)
    except OSError as exc:
        raise OutputError(final, exc) from exc


def _join_archive(group: OutputGroup, parts: Sequence[Path], final: Path) -> None:
    """Join archive shards, and merge their indexes with each record's offset moved."""
    index = index_path(final)
    if len(parts) == 1:
        group.adopt(parts[0], final)
        group.adopt(index_path(parts[0]), index)
        return
    _join_files(group, parts, final)
    bases = itertools.accumulate((p.stat().st_size for p in parts[:-1]), initial=0)
    fh = group.create(index)
    try:
        with fh:
            for line in _merged(_moved(index_path(p), base) for p, base in zip(parts, bases,
                                                                                 strict=True)):
                fh.write(line.encode("utf-8") + b"\n")
    except OSError as exc:
        raise OutputError(index, exc) from exc


def _moved(index: Path, base: int) -> Iterator[str]:
    """A shard's index lines, each record's offset moved by where the shard starts."""
    for entry in read_index(index):
        if base:
            entry.fields["offset"] = str(int(entry.fields["offset"]) + base)
        yield utf8_safe(entry.line())


def _key(line: str) -> list[str]:
    return line.split(" ", 2)[:2]


def _merged(indexes: Iterable[Iterator[str]]) -> Iterator[str]:
    """Sorted indexes merged into one sorted as a whole, holding one line per shard (and the
    lines of one key and time, which a shard's offsets may order otherwise)."""
    for _, same in itertools.groupby(heapq.merge(*indexes, key=_key), key=_key):
        yield from sorted(same)
