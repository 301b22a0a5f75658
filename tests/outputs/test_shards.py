"""Sharded, resumable output: numbered shards each final and valid, joined single files, and a
run killed with SIGKILL at random moments that --resume finishes with the same bytes."""

import fcntl
import gzip
import os
import random
import shutil
import signal
import time

import pytest
from warcio.checker import Checker

from cleaner import cli
from cleaner.outputs import shards
from cleaner.outputs.jsonl import read_jsonl
from cleaner.outputs.shards import numbered
from conftest import FIXTURES, interrupt_after_commits

PROSE = ("The harbour council met on Tuesday to discuss the new bridge over the river, and "
         "members agreed that the work should start in the spring of next year.")
SEEDS = FIXTURES / "seeds" / "raw"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def make_inputs(folder, n: int):
    """n text scrapes (every seventh a duplicate of the one before), a binary file, the seeds."""
    folder.mkdir()
    for k in range(n):
        story = k - 1 if k % 7 == 6 else k
        (folder / f"{k:04d}.txt").write_text(
            f"Story number {story} about the bridge\n\n{PROSE} ({story})\n\n{PROSE} [{story}]\n",
            encoding="utf-8")
    (folder / "0003b.txt").write_bytes(b"\x00\x01\x02binary")
    shutil.copytree(SEEDS, folder / "seeds")
    return folder


def outputs(folder):
    return ["-o", str(folder / "c.jsonl.gz"), "-o", str(folder / "c.warc.gz"),
            "--explain", str(folder / "ex.jsonl"), "--rejects", str(folder / "rej.jsonl")]


def files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def gunzipped(data: bytes) -> bytes:
    return gzip.decompress(data)


def warc_check(paths) -> int:
    """What `warcio check` says of the archives: 0 when every record's digests are right."""
    args = type("Args", (), {"inputs": [str(p) for p in paths], "verbose": False})
    return Checker(args).process_all()


def test_numbered_names_keep_the_kind_and_compression(tmp_path):
    assert numbered(tmp_path / "c.jsonl.gz", 1).name == "c-00001.jsonl.gz"
    assert numbered(tmp_path / "C.WARC", 12).name == "C-00012.WARC"
    assert numbered(tmp_path / "removed.txt", 2).name == "removed-00002.txt"
    assert numbered(tmp_path / "plain", 3).name == "plain-00003"


def test_a_run_in_many_shards_joins_to_the_bytes_of_a_run_in_one(tmp_path, monkeypatch, capsys):
    src = make_inputs(tmp_path / "in", 20)
    one, many = tmp_path / "one", tmp_path / "many"
    one.mkdir()
    many.mkdir()
    assert cli.main(["clean", str(src), "-q", "-j", "1", *outputs(one)]) == 0
    monkeypatch.setattr(shards, "JOIN_SHARD", 3)
    assert cli.main(["clean", str(src), "-q", "-j", "1", *outputs(many)]) == 0
    a, b = files(one), files(many)
    assert sorted(a) == ["c.jsonl.gz", "c.warc.gz", "c.warc.gz.cdxj", "ex.jsonl", "rej.jsonl"]
    assert sorted(b) == sorted(a)  # no shard and no work folder is left
    for name in a:  # the records file is gzip members joined: the same once decompressed
        assert (gunzipped(a[name]) == gunzipped(b[name]) if name.endswith("jsonl.gz")
                else a[name] == b[name]), name
    assert warc_check([many / "c.warc.gz"]) == 0


def test_numbered_shards_are_each_final_and_valid(tmp_path, capsys):
    src = make_inputs(tmp_path / "in", 12)
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    whole.mkdir()
    parts.mkdir()
    assert cli.main(["clean", str(src), "-q", *outputs(whole)]) == 0
    assert cli.main(["clean", str(src), "-q", "--shard-size", "5", *outputs(parts)]) == 0
    names = sorted(p.name for p in parts.iterdir())
    inputs = 12 + 1 + len(list(SEEDS.iterdir()))
    count = -(-inputs // 5)
    assert names == sorted(f"{stem}-{k:05d}{ext}" for k in range(1, count + 1)
                           for stem, ext in [("c", ".jsonl.gz"), ("c", ".warc.gz"),
                                             ("c", ".warc.gz.cdxj"), ("ex", ".jsonl"),
                                             ("rej", ".jsonl")])
    assert warc_check(sorted(parts.glob("c-*.warc.gz"))) == 0
    joined = [r for k in range(1, count + 1) for r in read_jsonl(parts / f"c-{k:05d}.jsonl.gz")]
    assert joined == list(read_jsonl(whole / "c.jsonl.gz"))
    rejected = [r for k in range(1, count + 1) for r in read_jsonl(parts / f"rej-{k:05d}.jsonl")]
    assert rejected == list(read_jsonl(whole / "rej.jsonl"))


def test_an_interrupted_run_must_be_resumed_or_removed(tmp_path, monkeypatch, capsys):
    src = make_inputs(tmp_path / "in", 8)
    out = tmp_path / "out"
    out.mkdir()
    argv = ["clean", str(src), "-q", "-j", "1", "--shard-size", "4", *outputs(out)]
    interrupt_after_commits(monkeypatch, 2)
    assert cli.main(argv) == 130
    err = capsys.readouterr().err
    work = out / ".c.jsonl.gz.cleaner-run"
    assert (f"cleaner: interrupted; 8 inputs are done and kept in {work}: run the same command "
            "with --resume to go on") in err
    assert (out / "c-00002.jsonl.gz").exists()
    assert not (out / "c-00003.jsonl.gz").exists()
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert cli.main(argv) == 2
    assert "add --resume to the same command to finish it" in capsys.readouterr().err
    assert cli.main([*argv[:-8], "--lang", "en", *argv[-8:], "--resume"]) == 2
    assert "had other lang" in capsys.readouterr().err
    assert cli.main([*argv, "--resume"]) == 0
    err = capsys.readouterr().err
    assert f"cleaner: resuming: 8 inputs were done in 2 shards ({work}); going on" in err
    assert not work.exists()
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    assert cli.main([*argv[:-8], *outputs(fresh)]) == 0
    assert files(fresh) == files(out)


def test_a_new_run_does_not_mix_its_shards_with_an_earlier_runs(tmp_path, capsys):
    src = make_inputs(tmp_path / "in", 9)
    argv = ["clean", str(src), "-q", "--shard-size", "4", "-o", str(tmp_path / "c.jsonl")]
    assert cli.main(argv) == 0
    before = files(tmp_path)
    assert cli.main(argv) == 2
    assert (f"{tmp_path / 'c-00001.jsonl'} is there from an earlier run: its shards would mix "
            "with this run's; remove them (c-*.jsonl) or give another output name"
            ) in capsys.readouterr().err
    assert files(tmp_path) == before
    # --resume takes the shards as this run's own (a run killed before its first journal).
    assert cli.main([*argv, "--resume"]) == 0
    assert files(tmp_path) == before


def test_resume_with_nothing_to_resume_is_a_plain_run(tmp_path, capsys):
    src = make_inputs(tmp_path / "in", 3)
    assert cli.main(["clean", str(src), "-q", "--resume", "-o", str(tmp_path / "c.jsonl")]) == 0
    assert len(list(read_jsonl(tmp_path / "c.jsonl"))) >= 3


def test_resume_refuses_changed_inputs(tmp_path, monkeypatch, capsys):
    src = make_inputs(tmp_path / "in", 6)
    argv = ["clean", str(src), "-q", "-j", "1", "--shard-size", "3", "-o",
            str(tmp_path / "c.jsonl")]
    monkeypatch.setattr(shards.ShardedRun, "finish", lambda self, *a: (_ for _ in ()).throw(
        KeyboardInterrupt))
    assert cli.main(argv) == 130
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (src / "0001.txt").rename(src / "0001z.txt")
    assert cli.main([*argv, "--resume"]) == 2
    assert "the inputs changed since the interrupted run" in capsys.readouterr().err


def test_two_runs_cannot_write_the_same_outputs(tmp_path, capsys):
    src = make_inputs(tmp_path / "in", 2)
    work = tmp_path / ".c.jsonl.cleaner-run"
    work.mkdir()
    with (work / "lock").open("ab") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert cli.main(["clean", str(src), "-q", "-o", str(tmp_path / "c.jsonl")]) == 2
    assert "another cleaner run is writing these outputs" in capsys.readouterr().err
    assert not (tmp_path / "c.jsonl").exists()


def test_stdout_cannot_be_resumed_or_sharded(tmp_path, capsys):
    for option in (["--resume"], ["--shard-size", "10"]):
        assert cli.main(["clean", str(SEEDS), *option]) == 2
        assert "needs output files (-o FILE)" in capsys.readouterr().err


# --- kill -9 at random moments ------------------------------------------------------------------


def _start(argv) -> int:
    """A real run in a forked child (the modules are loaded already: it starts at once)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover -- the child
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            code = cli.main(argv)
        finally:
            os._exit(code if "code" in locals() else 99)
    return pid


@pytest.mark.parametrize(("layout", "kills"), [([], 24), (["--shard-size", "7"], 20)])
def test_killed_again_and_again_resume_gives_the_bytes_of_a_run_never_stopped(
        tmp_path, capsys, layout, kills):
    src = make_inputs(tmp_path / "in", 160)
    whole, out = tmp_path / "whole", tmp_path / "out"
    whole.mkdir()
    out.mkdir()
    base = ["clean", str(src), "-q", "-j", "1", *layout]
    assert cli.main([*base, *outputs(whole)]) == 0
    shards_before = shards.JOIN_SHARD
    shards.JOIN_SHARD = 6  # many shards: kills land before, in and after commits
    rng = random.Random(1234)
    killed, attempts = 0, 0
    try:
        while True:
            attempts += 1
            resume = ["--resume"] if attempts > 1 else []
            pid = _start([*base, *outputs(out), *resume])
            if killed >= kills:  # enough: let this one finish
                _, status = os.waitpid(pid, 0)
                break
            time.sleep(rng.uniform(0.0, 0.12))
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            if os.WIFSIGNALED(status):
                killed += 1
            else:
                break
    finally:
        shards.JOIN_SHARD = shards_before
    assert os.WIFEXITED(status)
    assert os.WEXITSTATUS(status) == 0
    assert killed >= kills
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert leftovers == []  # no work folder, no temporary file
    a, b = files(whole), files(out)
    assert sorted(a) == sorted(b)
    for name in a:
        assert (gunzipped(a[name]) == gunzipped(b[name]) if name.endswith("jsonl.gz")
                else a[name] == b[name]), name


def test_a_run_stopped_while_it_starts_leaves_no_work_folder(tmp_path, monkeypatch, capsys):
    """A signal can land between the work folder's making and the run's start (the lock taken):
    the folder, empty of any finished shard, must go with the run, or the next run refuses."""
    src = make_inputs(tmp_path / "in", 2)
    take_lock = shards.ShardedRun._take_lock

    def stopped(self):  # the folder made, the lock taken, and then the signal
        take_lock(self)
        raise KeyboardInterrupt

    monkeypatch.setattr(shards.ShardedRun, "_take_lock", stopped)
    assert cli.main(["clean", str(src), "-q", "-o", str(tmp_path / "c.jsonl")]) == 130
    assert [p.name for p in tmp_path.iterdir()] == ["in"]
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert cli.main(["clean", str(src), "-q", "-o", str(tmp_path / "c.jsonl")]) == 0
