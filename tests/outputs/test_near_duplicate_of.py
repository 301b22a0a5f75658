"""The record's ``near_duplicate_of``: the kept document's id on a near-duplicate that
``--near-duplicates mark`` kept, ``""`` on every other record, in JSONL and in the archive.

The Dask runner's test is in ``test_near_duplicate_of_dask.py`` (tox -e dask).
"""

import json
import re
from datetime import UTC, datetime

import pytest
from jsonschema import Draft202012Validator

from cleaner import cli
from cleaner.corpus.replay import read_archive
from cleaner.model import Block, Doc, RawDoc, Source
from cleaner.outputs.jsonl import RECORD_KEYS, SCHEMA_FILE, to_record
from cleaner.outputs.warc import WarcSettings, WarcSink, stable_ids
from conftest import interrupt_after_commits, near_duplicate_inputs


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def folder(tmp_path):
    """A wire story, another story, the first edited, the other edited: in this order."""
    return near_duplicate_inputs(tmp_path)


def records_of(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def clean(folder, out, *options, quiet=True):
    """``cleaner clean`` into ``out``: JSONL, WARC, explain and rejects files."""
    out.mkdir(exist_ok=True)
    argv = ["clean", str(folder), "-o", str(out / "c.jsonl"), "-o", str(out / "c.warc.gz"),
            "--explain", str(out / "e.jsonl"), "--rejects", str(out / "r.jsonl"), *options]
    return cli.main([*argv, "-q"] if quiet else argv)


def test_a_marked_record_names_the_kept_document_and_every_other_is_empty(folder, tmp_path):
    assert clean(folder, tmp_path / "out", "--near-duplicates", "mark") == 0
    kept = records_of((tmp_path / "out" / "c.jsonl").read_bytes())
    assert [r["source"]["path"].rsplit("/", 1)[-1] for r in kept] == \
        ["1-story.txt", "2-other.txt", "3-edited.txt", "4-other-again.txt"]
    assert [r["near_duplicate_of"] for r in kept] == ["", "", kept[0]["id"], kept[1]["id"]]
    validator = Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    for record in kept:
        assert list(record) == list(RECORD_KEYS)
        assert [e.message for e in validator.iter_errors(record)] == []


@pytest.mark.parametrize("options", [[], ["--near-duplicates", "reject"],
                                     ["--near-duplicates", "off"], ["--keep-duplicates"]])
def test_without_mark_every_record_has_an_empty_string(folder, tmp_path, options):
    assert clean(folder, tmp_path / "out", *options) == 0
    kept = records_of((tmp_path / "out" / "c.jsonl").read_bytes())
    assert len(kept) == (2 if options in ([], ["--near-duplicates", "reject"]) else 4)
    assert [r["near_duplicate_of"] for r in kept] == [""] * len(kept)


def test_marking_adds_only_the_id_and_says_on_stderr_what_it_said(folder, tmp_path, capsys):
    assert clean(folder, tmp_path / "off", "--near-duplicates", "off") == 0
    assert clean(folder, tmp_path / "mark", "--near-duplicates", "mark", quiet=False) == 0
    err = capsys.readouterr().err
    off = records_of((tmp_path / "off" / "c.jsonl").read_bytes())
    marked = records_of((tmp_path / "mark" / "c.jsonl").read_bytes())
    assert [{**r, "near_duplicate_of": ""} for r in marked] == off
    # The explain file is the same; stderr has the warning it had before the field.
    assert (tmp_path / "mark" / "e.jsonl").read_bytes() == \
        (tmp_path / "off" / "e.jsonl").read_bytes()
    for record in marked[2:]:
        shown = re.escape(str(folder / record["source"]["path"].rsplit("/", 1)[-1]))
        assert re.search(rf"cleaner: {shown}: warning: near-duplicate: of document "
                         rf"{record['near_duplicate_of']} \(similarity 0\.\d\d\)\n", err), err
    assert "  warning     2  near-duplicate (the documents were kept)" in err


def test_two_jobs_give_the_same_field(folder, tmp_path):
    assert clean(folder, tmp_path / "one", "--near-duplicates", "mark", "-j", "1") == 0
    assert clean(folder, tmp_path / "two", "--near-duplicates", "mark", "-j", "2") == 0
    one = (tmp_path / "one" / "c.jsonl").read_bytes()
    assert sum(r["near_duplicate_of"] != "" for r in records_of(one)) == 2
    assert (tmp_path / "two" / "c.jsonl").read_bytes() == one


def test_a_resumed_run_gives_the_same_field(folder, tmp_path, monkeypatch):
    options = ["--near-duplicates", "mark", "-j", "1", "--shard-size", "1"]
    interrupt_after_commits(monkeypatch, 2)  # both originals written: their state restored
    assert clean(folder, tmp_path / "cut", *options) == 130
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert clean(folder, tmp_path / "cut", *options, "--resume") == 0
    assert clean(folder, tmp_path / "fresh", *options) == 0

    def joined(out):
        return b"".join(p.read_bytes() for p in sorted(out.glob("c-*.jsonl")))

    resumed = records_of(joined(tmp_path / "cut"))
    assert [r["near_duplicate_of"] for r in resumed] == \
        ["", "", resumed[0]["id"], resumed[1]["id"]]
    assert joined(tmp_path / "cut") == joined(tmp_path / "fresh")


def test_the_archive_carries_the_field_and_export_gives_the_jsonl_back(folder, tmp_path,
                                                                       capsys):
    out = tmp_path / "out"
    assert clean(folder, out, "--near-duplicates", "mark") == 0
    archived = list(read_archive(out / "c.warc.gz"))
    kept = records_of((out / "c.jsonl").read_bytes())
    assert [d.meta["record"]["near_duplicate_of"] for d in archived] == \
        [r["near_duplicate_of"] for r in kept]
    assert archived[2].meta["warnings"][-1].startswith(
        f"near-duplicate: of document {kept[0]['id']} (similarity ")
    assert cli.main(["replay", "export", str(out / "c.warc.gz"), "-o", str(tmp_path / "x.jsonl")
                     ]) == 0
    assert (tmp_path / "x.jsonl").read_bytes() == (out / "c.jsonl").read_bytes()


def test_a_reclean_writes_the_field(folder, tmp_path, capsys):
    """Reclean runs no near-duplicate stage: its records say ``""``, and have the key."""
    out = tmp_path / "out"
    assert clean(folder, out, "--near-duplicates", "off") == 0
    code = cli.main(["replay", "reclean", str(out / "c.warc.gz"), "-o", str(tmp_path / "n.jsonl")])
    assert code == 0, capsys.readouterr()
    again = records_of((tmp_path / "n.jsonl").read_bytes())
    assert [list(r) for r in again] == [list(RECORD_KEYS)] * 4
    assert [r["near_duplicate_of"] for r in again] == [""] * 4


def test_an_archive_written_before_the_field_reads_as_empty(tmp_path, capsys):
    """An older archive's metadata record has no ``near_duplicate_of``: it reads as ``""``,
    in the record's place, and ``replay export`` writes records that load with new ones."""
    path = tmp_path / "old.warc.gz"
    fixed = datetime(2025, 1, 1, tzinfo=UTC)
    with WarcSink(WarcSettings(path, {"software": "test"}, clock=lambda: fixed,
                               ids=stable_ids("t"))) as sink:
        raw = RawDoc(b"raw", Source("in/a.txt"), kind="text")
        doc = Doc(raw=raw, id="0123456789abcdef", kind="text", source_text="",
                  blocks=(Block("A story."),), lang="en")
        record = to_record(doc, "v1")
        del record["near_duplicate_of"]
        sink.write(doc, record)
    (back,) = read_archive(path)
    assert "near_duplicate_of" not in back.meta["record"]
    assert list(back.record) == list(RECORD_KEYS)
    assert back.record == to_record(doc, "v1")
    assert cli.main(["replay", "export", str(path), "-o", str(tmp_path / "x.jsonl")]) == 0
    (exported,) = records_of((tmp_path / "x.jsonl").read_bytes())
    assert exported["near_duplicate_of"] == ""


def test_a_reclean_keeps_the_archived_mark_and_calls_it_no_change(folder, tmp_path, capsys):
    """Reclean judges no near-duplicates (a decision of the run that archived the corpus): a
    marked document keeps its ``near_duplicate_of``, and that is not a change."""
    out = tmp_path / "out"
    assert clean(folder, out, "--near-duplicates", "mark") == 0
    capsys.readouterr()
    again = tmp_path / "again.jsonl"
    assert cli.main(["replay", "reclean", str(out / "c.warc.gz"), "-o", str(again)]) == 0
    verdicts = capsys.readouterr().out.splitlines()
    assert [v.rsplit("\t", 1)[-1] for v in verdicts] == ["same"] * 4
    assert again.read_bytes() == (out / "c.jsonl").read_bytes()
