"""Reader for WARC archives (``.warc``, ``.warc.gz``): one document per HTML or text capture."""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from cleaner.config import InputConfig
from cleaner.inputs.sniff import SNIFF_BYTES, looks_binary, sniff
from cleaner.inputs.text import EMPTY_DETAIL, binary_detail
from cleaner.model import Kind, RawDoc, Reject, RejectReason, Source

_CHUNK = 64 * 1024
_DOCUMENT_TYPES = ("response", "resource")
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text/plain"})
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length:[ \t]*(\d+)")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)
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

    ``response`` (status 200) and ``resource`` records with an HTML or plain-text
    content type become documents; other statuses, content types and ``revisit``
    records are rejected; ``warcinfo``, ``request``, ``metadata``, ``conversion`` and
    DNS records are skipped. A damaged or cut archive yields the whole records before
    the damage, then one ``truncated`` reject with the offset where it starts.

    Args:
        fh: the archive opened in binary mode at its start; it must be seekable.
        path: the input path as given or walked, for ``Source``.
        cfg: the size limit per document.
    """
    iterator = ArchiveIterator(fh)
    try:
        for record in iterator:
            item = convert(record, cfg)
            source = Source(path, offset=int(iterator.get_record_offset()))
            if cut_short(record):
                yield truncated(source, "the archive ends inside this record")
                return
            if isinstance(item, RawDoc):
                iterator.read_to_end(record)
                original = _original_record(fh, source.offset or 0, iterator.get_record_length())
                yield replace(item, source=source, warc_record=original,
                              captured=record.rec_headers.get_header("WARC-Date"))
            elif item is not None:
                yield replace(item, source=source)
    except DAMAGE as exc:
        yield truncated(Source(path, offset=int(iterator.offset)), f"damaged record: {exc}")
        return
    end = fh.seek(0, io.SEEK_END)
    if iterator.offset < end:
        yield truncated(Source(path, offset=int(iterator.offset)), "the archive ends early")


def _original_record(fh: BinaryIO, offset: int, length: int) -> bytes:
    """The record's bytes as stored (decompressed when the archive is gzipped per record).

    The iterator reads ``fh`` sequentially through its own buffer, so the position is restored.
    """
    here = fh.tell()
    try:
        fh.seek(offset)
        member = fh.read(length)
    finally:
        fh.seek(here)
    if member[:2] == b"\x1f\x8b":
        member = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(member)
    # Rebuilt from its own Content-Length: an uncompressed archive's record length may or may
    # not take in the two CRLFs that close the record.
    head, _, rest = member.partition(b"\r\n\r\n")
    found = _CONTENT_LENGTH.search(head)
    size = int(found.group(1)) if found else len(rest)
    return head + b"\r\n\r\n" + rest[:size] + b"\r\n\r\n"


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


def convert(record: Any, cfg: InputConfig) -> RawDoc | Reject | None:
    """The document or reject for one record, with a placeholder source; None to skip it."""
    rec_type: str = record.rec_type
    url: str | None = record.rec_headers.get_header("WARC-Target-URI") or None
    if rec_type == "revisit":
        return _reject(
            RejectReason.REVISIT,
            f"revisit record for {url}: its payload is in an earlier capture, not in this "
            "record; nothing to clean",
        )
    if rec_type not in _DOCUMENT_TYPES or (url or "").startswith("dns:"):
        return None
    http = record.http_headers if rec_type == "response" else None
    if http is not None and http.get_statuscode() != "200":
        return _reject(
            RejectReason.NOT_200,
            f"HTTP status {http.get_statuscode()} for {url}; only 200 responses are cleaned",
        )
    content_type: str = (http.get_header("Content-Type") if http else record.content_type) or ""
    return _document(record, url, content_type, http, cfg)


def _document(
    record: Any, url: str | None, content_type: str, http: Any, cfg: InputConfig
) -> RawDoc | Reject:
    mime = content_type.partition(";")[0].strip().lower()
    kind = _kind_for(mime)
    if kind is None and mime:
        return _reject(
            RejectReason.NOT_HTML,
            f"content type {mime} for {url}; only HTML and plain text are cleaned",
        )
    data = _payload(record, cfg.max_bytes)
    if data is None:
        return _reject(
            RejectReason.TOO_LARGE,
            f"payload for {url} is larger than {cfg.max_bytes} bytes; raise the size limit "
            "to clean it",
        )
    if not data.strip():
        return _reject(RejectReason.EMPTY_INPUT, f"{EMPTY_DETAIL} ({url})")
    if looks_binary(data):
        return _reject(RejectReason.BINARY, f"{binary_detail(data)} ({url})")
    if kind is None:
        # No Content-Type at all: decide from the payload, as browsers do.
        kind = "html" if sniff(data[:SNIFF_BYTES]) == "html" else "text"
    match = _CHARSET.search(content_type)
    return RawDoc(
        data=data,
        source=Source(""),
        kind=kind,
        url=url,
        url_from="record" if url else None,
        charset=match.group(1) if match else None,
        http_headers=bytes(http.to_bytes()) if http is not None else None,
    )


def _kind_for(mime: str) -> Kind | None:
    if mime in _HTML_TYPES:
        return "html"
    if mime in _TEXT_TYPES:
        return "text"
    return None


def _payload(record: Any, max_bytes: int) -> bytes | None:
    """The payload after transfer and content decoding, or None if over max_bytes."""
    stream = record.content_stream()
    parts: list[bytes] = []
    size = 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            return None
        parts.append(chunk)
    return b"".join(parts)


def _reject(reason: RejectReason, detail: str) -> Reject:
    return Reject(reason, detail, Source(""))
