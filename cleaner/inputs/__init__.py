"""Readers: files, directories and stdin to raw documents (bytes, URL, provenance).

``iter_inputs`` walks the configured paths, tells each input's kind from its extension
and its first bytes, hands it to the reader for that kind (``text``, ``html``, ``jsonl``,
``warc``), and fills in the URL known from outside the content: ``--url``, then the
manifest, then the container record's own URL.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO, cast

from cleaner.config import ConfigError, InputConfig, ManifestEntry
from cleaner.inputs import stream
from cleaner.inputs.encoding import DecodeFailure, decode, decode_raw
from cleaner.inputs.html import read_html
from cleaner.inputs.jsonl import read_jsonl
from cleaner.inputs.manifest import load_manifest, normalise_key
from cleaner.inputs.sniff import SNIFF_BYTES, kind_from_name, looks_binary, resolve_kind
from cleaner.inputs.text import EMPTY_DETAIL, binary_detail, read_text
from cleaner.inputs.warc import read_warc
from cleaner.model import Meta, RawDoc, Reject, RejectReason, Skipped, Source

__all__ = [
    "DecodeFailure",
    "check_url_option",
    "decode",
    "decode_raw",
    "iter_bytes",
    "iter_inputs",
    "load_manifest",
    "looks_binary",
]


def iter_inputs(cfg: InputConfig) -> Iterator[RawDoc | Reject | Skipped]:
    """Yield a raw document or reject for every document in the configured inputs.

    Paths are files, directories or ``-`` for stdin. A file named in the paths is read
    whatever its extension. Directories are walked recursively in path order, hidden
    entries left out and symlinks followed; in them only recognised kinds are read, and
    other files, FIFOs, devices, symlink loops and a directory with nothing to clean are
    ``Skipped`` items. Unreadable or missing paths and dangling symlinks become
    ``read_error`` rejects and the run goes on.

    Nothing is read past what its kind needs (see ``cleaner.inputs.stream``): at most
    ``max_bytes + 1`` bytes of one document, JSONL line by line. A FIFO or device named
    in the paths that delivers nothing within ``stream.WAIT_SECONDS`` (30 s) is a
    ``read_error``.

    Raises:
        ConfigError: at once, before anything is read, if ``cfg.url`` is set but the
            inputs are not a single file.
    """
    check_url_option(cfg)
    return _iter_inputs(cfg)


def iter_bytes(data: bytes, path: str, cfg: InputConfig) -> Iterator[RawDoc | Reject]:
    """Read bytes as if they were the file at ``path`` (``-`` for stdin).

    The kind is told from the name and the bytes as for a file. Only what the bytes
    themselves say is filled in: no ``--url``, no manifest.
    """
    if not data:
        yield Reject(RejectReason.EMPTY_INPUT, EMPTY_DETAIL, Source(path))
        return
    yield from _read_open(io.BytesIO(data), path, len(data), cfg)


def check_url_option(cfg: InputConfig) -> None:
    """Raise ConfigError unless ``--url`` (if given) names one single-document input."""
    if cfg.url is None:
        return
    problem = None
    if len(cfg.paths) != 1:
        problem = f"{len(cfg.paths)} inputs were given"
    elif cfg.paths[0] != "-" and Path(cfg.paths[0]).is_dir():
        problem = f"{cfg.paths[0]!r} is a directory"
    elif kind_from_name(cfg.paths[0]) in ("jsonl", "warc"):
        # One URL would be wrong for every record but one; records carry their own.
        problem = f"{cfg.paths[0]!r} is a container of many records"
    if problem:
        raise ConfigError(
            f"--url gives the URL of one input file, but {problem}; "
            "give the URLs of several inputs in a manifest instead"
        )


def _iter_inputs(cfg: InputConfig) -> Iterator[RawDoc | Reject | Skipped]:
    for given in cfg.paths:
        for item in _read_given(given, cfg):
            yield item if isinstance(item, Skipped) else _with_outside_facts(item, cfg)


def _read_given(given: str, cfg: InputConfig) -> Iterator[RawDoc | Reject | Skipped]:
    if given == "-":
        if sys.stdin is None:  # started with stdin closed
            yield Reject(RejectReason.READ_ERROR, "stdin is closed; pipe the input in", Source("-"))
            return
        try:
            yield from _read_open(sys.stdin.buffer, "-", None, cfg)
        except OSError as exc:
            yield _read_error("-", exc)
        return
    path = Path(given)
    if path.is_dir():
        yield from _Walk(cfg).run(path, given)
    else:
        # Named on the command line: read whatever its extension (the kind is sniffed).
        yield from _read_path(path, given, cfg)


class _Walk:
    """One directory walk: sorted, recursive, hidden entries left out, symlinks followed.

    Only files of a kind cleaner reads (``.txt``, ``.html``, ``.jsonl.gz``, ...) are read;
    other files, FIFOs, devices and directories reached twice (a symlink loop, or two links
    to one directory) are ``Skipped`` items. The walk is iterative: a hostile tree cannot
    exhaust the recursion limit.
    """

    def __init__(self, cfg: InputConfig) -> None:
        self.cfg = cfg
        self.visited: set[tuple[int, int]] = set()
        self.found = False

    def run(self, root: Path, given: str) -> Iterator[RawDoc | Reject | Skipped]:
        try:
            info = root.stat()
        except OSError as exc:  # gone since it was seen to be a directory
            yield _read_error(given, exc)
            return
        top = (info.st_dev, info.st_ino)
        self.visited.add(top)
        stack = [(iter(self._listing(root, Path(given))), frozenset({top}))]
        while stack:
            entries, ancestors = stack[-1]
            entry = next(entries, None)
            if entry is None:
                stack.pop()
            elif isinstance(entry, Reject):
                self.found = True
                yield entry
            else:
                path, shown = entry
                for item in self._entry(path, shown, ancestors):
                    if isinstance(item, tuple):
                        stack.append(item)
                    else:
                        yield item
        if not self.found:
            yield Skipped(Source(given), "nothing to clean", _NOTHING_DETAIL)

    def _listing(self, path: Path, shown: Path) -> list[tuple[Path, Path] | Reject]:
        try:
            with os.scandir(path) as entries:
                names = sorted(e.name for e in entries if not e.name.startswith("."))
        except OSError as exc:
            return [_read_error(str(shown), exc)]
        return [(path / name, shown / name) for name in names]

    def _entry(
        self, path: Path, shown: Path, ancestors: frozenset[tuple[int, int]]
    ) -> Iterator[RawDoc | Reject | Skipped | _Level]:
        try:
            info = path.stat()
        except OSError as exc:
            yield _stat_error(path, str(shown), exc)
            return
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in ancestors:
                yield Skipped(Source(str(shown)), "symlink loop", _LOOP_DETAIL)
            elif key in self.visited:
                yield Skipped(Source(str(shown)), "directory already walked", _TWICE_DETAIL)
            else:
                self.visited.add(key)
                yield iter(self._listing(path, shown)), ancestors | {key}
        elif not stat.S_ISREG(info.st_mode):
            yield Skipped(Source(str(shown)), "not a regular file", _SPECIAL_DETAIL)
        elif kind_from_name(path.name) is None:
            what = f"unknown kind {_extension(path.name)}"
            yield Skipped(Source(str(shown)), what, _UNKNOWN_DETAIL)
        else:
            self.found = True
            yield from _read_path(path, str(shown), self.cfg)


_Level = tuple[Iterator[tuple[Path, Path] | Reject], frozenset[tuple[int, int]]]

_KINDS = ".txt .html .htm .jsonl .jsonl.gz .warc .warc.gz"
_NOTHING_DETAIL = (
    f"nothing to clean in this directory: no file of a kind cleaner reads ({_KINDS}) was "
    "found in it; check the path"
)
_UNKNOWN_DETAIL = (
    f"not a kind cleaner reads in a directory ({_KINDS}); name the file on the command line "
    "to read it anyway"
)
_SPECIAL_DETAIL = (
    "not a regular file (a FIFO, socket or device); name it on the command line to read it"
)
_LOOP_DETAIL = "a symbolic link back to a directory above it; its files are read once, there"
_TWICE_DETAIL = "a link to a directory that was already walked; its files are read once"


def _extension(name: str) -> str:
    """The extension for the summary, or a placeholder when it is missing or unprintable."""
    suffix = Path(name).suffix.lower()
    if not suffix:
        return "(no extension)"
    if suffix.isascii() and suffix.isprintable() and len(suffix) <= 12:
        return suffix
    return "(other)"


def _read_path(path: Path, shown: str, cfg: InputConfig) -> Iterator[RawDoc | Reject]:
    try:
        info = path.stat()
    except OSError as exc:
        yield _stat_error(path, shown, exc)
        return
    try:
        if stat.S_ISREG(info.st_mode):
            with path.open("rb") as fh:
                yield from _read_open(fh, shown, info.st_size, cfg)
        else:
            # A FIFO (process substitution) or device: waited for, then read like stdin.
            with stream.open_special(path) as fh:
                yield from _read_open(fh, shown, None, cfg)
    except stream.NoDataError:
        yield Reject(RejectReason.READ_ERROR, stream.no_data_detail(), Source(shown))
    except OSError as exc:
        yield _read_error(shown, exc)


def _read_open(
    fh: BinaryIO, shown: str, size: int | None, cfg: InputConfig
) -> Iterator[RawDoc | Reject]:
    """Read an open input by the kind its name and head suggest, never past what it needs.

    Args:
        fh: the input at its start.
        shown: its path as given or walked.
        size: its size, or None for a stream (stdin, FIFO, device) that is never seeked.
        cfg: the size limit.
    """
    source = Source(shown)
    head = fh.read(SNIFF_BYTES)
    if not head:
        yield Reject(RejectReason.EMPTY_INPUT, EMPTY_DETAIL, source)
        return
    kind = resolve_kind(shown, head)
    if kind == "jsonl":
        yield from read_jsonl(fh, shown, cfg, head=head)
    elif kind == "warc":
        yield from _read_warc(fh, head, shown, size, cfg)
    elif kind == "binary":
        yield Reject(RejectReason.BINARY, binary_detail(head), source)
    elif size is not None and size > cfg.max_bytes:
        yield _too_large(source, size, cfg.max_bytes)
    else:
        data = stream.read_up_to(fh, head, cfg.max_bytes)
        if len(data) > cfg.max_bytes:
            # A stream, or a file that grew after its size was taken.
            yield _too_large(source, None, cfg.max_bytes)
            return
        yield from (read_html if kind == "html" else read_text)(data, source)


def _read_warc(
    fh: BinaryIO, head: bytes, shown: str, size: int | None, cfg: InputConfig
) -> Iterator[RawDoc | Reject]:
    """Read a WARC; an archive that yields nothing at all is still counted, once."""
    count = 0
    for item in _warc_items(fh, head, shown, size, cfg):
        count += 1
        yield item
    if count == 0:
        yield Reject(
            RejectReason.EMPTY_INPUT,
            "no capture to clean: the archive holds no response or resource record of a page",
            Source(shown),
        )


def _warc_items(
    fh: BinaryIO, head: bytes, shown: str, size: int | None, cfg: InputConfig
) -> Iterator[RawDoc | Reject]:
    if size is not None:
        fh.seek(0)
        yield from read_warc(fh, shown, cfg)
        return
    copy = stream.spool(fh, head, cfg.max_bytes)
    if copy is None:
        yield Reject(
            RejectReason.TOO_LARGE,
            f"a WARC read from a pipe is copied to a temporary file, up to {cfg.max_bytes} "
            "bytes, and this one is larger; give the archive's path instead, or raise the size "
            "limit",
            Source(shown),
        )
        return
    with copy:
        yield from read_warc(cast(BinaryIO, copy), shown, cfg)


def _too_large(source: Source, size: int | None, limit: int) -> Reject:
    what = f"{size} bytes" if size is not None else f"more than {limit} bytes"
    return Reject(
        RejectReason.TOO_LARGE,
        f"{what}, over the limit of {limit} bytes; raise the size limit to clean it",
        source,
    )


def _stat_error(path: Path, shown: str, exc: OSError) -> Reject:
    """The reject for a path that cannot be looked at; a dangling symlink says so."""
    dangling = isinstance(exc, FileNotFoundError | NotADirectoryError) and path.is_symlink()
    if dangling or exc.errno == errno.ELOOP:
        return Reject(
            RejectReason.READ_ERROR,
            "broken symbolic link: its target does not exist (or links back to itself); "
            "fix or remove the link",
            Source(shown),
        )
    return _read_error(shown, exc)


def _read_error(shown: str, exc: OSError) -> Reject:
    if isinstance(exc, FileNotFoundError):
        what = "no such file or directory; check the path"
    elif isinstance(exc, PermissionError):
        what = "permission denied; check the file's permissions"
    else:
        what = f"cannot read it: {exc.strerror or exc}"
    return Reject(RejectReason.READ_ERROR, what, Source(shown))


def _with_outside_facts(item: RawDoc | Reject, cfg: InputConfig) -> RawDoc | Reject:
    """Fill in the URL (``--url``, then manifest, then the record's own) and manifest meta."""
    if isinstance(item, Reject):
        return item
    entry = _manifest_entry(cfg.manifest, item.source)
    if entry is None and cfg.url is None:
        return item
    url, url_from, meta = item.url, item.url_from, dict(item.meta)
    if entry is not None:
        if entry.url:
            url, url_from = entry.url, "manifest"
        meta.update({k: v for k, v in (("date", entry.date), ("site", entry.site)) if v})
    if cfg.url is not None:
        url, url_from = cfg.url, "cli"
    return replace(item, url=url, url_from=url_from, meta=Meta(meta))


def _manifest_entry(manifest: dict[str, ManifestEntry], source: Source) -> ManifestEntry | None:
    """The manifest entry for a path as yielded, its absolute form, or its bare file name.

    Records inside a container are looked up as ``path:line`` (JSONL) or ``path@offset``
    (WARC), since one URL for a whole container would be wrong for all but one record.
    """
    if not manifest:
        return None
    suffix = str(source).removeprefix(source.path)
    path = Path(source.path)
    for key in (normalise_key(source.path), str(path.resolve()), path.name):
        entry = manifest.get(key + suffix)
        if entry is not None:
            return entry
    return None
