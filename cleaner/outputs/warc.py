"""WARC output: per document the raw capture, the clean text and the metadata, linked.

Per document, in this order (WARC/1.1, one gzip member per record):

1. the raw capture: the crawler's own ``response`` record byte for byte (WARC input), else a
   ``resource`` record holding the bytes as scraped;
2. a ``conversion`` record: the clean text (``text/plain; charset=utf-8``), same
   ``WARC-Target-URI`` and ``WARC-Date`` as the capture (as Common Crawl's WET files do),
   ``WARC-Refers-To`` the raw record, ``WARC-Identified-Content-Language`` the language;
3. a ``metadata`` record (``application/json``) referring to the conversion: the output record
   without its text, every removed fragment with its rule, and the ids of the two records.
   Its target is ``urn:meta:<url>``, so that no index puts JSON at the page's URL.

A ``warcinfo`` record opens each file. A document with no URL gets ``urn:cleaner:doc:<id>``.
Dates come from the capture when the input had one, else from an injectable clock; record ids
from an injectable factory, so that tests (and the committed example archive) are reproducible.
"""

from __future__ import annotations

import io
import re
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from warcio.warcwriter import WARCWriter

from cleaner.model import Doc
from cleaner.outputs.atomic import OutputError, OutputGroup
from cleaner.outputs.index import Entry, index_path, key_for, timestamp14, write_index
from cleaner.outputs.jsonl import dumps
from cleaner.safetext import path_text, printable, utf8_safe
from cleaner.urls import UrlRefused, check_url

Clock = Callable[[], datetime]
RecordIds = Callable[[str, str], str]
_NAMESPACE = uuid.UUID("5d7c2a7e-3c1b-4f2e-9a65-0b8f2f7d9c11")
_HEADER = re.compile(rb"(?im)^([A-Za-z-]+):[ \t]*(.*?)\r?$")
# Never in a WARC header value (WARC/1.1 allows UTF-8 text, not controls): C0, DEL, C1, the
# Unicode line breaks; a raw CR or LF would let a value start a header or a record of its own.
_HEADER_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# In a copied record's head: a control character other than the CRLF ending each line and tab.
_HEAD_UNSAFE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n")


def system_clock() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


def random_ids(doc_id: str, role: str) -> str:
    """A fresh ``<urn:uuid:...>`` for every record."""
    return f"<urn:uuid:{uuid.uuid4()}>"


def stable_ids(seed: str) -> RecordIds:
    """Record ids derived from the document id, the record's role and a seed (reproducible)."""

    def make(doc_id: str, role: str) -> str:
        return f"<urn:uuid:{uuid.uuid5(_NAMESPACE, f'{seed}/{doc_id}/{role}')}>"

    return make


def warc_date(moment: datetime) -> str:
    """A WARC-Date: UTC, second precision."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def synthetic_uri(doc: Doc) -> str:
    """The stable URI of a document without a source URL."""
    return f"urn:cleaner:doc:{doc.id}"


def part_path(path: Path, number: int | None) -> Path:
    """``corpus.warc.gz`` -> ``corpus-00001.warc.gz`` for part 1; the path itself for None."""
    if number is None:
        return path
    name = path.name
    for suffix in (".warc.gz", ".warc"):
        if name.lower().endswith(suffix):
            cut = len(name) - len(suffix)
            return path.with_name(f"{name[:cut]}-{number:05d}{name[cut:]}")
    return path.with_name(f"{name}-{number:05d}")


def header_value(value: str) -> str:
    """A value as it may stand in a WARC header: controls percent-encoded, valid UTF-8."""
    return _HEADER_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()),
                              utf8_safe(value))


@dataclass(frozen=True, slots=True)
class WarcSettings:
    """How to write an archive.

    Attributes:
        path: the archive (``.warc.gz``, or ``.warc`` uncompressed).
        info: the ``warcinfo`` fields (software, rules version, options).
        max_size: start a new numbered file once one reaches this many bytes.
        clock: the date of records whose input gave no capture date, and of ``warcinfo``.
        ids: record id factory, ``(document id, role) -> <urn:uuid:...>``.
        warcinfo: open each file with a ``warcinfo`` record (a shard that is joined to the
            one before it, see :mod:`cleaner.outputs.shards`, has none).
        filename: the file name records are indexed under, and the ``warcinfo`` names, when
            it is not the file's own (a shard that becomes part of that file).
    """

    path: Path
    info: dict[str, str]
    max_size: int | None = None
    clock: Clock = system_clock
    ids: RecordIds = random_ids
    warcinfo: bool = True
    filename: str | None = None


@dataclass
class _Part:
    final: Path
    name: str  # the name its records are indexed under
    fh: IO[bytes]
    writer: WARCWriter
    entries: list[Entry] = field(default_factory=list)


class WarcSink:
    """Write documents to a WARC archive (rolling over by size) with a CDXJ index beside it.

    Files appear under their names only when the run completes, as with JSONL output: given
    an ``OutputGroup``, when it commits (with the run's other outputs), else when this sink
    closes. The index is written to a temporary file too, so an archive never stands beside
    a half-written index.

    Raises:
        OutputError: an archive or index file cannot be written (names it, with the reason).
    """

    def __init__(self, settings: WarcSettings, group: OutputGroup | None = None) -> None:
        self.settings = settings
        self.gzip = not settings.path.name.lower().endswith(".warc")
        self._group = group or OutputGroup()
        self._own = group is None
        self._done: list[_Part] = []
        self._part: _Part | None = None
        self.paths: list[Path] = []

    def __enter__(self) -> WarcSink:
        return self

    def write(self, doc: Doc, record: dict[str, Any]) -> None:
        """Write one document's three records; ``record`` is its JSONL output record."""
        part = self._part or self._open()
        try:
            self._write_doc(part, doc, record)
        except OSError as exc:
            raise OutputError(part.final, exc) from exc
        if self.settings.max_size and part.fh.tell() >= self.settings.max_size:
            self._close_part()

    def size(self) -> int:
        """Bytes written to the file being written (0 before the first document)."""
        return self._part.fh.tell() if self._part is not None else 0

    def _write_doc(self, part: _Part, doc: Doc, record: dict[str, Any]) -> None:
        uri = header_value(doc.url or synthetic_uri(doc))
        date = _capture_date(doc) or warc_date(self.settings.clock())
        raw_id = self._write_raw(part, doc, uri, date)
        text_id = self.settings.ids(doc.id, "text")
        self._write(part, doc, "text", part.writer.create_warc_record(
            uri, "conversion", payload=io.BytesIO(utf8_safe(doc.text).encode("utf-8")),
            warc_content_type="text/plain; charset=utf-8",
            warc_headers_dict=_headers(text_id, date, {
                "WARC-Refers-To": raw_id,
                "WARC-Identified-Content-Language": doc.lang}),
        ), {"lang": doc.lang} if doc.lang else {})
        meta = {"id": doc.id, "record": {k: v for k, v in record.items() if k != "text"},
                "input": _input_facts(doc), "raw_record_id": raw_id, "text_record_id": text_id,
                "removed": [{"rule": r.rule, "reason": r.reason, "text": r.text}
                            for r in doc.removals],
                "warnings": list(doc.warnings)}
        self._write(part, doc, "meta", part.writer.create_warc_record(
            "urn:meta:" + uri, "metadata",
            payload=io.BytesIO(dumps(meta).encode("utf-8")),
            warc_content_type="application/json",
            warc_headers_dict=_headers(self.settings.ids(doc.id, "meta"), date,
                                       {"WARC-Refers-To": text_id}),
        ), {})

    def _open(self) -> _Part:
        number = len(self._done) + 1 if self.settings.max_size else None
        final = part_path(self.settings.path, number)
        fh = self._group.create(final)
        name = self.settings.filename or final.name
        try:
            writer = WARCWriter(fh, gzip=self.gzip, warc_version="WARC/1.1")
            if not self.settings.warcinfo:
                self._part = _Part(final, name, fh, writer)
                return self._part
            fields = {**self.settings.info, "format": "WARC File Format 1.1"}
            # One field a line: a value's own line break or control must not start another.
            payload = "".join(f"{k}: {printable(v)}\r\n" for k, v in fields.items())
            moment = warc_date(self.settings.clock())
            writer.write_record(writer.create_warc_record(
                "", "warcinfo", payload=io.BytesIO(payload.encode("utf-8")),
                warc_content_type="application/warc-fields",
                warc_headers_dict=_headers(self.settings.ids(name, "warcinfo"), moment,
                                           {"WARC-Filename": path_text(name)})))
        except OSError as exc:
            raise OutputError(final, exc) from exc
        self._part = _Part(final, name, fh, writer)
        return self._part

    def _write_raw(self, part: _Part, doc: Doc, uri: str, date: str) -> str:
        if doc.raw.warc_record is not None and _copyable(doc.raw.warc_record):
            return self._copy_original(part, doc, doc.raw.warc_record, uri, date)
        raw_id = self.settings.ids(doc.id, "raw")
        mime = "text/html" if doc.kind == "html" else "text/plain"
        charset = f"; charset={doc.raw.charset}" if doc.raw.charset else ""
        self._write(part, doc, "raw", part.writer.create_warc_record(
            uri, "resource", payload=io.BytesIO(doc.raw.data),
            warc_content_type=header_value(mime + charset),
            warc_headers_dict=_headers(raw_id, date, {}),
        ), {})
        return raw_id

    def _copy_original(self, part: _Part, doc: Doc, original: bytes, uri: str, date: str) -> str:
        """Write the crawler's record byte for byte; its id is what the conversion refers to."""
        head: dict[str, str] = {k.decode().lower(): v.decode("utf-8", "replace")
                                for k, v in _HEADER.findall(original.split(b"\r\n\r\n", 1)[0])}
        offset = part.fh.tell()
        part.fh.write(_gzip_member(original) if self.gzip else original)
        fields = {"url": uri, "mime": _mime(doc.raw.http_headers, doc.kind), "status": "200",
                  "digest": head.get("warc-payload-digest", "-").removeprefix("sha1:")}
        self._index(part, doc, "raw", uri, date, offset, fields)
        return head.get("warc-record-id", "")

    def _write(self, part: _Part, doc: Doc, role: str, rec: Any, extra: dict[str, Any]) -> None:
        offset = part.fh.tell()
        part.writer.write_record(rec)
        headers = rec.rec_headers
        fields = {"url": headers.get_header("WARC-Target-URI"),
                  "mime": (rec.content_type or "").partition(";")[0],
                  "digest": (headers.get_header("WARC-Payload-Digest") or "-").removeprefix(
                      "sha1:"), **extra}
        self._index(part, doc, role, headers.get_header("WARC-Target-URI"),
                    headers.get_header("WARC-Date"), offset, fields)

    def _index(self, part: _Part, doc: Doc, role: str, uri: str, date: str, offset: int,
               fields: dict[str, Any]) -> None:
        page_uri = uri.removeprefix("urn:meta:")
        fields |= {"length": str(part.fh.tell() - offset), "offset": str(offset),
                   "filename": path_text(part.name), "id": doc.id, "record": role}
        part.entries.append(Entry(key_for(role, page_uri), timestamp14(date), fields))

    def _close_part(self) -> None:
        if self._part is not None:
            part, self._part = self._part, None
            self._done.append(part)
            try:
                part.fh.close()
            except OSError as exc:
                raise OutputError(part.final, exc) from exc

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._group.settle(lambda: self._finish(exc_type is None), exc_type is None, self._own)

    def _finish(self, complete: bool) -> None:
        """Close the current part; for a complete run write every part's index too."""
        self._close_part()
        if not complete:
            return
        if not self._done:  # no document at all: still an archive, with its warcinfo
            self._open()
            self._close_part()
        for part in self._done:
            index = index_path(part.final)
            fh = self._group.create(index)
            try:
                with fh:
                    write_index(fh, part.entries)
            except OSError as exc:
                raise OutputError(index, exc) from exc
            self.paths.append(part.final)


def _input_facts(doc: Doc) -> dict[str, Any]:
    """How the input was given, beyond its bytes: enough to clean the raw capture again.

    ``url`` is the URL as given; ``url_refused`` repeats it when it was refused (see
    :mod:`cleaner.urls`), so the raw value is kept though the document has no such URL.
    """
    raw = doc.raw
    return {"kind": raw.kind, "url": raw.url, "url_from": raw.url_from, "charset": raw.charset,
            "meta": dict(raw.meta), "captured": raw.captured,
            "url_refused": raw.url if raw.url is not None and _refused(raw.url) else None}


def _refused(url: str) -> bool:
    try:
        check_url(url)
    except UrlRefused:
        return True
    return False


def _copyable(original: bytes) -> bool:
    """A crawler's record may be copied byte for byte only if its head is clean WARC."""
    return not _HEAD_UNSAFE.search(original.split(b"\r\n\r\n", 1)[0])


def _headers(record_id: str, date: str, extra: dict[str, str | None]) -> dict[str, str]:
    out = {"WARC-Record-ID": record_id, "WARC-Date": date}
    out.update({k: v for k, v in extra.items() if v})
    return {k: header_value(v) for k, v in out.items()}


def _capture_date(doc: Doc) -> str | None:
    """The input's own capture date, normalised to a WARC-Date, if it has one."""
    captured = doc.raw.captured
    if not captured:
        return None
    try:
        return warc_date(datetime.fromisoformat(captured.replace("Z", "+00:00")))
    except ValueError:
        return None


def _mime(http_headers: bytes | None, kind: str) -> str:
    found = re.search(rb"(?im)^content-type:[ \t]*([^;\r\n]+)", http_headers or b"")
    if found:
        return found.group(1).decode("latin-1").strip().lower()
    return "text/html" if kind == "html" else "text/plain"


def _gzip_member(data: bytes) -> bytes:
    """One gzip member, as warcio writes them (no name, no mtime: reproducible)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()
