"""Near-duplicates: the same story with small edits is rejected (or marked) naming the kept one."""

import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.model import Block, Doc, RawDoc, Reject, RejectReason, Source, make_id
from cleaner.run.neardup import (
    MIN_SHINGLES,
    SEED,
    BandIndex,
    NearDuplicates,
    lsh_bands,
    normalise,
    shingles,
    signature,
)
from cleaner.run.reduce import ExactDedup, default_stages, reduce
from conftest import FIXTURES

STORIES = FIXTURES / "neardup"
# A wire story; the same with another dateline, a byline and a sentence added; another story on
# the same topic (the harbour bridge), written apart.
STORY, EDITED, OTHER = ((STORIES / f"{name}.txt").read_text(encoding="utf-8")
                        for name in ("story", "edited", "other"))
SHORT = "The bridge opens in March, the council said on Tuesday."
DETAIL = re.compile(r"near-duplicate:? of document ([0-9a-f]{16}) \(similarity (\d\.\d\d)\)")


def doc(text: str, name: str = "a.txt") -> Doc:
    raw = RawDoc(text.encode(), Source(name), kind="text")
    return Doc(raw=raw, id=make_id(raw), kind="text", source_text=text, blocks=(Block(text),))


def similarity(result: Doc | Reject) -> float:
    detail = result.detail if isinstance(result, Reject) else result.warnings[-1]
    match = DETAIL.fullmatch(detail)
    assert match, detail
    return float(match[2])


def test_a_story_with_small_edits_is_rejected_naming_the_kept_one():
    stage = NearDuplicates()
    first = doc(STORY, "wire.txt")
    assert stage.apply(first) is first
    copy = stage.apply(doc(EDITED, "elsewhere.txt"))
    assert isinstance(copy, Reject)
    assert copy.reason is RejectReason.NEAR_DUPLICATE
    assert copy.reason.value == "near_duplicate"
    match = DETAIL.fullmatch(copy.detail)
    assert match, copy.detail
    assert match[1] == first.id
    assert 0.7 <= float(match[2]) < 1.0
    assert str(copy.source) == "elsewhere.txt"


def test_two_stories_on_the_same_topic_are_both_kept():
    stage = NearDuplicates()
    one, two = doc(STORY), doc(OTHER, "b.txt")
    assert stage.apply(one) is one
    assert stage.apply(two) is two
    assert len(stage) == 2


def test_marking_keeps_both_and_warns_on_the_later():
    stage = NearDuplicates(mark=True)
    first = doc(STORY)
    stage.apply(first)
    later = stage.apply(doc(EDITED, "b.txt"))
    assert isinstance(later, Doc)
    assert later.warnings[-1].startswith(f"near-duplicate: of document {first.id} (similarity ")
    assert len(stage) == 1  # the marked copy is not indexed: a third copy names the first
    third = stage.apply(doc(EDITED + "\nOne more line.", "c.txt"))
    assert isinstance(third, Doc)
    assert first.id in third.warnings[-1]


def test_the_threshold_decides():
    loose = NearDuplicates(0.5)
    loose.apply(doc(STORY))
    estimate = similarity(loose.apply(doc(EDITED, "b.txt")))
    assert 0.7 < estimate < 0.9
    strict = NearDuplicates(0.9)
    strict.apply(doc(STORY))
    assert isinstance(strict.apply(doc(EDITED, "b.txt")), Doc)
    strict.apply(doc(OTHER, "c.txt"))
    assert isinstance(strict.apply(doc(OTHER.replace("Thursday", "Friday"), "d.txt")), Reject)


@pytest.mark.parametrize("threshold", [0.0, -0.1, 1.01, float("nan")])
def test_a_threshold_must_be_a_similarity(threshold):
    with pytest.raises(ValueError, match="not in"):
        NearDuplicates(threshold)


def test_short_texts_are_never_judged_nor_indexed():
    assert len(shingles(SHORT)) < MIN_SHINGLES
    stage = NearDuplicates()
    one, two = doc(SHORT), doc(SHORT, "b.txt")
    assert stage.apply(one) is one
    assert stage.apply(two) is two
    assert len(stage) == 0
    assert stage.checkpoint() == b""


def test_normalising_ignores_case_punctuation_and_whitespace():
    assert normalise("The \u201cHarbour\u201d  bridge -- opens!\n\nIn MARCH.") == \
        ["the", "harbour", "bridge", "opens", "in", "march"]
    stage = NearDuplicates()
    stage.apply(doc(STORY))
    retyped = STORY.upper().replace(" - ", " \u2014 ").replace("\n\n", "\n")
    copy = stage.apply(doc(retyped, "b.txt"))
    assert isinstance(copy, Reject)
    assert similarity(copy) == 1.0


def test_a_checkpoint_restores_the_index():
    before = NearDuplicates()
    first = doc(STORY)
    before.apply(first)
    before.apply(doc(OTHER, "b.txt"))
    data = before.checkpoint()
    assert len(data) == 2 * (8 + 128 * 2)  # per document: its id and its signature, no text
    assert before.checkpoint() == b""  # only what is new since the last
    after = NearDuplicates()
    after.restore(data)
    assert after.checkpoint() == b""  # restored state was checkpointed already
    copy = after.apply(doc(EDITED, "c.txt"))
    assert isinstance(copy, Reject)
    assert first.id in copy.detail
    with pytest.raises(ValueError, match="not whole entries"):
        NearDuplicates().restore(data[:-1])


def test_state_per_document_is_measured_and_independent_of_the_text():
    short, long = NearDuplicates(), NearDuplicates()
    for n in range(300):  # each its own story: the words they share are fewer than their own
        own = " ".join(f"w{n}x{k}" for k in range(300))
        short.apply(doc(f"{OTHER} {own}"))
        long.apply(doc(f"{OTHER * 20} {own}"))
    assert len(short) == len(long) == 300
    assert 500 < short.bytes_per_doc() < 12_000, short.bytes_per_doc()
    assert long.bytes_per_doc() == pytest.approx(short.bytes_per_doc(), rel=0.05)


def test_default_stages_dedup_exactly_first_then_near_duplicates():
    stages = default_stages(False, "reject", 0.9)
    assert [type(s) for s in stages] == [ExactDedup, NearDuplicates]
    assert stages[1].threshold == 0.9
    assert not stages[1].mark
    assert default_stages(False, "mark")[1].mark
    assert [type(s) for s in default_stages(False, "off")] == [ExactDedup]
    assert [type(s) for s in default_stages(False)] == [ExactDedup]
    assert default_stages(True, "reject") == []
    first = doc(STORY)
    assert reduce(first, stages) is first
    same = reduce(doc(STORY, "b.txt"), stages)
    assert isinstance(same, Reject)
    assert same.reason is RejectReason.DUPLICATE  # an exact copy is a duplicate, not a near one
    near = reduce(doc(EDITED, "c.txt"), default_stages(False, "reject"))
    assert isinstance(near, Doc)  # a fresh run: nothing kept yet


VARIANTS = [STORY, EDITED, OTHER, SHORT, OTHER.replace("Thursday", "Friday") + " Late news.",
            EDITED.replace("Margaret Hale", "Margaret Hale-Brown")]


def outcome(result: Doc | Reject) -> tuple[str, str]:
    if isinstance(result, Reject):
        return (result.reason.value, result.detail)
    return ("kept", " ".join(result.warnings))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, len(VARIANTS) - 1), max_size=12),
       st.lists(st.integers(0, 12), max_size=4), st.booleans())
def test_the_decisions_do_not_depend_on_how_the_checkpoints_split_the_run(picks, cuts, mark):
    docs = [doc(VARIANTS[k], f"{n}.txt") for n, k in enumerate(picks)]
    whole = NearDuplicates(mark=mark)
    expected = [outcome(whole.apply(d)) for d in docs]
    saved: list[bytes] = []
    stage = NearDuplicates(mark=mark)
    got = []
    for n, d in enumerate(docs):
        if n in cuts:  # a shard ends here: checkpoint, and a resumed run starts again from it
            saved.append(stage.checkpoint())
            stage = NearDuplicates(mark=mark)
            for data in saved:
                stage.restore(data)
        got.append(outcome(stage.apply(d)))
    assert got == expected
    kept = {d.id for d, (what, _) in zip(docs, got, strict=True) if what == "kept"}
    for what, detail in got:  # a near-duplicate names a document kept before it, never itself
        match = DETAIL.search(detail)
        assert (match is not None) == (what == "near_duplicate" or bool(detail))
        if match:
            assert match[1] in kept


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), min_size=3, max_size=3), max_size=700),
       st.lists(st.integers(0, 40), min_size=3, max_size=3))
def test_the_band_index_finds_every_document_sharing_a_key(docs, query):
    index = BandIndex()  # few distinct keys: many documents share each, across runs and merges
    for number, keys in enumerate(docs):
        index.add(np.array([keys], dtype=np.uint64), number)
    expected = [n for n, keys in enumerate(docs) if set(keys) & set(query)]
    assert index.find(np.array(query, dtype=np.uint64)).tolist() == expected


def random_entries(count: int, seed: int = 1) -> bytes:
    """A checkpoint of ``count`` unrelated documents."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, 2**63, count).astype(">u8")
    sigs = rng.integers(0, 2**16, (count, 128)).astype(">u2")
    return b"".join(i.tobytes() + s.tobytes() for i, s in zip(ids, sigs, strict=True))


def test_state_per_document_stays_under_700_bytes_as_the_index_grows():
    sizes = []
    for blocks in (2, 10):
        stage = NearDuplicates()
        stage.restore(random_entries(blocks * 4096))
        for n in range(300):  # the newest documents, in the table before they become a run
            stage.apply(doc(" ".join(f"w{n}x{k}" for k in range(80))))
        assert len(stage) == blocks * 4096 + 300
        sizes.append(stage.bytes_per_doc())
    assert all(size < 700 for size in sizes), sizes
    assert sizes[1] <= sizes[0]  # flat: a block's unused tail weighs less as blocks fill


def test_a_large_checkpoint_restores_as_a_document_at_a_time_does():
    kept = NearDuplicates()
    first = doc(STORY)
    kept.apply(first)
    story = kept.checkpoint()
    others = random_entries(600)
    at_once, in_turn = NearDuplicates(), NearDuplicates()
    at_once.restore(others + story + others[:264 * 10])
    in_turn.restore(others)
    in_turn.restore(story)
    in_turn.restore(others[:264 * 10])
    for stage in (at_once, in_turn):
        copy = stage.apply(doc(EDITED, "c.txt"))
        assert isinstance(copy, Reject)
        assert first.id in copy.detail
        assert len(stage) == 611


def test_the_signature_is_datasketchs_affine32_minhash_value_for_value():
    from datasketch import MinHash  # a test dependency only, pinned: the reference

    for text in (STORY, EDITED, OTHER, OTHER * 40 + STORY):  # the last: more than one chunk
        grams = shingles(text)
        reference = MinHash(num_perm=128, seed=SEED, scheme="affine32")
        reference.update_batch(sorted(grams))
        assert signature(grams).tolist() == reference.hashvalues.tolist()


def test_the_bands_are_those_datasketchs_lsh_chooses():
    from datasketch.lsh import _optimal_param

    assert lsh_bands(0.6) == (23, 5)  # the default threshold, 0.7, less the margin
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # datasketch warns of few bands near 1
        for threshold in np.arange(0.05, 1.0, 0.05):
            assert lsh_bands(threshold) == _optimal_param(threshold, 128, 0.2, 0.8), threshold
