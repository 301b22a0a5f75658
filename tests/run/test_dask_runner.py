"""The map on a Dask cluster (--dask): the same outputs as a local run, against a real
LocalCluster of two worker processes (tox -e dask). Where Dask is not installed, only the tests
that need none run: the option, and the error that says what to install."""

import io
import json
import multiprocessing
import os
import signal
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter
from workload import PROSE, Pid, pids, raw

from cleaner import __version__, cli
from cleaner.config import ConfigError
from cleaner.model import Doc, RawDoc, Reject, RejectReason, Skipped, Source
from cleaner.ruleset import load_rules
from cleaner.run import dask_runner
from cleaner.run.dask_runner import DaskRunner, StepsSpec, make_dask_runner
from cleaner.run.pipeline import Summary, build_steps, run
from cleaner.run.runners import LocalRunner, make_runner
from conftest import FIXTURES

STEPS = build_steps(load_rules(), None)
@pytest.fixture(scope="module")
def cluster():
    """One LocalCluster of two worker processes for the module; a task that kills its worker
    fails at once (not after three workers), to keep the test of that fast."""
    pytest.importorskip("distributed")
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                         dashboard_address=":0") as local, Client(local) as client:
        yield local, client


@dataclass(frozen=True, slots=True)
class WithPid:
    """The steps of cleaner clean with :class:`Pid` before the last; built on the worker."""

    def build(self):
        steps = StepsSpec().build()
        return (*steps[:-1], Pid(), steps[-1])


def without_pids(results):
    return [replace(r, warnings=tuple(w for w in r.warnings if not w.startswith("pid")))
            if isinstance(r, Doc) else r for r in results]


def test_results_come_back_in_input_order_from_the_workers(cluster, monkeypatch):
    monkeypatch.setattr(dask_runner, "SLICE_DOCS", 3)
    local, _ = cluster
    items = [raw(1), Reject(RejectReason.BINARY, "x", Source("b.png")), raw(2),
             Skipped(Source("notes.md"), "not an input", ""), raw(1),
             *[raw(n) for n in range(3, 15)]]
    here = list(run(items, STEPS, Summary(), runner=LocalRunner(STEPS, 1)))
    summary = Summary()
    there = list(run(items, STEPS, summary,
                     runner=DaskRunner(WithPid(), local.scheduler_address)))
    assert without_pids(there) == here
    assert len(pids(there)) == 2  # both workers cleaned, neither of them this process
    assert f"pid: {os.getpid()}" not in pids(there)
    assert (summary.read, summary.kept, summary.rejected["duplicate"]) == (16, 14, 1)
    assert set(summary.seconds_by_step) >= {"decode", "structure", "language"}


def test_a_worker_with_other_rules_stops_the_run(cluster):
    local, _ = cluster
    runner = DaskRunner(StepsSpec(expect="article-cleaner 0.0.0 with rules 000000000000"),
                        local.scheduler_address)
    with pytest.raises(ConfigError, match="install the same cleaner on every worker"):
        list(runner.map([raw(1), raw(2)], RawDoc))


def test_ctrl_c_closes_the_local_cluster_it_started(cluster):
    before = set(multiprocessing.active_children())
    seen = []
    ignored = {}

    def items():
        yield from (raw(n) for n in range(4))
        seen.extend(set(multiprocessing.active_children()) - before)
        ignored.update((p.pid, ignores_sigint(p.pid)) for p in seen)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        list(DaskRunner(StepsSpec(), "local", jobs=1).map(items(), RawDoc))
    assert seen  # the cluster's worker ran while the inputs were read ...
    assert not any(p.is_alive() for p in seen)  # ... and is gone
    assert all(ignored[p.pid] for p in seen)  # a terminal's Ctrl-C was left to this process


def ignores_sigint(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    mask = int(next(line.split()[1] for line in status.splitlines()
                    if line.startswith("SigIgn:")), 16)
    return bool(mask & (1 << (signal.SIGINT - 1)))


@dataclass(frozen=True, slots=True)
class LogLength:
    """A step that notes how many of its recent messages Dask keeps where the step runs."""

    name: ClassVar[str] = "log_length"

    def apply(self, doc: Doc) -> Doc | Reject:
        import dask

        length = dask.config.get("distributed.admin.low-level-log-length")
        return replace(doc, warnings=(*doc.warnings, f"log: {length}"))


@dataclass(frozen=True, slots=True)
class WithLogLength:
    def build(self):
        steps = StepsSpec().build()
        return (*steps[:-1], LogLength(), steps[-1])


def test_a_local_cluster_keeps_few_of_its_messages(dask_installed):
    """Dask keeps its last 1,000 messages and task events; each may hold a slice's pages."""
    import dask

    key = "distributed.admin.low-level-log-length"
    before = dask.config.get(key)
    during = []

    def items():
        for n in range(3):
            during.append(dask.config.get(key))
            yield raw(n)

    results = [r for _, (r, _) in DaskRunner(WithLogLength(), "local").map(items(), RawDoc)]
    assert during == [dask_runner.LOG_LENGTH] * 3
    assert {w for r in results for w in r.warnings} == {f"log: {dask_runner.LOG_LENGTH}"}
    assert dask.config.get(key) == before


def write_warc(path, pages):
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for n, page in enumerate(pages):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://news.example.com/story/{n}", "response", payload=io.BytesIO(page),
                warc_headers_dict={"WARC-Date": "2025-11-10T00:00:00Z"}, http_headers=headers))


def inputs(tmp_path):
    """HTML, text, JSONL and WARC inputs, broken ones among them, and every clean text twice
    or more (the JSONL repeats the text scrapes, the WARC the HTML pages). Two languages
    besides English: a worker's first document in a language costs it seconds."""
    seeds = sorted((FIXTURES / "seeds" / "raw").glob("*.txt"))
    pages = [FIXTURES / "scripts" / f"{lang}.{kind}" for lang in ("de", "fr")
             for kind in ("html", "txt")]
    made = tmp_path / "in"
    made.mkdir()
    for page in pages:
        (made / page.name).write_bytes(page.read_bytes())
    with (made / "export.jsonl").open("w", encoding="utf-8") as fh:
        for n, path in enumerate(seeds):
            fh.write(json.dumps({"url": f"https://example.org/{n}",
                                 "text": path.read_text(encoding="utf-8")}) + "\n")
    write_warc(made / "crawl.warc.gz", [p.read_bytes() for p in pages if p.suffix == ".html"])
    return [str(FIXTURES / "seeds" / "raw"), str(FIXTURES / "bad"), str(made)]


def cli_run(tmp_path, name, options, given, capsys):
    out = tmp_path / name
    out.mkdir()
    code = cli.main(["clean", "-q", *options, *given,
                     "-o", str(out / "c.jsonl"), "-o", str(out / "c.warc.gz"),
                     "--explain", str(out / "e.jsonl"), "--rejects", str(out / "r.jsonl")])
    capsys.readouterr()
    return code, {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_clean_on_a_cluster_writes_what_a_local_run_writes(cluster, tmp_path, capsys,
                                                           monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1762732800")
    monkeypatch.setattr(dask_runner, "SLICE_DOCS", 4)  # duplicates in other slices
    local, _ = cluster
    given = inputs(tmp_path)
    code1, here = cli_run(tmp_path, "here", ["-j", "1"], given, capsys)
    code2, there = cli_run(tmp_path, "there", ["--dask", local.scheduler_address], given,
                           capsys)
    assert (code1, code2) == (0, 0)
    assert set(here) == {"c.jsonl", "c.warc.gz", "c.warc.gz.cdxj", "e.jsonl", "r.jsonl"}
    assert there == here
    rejects = [json.loads(line) for line in here["r.jsonl"].splitlines()]
    duplicates = [r["source"] for r in rejects if r["reason"] == "duplicate"]
    assert any("export.jsonl" in s for s in duplicates)
    assert any(s.endswith("de.html") for s in duplicates)  # the WARC, read first, has it
    kept = here["c.jsonl"].splitlines()
    assert len(kept) >= 9


def test_a_cluster_cleans_with_the_profiles_the_client_learned(cluster, tmp_path, capsys,
                                                               monkeypatch):
    """Five pages of one site: the client learns its profile, the workers clean with it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1762732800")
    local, _ = cluster
    given = [str(FIXTURES / "suggest")]
    code1, here = cli_run(tmp_path, "here", ["-j", "1"], given, capsys)
    code2, there = cli_run(tmp_path, "there", ["--dask", local.scheduler_address], given,
                           capsys)
    assert (code1, code2) == (0, 0)
    assert there == here
    assert b'"rule": "profile:harbour-times.example:' in here["e.jsonl"]


def dask_config(tmp_path):
    args = cli.build_parser().parse_args(["clean", "--dask", "tcp://10.0.0.1:8786", "-j", "3",
                                          "--rules", str(tmp_path), "--lang", "en",
                                          "--timeout", "9", "x.txt"])
    return cli.config_from_args(args)


def test_the_option_names_the_scheduler(tmp_path):
    assert dask_config(tmp_path).dask == "tcp://10.0.0.1:8786"
    assert cli.config_from_args(cli.build_parser().parse_args(["clean", "x.txt"])).dask is None


@pytest.fixture
def dask_installed():
    pytest.importorskip("distributed")


def test_the_configuration_picks_the_dask_runner(tmp_path, dask_installed):
    cfg = dask_config(tmp_path)
    runner = make_runner(cfg, STEPS)
    assert isinstance(runner, DaskRunner)
    assert (runner.scheduler, runner.jobs) == ("tcp://10.0.0.1:8786", 3)
    assert runner.factory == StepsSpec((str(tmp_path.resolve()),), True, "en", 9.0,
                                       runner.factory.expect)
    assert runner.factory.expect == f"article-cleaner {__version__} with rules " \
        f"{load_rules().version}"
    assert make_dask_runner(cfg, STEPS) == runner


def test_a_scheduler_out_of_reach_is_a_configuration_error(tmp_path, capsys, monkeypatch,
                                                            dask_installed):
    monkeypatch.setattr(dask_runner, "CONNECT_SECONDS", 1)
    page = tmp_path / "a.txt"
    page.write_text(PROSE, encoding="utf-8")
    (tmp_path / "out").mkdir()
    code = cli.main(["clean", "--dask", "tcp://127.0.0.1:1", str(page),
                     "-o", str(tmp_path / "out" / "c.jsonl")])
    assert code == 2
    assert "--dask tcp://127.0.0.1:1: cannot reach the scheduler" in capsys.readouterr().err
    assert list((tmp_path / "out").iterdir()) == []


class Failing:
    """A client whose every task fails with ``error``: the client side of a failing task."""

    def __init__(self, error):
        self.error = error

    def submit(self, *args, **kwargs):
        return self

    def done(self):
        return True

    def result(self):
        raise self.error

    def cancel(self, futures):
        pass


def test_a_failed_task_costs_its_documents_only(dask_installed):
    slices = dask_runner._Slices(Failing(RuntimeError("boom")), StepsSpec(), ahead=2)
    results = [r for _, (r, _) in slices.in_order([raw(1), raw(2)], RawDoc)]
    assert [(r.reason, r.detail, r.source) for r in results] == [
        (RejectReason.INTERNAL_ERROR, "the Dask task cleaning it failed: RuntimeError: boom",
         Source(f"doc{n}.txt")) for n in (1, 2)]


def test_a_scheduler_that_cannot_load_cleaner_stops_the_run(dask_installed):
    error = RuntimeError("Error during deserialization of the task graph. This frequently\n"
                         "occurs if the Scheduler and Client have different environments.")
    slices = dask_runner._Slices(Failing(error), StepsSpec(), ahead=2)
    with pytest.raises(ConfigError, match=r"install 'article-cleaner\[dask\]' \(version "
                       rf"{__version__}\) where the scheduler runs too"):
        list(slices.in_order([raw(1)], RawDoc))


def test_without_dask_the_error_says_what_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    page = tmp_path / "a.txt"
    page.write_text(PROSE, encoding="utf-8")
    code = cli.main(["clean", "--dask", "local", str(page), "-o", str(tmp_path / "c.jsonl")])
    err = capsys.readouterr().err
    assert code == 2
    assert "--dask needs Dask, which is not installed; pip install 'article-cleaner[dask]'" \
        in err
    assert not (tmp_path / "c.jsonl").exists()


# Last: the worker it kills is started again, which takes seconds.
def test_a_worker_that_dies_costs_its_document_only(cluster, monkeypatch):
    monkeypatch.setattr(dask_runner, "SLICE_DOCS", 4)
    local, _ = cluster
    items = [raw(n, "KILL-WORKER" if n == 5 else "") for n in range(10)]
    runner = DaskRunner(WithPid(), local.scheduler_address)
    results = [result for _, (result, _) in runner.map(items, RawDoc)]
    assert [isinstance(r, Doc) for r in results] == [n != 5 for n in range(10)]
    assert results[5].reason is RejectReason.INTERNAL_ERROR
    assert results[5].failed
    assert "Dask worker cleaning it died" in results[5].detail
    assert results[5].source == Source("doc5.txt")
    assert [r.raw for r in results if isinstance(r, Doc)] == \
        [items[n] for n in range(10) if n != 5]
