"""Reader for JSONL scraper exports (``.jsonl``, ``.jsonl.gz``): one document per line."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from itertools import chain
from types import MappingProxyType
from typing import Any, BinaryIO

from cleaner.config import InputConfig
from cleaner.inputs.sniff import GZIP_MAGIC
from cleaner.model import Kind, RawDoc, Reject, RejectReason, Source

_CHUNK = 64 * 1024
# Cap on what one decompression call may produce, so a gzip bomb is read in slices.
_MAX_OUT = 1024 * 1024
_META_KEYS = ("date", "published", "title", "author", "site", "lang", "id")
_JSON_TYPES = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}
_JSON_TYPES[type(None)] = "null"


class _Truncated(Exception):
    """The compressed stream ends early or is corrupt."""


def read_jsonl(
    fh: BinaryIO, path: str, cfg: InputConfig, head: bytes = b""
) -> Iterator[RawDoc | Reject]:
    """Yield one raw document or reject per non-blank line of a JSONL export.

    The file is streamed; gzip is recognised by its magic bytes, whatever the name.
    A compressed stream that ends early yields the lines read so far, then one
    ``truncated`` reject naming the last good line.

    Args:
        fh: the export opened in binary mode, at its start or just after ``head``.
        path: the input path as given or walked, for ``Source``.
        cfg: which keys hold the URL, HTML and text, and the size limit per line.
        head: the bytes already read from ``fh`` (the sniffing head), if any.
    """
    first = head or fh.read(_CHUNK)
    chunks: Iterable[bytes] = chain([first], iter(lambda: fh.read(_CHUNK), b""))
    if first.startswith(GZIP_MAGIC):
        chunks = _gunzip(chunks)
    lineno = 0
    try:
        for line in _split_lines(chunks, cfg.max_bytes):
            lineno += 1
            item = _parse_line(line, Source(path, line=lineno), cfg)
            if item is not None:
                yield item
    except _Truncated as exc:
        yield Reject(
            RejectReason.TRUNCATED,
            f"{exc} after line {lineno} (the last complete line); the rest of the file is lost: "
            "download or export it again",
            Source(path, line=lineno + 1),
        )


def _gunzip(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Decompress concatenated gzip members, raising _Truncated if the stream is cut."""
    decompressor = zlib.decompressobj(wbits=31)
    fed = False
    for chunk in chunks:
        data = chunk
        while data:
            fed = True
            try:
                out = decompressor.decompress(data, _MAX_OUT)
            except zlib.error as exc:
                raise _Truncated(f"corrupt compressed data ({exc})") from exc
            if out:
                yield out
            if decompressor.eof:
                data = decompressor.unused_data
                decompressor, fed = zlib.decompressobj(wbits=31), False
            else:
                data = decompressor.unconsumed_tail
    yield from _drain(decompressor, fed=fed)


def _drain(decompressor: zlib._Decompress, *, fed: bool) -> Iterator[bytes]:
    """Flush the last member; it is cut short if it started but did not end."""
    out = decompressor.flush()
    if out:
        yield out
    if fed and not decompressor.eof:
        raise _Truncated("compressed data ends early")


def _split_lines(chunks: Iterable[bytes], limit: int) -> Iterator[bytes | None]:
    """Split a byte stream into lines without their newline; None for a line over limit."""
    buf = bytearray()
    skipping = False
    for chunk in chunks:
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            if not skipping:
                buf += chunk[start:end]
            yield None if skipping or len(buf) > limit else bytes(buf)
            buf.clear()
            skipping = False
            start = end + 1
        if not skipping:
            buf += chunk[start:]
            if len(buf) > limit:
                buf.clear()
                skipping = True
    if skipping or buf:
        yield None if skipping else bytes(buf)


def _parse_line(line: bytes | None, source: Source, cfg: InputConfig) -> RawDoc | Reject | None:
    """One line to a raw document, a reject, or None for a blank line."""
    n = source.line
    if line is None:
        return Reject(
            RejectReason.TOO_LARGE,
            f"line {n} is larger than {cfg.max_bytes} bytes; split the record or raise the "
            "size limit",
            source,
        )
    if n == 1:
        line = line.removeprefix(b"\xef\xbb\xbf")
    if not line.strip():
        return None
    try:
        obj = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return Reject(
            RejectReason.DECODE_ERROR,
            f"line {n} is not valid UTF-8 (byte 0x{line[exc.start]:02x} at byte {exc.start + 1}); "
            "export the file as UTF-8 or remove the line",
            source,
        )
    except json.JSONDecodeError as exc:
        return Reject(
            RejectReason.INVALID_JSON,
            f"not valid JSON at line {n}: {exc.msg} (column {exc.colno}); fix or remove the line",
            source,
        )
    except RecursionError:
        return Reject(
            RejectReason.INVALID_JSON,
            f"not valid JSON at line {n}: nested too deeply; fix or remove the line",
            source,
        )
    return _to_doc(obj, source, cfg)


def _to_doc(obj: object, source: Source, cfg: InputConfig) -> RawDoc | Reject:
    wanted = f"string {cfg.html_key!r} or {cfg.text_key!r} field"
    if not isinstance(obj, dict):
        what = _JSON_TYPES.get(type(obj), "value")
        return Reject(
            RejectReason.MISSING_CONTENT,
            f"line {source.line} is a JSON {what}, not an object with a {wanted}; "
            "fix or remove the line",
            source,
        )
    found = _content(obj, cfg)
    if found is None:
        keys = ", ".join(sorted(map(str, obj))[:10]) or "none"
        return Reject(
            RejectReason.MISSING_CONTENT,
            f"line {source.line} has no {wanted} (keys found: {keys}); set the html/text key "
            "options to the export's field names",
            source,
        )
    content, kind = found
    if not content.strip():
        return Reject(RejectReason.EMPTY_INPUT, f"line {source.line} has empty content", source)
    url = obj.get(cfg.url_key)
    url = url if isinstance(url, str) and url else None
    meta = {key: value for key in _META_KEYS if isinstance(value := obj.get(key), str)}
    return RawDoc(
        data=content.encode("utf-8", "surrogatepass"),
        source=source,
        kind=kind,
        url=url,
        url_from="record" if url else None,
        charset="utf-8",
        meta=MappingProxyType(meta),
    )


def _content(obj: dict[str, Any], cfg: InputConfig) -> tuple[str, Kind] | None:
    html = obj.get(cfg.html_key)
    if isinstance(html, str):
        return html, "html"
    text = obj.get(cfg.text_key)
    if isinstance(text, str):
        return text, "text"
    return None
