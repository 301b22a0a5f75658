"""Read our archives back: documents, their raw captures, clean text and metadata.

An archive holds per document a raw capture, a ``conversion`` record and a ``metadata`` record
that names the two others (see :mod:`cleaner.archive.warc`). Reading is sequential, or by random
access through the CDXJ index beside the archive when one is there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

from cleaner.archive.index import Entry, index_path, lookup, read_index
from cleaner.archive.jsonl import RECORD_KEYS, source_from_record
from cleaner.inputs.warc import DAMAGE, cut_short, truncated
from cleaner.model import Kind, RawDoc, Reject, Source


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
        return {k: (self.text if k == "text" else stored.get(k)) for k in RECORD_KEYS}

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


def _capture(record: Any) -> RawCapture:
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
        return _capture(record)
    if record.rec_type == "conversion":
        return str(record.content_stream().read().decode("utf-8"))
    if record.rec_type == "metadata" and record.content_type == "application/json":
        meta: dict[str, Any] = json.loads(record.content_stream().read())
        return meta
    return None


def find(path: Path, target: str) -> ArchivedDoc | None:
    """The document with this id or URL: through the index when there is one, else a scan."""
    idx = index_path(path)
    if idx.is_file():
        entries = lookup(read_index(idx), target)
        return _load(path, entries) if entries else None
    for item in read_archive(path):
        if isinstance(item, ArchivedDoc) and target in (item.id, item.record["url"]):
            return item
    return None


class DamagedArchive(Exception):
    """A record the index points to cannot be read: the message names the archive and offset."""


def _load(path: Path, entries: list[Entry]) -> ArchivedDoc | None:
    """Read a document's three records at the offsets its index entries give.

    Raises:
        DamagedArchive: a record is missing (the archive was cut short) or damaged.
    """
    by_role = {e.fields.get("record"): int(e.fields["offset"]) for e in entries}
    if "meta" not in by_role:
        return None
    try:
        with path.open("rb") as fh:
            meta: dict[str, Any] = json.loads(_read_at(fh, path, by_role["meta"])[1])
            text = ""
            if "text" in by_role:
                text = _read_at(fh, path, by_role["text"])[1].decode("utf-8")
            raw = _read_at(fh, path, by_role["raw"])[0] if "raw" in by_role else None
    except ValueError as exc:  # JSON or UTF-8 that is not: a damaged payload
        raise DamagedArchive(f"{path}: damaged document records at offsets "
                             f"{sorted(by_role.values())}: {type(exc).__name__}") from None
    return ArchivedDoc(meta, text, raw, str(path), by_role.get("raw", by_role["meta"]))


def _read_at(fh: BinaryIO, path: Path, offset: int) -> tuple[RawCapture, bytes]:
    """The record at ``offset``, read whole: as a capture, and its payload."""
    fh.seek(offset)
    where = f"{path}@{offset}"
    try:
        record = next(iter(ArchiveIterator(fh)), None)
        if record is None:
            raise DamagedArchive(
                f"{where}: no record there: the archive ends at {path.stat().st_size} bytes, "
                "it was cut short (or the .cdxj index is not this archive's); the documents "
                "before the cut can be listed with 'cleaner replay list'")
        capture = _capture(record)
        if cut_short(record):
            raise DamagedArchive(f"{where}: the record is cut short: the archive is truncated")
        return capture, capture.payload
    except DamagedArchive:
        raise
    except DAMAGE as exc:
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise DamagedArchive(f"{where}: damaged record: {detail}") from None
