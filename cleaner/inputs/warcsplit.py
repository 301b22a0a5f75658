"""Split a WARC file into whole records, checking each, before warcio parses any of them.

warcio trusts what an archive says: a wrong Content-Length cuts a record or swallows the next,
a gzip error loses the records already decoded, and a header line with no end is read whole
into memory. Here the file is split into records first, and a record counts as whole only if
its header ends within :data:`HEADER_LIMIT`, its Content-Length is a number, its block is
followed by the record end (CRLF CRLF) and then by the next record or the end of the file (or
of its gzip member), and its gzip member decodes without error. Anything else is a
:class:`Damage` with the offset where it starts, and reading resumes at the next record.

A ``.warc.gz`` is read gzip member by member; a member usually holds one record, but a file
that is one gzip stream (as some tools write) holds them all. Offsets are those of the
member, the only place where decoding can start.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

HEADER_LIMIT = 1 << 20
"""The largest WARC header block read; a record whose header runs on is damaged."""
_PREFIX = HEADER_LIMIT
"""How much of a block over the size limit is kept: enough for its HTTP headers."""
_CHUNK = 64 * 1024
_GZIP = b"\x1f\x8b"
_MAGIC = b"WARC/1."
_HEADER_END = re.compile(rb"\n\r?\n")
_START = re.compile(rb"WARC/1\.[01]\r?\n")
_LENGTH = re.compile(rb"(?im)^content-length:[ \t]*([^\r\n]*)")


@dataclass(frozen=True, slots=True)
class Piece:
    """One whole record.

    Attributes:
        offset: where the record (or its gzip member) starts in the file.
        head: the WARC header block, with the blank line that ends it.
        block: the block, or only its first bytes when ``whole`` is false.
        whole: false when the block was larger than the caller keeps.
    """

    offset: int
    head: bytes
    block: bytes
    whole: bool

    @property
    def record(self) -> bytes:
        """The record as stored, uncompressed, ending with its CRLF CRLF."""
        return self.head + self.block + b"\r\n\r\n"


@dataclass(frozen=True, slots=True)
class Damage:
    """A damaged record or stretch of the file, and what is wrong with it."""

    offset: int
    what: str


class _Broken(Exception):
    """The gzip layer cannot go on: bad data, bad checksum, or the file ends in a member."""


class _Segment(Protocol):
    def read(self, n: int) -> bytes: ...

    def seek(self, pos: int) -> None: ...


def split(fh: BinaryIO, keep: int) -> Iterator[Piece | Damage]:
    """Every record of a WARC file, or the damage found in its place, in file order.

    Args:
        fh: the file at its start, binary and seekable.
        keep: the largest block held in memory; larger ones are skipped over (checked, but
            only their first bytes kept).
    """
    start = fh.read(len(_MAGIC))
    fh.seek(0)
    if start.startswith(_GZIP):
        yield from _split_gzip(fh, keep, 0)
        return
    if not start.startswith(_MAGIC):
        # A .warc.gz whose first gzip header is damaged: the next member is a record.
        member = _next_member(fh, 1)
        if member is not None:
            yield Damage(0, "no gzip member starts here: the bytes are not gzip data")
            yield from _split_gzip(fh, keep, member)
            return
        fh.seek(0)
    yield from _split_segment(_Cursor(_Plain(fh)), None, keep)


class _Plain:
    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh

    def read(self, n: int) -> bytes:
        return self.fh.read(n)

    def seek(self, pos: int) -> None:
        self.fh.seek(pos)


class _Member:
    """One gzip member, decoded on demand in bounded pieces."""

    def __init__(self, fh: BinaryIO, offset: int) -> None:
        self.fh = fh
        self.offset = offset
        self.end: int | None = None
        self._restart()

    def _restart(self) -> None:
        self.fh.seek(self.offset)
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        self._pending = b""
        self._fed = 0
        self._pos = 0

    def read(self, n: int) -> bytes:
        """Up to ``n`` decoded bytes; empty at the member's end, once its checksum is right."""
        while not self._zlib.eof:
            if not self._pending:
                self._pending = self.fh.read(_CHUNK)
                if not self._pending:
                    raise _Broken("the archive ends inside this gzip member: it is cut short")
                if self._fed == 0 and not self._pending.startswith(_GZIP):
                    raise _Broken("no gzip member starts here: the bytes are not gzip data")
                self._fed += len(self._pending)
            try:
                out = self._zlib.decompress(self._pending, n)
            except zlib.error as exc:
                raise _Broken(f"the gzip data is damaged ({exc})") from None
            self._pending = self._zlib.unconsumed_tail
            if self._zlib.eof:
                self.end = self.offset + self._fed - len(self._zlib.unused_data)
            if out:
                self._pos += len(out)
                return out
        return b""

    def seek(self, pos: int) -> None:
        if pos < self._pos:
            self._restart()
        while self._pos < pos and self.read(min(_CHUNK, pos - self._pos)):
            pass


class _Cursor:
    """Forward reading over a segment with a small look-ahead; ``pos`` is the decoded position."""

    def __init__(self, segment: _Segment) -> None:
        self.segment = segment
        self.buf = bytearray()
        self.pos = 0

    def peek(self, n: int) -> bytes:
        while len(self.buf) < n:
            more = self.segment.read(max(n - len(self.buf), _CHUNK))
            if not more:
                break
            self.buf += more
        return bytes(self.buf[:n])

    def take(self, n: int) -> bytes:
        if len(self.buf) >= n:
            out = bytes(self.buf[:n])
            del self.buf[:n]
        else:
            parts = [bytes(self.buf)]
            got = len(self.buf)
            while got < n and (more := self.segment.read(n - got)):
                parts.append(more)
                got += len(more)
            self.buf.clear()
            out = b"".join(parts)
        self.pos += len(out)
        return out

    def skip(self, n: int) -> int:
        """Drop ``n`` bytes without holding them; the number dropped."""
        done = 0
        while done < n and (got := len(self.take(min(_CHUNK, n - done)))):
            done += got
        return done

    def header(self) -> bytes | None:
        """The header block up to its blank line, or None if it has no end within the limit."""
        searched = 0
        while True:
            found = _HEADER_END.search(self.buf, max(0, searched - 2))
            if found:
                return self.take(found.end())
            searched = len(self.buf)
            if searched > HEADER_LIMIT or not self.peek(searched + _CHUNK)[searched:]:
                return None

    def skip_blank_lines(self) -> None:
        while True:
            ahead = self.peek(2)
            if ahead == b"\r\n":
                self.take(2)
            elif ahead[:1] == b"\n":
                self.take(1)
            else:
                return

    def seek(self, pos: int) -> None:
        self.segment.seek(pos)
        self.buf.clear()
        self.pos = pos

    def find_record(self) -> bool:
        """Move to the next ``WARC/1.0`` or ``1.1`` line; False at the end.

        Not only at a line start: junk before a record need not end with a newline. A false
        start is checked as any record is.
        """
        while True:
            found = _START.search(self.buf)
            if found:
                self.take(found.start())
                return True
            keep = min(len(self.buf), 11)
            self.take(len(self.buf) - keep)
            if not self.peek(keep + _CHUNK)[keep:]:
                return False


def _split_segment(cur: _Cursor, member: int | None, keep: int) -> Iterator[Piece | Damage]:
    """The records of a plain file, or of one gzip member (all at the member's offset)."""
    while True:
        cur.skip_blank_lines()
        if not cur.peek(1):
            return
        start = cur.pos
        item = _one(cur, start if member is None else member, keep)
        yield item
        if isinstance(item, Damage):
            cur.seek(start + 1)
            if not cur.find_record():
                return


def _one(cur: _Cursor, offset: int, keep: int) -> Piece | Damage:
    """The record at the cursor, or what is wrong with it."""
    if not cur.peek(len(_MAGIC)).startswith(_MAGIC):
        ahead = cur.peek(len(_MAGIC))
        if len(ahead) < len(_MAGIC) and _MAGIC.startswith(ahead):
            return Damage(offset, "the archive ends inside a record's first line")
        return Damage(offset, "these bytes are not a WARC record (no 'WARC/1.x' line)")
    head = cur.header()
    if head is None:
        if cur.peek(HEADER_LIMIT + 1)[HEADER_LIMIT:]:
            return Damage(offset, "the record's header has no end within 1 MiB")
        return Damage(offset, "the archive ends inside the record's header")
    found = _LENGTH.search(head)
    value = found.group(1).strip() if found else b""
    if not value.isdigit():
        return Damage(offset, "the record has no valid Content-Length")
    length = int(value)
    if length <= keep:
        block = cur.take(length)
        got = len(block)
    else:
        block = cur.take(_PREFIX)
        got = len(block) + cur.skip(length - _PREFIX)
    if got < length:
        return Damage(offset, "the archive (or the gzip member) ends inside this record: it "
                      "is cut short, or its Content-Length is wrong")
    if not _ends_well(cur):
        return Damage(offset, "the record's block is not followed by the end of the record "
                      "and the next record: its Content-Length is wrong, or bytes were "
                      "added or lost")
    return Piece(offset, head, block, whole=length <= keep)


def _ends_well(cur: _Cursor) -> bool:
    """Consume the record end; True if the next record (or the end) follows it."""
    end = cur.peek(4)
    if end == b"\r\n\r\n":
        cur.take(4)
    elif end[:2] == b"\n\n":
        cur.take(2)
    else:
        return False
    cur.skip_blank_lines()
    ahead = cur.peek(len(_MAGIC))
    # A next record cut within its first line still closes this one.
    return ahead.startswith(_MAGIC) or _MAGIC.startswith(ahead)


def _split_gzip(fh: BinaryIO, keep: int, first: int) -> Iterator[Piece | Damage]:
    offset: int | None = first
    while offset is not None:
        fh.seek(offset)
        if not fh.read(1):
            return
        member = _Member(fh, offset)
        damaged = False
        try:
            for item in _split_segment(_Cursor(member), member.offset, keep):
                # One damaged member is one reject, however many records it held.
                if isinstance(item, Damage) and damaged:
                    continue
                damaged = damaged or isinstance(item, Damage)
                yield item
        except _Broken as exc:
            if not damaged:
                yield Damage(member.offset, str(exc))
            offset = _next_member(fh, member.offset + 1)
            continue
        offset = member.end


def _next_member(fh: BinaryIO, start: int) -> int | None:
    """The offset of the next gzip member from ``start`` that begins a WARC record."""
    fh.seek(start)
    base, tail = start, b""
    while chunk := fh.read(_CHUNK):
        window = tail + chunk
        at = window.find(b"\x1f\x8b\x08")
        while at != -1:
            if _starts_record(fh, base - len(tail) + at):
                return base - len(tail) + at
            at = window.find(b"\x1f\x8b\x08", at + 1)
        base += len(chunk)
        tail = window[-2:]
        fh.seek(base)
    return None


def _starts_record(fh: BinaryIO, offset: int) -> bool:
    fh.seek(offset)
    try:
        head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(fh.read(512), 16)
    except zlib.error:
        return False
    return head.startswith(_MAGIC)
