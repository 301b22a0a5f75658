"""Runners: the map in this process or in forked workers (-j N); the same results, in order."""

import os

import pytest
from workload import Pid, pids, raw

from cleaner import cli
from cleaner.model import Doc, RawDoc, Reject, RejectReason, Skipped, Source
from cleaner.ruleset import load_rules
from cleaner.run.pipeline import Summary, build_steps, run
from cleaner.run.runners import AHEAD, in_order
from conftest import FIXTURES

STEPS = build_steps(load_rules(), None)
@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_every_runner_gives_the_same_results_in_input_order(jobs):
    items = [raw(1), Reject(RejectReason.BINARY, "x", Source("b.png")), raw(2),
             Skipped(Source("notes.md"), "not an input", ""), raw(1),
             *[raw(n) for n in range(3, 12)]]
    serial = list(run(items, STEPS, Summary(), jobs=1))
    summary = Summary()
    assert list(run(items, STEPS, summary, jobs=jobs)) == serial
    assert (summary.read, summary.kept, summary.rejected["duplicate"]) == (13, 11, 1)
    assert set(summary.seconds_by_step) >= {"decode", "structure", "language"}


def test_a_pool_runs_elsewhere_and_one_document_stays_here():
    steps = (*STEPS[:-1], Pid(), STEPS[-1])
    many = [result for _, (result, _) in in_order([raw(n) for n in range(8)], RawDoc, steps, 2)]
    assert pids(many)
    assert f"pid: {os.getpid()}" not in pids(many)
    (one,) = [result for _, (result, _) in in_order([raw(1)], RawDoc, steps, 2)]
    assert pids([one]) == {f"pid: {os.getpid()}"}


def test_a_worker_that_dies_costs_its_document_only():
    steps = (*STEPS[:-1], Pid(), STEPS[-1])
    items = [raw(n, "KILL-WORKER" if n == 4 else "") for n in range(10)]
    results = [result for _, (result, _) in in_order(items, RawDoc, steps, 2)]
    assert [isinstance(r, Doc) for r in results] == [n != 4 for n in range(10)]
    assert results[4].reason is RejectReason.INTERNAL_ERROR
    assert results[4].failed
    assert "worker process" in results[4].detail
    assert [r.raw.source.path for r in results if isinstance(r, Doc)] == \
        [f"doc{n}.txt" for n in range(10) if n != 4]


def test_inputs_are_read_only_a_little_ahead():
    read = []

    def inputs():
        for n in range(40):
            read.append(n)
            yield raw(n)

    for _, result in in_order(inputs(), RawDoc, STEPS, 2):
        assert result is not None
        break
    assert len(read) <= AHEAD * 2 + 2


def cli_run(tmp_path, name, jobs, capsys):
    out = tmp_path / name
    out.mkdir()
    code = cli.main(["clean", "-q", "-j", str(jobs), str(FIXTURES / "seeds" / "raw"),
                     str(FIXTURES / "scripts"), str(FIXTURES / "bad"),
                     "-o", str(out / "c.jsonl"), "-o", str(out / "c.warc.gz"),
                     "--explain", str(out / "e.jsonl"), "--rejects", str(out / "r.jsonl")])
    capsys.readouterr()
    return code, {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_clean_writes_the_same_bytes_with_any_number_of_jobs(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1762732800")
    code1, one = cli_run(tmp_path, "one", 1, capsys)
    code2, two = cli_run(tmp_path, "two", 2, capsys)
    assert (code1, code2) == (0, 0)
    assert set(one) == {"c.jsonl", "c.warc.gz", "c.warc.gz.cdxj", "e.jsonl", "r.jsonl"}
    assert one == two


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_jobs_must_be_a_whole_number_of_at_least_one(value, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["clean", "-j", value, "x.txt"])
    assert exc.value.code == 2
    assert "-j" in capsys.readouterr().err
