"""Near-duplicate documents: the same story with small edits (a wire story on many sites).

A corpus stage of the reduce (see :mod:`cleaner.run.reduce`): each document's clean text becomes
a MinHash signature (datasketch) of its shingles, an LSH index finds the kept documents it may
be close to, and the estimated Jaccard similarity of the two signatures decides.

Shingles are word 5-grams of the text after normalising: case folded, every run of
punctuation and whitespace one space, so that a re-typeset quote, a changed dash or a line
broken elsewhere does not count as an edit. Measured on the labelled pairs of
``benchmarks/neardup.py`` (BBC News full text, 161 pairs read and labelled): every shingling from
word pairs to 9-character runs separates the same article from another equally well (best F1
0.98), but word n-grams push two different stories on one topic further apart (mean Jaccard
0.20 for word 5-grams, 0.28 for 9-character runs, 0.45 for single words; 7 words gain little
more) with a fifth of the shingles of character n-grams to hash. The default threshold, 0.7,
is the lowest with no false positive on the tuning half of those pairs; on the other half it
finds 90% of the near-duplicates with no false positive.

A text of fewer than :data:`MIN_SHINGLES` shingles is never judged, and never indexed: a
brief, a results table or a correction notice of a few lines shares most of its words with
other such texts by its form alone, and the estimate over a handful of shingles is too coarse
to tell an edit from another story.

The state is compact: per kept (judged) document its 64-bit id and its signature of
:data:`NUM_PERM` 32-bit values, nothing of its text; the LSH tables are rebuilt from these on
:meth:`NearDuplicates.restore`. A checkpoint holds only the documents kept since the last one,
520 bytes each; in memory a document costs about 5,700 bytes, most of it the LSH's band tables
(:meth:`NearDuplicates.bytes_per_doc` measures it; 2,068 BBC articles).
The permutations have a fixed seed, and among several kept documents above the threshold the
most similar (then the first kept) is named, so a rerun, a resumed run and any runner decide
the same.
"""

from __future__ import annotations

import hashlib
import re
import sys
import warnings
from dataclasses import replace
from typing import ClassVar, Literal

import numpy as np
from datasketch import MinHash, MinHashLSH

from cleaner.config import DEFAULT_NEAR_THRESHOLD
from cleaner.model import Doc, Reject, RejectReason
from cleaner.run.reduce import _id_int, _id_text

NearMode = Literal["reject", "mark", "off"]
NEAR_MODES: tuple[NearMode, ...] = ("reject", "mark", "off")

# Words per shingle, permutations per signature and their seed: the answers depend on them.
SHINGLE_WORDS = 5
NUM_PERM = 128
SEED = 20260
# Fewer shingles than this and a text is never judged (see the module docstring).
MIN_SHINGLES = 50
# The LSH finds candidates a little below the threshold, weighing a missed pair four times a
# false candidate, so that the estimate decides, not the banding's own fuzzy edge: at the
# default 0.7, 23 bands of 5 rows find a pair of similarity 0.7 with probability 0.985, 0.75
# with 0.998 (a false candidate costs one comparison of two signatures).
_LSH_MARGIN = 0.1
_LSH_WEIGHTS = (0.2, 0.8)

# One checkpoint entry: the kept document's id and its signature.
_SIG_BYTES = NUM_PERM * 4
_ENTRY_BYTES = 8 + _SIG_BYTES

_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> list[str]:
    """The text's words: case folded, split at every run of punctuation and whitespace."""
    return _NOT_WORD.sub(" ", text.casefold()).split()


def shingles(text: str, words: int = SHINGLE_WORDS) -> set[bytes]:
    """The distinct runs of ``words`` consecutive normalised words, as UTF-8 bytes."""
    tokens = normalise(text)
    return {" ".join(tokens[i:i + words]).encode("utf-8", "surrogatepass")
            for i in range(len(tokens) - words + 1)}


# datasketch 2's 32-bit scheme (values < 2**32: four bytes each in a checkpoint); named, since
# its default and its hashing have changed between versions (hence the exact pin).
_SCHEME = "affine32"
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=_SCHEME).permutations


def signature(grams: set[bytes]) -> MinHash:
    """The MinHash of a set of shingles, with the fixed permutations."""
    sig = MinHash(num_perm=NUM_PERM, permutations=_PERMUTATIONS, scheme=_SCHEME)
    sig.update_batch(sorted(grams))
    return sig


def _band_key(data: bytes) -> int:
    """A band of a signature as a 64-bit int: smaller in the LSH tables than its bytes."""
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


class NearDuplicates:
    """Reject (or mark) a document whose clean text is a near-duplicate of a kept document's.

    Args:
        threshold: the estimated Jaccard similarity of the two texts' shingles at and above
            which a document is a near-duplicate (0 < threshold <= 1).
        mark: keep a near-duplicate with a warning naming the kept document, instead of
            rejecting it. A marked document is not indexed: a later copy is named against the
            first kept one, as in reject mode.
    """

    name: ClassVar[str] = "neardup"

    def __init__(self, threshold: float = DEFAULT_NEAR_THRESHOLD, mark: bool = False) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"near-duplicate threshold {threshold} is not in (0, 1]")
        self.threshold = threshold
        self.mark = mark
        with warnings.catch_warnings():  # a threshold near 1 leaves datasketch few bands
            warnings.simplefilter("ignore")
            self._lsh = MinHashLSH(threshold=max(threshold - _LSH_MARGIN, 0.05),
                                   num_perm=NUM_PERM, weights=_LSH_WEIGHTS,
                                   hashfunc=_band_key)
        self._ids: list[int] = []
        self._sigs: list[bytes] = []
        self._new = 0  # documents indexed since the last checkpoint (the list's tail)

    def __len__(self) -> int:
        return len(self._ids)

    def bytes_per_doc(self) -> float:
        """What the state costs per indexed document, measured: the signatures, the ids and
        the LSH's tables (its dicts, their keys and the sets of document numbers in them)."""
        if not self._ids:
            return 0.0
        size = sys.getsizeof(self._ids) + sys.getsizeof(self._sigs)
        size += sum(sys.getsizeof(i) for i in self._ids)
        size += sum(sys.getsizeof(s) for s in self._sigs)
        size += _storage_size(self._lsh.keys._dict)
        for table in self._lsh.hashtables:
            size += _storage_size(table._dict)
        return size / len(self._ids)

    def apply(self, doc: Doc) -> Doc | Reject:
        grams = shingles(doc.text)
        if len(grams) < MIN_SHINGLES:
            return doc
        sig = signature(grams)
        match = self._nearest(sig)
        if match is None:
            self._add(_id_int(doc.id), sig.hashvalues.astype(">u4").tobytes())
            return doc
        similarity, number = match
        what = f"of document {_id_text(self._ids[number])} (similarity {similarity:.2f})"
        if self.mark:  # a warning is "kind: detail"; the run summary counts it by its kind
            return replace(doc, warnings=(*doc.warnings, f"near-duplicate: {what}"))
        return Reject(RejectReason.NEAR_DUPLICATE, f"near-duplicate {what}", doc.raw.source)

    def _nearest(self, sig: MinHash) -> tuple[float, int] | None:
        """The most similar indexed document at or above the threshold (the first on a tie)."""
        values = sig.hashvalues.astype(np.uint32)
        best: tuple[float, int] | None = None
        for number in sorted(self._lsh.query(sig)):
            kept = np.frombuffer(self._sigs[number], dtype=">u4")
            similarity = float(np.count_nonzero(kept == values)) / NUM_PERM
            if similarity >= self.threshold and (best is None or similarity > best[0]):
                best = (similarity, number)
        return best

    def _add(self, ident: int, sig: bytes) -> None:
        number = len(self._ids)
        self._ids.append(ident)
        self._sigs.append(sig)
        values = np.frombuffer(sig, dtype=">u4").astype(np.uint64)
        minhash = MinHash(num_perm=NUM_PERM, permutations=_PERMUTATIONS, hashvalues=values,
                          scheme=_SCHEME)
        self._lsh.insert(number, minhash, check_duplication=False)
        self._new += 1

    def checkpoint(self) -> bytes:
        start = len(self._ids) - self._new
        data = b"".join(i.to_bytes(8, "big") + s
                        for i, s in zip(self._ids[start:], self._sigs[start:], strict=True))
        self._new = 0
        return data

    def restore(self, data: bytes) -> None:
        if len(data) % _ENTRY_BYTES:
            raise ValueError(f"a near-duplicate checkpoint of {len(data)} bytes is not whole "
                             f"entries of {_ENTRY_BYTES}")
        new = self._new  # what a restore adds was checkpointed already
        for at in range(0, len(data), _ENTRY_BYTES):
            self._add(int.from_bytes(data[at:at + 8], "big"), data[at + 8:at + _ENTRY_BYTES])
        self._new = new


def _storage_size(table: dict[object, object]) -> int:
    """A dict of the LSH's storage, with its keys and the collections of values in it."""
    size = sys.getsizeof(table)
    for key, values in table.items():
        size += sys.getsizeof(key) + sys.getsizeof(values)
        if isinstance(values, set | list):
            size += sum(sys.getsizeof(v) for v in values)
    return size
