"""Our JSONL records (``.jsonl``, ``.jsonl.gz``) read back line by line."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

from cleaner.corpus.records import CorpusDoc, CorpusProblem, reason
from cleaner.corpus.warc import READ_ERRORS


def open_lines(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed when its name ends in ``.gz``."""
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def read_jsonl(path: Path, shown: str) -> Iterator[CorpusDoc | CorpusProblem]:
    """Each non-blank line's record (a JSON object, whatever its keys), or why it is not one;
    a problem where the file stops reading (I/O error, gzip cut short)."""
    number = 0
    try:
        with open_lines(path) as fh:
            for number, raw in enumerate(fh, 1):
                if raw.strip():
                    yield _line(raw, number, shown)
    except READ_ERRORS as exc:
        where = f"after line {number}" if number else "it"
        yield CorpusProblem(shown, number, None, "unreadable",
                            f"cannot read {where}: {reason(exc)}")


def _line(raw: bytes, number: int, shown: str) -> CorpusDoc | CorpusProblem:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return CorpusProblem(shown, number, exc.start + 1, "invalid_utf8",
                             f"invalid UTF-8 at byte {exc.start + 1}: "
                             f"{raw[exc.start:exc.end]!r}")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return CorpusProblem(shown, number, exc.colno, "invalid_json", f"invalid JSON: {exc.msg}")
    if not isinstance(record, dict):
        return CorpusProblem(shown, number, None, "invalid_json",
                             f"not a JSON object: a {type(record).__name__}")
    return CorpusDoc(shown, "jsonl", number, None, record)
