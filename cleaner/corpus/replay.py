"""Find one document of an archive: by random access through the CDXJ index beside it when
there is one, else by reading it in order (:mod:`cleaner.corpus`, the one reader of our
archives, which also gives :class:`ArchivedDoc` and :func:`read_archive`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

from cleaner.corpus import CorpusDoc, read_corpus
from cleaner.corpus.warc import ArchivedDoc, RawCapture, capture, read_archive
from cleaner.inputs.warc import DAMAGE, cut_short
from cleaner.outputs.index import Entry, index_path, lookup, read_index

__all__ = ["ArchivedDoc", "DamagedArchive", "RawCapture", "find", "read_archive"]


def find(path: Path, target: str) -> ArchivedDoc | None:
    """The document with this id or URL: through the index when there is one, else a scan."""
    idx = index_path(path)
    if idx.is_file():
        entries = lookup(read_index(idx), target)
        return _load(path, entries) if entries else None
    for item in read_corpus(path, kind="warc"):
        if isinstance(item, CorpusDoc) and item.archived is not None \
                and target in (item.archived.id, item.record["url"]):
            return item.archived
    return None


class DamagedArchive(Exception):
    """A record the index points to cannot be read: the message names the archive and offset."""


def _load(path: Path, entries: list[Entry]) -> ArchivedDoc | None:
    """Read a document's three records at the offsets its index entries give.

    Raises:
        DamagedArchive: a record is missing (the archive was cut short) or damaged.
    """
    by_role = {e.fields.get("record"): int(e.fields["offset"]) for e in entries}
    if "meta" not in by_role:
        return None
    try:
        with path.open("rb") as fh:
            meta: dict[str, Any] = json.loads(_read_at(fh, path, by_role["meta"])[1])
            text = ""
            if "text" in by_role:
                text = _read_at(fh, path, by_role["text"])[1].decode("utf-8")
            raw = _read_at(fh, path, by_role["raw"])[0] if "raw" in by_role else None
    except ValueError as exc:  # JSON or UTF-8 that is not: a damaged payload
        raise DamagedArchive(f"{path}: damaged document records at offsets "
                             f"{sorted(by_role.values())}: {type(exc).__name__}") from None
    return ArchivedDoc(meta, text, raw, str(path), by_role.get("raw", by_role["meta"]))


def _read_at(fh: BinaryIO, path: Path, offset: int) -> tuple[RawCapture, bytes]:
    """The record at ``offset``, read whole: as a capture, and its payload."""
    fh.seek(offset)
    where = f"{path}@{offset}"
    try:
        record = next(iter(ArchiveIterator(fh)), None)
        if record is None:
            raise DamagedArchive(
                f"{where}: no record there: the archive ends at {path.stat().st_size} bytes, "
                "it was cut short (or the .cdxj index is not this archive's); the documents "
                "before the cut can be listed with 'cleaner replay list'")
        found = capture(record)
        if cut_short(record):
            raise DamagedArchive(f"{where}: the record is cut short: the archive is truncated")
        return found, found.payload
    except DamagedArchive:
        raise
    except DAMAGE as exc:
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise DamagedArchive(f"{where}: damaged record: {detail}") from None
