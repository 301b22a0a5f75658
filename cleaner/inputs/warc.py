"""Reader for WARC archives (``.warc``, ``.warc.gz``): one document per HTML or text capture."""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, BinaryIO

from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeadersParserException

from cleaner.config import InputConfig
from cleaner.inputs.contentenc import ContentError, decode_content
from cleaner.inputs.sniff import SNIFF_BYTES, looks_binary, sniff
from cleaner.inputs.text import EMPTY_DETAIL, binary_detail
from cleaner.inputs.warcsplit import HEADER_LIMIT, Damage, Piece, split
from cleaner.model import Kind, RawDoc, Reject, RejectReason, Source

_CHUNK = 64 * 1024
_DOCUMENT_TYPES = ("response", "resource")
_WEB_SCHEMES = frozenset({"http", "https"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text/plain"})
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)
_READ_TYPES = frozenset({*_DOCUMENT_TYPES, "revisit"})
_TYPE = re.compile(rb"(?im)^warc-type:[ \t]*([^\s]+)")
_TARGET = re.compile(rb"(?im)^warc-target-uri:")
_LOADER = ArcWarcRecordLoader()
_WARCIO_LOG = logging.getLogger("warcio.recordloader")
_DROP = logging.Filter("-")  # passes only records of a logger named "-": none of warcio's
# warcio has no single error type for a damaged archive: besides its own two, a record cut
# inside its headers surfaces as AttributeError, and bad numbers or bytes as ValueError.
DAMAGE = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    AttributeError,
    ValueError,
    IndexError,
    KeyError,
    EOFError,
    zlib.error,
)


def read_warc(fh: BinaryIO, path: str, cfg: InputConfig) -> Iterator[RawDoc | Reject]:
    """Yield a raw document or reject per capture in a WARC file.

    ``response`` (status 200) and ``resource`` records of http(s) URLs with an HTML or
    plain-text content type become documents; other statuses, content types, URI schemes
    (``not_http``) and ``revisit`` records are rejected; ``warcinfo``, ``request``,
    ``metadata``, ``conversion`` and DNS records are skipped. A damaged record (wrong
    Content-Length, cut, bad gzip data, no target URI) is one ``truncated`` reject with
    its offset, and reading goes on at the next record (see :mod:`cleaner.inputs.warcsplit`).

    Args:
        fh: the archive opened in binary mode at its start; it must be seekable.
        path: the input path as given or walked, for ``Source``.
        cfg: the size limit per document.
    """
    for piece in split(fh, cfg.max_bytes + HEADER_LIMIT):
        source = Source(path, offset=piece.offset)
        if isinstance(piece, Damage):
            yield damaged(source, piece.what)
            continue
        item = _read_piece(piece, cfg)
        if isinstance(item, RawDoc):
            yield replace(item, source=source, warc_record=piece.record)
        elif item is not None:
            yield replace(item, source=source)


def _read_piece(piece: Piece, cfg: InputConfig) -> RawDoc | Reject | None:
    """Parse one whole record with warcio, quietly, and convert it."""
    found = _TYPE.search(piece.head)
    rec_type = found.group(1).decode("ascii", "replace").lower() if found else ""
    if rec_type not in _READ_TYPES:
        return None  # warcinfo, request, metadata, conversion: never a document
    if not _TARGET.search(piece.head):
        return _no_target(rec_type)
    try:
        with _quiet_warcio():
            record = _LOADER.parse_record_stream(io.BytesIO(piece.head + piece.block))
            item = convert(record, cfg, whole=piece.whole)
    except DAMAGE as exc:
        return _reject(RejectReason.TRUNCATED, f"WARC record at offset {piece.offset} cannot "
                       f"be parsed: {shown(str(exc))}; it is skipped, the other records are "
                       "read")
    if isinstance(item, RawDoc):
        return replace(item, captured=record.rec_headers.get_header("WARC-Date"))
    return item


def damaged(source: Source, what: str) -> Reject:
    """The reject for one damaged record; the records around it are read."""
    return Reject(
        RejectReason.TRUNCATED,
        f"WARC record at offset {source.offset} is damaged: {what}; it is skipped and "
        "reading goes on at the next record: download the archive again or check it with "
        "'warcio check'",
        source,
    )


@contextmanager
def _quiet_warcio() -> Iterator[None]:
    """Silence warcio's log lines (spaces replaced in a URI) while we parse a record."""
    _WARCIO_LOG.addFilter(_DROP)
    try:
        yield
    finally:
        _WARCIO_LOG.removeFilter(_DROP)


def shown(text: str, limit: int = 300) -> str:
    """Text from an archive made safe for a message: control characters escaped, cut short."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[:limit] + "..."


def truncated(source: Source, what: str) -> Reject:
    return Reject(
        RejectReason.TRUNCATED,
        f"WARC cut short or corrupt at offset {source.offset}: {what}; the records before it "
        "were read, the rest is lost: download the archive again or check it with "
        "'warcio check'",
        source,
    )


def cut_short(record: Any) -> bool:
    """True if the record has no valid Content-Length or its block ended before it.

    Call it after the record has been read to its end. warcio reads a missing or empty
    Content-Length (headers cut mid-line) as an empty block, so check the header itself.
    """
    declared = record.rec_headers.get_header("Content-Length")
    if declared is None or not str(declared).strip().isdigit():
        return True
    return bool(getattr(record.raw_stream, "limit", 0) > 0)


def convert(record: Any, cfg: InputConfig, *, whole: bool = True) -> RawDoc | Reject | None:
    """The document or reject for one record, with a placeholder source; None to skip it.

    ``whole`` is false when only the start of the record's block was kept (it is over the
    size limit): the record can still be told apart, but not become a document.
    """
    rec_type: str = record.rec_type
    url: str | None = record.rec_headers.get_header("WARC-Target-URI") or None
    if rec_type == "revisit":
        return _reject(
            RejectReason.REVISIT,
            f"revisit record for {shown(url or '')}: its payload is in an earlier capture, "
            "not in this record; nothing to clean",
        )
    if rec_type not in _DOCUMENT_TYPES:
        return None
    if url is None:
        return _no_target(rec_type)
    scheme = url.partition(":")[0].lower() if ":" in url else ""
    if scheme == "dns":
        return None
    if scheme not in _WEB_SCHEMES:
        return _reject(
            RejectReason.NOT_HTTP,
            f"{rec_type} record for {shown(url)}: its URI scheme is '{shown(scheme, 40)}', "
            "not http or https; only web captures are cleaned",
        )
    http = record.http_headers if rec_type == "response" else None
    if http is not None and http.get_statuscode() != "200":
        return _reject(
            RejectReason.NOT_200,
            f"HTTP status {shown(http.get_statuscode() or '')} for {shown(url)}; only 200 "
            "responses are cleaned",
        )
    content_type: str = (http.get_header("Content-Type") if http else record.content_type) or ""
    return _document(record, url, content_type, http, cfg, whole)


def _no_target(rec_type: str) -> Reject:
    # A response or resource must name what it captured: the record is corrupt. (warcio
    # fails on it with an AttributeError, and the old reader stopped there.)
    return _reject(
        RejectReason.TRUNCATED,
        f"the {rec_type} record has no WARC-Target-URI, which every {rec_type} record must "
        "have; it is skipped, the other records are read: fix the tool that wrote it",
    )


def _document(
    record: Any, url: str, content_type: str, http: Any, cfg: InputConfig, whole: bool
) -> RawDoc | Reject:
    mime = content_type.partition(";")[0].strip().lower()
    kind = _kind_for(mime)
    if kind is None and mime:
        return _reject(
            RejectReason.NOT_HTML,
            f"content type {shown(mime)} for {shown(url)}; only HTML and plain text are cleaned",
        )
    data = _payload(record, http, cfg.max_bytes) if whole else None
    if data is None:
        return _reject(
            RejectReason.TOO_LARGE,
            f"payload for {shown(url)} is larger than {cfg.max_bytes} bytes; raise the size "
            "limit to clean it",
        )
    if isinstance(data, Reject):
        return data
    if not data.strip():
        return _reject(RejectReason.EMPTY_INPUT, f"{EMPTY_DETAIL} ({shown(url)})")
    if looks_binary(data):
        return _reject(RejectReason.BINARY, f"{binary_detail(data)} ({shown(url)})")
    if kind is None:
        # No Content-Type at all: decide from the payload, as browsers do.
        kind = "html" if sniff(data[:SNIFF_BYTES]) == "html" else "text"
    match = _CHARSET.search(content_type)
    return RawDoc(
        data=data,
        source=Source(""),
        kind=kind,
        url=url,
        url_from="record",
        charset=match.group(1) if match else None,
        http_headers=bytes(http.to_bytes()) if http is not None else None,
    )


def _kind_for(mime: str) -> Kind | None:
    if mime in _HTML_TYPES:
        return "html"
    if mime in _TEXT_TYPES:
        return "text"
    return None


def _payload(record: Any, http: Any, max_bytes: int) -> bytes | Reject | None:
    """The payload after transfer and content decoding; None if over max_bytes.

    warcio would decode only the encodings it knows, pass others through as they are and
    write decoding errors to stderr; here each is decoded or the capture is rejected.
    """
    stream = record.raw_stream
    if http is not None and (http.get_header("Transfer-Encoding") or "").lower() == "chunked":
        stream = ChunkedDataReader(stream)
    data = _read_all(stream)
    codings = (http.get_header("Content-Encoding") or "") if http is not None else ""
    for coding in reversed([c.strip().lower() for c in codings.split(",") if c.strip()]):
        try:
            data = decode_content(coding, data, max_bytes)
        except ContentError as exc:
            if not looks_binary(data):
                # Stored decoded with its header kept: warcio and browsers read it as is.
                continue
            return _reject(
                RejectReason.DECODE_ERROR,
                f"the payload for {shown(record.rec_headers.get_header('WARC-Target-URI'))} "
                f"does not decode as Content-Encoding {shown(coding, 40)} ({exc}); the "
                "capture is damaged or mislabelled",
            )
    return data if len(data) <= max_bytes else None


def _read_all(stream: Any) -> bytes:
    parts: list[bytes] = []
    while chunk := stream.read(_CHUNK):
        parts.append(chunk)
    return b"".join(parts)


def _reject(reason: RejectReason, detail: str) -> Reject:
    return Reject(reason, detail, Source(""))
