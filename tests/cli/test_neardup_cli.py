"""cleaner clean --near-duplicates/--near-threshold: the same decisions with any -j, and resumed."""

import json
import re

import pytest

from cleaner import cli
from conftest import interrupt_after_commits, near_duplicate_inputs


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


inputs = near_duplicate_inputs


def records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def clean(tmp_path, *options, name="out"):
    out = tmp_path / name
    out.mkdir(exist_ok=True)
    argv = ["clean", str(tmp_path / "in"), "-q", "-o", str(out / "c.jsonl"),
            "--rejects", str(out / "r.jsonl"), *options]
    return cli.main(argv), out


def test_near_duplicates_are_rejected_naming_the_kept_document(tmp_path, capsys):
    inputs(tmp_path)
    code, out = clean(tmp_path, "-j", "1")
    assert code == 0
    kept = records(out / "c.jsonl")
    assert [r["title"] for r in kept] == ["Harbour bridge to open a year early",
                                          "Council delays vote on harbour bridge tolls"]
    rejects = records(out / "r.jsonl")
    assert [r["reason"] for r in rejects] == ["near_duplicate", "near_duplicate"]
    for reject, original in zip(rejects, kept, strict=True):
        assert re.fullmatch(rf"near-duplicate of document {original['id']} "
                            r"\(similarity 0\.\d\d\)", reject["detail"]), reject["detail"]
    assert "  rejected     2  near_duplicate" in capsys.readouterr().err


def test_marking_keeps_them_with_a_warning(tmp_path, capsys):
    folder = inputs(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    argv = ["clean", str(folder), "-o", str(out / "c.jsonl"), "--near-duplicates", "mark"]
    assert cli.main(argv) == 0
    kept = records(out / "c.jsonl")
    assert len(kept) == 4
    err = capsys.readouterr().err
    edited = folder / "3-edited.txt"
    assert re.search(rf"cleaner: {re.escape(str(edited))}: warning: near-duplicate: of document "
                     rf"{kept[0]['id']} \(similarity 0\.\d\d\)\n", err), err
    assert "  warning     2  near-duplicate (the documents were kept)" in err


@pytest.mark.parametrize("options", [["--near-duplicates", "off"], ["--near-threshold", "0.98"],
                                     ["--keep-duplicates"]])
def test_off_a_high_threshold_or_keeping_duplicates_keep_all(tmp_path, options):
    inputs(tmp_path)
    code, out = clean(tmp_path, *options)
    assert code == 0
    assert len(records(out / "c.jsonl")) == 4


def test_records_on_stdout_are_reduced_too(tmp_path, capsys):
    inputs(tmp_path)
    assert cli.main(["clean", str(tmp_path / "in"), "-q", "-o", "-"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


@pytest.mark.parametrize("value", ["0", "-0.5", "1.5", "nan", "most"])
def test_the_threshold_must_be_a_similarity(tmp_path, capsys, value):
    inputs(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        clean(tmp_path, "--near-threshold", value)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --near-threshold: {value!r} is not a similarity above 0 and at most 1" in err


def test_help_explains_both_options(capsys):
    with pytest.raises(SystemExit):
        cli.main(["clean", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--near-duplicates {reject,mark,off}" in text
    assert "--near-threshold T" in text
    assert "(default: reject)" in text
    assert "(default: 0.7)" in text


def test_any_number_of_jobs_decides_the_same(tmp_path):
    inputs(tmp_path)
    code1, one = clean(tmp_path, "-j", "1", name="one")
    code2, two = clean(tmp_path, "-j", "2", name="two")
    assert (code1, code2) == (0, 0)
    assert len(records(one / "r.jsonl")) == 2
    for name in ("c.jsonl", "r.jsonl"):
        assert (one / name).read_bytes() == (two / name).read_bytes()


def test_an_interrupted_run_resumed_rejects_the_same(tmp_path, capsys, monkeypatch):
    inputs(tmp_path)
    options = ["-j", "1", "--shard-size", "1"]
    interrupt_after_commits(monkeypatch, 2)  # both originals kept, in the restored state only
    code, out = clean(tmp_path, *options, name="cut")
    assert code == 130
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    code, _ = clean(tmp_path, *options, "--near-threshold", "0.9", "--resume", name="cut")
    assert code == 2
    assert "had other near_threshold" in capsys.readouterr().err
    code, _ = clean(tmp_path, *options, "--near-duplicates", "mark", "--resume", name="cut")
    assert code == 2
    assert "had other near_duplicates" in capsys.readouterr().err
    code, _ = clean(tmp_path, *options, "--resume", name="cut")
    assert code == 0
    assert "cleaner: resuming: 2 inputs were done in 2 shards" in capsys.readouterr().err
    code, fresh = clean(tmp_path, *options, name="fresh")
    assert code == 0

    def joined(folder, stem):
        return b"".join(p.read_bytes() for p in sorted(folder.glob(f"{stem}-*.jsonl")))

    assert [r["reason"] for r in records_of(joined(out, "r"))] == ["near_duplicate"] * 2
    assert joined(out, "c") == joined(fresh, "c")
    assert joined(out, "r") == joined(fresh, "r")


def records_of(data: bytes):
    return [json.loads(line) for line in data.decode().splitlines()]
