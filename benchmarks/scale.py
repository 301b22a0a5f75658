"""Throughput and peak memory of ``cleaner clean`` as the corpus grows, per runner.

usage: python benchmarks/scale.py N [N ...] [--dev DIR] [--modes text,html]
                                 [--runners j1,j2,dask] [--work DIR] [--distinct]
                                 [--clean-args ARGS]

For each N (e.g. 1000 10000 50000; ``10k`` works too) and each mode, it builds one JSONL input
of N documents (.jsonl.gz) by repeating the pages of DIR (the development set: ``*.html`` for
HTML mode, ``*.scrape.txt`` or ``*.txt`` for text mode; without DIR, tests/fixtures), each copy
made unique by a sentence added to its longest paragraph, so that dedup keeps the copies (but
near-duplicate detection rejects them: with ``--distinct``, in text mode, each copy also swaps
one in eight pairs of neighbouring words, at random, so that copies share few word 5-grams and
all are kept and indexed; ``--clean-args "--near-duplicates off"`` passes options on). Then
it runs ``cleaner clean`` as a whole process, start-up included, with ``-j 1``, ``-j 2`` and
``--dask local -j 2`` (when dask is installed for this interpreter), and prints one table:

  wall      seconds from start to exit of the command
  docs/s    N / wall
  kept      documents written (the copies must survive dedup for the figure to mean much)
  RSS tree  peak of the summed resident memory of the command and all its descendants (forked
            or spawned workers, a local Dask cluster's nannies and workers), sampled every
            0.2 s from /proc; pages that forked workers share with their parent count once per
            process, so this overstates -j N
  PSS tree  the same with proportional set size (shared pages split between the processes
            that share them): what the run costs the machine
  largest   peak resident memory of the largest single process (what
            getrusage(RUSAGE_CHILDREN).ru_maxrss would say, were it not cumulative)

Linux only (it reads /proc). Run it with the interpreter cleaner is installed for.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import random
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
RUNNERS = {"j1": ["-j", "1"], "j2": ["-j", "2"], "dask": ["--dask", "local", "-j", "2"]}
PAGE = os.sysconf("SC_PAGE_SIZE")
PARAGRAPH = re.compile(rb"<p(?:\s[^>]*)?>(.*?)</p>", re.S | re.I)


def sources(dev: Path | None, mode: str) -> list[bytes]:
    """The pages a mode's inputs are made of."""
    if mode == "html":
        found = sorted((dev or FIXTURES / "scripts").glob("*.html"))
    elif dev is not None:
        found = sorted(dev.glob("*.scrape.txt")) or sorted(
            p for p in dev.glob("*.txt") if not p.name.endswith(".truth.txt"))
    else:
        found = sorted((FIXTURES / "seeds" / "raw").glob("*.txt")) + sorted(
            (FIXTURES / "scripts").glob("*.txt"))
    if not found:
        raise SystemExit(f"no {mode} pages in {dev or FIXTURES}")
    return [p.read_bytes() for p in found]


def swapped(page: bytes, copy: int) -> bytes:
    """The text with one in eight pairs of neighbouring words on a line swapped (seeded by
    the copy): the same words, mostly other word 5-grams."""
    pick = random.Random(copy)
    lines = []
    for line in page.split(b"\n"):
        words = line.split(b" ")
        for i in range(len(words) - 1):
            if pick.random() < 1 / 8:
                words[i], words[i + 1] = words[i + 1], words[i]
        lines.append(b" ".join(words))
    return b"\n".join(lines)


def varied(page: bytes, copy: int, mode: str, distinct: bool = False) -> bytes:
    """The page with a sentence of its own in its longest paragraph (or line)."""
    if copy == 0:
        return page
    if distinct and mode == "text":
        page = swapped(page, copy)
    note = f" This is copy {copy} of the story.".encode()
    if mode == "html":
        longest = max(PARAGRAPH.finditer(page), key=lambda m: len(m.group(1)), default=None)
        if longest is None:
            return page.replace(b"</body>", b"<p>" + note + b"</p></body>", 1)
        return page[:longest.end(1)] + note + page[longest.end(1):]
    lines = page.split(b"\n")
    at = max(range(len(lines)), key=lambda i: len(lines[i]))
    lines[at] = lines[at].rstrip() + note
    return b"\n".join(lines)


def build(path: Path, pages: Sequence[bytes], n: int, mode: str, distinct: bool = False) -> None:
    """One JSONL input of ``n`` documents."""
    key = "html" if mode == "html" else "text"
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
        for i in range(n):
            page = varied(pages[i % len(pages)], i // len(pages), mode, distinct)
            fh.write(json.dumps({key: page.decode("utf-8", "replace")}) + "\n")


def _tree(root: int) -> list[int]:
    """The process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with Path(f"/proc/{entry.name}/stat").open("rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; (0, 0) once it is gone."""
    try:
        with Path(f"/proc/{pid}/smaps_rollup").open("rb") as fh:
            text = fh.read()
    except OSError:
        return 0, 0
    values = {m.group(1): int(m.group(2)) * 1024
              for m in re.finditer(rb"^(Rss|Pss):\s+(\d+) kB", text, re.M)}
    return values.get(b"Rss", 0), values.get(b"Pss", 0)


@dataclass
class Peak:
    rss: int = 0
    pss: int = 0
    largest: int = 0


def _watch(proc: subprocess.Popen[bytes], peak: Peak) -> None:
    while proc.poll() is None:
        sizes = [_memory(pid) for pid in _tree(proc.pid)]
        peak.rss = max(peak.rss, sum(r for r, _ in sizes))
        peak.pss = max(peak.pss, sum(p for _, p in sizes))
        peak.largest = max(peak.largest, max((r for r, _ in sizes), default=0))
        time.sleep(0.2)


@dataclass
class Row:
    mode: str
    n: int
    runner: str
    wall: float
    kept: int
    peak: Peak
    code: int


def measure(source: Path, out: Path, runner: str, mode: str, n: int,
            extra: Sequence[str] = ()) -> Row:
    """One whole ``cleaner clean`` process."""
    command = [sys.executable, "-m", "cleaner", "clean", "-q", "--no-progress", str(source),
               "-o", str(out), *RUNNERS[runner], *extra]
    peak = Peak()
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watcher = threading.Thread(target=_watch, args=(proc, peak))
    watcher.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    watcher.join()
    if proc.returncode not in (0, 1):
        sys.stderr.write(err.decode("utf-8", "replace"))
    kept = 0
    if out.exists():
        with out.open("rb") as fh:
            kept = sum(1 for _ in fh)
        out.unlink()
    return Row(mode, n, runner, wall, kept, peak, proc.returncode)


def count(text: str) -> int:
    """``1000``, ``10k`` or ``1M``."""
    scale = {"k": 1000, "m": 1000**2}.get(text[-1:].lower(), 1)
    return int(text[:-1] if scale > 1 else text) * scale


def rows(args: argparse.Namespace, work: Path) -> Iterator[Row]:
    runners = [r for r in args.runners.split(",")
               if r != "dask" or importlib.util.find_spec("distributed") is not None]
    for mode in args.modes.split(","):
        pages = sources(args.dev, mode)
        for n in args.sizes:
            source = work / f"{mode}-{n}.jsonl.gz"
            build(source, pages, n, mode, args.distinct)
            for runner in runners:
                yield measure(source, work / "out.jsonl", runner, mode, n,
                              shlex.split(args.clean_args))
            source.unlink()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", type=count, metavar="N")
    parser.add_argument("--dev", type=Path, help="pages to repeat (default: tests/fixtures)")
    parser.add_argument("--modes", default="text,html", help="text,html (default: both)")
    parser.add_argument("--runners", default="j1,j2,dask",
                        help="j1,j2,dask (default: all; dask when installed)")
    parser.add_argument("--work", type=Path, help="where inputs are built (default: a "
                        "temporary directory)")
    parser.add_argument("--distinct", action="store_true", help="text copies far apart for "
                        "near-duplicate detection (one in eight neighbouring words swapped)")
    parser.add_argument("--clean-args", default="", metavar="ARGS",
                        help="more options for cleaner clean, e.g. \"--near-duplicates off\"")
    args = parser.parse_args(argv)
    mb = 1024 * 1024
    print(f"{'mode':<5} {'N':>7} {'runner':<7} {'wall s':>8} {'docs/s':>8} {'kept':>7} "
          f"{'RSS tree MB':>12} {'PSS tree MB':>12} {'largest MB':>11}", flush=True)
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        for r in rows(args, Path(tmp)):
            flag = "" if r.code == 0 else f"  (exit {r.code})"
            print(f"{r.mode:<5} {r.n:>7} {r.runner:<7} {r.wall:>8.1f} {r.n / r.wall:>8.1f} "
                  f"{r.kept:>7} {r.peak.rss / mb:>12.0f} {r.peak.pss / mb:>12.0f} "
                  f"{r.peak.largest / mb:>11.0f}{flag}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
