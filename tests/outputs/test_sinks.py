"""Sinks: every output of a run behind one protocol, opened in one place, appearing together."""

import json

import pytest

from cleaner.model import RawDoc, Reject, RejectReason, Source
from cleaner.outputs.atomic import OutputError
from cleaner.outputs.sinks import Outputs, open_sinks
from cleaner.outputs.warc import WarcSettings
from cleaner.ruleset import load_rules
from cleaner.run.pipeline import build_steps, clean_one
from conftest import FIXTURES

STEPS = build_steps(load_rules(), None)


def results():
    raws = [RawDoc(p.read_bytes(), Source(p.name), kind="text")
            for p in sorted((FIXTURES / "seeds" / "raw").glob("*.txt"))[:2]]
    return [*(clean_one(r, STEPS) for r in raws), Reject(RejectReason.BINARY, "an image",
                                                         Source("x.png"))]


def test_every_output_gets_what_is_its_own(tmp_path):
    out = Outputs(records=tmp_path / "c.jsonl", warc=WarcSettings(tmp_path / "c.warc.gz", {}),
                  explain=tmp_path / "e.jsonl", rejects=tmp_path / "r.jsonl")
    docs = results()
    with open_sinks(out, "v1") as write:
        for result in docs:
            write(result)
    records = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == [d.id for d in docs[:2]]
    assert {r["rules"] for r in records} == {"v1"}
    rejects = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [r["reason"] for r in rejects] == ["binary"]
    explained = [json.loads(line) for line in (tmp_path / "e.jsonl").read_text().splitlines()]
    assert {e["id"] for e in explained} == {d.id for d in docs[:2]}
    assert (tmp_path / "c.warc.gz").stat().st_size > 0
    assert (tmp_path / "c.warc.gz.cdxj").read_text().count("\n") == 6  # 3 records a document


def test_no_output_appears_when_one_cannot_be_written(tmp_path):
    out = Outputs(records=tmp_path / "c.jsonl", explain=tmp_path / "e.jsonl",
                  rejects=tmp_path / "no such dir" / "r.jsonl")
    def run():
        with open_sinks(out, "v1") as write:
            for result in results():
                write(result)

    with pytest.raises(OutputError):
        run()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_no_output_appears_when_the_run_is_interrupted(tmp_path):
    out = Outputs(records=tmp_path / "c.jsonl", warc=WarcSettings(tmp_path / "c.warc.gz", {}))
    def run():
        with open_sinks(out, "v1") as write:
            write(results()[0])
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run()
    assert list(tmp_path.iterdir()) == []
