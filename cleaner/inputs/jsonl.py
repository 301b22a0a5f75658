"""Reader for JSONL scraper exports (``.jsonl``, ``.jsonl.gz``): one document per line."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any, BinaryIO

from cleaner.config import InputConfig
from cleaner.inputs.sniff import GZIP_MAGIC
from cleaner.model import Kind, Meta, RawDoc, Reject, RejectReason, Source

_CHUNK = 64 * 1024
# Cap on what one decompression call may produce, so a gzip bomb is read in slices.
_MAX_OUT = 1024 * 1024
_META_KEYS = ("date", "published", "title", "author", "site", "lang", "id")
_JSON_TYPES = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}
_JSON_TYPES[type(None)] = "null"


class _Truncated(Exception):
    """The compressed stream ends early or is corrupt."""


class _BlankFlood(Exception):
    """More than the size limit of blank lines in a row: the rest of the file is not read."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def read_jsonl(
    fh: BinaryIO, path: str, cfg: InputConfig, head: bytes = b""
) -> Iterator[RawDoc | Reject]:
    """Yield one raw document or reject per non-blank line of a JSONL export.

    The file is streamed; gzip is recognised by its magic bytes, whatever the name.
    A compressed stream that ends early yields the lines read so far, then one
    ``truncated`` reject naming the last good line. A file with no record at all (empty
    once decompressed, or only blank lines) is one ``empty_input`` reject; a run of blank
    lines longer than the size limit (a gzip bomb of newlines) ends the file with one
    ``too_large`` reject. A file holding one JSON array instead of one object per line is
    one ``invalid_json`` reject that says how to convert it.

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
    lines = _Lines(cfg.max_bytes)
    count = 0
    try:
        for lineno, line in lines.split(chunks):
            if count == 0 and line is not None and _starts_array(line):
                yield _array_reject(Source(path, line=lineno))
                return
            item = _parse_line(line, Source(path, line=lineno), cfg)
            if item is not None:
                count += 1
                yield item
    except _Truncated as exc:
        count += 1
        yield Reject(
            RejectReason.TRUNCATED,
            f"{exc} after line {lines.done} (the last complete line); the rest of the file is "
            "lost: download or export it again",
            Source(path, line=lines.done + 1),
        )
    except _BlankFlood as exc:
        count += 1
        yield Reject(
            RejectReason.TOO_LARGE,
            f"more than {cfg.max_bytes} bytes of blank lines from line {exc.line} on; the rest "
            "of the file is not read: remove the blank lines, or raise the size limit",
            Source(path, line=exc.line),
        )
    if count == 0:
        yield Reject(
            RejectReason.EMPTY_INPUT,
            "no record: the export is empty or holds only blank lines; export it again",
            Source(path),
        )


def _starts_array(line: bytes) -> bool:
    """True if a first line opens a JSON array of objects rather than holding one record."""
    body = line.removeprefix(b"\xef\xbb\xbf").strip()
    if not body.startswith(b"["):
        return False
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        # Pretty-printed or broken over lines: ``[`` alone, or ``[{...`` going on.
        rest = body[1:].lstrip()
        return not rest or rest.startswith(b"{")
    return isinstance(value, list) and any(isinstance(v, dict) for v in value)


def _array_reject(source: Source) -> Reject:
    return Reject(
        RejectReason.INVALID_JSON,
        "the file is a JSON array, not JSON Lines (one object per line); convert it with "
        "jq -c '.[]' FILE > FILE.jsonl and clean that",
        source,
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


# ASCII whitespace, as bytes.strip() and bytes.isspace() see it.
_BLANK_RUN = re.compile(rb"[ \t\n\r\x0b\x0c]*")


class _Lines:
    """Split a byte stream into numbered lines without their newline.

    A line over the limit comes out as None. Runs of blank lines are skipped in bulk, by a
    regular expression over the chunk rather than line by line in Python, and counted so
    that line numbers stay right; a run over the limit raises ``_BlankFlood``.

    Attributes:
        done: how many complete lines have been consumed.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.done = 0
        self.buf = bytearray()
        self.blank = True  # the partial line in buf is empty or whitespace
        self.skipping = False  # the partial line went over the limit and is being dropped
        self.run_bytes = 0  # bytes of the current run of blank lines
        self.run_from = 1  # the line that run started on

    def split(self, chunks: Iterable[bytes]) -> Iterator[tuple[int, bytes | None]]:
        for chunk in chunks:
            start = 0
            while True:
                if self.blank and not self.skipping:
                    start = self._skip_blank(chunk, start)
                end = chunk.find(b"\n", start)
                if end == -1:
                    break
                yield self._line(chunk[start:end])
                start = end + 1
            self._keep(chunk[start:])
        if self.skipping or self.buf:
            yield self._line(b"")

    def _line(self, rest: bytes) -> tuple[int, bytes | None]:
        """The line ending here: the partial line plus ``rest``; resets the state."""
        if not self.skipping:
            self.buf += rest
        line = None if self.skipping or len(self.buf) > self.limit else bytes(self.buf)
        self.buf.clear()
        self.blank, self.skipping, self.run_bytes = True, False, 0
        self.done += 1
        return self.done, line

    def _keep(self, rest: bytes) -> None:
        """Keep the start of a line that goes on in the next chunk."""
        if self.skipping or not rest:
            return
        self.buf += rest
        self.blank = self.blank and rest.isspace()
        if len(self.buf) > self.limit:
            self.buf.clear()
            self.skipping = True

    def _skip_blank(self, chunk: bytes, start: int) -> int:
        """Skip the blank lines at ``start`` in one step; where the next line starts."""
        found = _BLANK_RUN.match(chunk, start)
        last = chunk.rfind(b"\n", start, found.end() if found else start)
        if last == -1:
            return start
        if self.run_bytes == 0:
            self.run_from = self.done + 1
        self.run_bytes += len(self.buf) + last + 1 - start
        self.done += chunk.count(b"\n", start, last + 1)
        self.buf.clear()
        if self.run_bytes > self.limit:
            raise _BlankFlood(self.run_from)
        return last + 1


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
        meta=Meta(meta),
    )


def _content(obj: dict[str, Any], cfg: InputConfig) -> tuple[str, Kind] | None:
    html = obj.get(cfg.html_key)
    if isinstance(html, str):
        return html, "html"
    text = obj.get(cfg.text_key)
    if isinstance(text, str):
        return text, "text"
    return None
