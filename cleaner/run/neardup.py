"""Near-duplicate documents: the same story with small edits (a wire story on many sites).

A corpus stage of the reduce (see :mod:`cleaner.run.reduce`): each document's clean text becomes
a MinHash signature of its shingles (datasketch's scheme, computed here), an LSH index finds the
kept documents it may be close to, and the estimated Jaccard similarity of the signatures decides.

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

The state is compact and flat: per indexed (judged and kept) document its 64-bit id, the lowest
:data:`VALUE_BITS` bits of each of its :data:`NUM_PERM` MinHash values (b-bit MinHash: 256
bytes), and one 64-bit key per LSH band with the document's 32-bit number, nothing of its text:
about 560 bytes a document in all at 50,000 documents, and no more at any larger size (more at a
few thousand, as the first blocks of 4,096 documents fill: 835 at 2,065;
:meth:`NearDuplicates.bytes_per_doc` measures the arrays as allocated and the table). The band
keys are kept in a few sorted numpy runs, merged when two are of like size, each searched once
per document, and a small table of the newest. Two different values agree in their low 16 bits
once in 65,536, so the estimate can only be higher than the 32-bit one, by a chance agreement:
on the 161 labelled pairs no estimate changed; of all 2.47 million pairs of the 2,225 BBC
articles 0.19% gained one value (1/128), all far below any threshold, and the stage decides
every article as with the full values (and datasketch's LSH) at thresholds 0.5 to 0.95,
rejecting or marking.
A checkpoint holds only the documents indexed since the last one, 264 bytes each, and the bands
are computed again from it on :meth:`NearDuplicates.restore`.
The permutations have a fixed seed, and among several kept documents above the threshold the
most similar (then the first kept) is named, so a rerun, a resumed run and any runner decide
the same.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import replace
from typing import ClassVar, Literal

import numpy as np
import numpy.typing as npt

from cleaner.config import DEFAULT_NEAR_THRESHOLD
from cleaner.model import Doc, Reject, RejectReason
from cleaner.run.reduce import _id_int, _id_text

NearMode = Literal["reject", "mark", "off"]
NEAR_MODES: tuple[NearMode, ...] = ("reject", "mark", "off")

# Words per shingle, permutations per signature and their seed: the answers depend on them.
SHINGLE_WORDS = 5
NUM_PERM = 128
SEED = 20260
# Bits kept of each MinHash value (b-bit MinHash; see the module docstring).
VALUE_BITS = 16
# Fewer shingles than this and a text is never judged (see the module docstring).
MIN_SHINGLES = 50
# The LSH finds candidates a little below the threshold, weighing a missed pair four times a
# false candidate, so that the estimate decides, not the banding's own fuzzy edge: at the
# default 0.7, 23 bands of 5 rows find a pair of similarity 0.7 with probability 0.985, 0.75
# with 0.998 (a false candidate costs one comparison of two signatures).
_LSH_MARGIN = 0.1
_LSH_WEIGHTS = (0.2, 0.8)

# One checkpoint entry: the indexed document's id and its signature's low bits, big-endian.
_ENTRY = np.dtype([("id", ">u8"), ("sig", ">u2", (NUM_PERM,))])
# Documents per block of the id and signature arrays (a block is allocated whole), and in the
# table of the newest band keys before they become a sorted run.
_BLOCK = 4096
_FRESH = 256
# Shingles permuted at once (a 2 MB array).
_HASH_ROWS = 4096

_NOT_WORD = re.compile(r"[\W_]+")

Signature = npt.NDArray[np.uint16]
Keys = npt.NDArray[np.uint64]
Numbers = npt.NDArray[np.uint32]


def normalise(text: str) -> list[str]:
    """The text's words: case folded, split at every run of punctuation and whitespace."""
    return _NOT_WORD.sub(" ", text.casefold()).split()


def shingles(text: str, words: int = SHINGLE_WORDS) -> set[bytes]:
    """The distinct runs of ``words`` consecutive normalised words, as UTF-8 bytes."""
    tokens = normalise(text)
    return {" ".join(tokens[i:i + words]).encode("utf-8", "surrogatepass")
            for i in range(len(tokens) - words + 1)}


# The MinHash is datasketch 2.0's "affine32" scheme, value for value (a test compares them):
# each shingle's 32-bit hash (the first four bytes of its SHA-1, little-endian) is mixed by
# MurmurHash3's finalizer, then permuted as a * h + b modulo 2**32 with odd a, and a and b drawn
# from numpy's legacy RandomState (whose stream numpy keeps) seeded with SEED. Computed here,
# the stage needs neither datasketch nor the scipy it imports (60 MB and 0.8 s a process).
_RANDOM = np.random.RandomState(SEED)
_A = _RANDOM.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
_B = _RANDOM.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
del _RANDOM


def _fmix32(h: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    mixed: npt.NDArray[np.uint32] = h ^ (h >> np.uint32(16))
    return mixed


def signature(grams: set[bytes]) -> npt.NDArray[np.uint32]:
    """The MinHash of a non-empty set of shingles: :data:`NUM_PERM` 32-bit values."""
    hashes = np.frombuffer(b"".join(hashlib.sha1(g).digest()[:4] for g in grams), dtype="<u4")
    mixed = _fmix32(hashes.astype(np.uint32))[:, np.newaxis]
    values: npt.NDArray[np.uint32] = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    for start in range(0, len(mixed), _HASH_ROWS):  # a long text: a few MB at a time
        np.minimum(values, (mixed[start:start + _HASH_ROWS] * _A + _B).min(axis=0), out=values)
    return values


def low_bits(values: npt.NDArray[np.uint32]) -> Signature:
    """The lowest :data:`VALUE_BITS` bits of each value of a signature: what is kept."""
    kept: Signature = (values & ((1 << VALUE_BITS) - 1)).astype(np.uint16)
    return kept


def lsh_bands(threshold: float, weights: tuple[float, float] = _LSH_WEIGHTS) -> tuple[int, int]:
    """Bands and rows per band for an LSH of :data:`NUM_PERM` values that finds pairs of
    similarity ``threshold``: those minimising the weighted probabilities of a false candidate
    below it and of a missed pair above it, as datasketch's MinHashLSH chooses them (a test
    compares them). The integrands are polynomials of degree at most NUM_PERM, which
    Gauss-Legendre quadrature of 80 points integrates exactly."""
    pairs = [(b, r) for b in range(1, NUM_PERM + 1) for r in range(1, NUM_PERM // b + 1)]
    bands = np.array([b for b, _ in pairs], dtype=float)[:, np.newaxis]
    rows = np.array([r for _, r in pairs], dtype=float)[:, np.newaxis]
    nodes, node_weights = np.polynomial.legendre.leggauss(80)

    def missed_share(lo: float, hi: float) -> npt.NDArray[np.float64]:
        """The integral from lo to hi of the chance that a pair is no candidate."""
        at = (hi - lo) / 2 * nodes + (hi + lo) / 2
        missed = (1 - at[np.newaxis] ** rows) ** bands
        integral: npt.NDArray[np.float64] = (missed * node_weights).sum(axis=1) * (hi - lo) / 2
        return integral

    false_candidates = threshold - missed_share(0.0, threshold)
    error = false_candidates * weights[0] + missed_share(threshold, 1.0) * weights[1]
    return pairs[int(np.argmin(error))]  # the first of equals, as datasketch's loop keeps it


# Per row of a signature, an odd 64-bit multiplier: a band's key is the sum of its rows' values
# times theirs, modulo 2**64 (two different bands, of one position or two, collide about once
# in 2**48), for all documents and bands in one product.
_MULTIPLIERS = np.frombuffer(hashlib.shake_128(b"cleaner near-duplicate bands").digest(
    8 * NUM_PERM), dtype="<u8").astype(np.uint64) | np.uint64(1)


def band_keys(sigs: Signature, bands: int, rows: int) -> Keys:
    """The key of each band of each signature (rows of ``sigs``): shape (len, bands)."""
    used = bands * rows
    products = sigs[:, :used].astype(np.uint64) * _MULTIPLIERS[:used]
    keys: Keys = products.reshape(len(sigs), bands, rows).sum(axis=2, dtype=np.uint64)
    return keys


class BandIndex:
    """Band keys to the numbers of the documents that have them: the LSH's tables, flat.

    The newest keys are in a dict; every :data:`_FRESH` documents they become a run, a sorted
    uint64 array of keys with a parallel uint32 array of document numbers, and the two newest
    runs are merged while the older is at most twice the newer, so there are about log2(n /
    _FRESH) runs, each searched with one :func:`numpy.searchsorted` per lookup.
    """

    def __init__(self) -> None:
        self._runs: list[tuple[Keys, Numbers]] = []
        self._fresh: dict[int, list[int]] = {}
        self._fresh_docs = 0

    def add(self, keys: Keys, first: int) -> None:
        """Add the keys of documents ``first``, ``first + 1``... (rows of ``keys``)."""
        if len(keys) >= _FRESH:  # a restore: straight to a run
            numbers = np.repeat(np.arange(first, first + len(keys), dtype=np.uint32),
                                keys.shape[1])
            self._push(keys.ravel(), numbers)
            return
        for offset, row in enumerate(keys.tolist()):
            for key in row:
                self._fresh.setdefault(key, []).append(first + offset)
        self._fresh_docs += len(keys)
        if self._fresh_docs >= _FRESH:
            self._flush()

    def find(self, keys: Keys) -> Numbers:
        """The sorted numbers of the documents sharing any of ``keys``."""
        found: list[npt.NDArray[np.uint32]] = []
        for run_keys, numbers in self._runs:
            at = np.searchsorted(run_keys, keys).clip(max=len(run_keys) - 1)
            hit = run_keys[at] == keys
            if hit.any():  # rare: the run's first such key, and any more after it
                ends = np.searchsorted(run_keys, keys[hit], side="right")
                found.extend(numbers[a:b] for a, b in zip(at[hit].tolist(), ends.tolist(),
                                                          strict=True))
        fresh = [n for key in keys.tolist() for n in self._fresh.get(key, ())]
        if fresh:
            found.append(np.array(fresh, dtype=np.uint32))
        if not found:
            return np.empty(0, dtype=np.uint32)
        unique: Numbers = np.unique(np.concatenate(found))
        return unique

    def nbytes(self) -> int:
        """The memory the index holds: its arrays, and the dict with its ints and lists."""
        size = sys.getsizeof(self._runs) + sum(k.nbytes + n.nbytes for k, n in self._runs)
        size += sys.getsizeof(self._fresh)
        for key, numbers in self._fresh.items():
            size += sys.getsizeof(key) + sys.getsizeof(numbers)
            size += sum(sys.getsizeof(n) for n in numbers)
        return size

    def _flush(self) -> None:
        pairs = [(key, n) for key, numbers in self._fresh.items() for n in numbers]
        self._fresh.clear()
        self._fresh_docs = 0
        if pairs:
            keys, numbers = zip(*pairs, strict=True)
            self._push(np.array(keys, dtype=np.uint64), np.array(numbers, dtype=np.uint32))

    def _push(self, keys: Keys, numbers: Numbers) -> None:
        order = np.argsort(keys, kind="stable")
        self._runs.append((keys[order], numbers[order]))
        while len(self._runs) > 1 and len(self._runs[-2][0]) <= 2 * len(self._runs[-1][0]):
            newer = self._runs.pop()
            self._runs[-1] = _merge(self._runs[-1], newer)


def _merge(older: tuple[Keys, Numbers], newer: tuple[Keys, Numbers]) -> tuple[Keys, Numbers]:
    """Two sorted runs as one, in one pass (the newer's equal keys after the older's)."""
    at = np.searchsorted(older[0], newer[0], side="right") + np.arange(len(newer[0]))
    rest = np.ones(len(older[0]) + len(newer[0]), dtype=bool)
    rest[at] = False
    keys = np.empty(len(rest), dtype=np.uint64)
    numbers = np.empty(len(rest), dtype=np.uint32)
    keys[at], numbers[at] = newer
    keys[rest], numbers[rest] = older
    return keys, numbers


class NearDuplicates:
    """Reject (or mark) a document whose clean text is a near-duplicate of a kept document's.

    Args:
        threshold: the estimated Jaccard similarity of the two texts' shingles at and above
            which a document is a near-duplicate (0 < threshold <= 1).
        mark: keep a near-duplicate with a warning naming the kept document, and its id in
            ``Doc.near_duplicate_of`` (the record's ``near_duplicate_of``), instead of
            rejecting it. A marked document is not indexed: a later copy is named against the
            first kept one, as in reject mode.
    """

    # The checkpoint's files are state-NNNNN.neardup2: the first format (32-bit values, 520
    # bytes an entry) is not read, so a run interrupted before it cannot be resumed.
    name: ClassVar[str] = "neardup2"

    def __init__(self, threshold: float = DEFAULT_NEAR_THRESHOLD, mark: bool = False) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"near-duplicate threshold {threshold} is not in (0, 1]")
        self.threshold = threshold
        self.mark = mark
        self._bands, self._rows = lsh_bands(max(threshold - _LSH_MARGIN, 0.05))
        self._index = BandIndex()
        self._ids: list[npt.NDArray[np.uint64]] = []  # blocks of _BLOCK documents
        self._sigs: list[Signature] = []
        self._count = 0
        self._new = 0  # documents indexed since the last checkpoint (the arrays' tail)

    def __len__(self) -> int:
        return self._count

    def bytes_per_doc(self) -> float:
        """What the state costs per indexed document, measured: the blocks of ids and
        signatures as allocated, and the band index's arrays and table."""
        if not self._count:
            return 0.0
        size = sys.getsizeof(self._ids) + sys.getsizeof(self._sigs) + self._index.nbytes()
        size += sum(block.nbytes for block in self._ids)
        size += sum(block.nbytes for block in self._sigs)
        return size / self._count

    def apply(self, doc: Doc) -> Doc | Reject:
        grams = shingles(doc.text)
        if len(grams) < MIN_SHINGLES:
            return doc
        sig = low_bits(signature(grams))[np.newaxis]
        keys = band_keys(sig, self._bands, self._rows)
        match = self._nearest(sig[0], keys[0])
        if match is None:
            self._add(np.array([_id_int(doc.id)], dtype=np.uint64), sig, keys)
            return doc
        similarity, number = match
        kept = _id_text(self._id(number))
        what = f"of document {kept} (similarity {similarity:.2f})"
        if self.mark:  # a warning is "kind: detail"; the run summary counts it by its kind
            return replace(doc, warnings=(*doc.warnings, f"near-duplicate: {what}"),
                           near_duplicate_of=kept)
        return Reject(RejectReason.NEAR_DUPLICATE, f"near-duplicate {what}", doc.raw.source)

    def _nearest(self, sig: Signature, keys: Keys) -> tuple[float, int] | None:
        """The most similar indexed document at or above the threshold (the first on a tie)."""
        numbers = self._index.find(keys).tolist()
        if not numbers:
            return None
        kept = np.stack([self._sigs[n // _BLOCK][n % _BLOCK] for n in numbers])
        agree = np.count_nonzero(kept == sig, axis=1)
        best = int(np.argmax(agree))  # the first of the most similar
        similarity = float(agree[best]) / NUM_PERM
        return (similarity, numbers[best]) if similarity >= self.threshold else None

    def _id(self, number: int) -> int:
        return int(self._ids[number // _BLOCK][number % _BLOCK])

    def _add(self, ids: npt.NDArray[np.uint64], sigs: Signature, keys: Keys) -> None:
        first = self._count
        done = 0
        while done < len(ids):
            at = self._count % _BLOCK
            if at == 0:
                self._ids.append(np.zeros(_BLOCK, dtype=np.uint64))
                self._sigs.append(np.zeros((_BLOCK, NUM_PERM), dtype=np.uint16))
            take = min(_BLOCK - at, len(ids) - done)
            self._ids[-1][at:at + take] = ids[done:done + take]
            self._sigs[-1][at:at + take] = sigs[done:done + take]
            self._count += take
            done += take
        self._index.add(keys, first)
        self._new += len(ids)

    def checkpoint(self) -> bytes:
        entries = np.empty(self._new, dtype=_ENTRY)
        for k, number in enumerate(range(self._count - self._new, self._count)):
            entries[k] = (self._id(number), self._sigs[number // _BLOCK][number % _BLOCK])
        self._new = 0
        return entries.tobytes()

    def restore(self, data: bytes) -> None:
        if len(data) % _ENTRY.itemsize:
            raise ValueError(f"a near-duplicate checkpoint of {len(data)} bytes is not whole "
                             f"entries of {_ENTRY.itemsize}")
        entries = np.frombuffer(data, dtype=_ENTRY)
        sigs = entries["sig"].astype(np.uint16)
        new = self._new  # what a restore adds was checkpointed already
        self._add(entries["id"].astype(np.uint64), sigs,
                  band_keys(sigs, self._bands, self._rows))
        self._new = new
