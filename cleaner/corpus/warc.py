"""Our WARC archives read back in order: per document its raw capture, clean text and metadata.

An archive holds per document a raw capture, a ``conversion`` record and a ``metadata`` record
that names the two others (see :mod:`cleaner.outputs.warc`).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

from cleaner.corpus.records import CorpusDoc, CorpusProblem, reason
from cleaner.inputs.warc import DAMAGE, cut_short, truncated
from cleaner.model import Kind, RawDoc, Reject, Source
from cleaner.outputs.jsonl import RECORD_KEYS, source_from_record

# What reading a file may raise once it has opened: the OS, a gzip stream cut short or damaged.
READ_ERRORS = (OSError, EOFError, zlib.error)
# Record keys added after archives were first written, with what an older archive's record
# reads as (its records named no near-duplicate; a mark was only among its warnings).
ADDED_KEYS: dict[str, Any] = {"near_duplicate_of": ""}


@dataclass(frozen=True, slots=True)
class RawCapture:
    """A raw capture as archived: its payload (as scraped), HTTP head and record type."""

    record_type: str
    payload: bytes
    http_headers: bytes | None
    content_type: str
    date: str


@dataclass(frozen=True, slots=True)
class ArchivedDoc:
    """One document read back from an archive."""

    meta: dict[str, Any]
    text: str
    raw: RawCapture | None
    archive: str
    offset: int

    @property
    def id(self) -> str:
        return str(self.meta["id"])

    @property
    def record(self) -> dict[str, Any]:
        """The JSONL record ``cleaner clean`` wrote for this document, key for key."""
        stored = self.meta["record"]
        return {k: (self.text if k == "text" else stored.get(k, ADDED_KEYS.get(k)))
                for k in RECORD_KEYS}

    def raw_doc(self) -> RawDoc:
        """The raw capture as the input it was: cleaning it again gives the same document id."""
        if self.raw is None:
            raise ValueError(f"{self.archive}: document {self.id} has no raw capture")
        given = self.meta.get("input", {})
        kind: Kind | None = given.get("kind")
        return RawDoc(
            data=self.raw.payload,
            source=source_from_record(self.record["source"] or {}, str(self.archive)),
            kind=kind, url=given.get("url"), url_from=given.get("url_from"),
            charset=given.get("charset"), meta=given.get("meta") or {},
            http_headers=self.raw.http_headers, captured=given.get("captured"))


def capture(record: Any) -> RawCapture:
    """A warcio record as a raw capture (its payload read whole)."""
    date = record.rec_headers.get_header("WARC-Date") or ""
    if record.rec_type == "response" and record.http_headers is not None:
        head = record.http_headers
        return RawCapture("response", record.content_stream().read(), bytes(head.to_bytes()),
                          head.get_header("Content-Type") or "", date)
    return RawCapture(record.rec_type, record.content_stream().read(), None,
                      record.content_type or "", date)


def read_archive(path: Path) -> Iterator[ArchivedDoc | Reject]:
    """Every document of an archive, in order; a damaged or cut archive yields its whole
    documents, then a ``truncated`` reject saying where it stops."""
    with path.open("rb") as fh:
        yield from _read(fh, str(path))


def _read(fh: BinaryIO, name: str) -> Iterator[ArchivedDoc | Reject]:
    raws: dict[str, tuple[RawCapture, int]] = {}
    texts: dict[str, str] = {}
    iterator = ArchiveIterator(fh)
    try:
        for record in iterator:
            content = _content(record)  # read first: asking the offset reads to the end
            offset = int(iterator.get_record_offset())
            if cut_short(record):
                yield truncated(Source(name, offset=offset), "the archive ends inside a record")
                return
            rec_id = record.rec_headers.get_header("WARC-Record-ID") or ""
            if isinstance(content, RawCapture):
                raws[rec_id] = (content, offset)
            elif isinstance(content, str):
                texts[rec_id] = content
            elif isinstance(content, dict):
                raw, raw_offset = raws.pop(content.get("raw_record_id", ""), (None, offset))
                text = texts.pop(content.get("text_record_id", ""), "")
                yield ArchivedDoc(content, text, raw, name, raw_offset)
    except DAMAGE as exc:
        yield truncated(Source(name, offset=int(iterator.offset)), f"damaged record: {exc}")


def _content(record: Any) -> RawCapture | str | dict[str, Any] | None:
    """A raw capture, a clean text, or a document's metadata; None for other records."""
    if record.rec_type in ("response", "resource"):
        return capture(record)
    if record.rec_type == "conversion":
        return str(record.content_stream().read().decode("utf-8"))
    if record.rec_type == "metadata" and record.content_type == "application/json":
        meta: dict[str, Any] = json.loads(record.content_stream().read())
        return meta
    return None


def read_warc(path: Path, shown: str) -> Iterator[CorpusDoc | CorpusProblem]:
    """Each archived document with its record; a problem where the archive stops, or for a
    metadata record without its ``record`` object."""
    offset = 0
    try:
        for item in read_archive(path):
            if isinstance(item, ArchivedDoc):
                offset = item.offset
                yield _doc(item, shown)
            else:  # cut short or damaged: read_archive stops here
                at = item.source.offset if item.source and item.source.offset else offset
                yield CorpusProblem(shown, 0, None, "unreadable", item.detail, offset=at)
    except (*READ_ERRORS, ValueError, KeyError) as exc:
        yield CorpusProblem(shown, 0, None, "unreadable", "cannot read the archive after this "
                            f"record: {reason(exc)}", offset=offset)


def _doc(item: ArchivedDoc, shown: str) -> CorpusDoc | CorpusProblem:
    if not isinstance(item.meta.get("record"), dict):
        return CorpusProblem(shown, 0, None, "no_record", "the metadata record has no 'record' "
                             "object", offset=item.offset)
    return CorpusDoc(shown, "warc", 0, item.offset, item.record, item)
