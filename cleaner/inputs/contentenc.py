"""HTTP content decoding (``Content-Encoding``) with a bound on the decoded size.

Browsers send ``Accept-Encoding: gzip, deflate, br, zstd`` and crawlers that drive them
store what the server sent, so captures come in all four. Each decoder stops once the output
passes ``limit`` (a few bytes over it tell the caller "too large"), so a small bomb cannot
exhaust memory, and a stream that is cut or damaged raises :class:`ContentError`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import brotli
import zstandard

# zstd reaches ratios above 30,000:1; feeding it small pieces bounds each step's output.
_ZSTD_PIECE = 256


class ContentError(Exception):
    """The payload does not decode in the encoding it declares; the message says why."""


def decode_content(coding: str, data: bytes, limit: int) -> bytes:
    """``data`` decoded from one content coding (lower case); unknown codings pass as is.

    Raises:
        ContentError: the data is damaged or cut short.
    """
    decoder = _DECODERS.get(coding)
    return data if decoder is None else decoder(data, limit)


def _gzip(data: bytes, limit: int) -> bytes:
    return _zlib(data, limit, zlib.MAX_WBITS | 16)


def _deflate(data: bytes, limit: int) -> bytes:
    # "deflate" is meant as zlib-wrapped, but servers often send it raw, as browsers accept.
    try:
        return _zlib(data, limit, zlib.MAX_WBITS)
    except ContentError:
        return _zlib(data, limit, -zlib.MAX_WBITS)


def _zlib(data: bytes, limit: int, wbits: int) -> bytes:
    decoder = zlib.decompressobj(wbits)
    try:
        out = decoder.decompress(data, limit + 1)
    except zlib.error as exc:
        raise ContentError(f"damaged data: {exc}") from None
    if len(out) <= limit and not decoder.eof:
        raise ContentError("the data is cut short")
    return out


def _brotli(data: bytes, limit: int) -> bytes:
    decoder = brotli.Decompressor()
    try:
        out: bytes = decoder.process(data, output_buffer_limit=limit + 1)
    except brotli.error as exc:
        raise ContentError(f"damaged data: {exc}") from None
    if len(out) <= limit and not decoder.is_finished():
        raise ContentError("the data is cut short")
    return out


def _zstd(data: bytes, limit: int) -> bytes:
    decoder = zstandard.ZstdDecompressor().decompressobj()
    parts: list[bytes] = []
    size = 0
    try:
        for at in range(0, len(data), _ZSTD_PIECE):
            part = decoder.decompress(data[at : at + _ZSTD_PIECE])
            parts.append(part)
            size += len(part)
            if size > limit or decoder.eof:
                break
    except zstandard.ZstdError as exc:
        raise ContentError(f"damaged data: {exc}") from None
    if size <= limit and not decoder.eof:
        raise ContentError("the data is cut short")
    return b"".join(parts)


def _identity(data: bytes, limit: int) -> bytes:
    return data


_DECODERS: dict[str, Callable[[bytes, int], bytes]] = {
    "gzip": _gzip,
    "x-gzip": _gzip,
    "deflate": _deflate,
    "br": _brotli,
    "zstd": _zstd,
    "identity": _identity,
}
