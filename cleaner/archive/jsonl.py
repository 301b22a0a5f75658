"""JSONL output: records, the explain file and the rejects file, written atomically."""

from __future__ import annotations

import gzip
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any, cast

from cleaner import TOOL
from cleaner.archive.atomic import open_temp
from cleaner.model import Doc, Reject, Source

RECORD_KEYS = ("id", "url", "title", "text", "lang", "site", "published", "author", "source",
               "digest", "tool", "rules")


def to_record(doc: Doc, rules_version: str) -> dict[str, Any]:
    """The output record of a document, keys in a stable order (see README, Output)."""
    return {
        "id": doc.id,
        "url": doc.url,
        "title": doc.title,
        "text": doc.text,
        "lang": doc.lang,
        "site": doc.site or doc.raw.meta.get("site"),
        "published": doc.published,
        "author": doc.author,
        "source": doc.raw.source.as_dict(),
        "digest": doc.raw.digest,
        "tool": TOOL,
        "rules": rules_version,
    }


def explain_lines(result: Doc | Reject) -> Iterator[dict[str, Any]]:
    """One explain record per removed fragment, of a kept or a rejected document."""
    doc_id: str | None
    source: Source | None
    if isinstance(result, Doc):
        doc_id, source, removals = result.id, result.raw.source, result.removals
    else:
        doc_id, source, removals = result.doc_id, result.source, result.removals
    for r in removals:
        yield {"id": doc_id, "source": str(source), "rule": r.rule, "reason": r.reason,
               "text": r.text}


def reject_line(reject: Reject) -> dict[str, Any]:
    """The rejects-file record of a rejected or failed input."""
    return {"id": reject.doc_id, "source": str(reject.source) if reject.source else None,
            "reason": reject.reason.value, "failed": reject.failed, "detail": reject.detail}


def dumps(obj: dict[str, Any]) -> str:
    """One JSON line, UTF-8 as is (not escaped), no trailing newline."""
    return json.dumps(obj, ensure_ascii=False)


class JsonlSink:
    """Write JSON lines to a file atomically (``.gz`` compressed by name), or to stdout.

    The file appears under its name only when the run completes; an interrupted or failed run
    leaves no half-written output behind.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._tmp: Path | None = None
        self._fh: IO[str] | None = None
        self._file: IO[bytes] | None = None

    def __enter__(self) -> JsonlSink:
        if self.path is None:
            self._fh = sys.stdout
            return self
        self._file, self._tmp = open_temp(self.path)
        stream: IO[bytes] = self._file
        if self.path.name.endswith(".gz"):
            # mtime=0 and no file name in the header: the same records give the same bytes.
            stream = cast(IO[bytes], gzip.GzipFile(filename="", mode="wb", fileobj=self._file,
                                                   mtime=0))
        self._fh = io.TextIOWrapper(stream, encoding="utf-8", newline="\n")
        return self

    def write(self, obj: dict[str, Any]) -> None:
        """Write one record as a line."""
        assert self._fh is not None, "use JsonlSink as a context manager"
        self._fh.write(dumps(obj) + "\n")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fh is None:
            return
        if self.path is None:
            self._fh.flush()
            return
        assert self._tmp is not None
        assert self._file is not None
        try:
            self._fh.close()  # closes the gzip layer, which leaves the file open
            self._file.close()
        finally:
            if exc_type is None:
                self._tmp.replace(self.path)
            else:
                self._tmp.unlink(missing_ok=True)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Read records back from a ``.jsonl`` or ``.jsonl.gz`` file."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)
