"""The reduce: corpus stages, which see every cleaned document of a run in input order.

A step of the map sees one document; whatever needs more than one document is a corpus stage
here. A stage keeps a compact state (hashes, never texts), which a resumable run saves with each
finished shard (:meth:`CorpusStage.checkpoint`, only what was added since the last one) and
loads again on ``--resume`` (:meth:`CorpusStage.restore`), so that a resumed run decides exactly
what an uninterrupted one would.
"""

from __future__ import annotations

import hashlib
import struct
import sys
from collections.abc import Iterable
from typing import ClassVar, Protocol

from cleaner.model import Doc, Reject, RejectReason


class CorpusStage(Protocol):
    """One stage of the reduce."""

    name: ClassVar[str]

    def apply(self, doc: Doc) -> Doc | Reject:
        """The document as the corpus so far decides it: kept (perhaps changed) or rejected."""

    def checkpoint(self) -> bytes:
        """The state added since the last checkpoint (or since the start)."""

    def restore(self, data: bytes) -> None:
        """Add a checkpoint's state, as if its documents had passed through here."""


# One entry of a dedup checkpoint: the text's 128-bit digest and the first document's id.
_ENTRY = struct.Struct(">16s8s")


class ExactDedup:
    """Reject a document whose clean text, or whose input (same id), was already kept.

    State per kept document: the text's 128-bit BLAKE2b digest, mapped to the first document's
    64-bit id, and that id in a set: three small ints and their table slots, about 210 bytes
    in CPython at 50,000 documents (:meth:`bytes_per_doc` measures it), whatever the texts'
    length. A chance collision of two different texts would take 2**64 documents to become
    likely.
    """

    name: ClassVar[str] = "dedup"

    def __init__(self) -> None:
        self._texts: dict[int, int] = {}
        self._ids: set[int] = set()
        self._new: list[tuple[int, int]] = []

    def __len__(self) -> int:
        return len(self._texts)

    def bytes_per_doc(self) -> float:
        """What the state costs per kept document, measured: the tables and the ints in them."""
        if not self._texts:
            return 0.0
        size = sys.getsizeof(self._texts) + sys.getsizeof(self._ids)
        size += sum(sys.getsizeof(k) + sys.getsizeof(v) for k, v in self._texts.items())
        size += sum(sys.getsizeof(i) for i in self._ids)
        return size / len(self._texts)

    def apply(self, doc: Doc) -> Doc | Reject:
        text = _digest(doc.text)
        ident = _id_int(doc.id)
        first = self._texts.get(text)
        if first is not None:
            return Reject(RejectReason.DUPLICATE,
                          f"same clean text as document {_id_text(first)}", doc.raw.source)
        if ident in self._ids:
            return Reject(RejectReason.DUPLICATE,
                          f"same input as document {doc.id} (identical bytes and URL)",
                          doc.raw.source)
        self._add(text, ident)
        self._new.append((text, ident))
        return doc

    def _add(self, text: int, ident: int) -> None:
        self._texts[text] = ident
        self._ids.add(ident)

    def checkpoint(self) -> bytes:
        data = b"".join(_ENTRY.pack(t.to_bytes(16, "big"), i.to_bytes(8, "big"))
                        for t, i in self._new)
        self._new.clear()
        return data

    def restore(self, data: bytes) -> None:
        for text, ident in _ENTRY.iter_unpack(data):
            self._add(int.from_bytes(text, "big"), int.from_bytes(ident, "big"))


def _digest(text: str) -> int:
    raw = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return int.from_bytes(raw, "big")


def _id_int(doc_id: str) -> int:
    """A document id (16 hex digits) as an int; any other id by its digest."""
    try:
        if len(doc_id) == 16:
            return int(doc_id, 16)
    except ValueError:
        pass
    return int.from_bytes(hashlib.blake2b(doc_id.encode(), digest_size=8).digest(), "big")


def _id_text(ident: int) -> str:
    return f"{ident:016x}"


def default_stages(keep_duplicates: bool, near_duplicates: str = "off",
                   near_threshold: float | None = None) -> list[CorpusStage]:
    """The corpus stages of ``cleaner clean``: exact dedup, then near-duplicates
    (``near_duplicates``: ``reject``, ``mark`` or ``off``, see :mod:`cleaner.run.neardup`);
    none when duplicates are kept (an exact copy is the nearest of near-duplicates)."""
    if keep_duplicates:
        return []
    stages: list[CorpusStage] = [ExactDedup()]
    if near_duplicates != "off":
        from cleaner.run.neardup import NearDuplicates  # numpy: only when used

        threshold = {} if near_threshold is None else {"threshold": near_threshold}
        stages.append(NearDuplicates(mark=near_duplicates == "mark", **threshold))
    return stages


def reduce(doc: Doc, stages: Iterable[CorpusStage]) -> Doc | Reject:
    """Pass a document through the stages in order; the first reject ends it."""
    result: Doc | Reject = doc
    for stage in stages:
        if isinstance(result, Reject):
            break
        result = stage.apply(result)
    return result
