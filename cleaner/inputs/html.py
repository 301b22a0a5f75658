"""Reader for an HTML file: one raw document."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.inputs.text import read_document
from cleaner.model import RawDoc, Reject, Source


def read_html(data: bytes, source: Source) -> Iterator[RawDoc | Reject]:
    """Yield an HTML file as one raw document."""
    yield from read_document(data, source, "html")
