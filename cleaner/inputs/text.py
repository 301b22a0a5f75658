"""Reader for single documents: a plain-text scrape (and, via ``html.py``, an HTML file)."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.inputs.sniff import is_gzip, looks_binary
from cleaner.model import Kind, RawDoc, Reject, RejectReason, Source

EMPTY_DETAIL = "empty input: nothing to clean; remove it or scrape it again"


def binary_detail(data: bytes) -> str:
    """The reject message for bytes that are not text."""
    if is_gzip(data):
        return (
            "gzip-compressed data that is neither a WARC nor a JSONL export; "
            "decompress it (gunzip) and run again"
        )
    return "binary data (NUL or control bytes), not a text or HTML scrape; remove it from the input"


def read_document(data: bytes, source: Source, kind: Kind) -> Iterator[RawDoc | Reject]:
    """Yield one raw document of the given kind, or the reject for empty or binary bytes."""
    if not data.strip():
        yield Reject(RejectReason.EMPTY_INPUT, EMPTY_DETAIL, source)
    elif looks_binary(data) or is_gzip(data):
        yield Reject(RejectReason.BINARY, binary_detail(data), source)
    else:
        yield RawDoc(data=data, source=source, kind=kind)


def read_text(data: bytes, source: Source) -> Iterator[RawDoc | Reject]:
    """Yield a plain-text scrape as one raw document."""
    yield from read_document(data, source, "text")
