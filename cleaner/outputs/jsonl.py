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
from cleaner.model import Doc, Reject, Source
from cleaner.outputs.atomic import OutputError, OutputGroup
from cleaner.safetext import path_text, utf8_safe

RECORD_KEYS = ("id", "url", "title", "text", "lang", "site", "published", "author", "source",
               "digest", "tool", "rules", "near_duplicate_of")
# The record's JSON Schema (README, Output): every key in every record, each with one JSON type,
# so that tools inferring a schema from some records (datasets, polars, pyarrow) read them all.
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "record.schema.json"


def to_record(doc: Doc, rules_version: str) -> dict[str, Any]:
    """The output record of a document, keys in a stable order (see README, Output).

    A value that is not known is an empty string, never null, and a source position that
    does not apply is 0: a null-typed column (all of one file's authors unknown) is what
    makes ``datasets`` and ``polars`` refuse to read files together. So ``near_duplicate_of``
    is ``""`` on every document that is not a marked near-duplicate: a run without one must
    read together with a run with one (a list of the document's warnings, empty in most
    runs, would be a null-typed column in them).
    """
    return {
        "id": doc.id,
        "url": doc.url or "",
        "title": doc.title or "",
        "text": doc.text,
        "lang": doc.lang or "",
        "site": doc.site or doc.raw.meta.get("site") or "",
        "published": doc.published or "",
        "author": doc.author or "",
        "source": source_record(doc.raw.source),
        "digest": doc.raw.digest,
        "tool": TOOL,
        "rules": rules_version,
        "near_duplicate_of": doc.near_duplicate_of,
    }


def source_record(source: Source) -> dict[str, Any]:
    """The record's ``source``: ``line`` 1-based in a JSONL file, ``offset`` of a WARC record.

    Each is 0 when it does not apply (a whole file: line 0, offset 0), never null.
    """
    return {"path": path_text(source.path), "line": source.line or 0,
            "offset": source.offset or 0}


def source_from_record(value: dict[str, Any], default_path: str) -> Source:
    """The ``Source`` a record's ``source`` describes (0 and null alike: does not apply)."""
    return Source(value.get("path") or default_path, value.get("line") or None,
                  value.get("offset") or None)


def explain_lines(result: Doc | Reject) -> Iterator[dict[str, Any]]:
    """One explain record per removed fragment, of a kept or a rejected document."""
    doc_id: str | None
    source: Source | None
    if isinstance(result, Doc):
        doc_id, source, removals = result.id, result.raw.source, result.removals
    else:
        doc_id, source, removals = result.doc_id, result.source, result.removals
    for r in removals:
        yield {"id": doc_id, "source": path_text(str(source)), "rule": r.rule,
               "reason": r.reason, "text": r.text}


def reject_line(reject: Reject) -> dict[str, Any]:
    """The rejects-file record of a rejected or failed input."""
    return {"id": reject.doc_id,
            "source": path_text(str(reject.source)) if reject.source else None,
            "reason": reject.reason.value, "failed": reject.failed, "detail": reject.detail}


def dumps(obj: dict[str, Any]) -> str:
    """One JSON line, UTF-8 as is (not escaped), no trailing newline; always encodable."""
    return utf8_safe(json.dumps(obj, ensure_ascii=False))


def is_gzip_name(path: Path) -> bool:
    """Compressed by name: ``.gz`` in any case (``OUT.JSONL.GZ``)."""
    return path.name.lower().endswith(".gz")


class JsonlSink:
    """Write JSON lines to a file atomically (``.gz`` compressed by name), or to stdout.

    The file appears under its name only when the run completes; an interrupted or failed run
    leaves no half-written output behind. Given an ``OutputGroup``, the file appears when the
    group commits, together with the run's other outputs; else when this sink closes.

    Raises:
        OutputError: the file cannot be written (names it, with the reason).
    """

    def __init__(self, path: Path | None, group: OutputGroup | None = None) -> None:
        self.path = path
        self._group = group
        self._own = group is None
        self._fh: IO[str] | None = None
        self._file: IO[bytes] | None = None

    def __enter__(self) -> JsonlSink:
        if self.path is None:
            self._fh = sys.stdout
            return self
        if self._group is None:
            self._group = OutputGroup()
        self._file = self._group.create(self.path)
        stream: IO[bytes] = self._file
        if is_gzip_name(self.path):
            # mtime=0 and no file name in the header: the same records give the same bytes.
            stream = cast(IO[bytes], gzip.GzipFile(filename="", mode="wb", fileobj=self._file,
                                                   mtime=0))
        self._fh = io.TextIOWrapper(stream, encoding="utf-8", newline="\n")
        return self

    def write(self, obj: dict[str, Any]) -> None:
        """Write one record as a line."""
        assert self._fh is not None, "use JsonlSink as a context manager"
        try:
            self._fh.write(dumps(obj) + "\n")
        except OSError as exc:
            if self.path is None:
                raise  # stdout: a closed pipe is the caller's to handle
            raise OutputError(self.path, exc) from exc

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fh is None:
            return
        if self.path is None:
            if exc_type is None:
                self._fh.flush()
            return
        assert self._file is not None
        assert self._group is not None
        self._group.settle(self._close, exc_type is None, self._own)

    def _close(self) -> None:
        assert self.path is not None
        assert self._fh is not None
        assert self._file is not None
        try:
            try:
                self._fh.close()  # closes the gzip layer, which leaves the file open
            finally:
                self._file.close()
        except OSError as exc:
            raise OutputError(self.path, exc) from exc


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Read records back from a ``.jsonl`` or ``.jsonl.gz`` file."""
    opener = gzip.open if is_gzip_name(path) else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)
