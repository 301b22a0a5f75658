"""The reduce: corpus stages see documents in input order; their state is compact and resumable."""

import sys

from hypothesis import given
from hypothesis import strategies as st

from cleaner.model import Block, Doc, RawDoc, Reject, RejectReason, Source, make_id
from cleaner.run.reduce import ExactDedup, default_stages, reduce


def doc(text: str, data: bytes | None = None, name: str = "a.txt") -> Doc:
    raw = RawDoc(data if data is not None else text.encode(), Source(name), kind="text")
    return Doc(raw=raw, id=make_id(raw), kind="text", source_text=text, blocks=(Block(text),))


def test_the_same_text_is_a_duplicate_of_the_first_document_named_by_id():
    dedup = ExactDedup()
    first = doc("The council met.", b"<p>The council met.</p>", "one.html")
    assert dedup.apply(first) is first
    again = dedup.apply(doc("The council met.", b"The council met.\n", "two.txt"))
    assert isinstance(again, Reject)
    assert again.reason is RejectReason.DUPLICATE
    assert again.detail == f"same clean text as document {first.id}"
    assert str(again.source) == "two.txt"
    other = doc("The council met again.")
    assert dedup.apply(other) is other


def test_the_same_input_is_a_duplicate_even_when_its_text_differs():
    dedup = ExactDedup()
    first = doc("Text one.", b"same bytes")
    dedup.apply(first)
    second = dedup.apply(doc("Text two.", b"same bytes"))
    assert isinstance(second, Reject)
    assert second.detail.startswith(f"same input as document {first.id}")


def test_no_stage_when_duplicates_are_kept():
    assert default_stages(True) == []
    d = doc("x")
    assert reduce(d, default_stages(True)) is d
    stages = default_stages(False)
    assert reduce(d, stages) is d
    assert isinstance(reduce(doc("x", b"other"), stages), Reject)


@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=30),
       st.integers(min_value=0, max_value=30))
def test_a_restored_checkpoint_decides_as_an_uninterrupted_run(texts, cut):
    docs = [doc(t, f"{t}-{n % 3}".encode()) for n, t in enumerate(texts)]
    whole = ExactDedup()
    expected = [type(whole.apply(d)) for d in docs]
    before, after = ExactDedup(), ExactDedup()
    got = [type(before.apply(d)) for d in docs[:cut]]
    after.restore(before.checkpoint())
    assert before.checkpoint() == b""  # a checkpoint holds only what is new since the last
    got += [type(after.apply(d)) for d in docs[cut:]]
    assert got == expected


def test_state_per_document_is_small_and_independent_of_the_text():
    dedup = ExactDedup()
    long = "word " * 20_000
    for n in range(2000):
        dedup.apply(doc(f"{long} {n}", f"input {n}".encode()))
    ints = sum(sys.getsizeof(k) + sys.getsizeof(v) for k, v in dedup._texts.items())
    tables = sys.getsizeof(dedup._texts) + sys.getsizeof(dedup._ids)
    dedup.checkpoint()
    assert dedup.bytes_per_doc() >= (ints + tables) / len(dedup)
    assert dedup.bytes_per_doc() < 300, dedup.bytes_per_doc()
    assert len(dedup.checkpoint()) == 0
