"""The records that flow through the pipeline cross a process boundary: a raw document as any
reader makes it, what cleaning makes of it (a document or a reject), and the run's Config all
pickle and come back equal, so that a worker pool or a cluster can map over them."""

import pickle
from pathlib import Path

import pytest

from cleaner.config import Config, InputConfig, ManifestEntry
from cleaner.inputs import iter_inputs
from cleaner.model import Doc, Meta, RawDoc, Reject, Skipped
from cleaner.ruleset import load_rules
from cleaner.run.pipeline import build_steps, clean_one
from conftest import FIXTURES

STEPS = build_steps(load_rules(), None)
# Every reader and decoder: text, HTML, JSONL (with meta), WARC, broken and odd inputs.
FOLDERS = ["seeds/raw", "scripts", "bad", "broken"]


def roundtrip(value):
    return pickle.loads(pickle.dumps(value))


def items():
    cfg = InputConfig(paths=tuple(str(FIXTURES / f) for f in FOLDERS),
                      manifest={str(FIXTURES / "seeds/raw/001_2e43ac32a1ea801a.txt"):
                                ManifestEntry(url="https://example.com/a", date="2025-01-02")})
    return [item for item in iter_inputs(cfg) if not isinstance(item, Skipped)]


def test_the_fixtures_hold_every_kind_of_input_and_result():
    found = items()
    raws = [i for i in found if isinstance(i, RawDoc)]
    assert {r.kind for r in raws} >= {"html", "text"}
    assert any(r.meta for r in raws)
    assert any(isinstance(i, Reject) for i in found)
    results = [clean_one(r, STEPS) for r in raws]
    assert any(isinstance(r, Doc) for r in results)
    assert any(isinstance(r, Reject) for r in results)


@pytest.mark.parametrize("item", items(), ids=lambda i: Path(i.source.path).name[:40])
def test_raw_documents_and_their_results_pickle(item):
    assert roundtrip(item) == item
    if isinstance(item, RawDoc):
        result = clean_one(item, STEPS)
        assert roundtrip(result) == result


def test_meta_is_read_only_and_pickles():
    meta = Meta({"date": "2025-01-02", "site": "example.com"})
    assert dict(meta) == {"date": "2025-01-02", "site": "example.com"}
    assert roundtrip(meta) == meta
    with pytest.raises(TypeError):
        meta["date"] = "x"  # type: ignore[index]


def test_the_run_config_pickles():
    cfg = Config(inputs=InputConfig(paths=("a.txt",), manifest={"a.txt": ManifestEntry("u")}),
                 output=Path("out.jsonl"), lang="en")
    assert roundtrip(cfg) == cfg
