"""CDXJ index of our archives: one line per record, sorted, readable by pywb.

Each line is ``<key> <14-digit timestamp> <json>``, with the fields pywb writes (``url``,
``mime``, ``status`` for responses, ``digest``, ``length``, ``offset``, ``filename``) plus ours:
``id`` (the document id) and ``record`` (``raw``, ``text`` or ``meta``).

The raw capture is keyed by its URL (SURT form, computed as pywb does), so replay of the URL is
the raw capture. The clean text and the metadata are keyed by ``urn:text:<url>`` and
``urn:meta:<url>`` (Webrecorder's convention for extracted text), canonicalized the same way:
their WARC records keep the page URL, but in the index they never compete with the page for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import surt as _surt

from cleaner.safetext import utf8_safe

TEXT_PREFIX = "urn:text:"
META_PREFIX = "urn:meta:"


def surt(url: str) -> str:
    """The index key of a URI exactly as pywb computes it (the ``surt`` package pywb uses).

    ``https://www.Example.com/A/b/?z=1&a=2#x`` -> ``com,example)/a/b?a=2&z=1``; a URI that
    cannot be canonicalized (a ``urn:``) is kept as it is, as pywb does.
    """
    try:
        return str(_surt.surt(url))
    except Exception:  # noqa: BLE001 -- surt raises assorted errors on odd URIs; pywb does this
        return url


def timestamp14(warc_date: str) -> str:
    """``2025-11-10T08:30:00Z`` -> ``20251110083000``."""
    return re.sub(r"\D", "", warc_date)[:14].ljust(14, "0")


@dataclass(frozen=True, slots=True)
class Entry:
    """One index line."""

    key: str
    timestamp: str
    fields: dict[str, Any]

    def line(self) -> str:
        return f"{self.key} {self.timestamp} {json.dumps(self.fields, ensure_ascii=False)}"

    @classmethod
    def parse(cls, line: str) -> Entry:
        key, ts, rest = line.rstrip("\n").split(" ", 2)
        return cls(key, ts, json.loads(rest))


def key_for(role: str, uri: str) -> str:
    """Index key of a record: raw captures by URL, clean text and metadata under ``urn:``.

    pywb canonicalizes the whole ``urn:text:<url>`` it is asked for, so the key is that too.
    """
    prefix = {"text": TEXT_PREFIX, "meta": META_PREFIX}.get(role, "")
    return surt(prefix + uri)


def write_index(target: Path | IO[bytes], entries: Iterable[Entry]) -> None:
    """Write entries sorted by key and timestamp, as CDXJ readers expect (UTF-8, always)."""
    lines = sorted(utf8_safe(e.line()) for e in entries)
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    if isinstance(target, Path):
        target.write_bytes(data)
    else:
        target.write(data)


def read_index(path: Path) -> Iterator[Entry]:
    """Entries of a CDXJ file."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("!"):
                yield Entry.parse(line)


def index_path(archive: Path) -> Path:
    """Where an archive's index lives: beside it, ``.cdxj`` appended."""
    return archive.with_name(archive.name + ".cdxj")


def lookup(entries: Iterable[Entry], target: str) -> list[Entry]:
    """Entries for a document id, or for a URL (its raw capture, text and metadata)."""
    keys = {key_for(role, target) for role in ("raw", "text", "meta")}
    return [e for e in entries if e.fields.get("id") == target or e.key in keys]

