"""Speed and memory of cleaner against trafilatura alone, on the same inputs in the same run.

usage: python benchmarks/speed.py DIR [--repeat N]

DIR is walked for ``*.html`` pages and ``*.txt`` text scrapes (e.g. the scrapinghub development
set, or examples/). Each system runs in a fresh process, so that its peak memory (max RSS) is its
own; time excludes start-up and imports. Wall time (ms/doc) and CPU time (user + system, which a
busy machine disturbs less) are both printed; the ratios are of CPU time, against trafilatura
alone and trafilatura with metadata measured in the same run. Then the targets of a cleaner
worker (issue 9: HTML at most 1.1x trafilatura with metadata, peak RSS at most trafilatura's
+ 50 MB, text scrapes at least 300 docs/s), and where cleaner's time goes, step by step.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def _trafilatura_alone(pages: list[bytes]) -> None:
    import trafilatura

    for page in pages:
        trafilatura.extract(page, include_comments=False)


def _trafilatura_metadata(pages: list[bytes]) -> None:
    import trafilatura

    for page in pages:
        trafilatura.bare_extraction(page, include_comments=False, with_metadata=True)


def _readability(pages: list[bytes]) -> None:
    """The ensemble's second extractor alone (cleaner runs it inside its extract step), with
    the parse it needs."""
    from cleaner.steps.ensemble import readability_blocks
    from cleaner.steps.extract import parse_html

    for page in pages:
        tree = parse_html(page.decode("utf-8", "replace"))
        if tree is not None:
            readability_blocks(tree)


def _cleaner(kind: str) -> Callable[[list[bytes]], dict[str, float]]:
    def run(pages: list[bytes]) -> dict[str, float]:
        from cleaner.model import RawDoc, Source
        from cleaner.ruleset import load_rules
        from cleaner.run.pipeline import Summary, build_steps
        from cleaner.run.pipeline import run as run_pipeline

        steps = build_steps(load_rules(), None)
        summary = Summary()
        raws = (RawDoc(p, Source(f"{i}"), kind=kind) for i, p in enumerate(pages))  # type: ignore[arg-type]
        for _ in run_pipeline(raws, steps, summary, keep_duplicates=True):
            pass
        return summary.seconds_by_step

    return run


SYSTEMS: dict[str, tuple[str, Callable[[list[bytes]], object]]] = {
    "trafilatura alone": ("html", _trafilatura_alone),
    "trafilatura + metadata": ("html", _trafilatura_metadata),
    "readability (ensemble's)": ("html", _readability),
    "cleaner, HTML": ("html", _cleaner("html")),
    "cleaner, text scrapes": ("txt", _cleaner("text")),
}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(name: str, pages: list[bytes], repeat: int, conn: object) -> None:
    fn = SYSTEMS[name][1]
    fn(pages[:3])  # warm up: imports, rule loading, langdetect profiles
    t0, c0 = time.perf_counter(), _cpu()
    steps: object = None
    for _ in range(repeat):
        steps = fn(pages)
    seconds = (time.perf_counter() - t0) / repeat
    cpu = (_cpu() - c0) / repeat
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    conn.send((seconds, cpu, rss_mb, steps))  # type: ignore[attr-defined]


def measure(name: str, pages: list[bytes], repeat: int) -> tuple[float, float, float, object]:
    """Wall and CPU seconds per pass, peak RSS (MB) and per-step seconds, from a fresh
    process."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_child, args=(name, pages, repeat, child))
    proc.start()
    result = parent.recv()
    proc.join()
    return result  # type: ignore[no-any-return]


def _targets(cpu_ms: dict[str, float], rss_mb: dict[str, float]) -> None:
    """Each target of a cleaner worker, what was measured, and whether it is met."""
    rows = []
    meta, html = cpu_ms.get("trafilatura + metadata"), cpu_ms.get("cleaner, HTML")
    if meta and html:
        rows.append(("HTML CPU per page, x trafilatura + metadata", "<= 1.10", html / meta,
                     html / meta <= 1.1))
    alone_rss, html_rss = rss_mb.get("trafilatura alone"), rss_mb.get("cleaner, HTML")
    if alone_rss and html_rss:
        rows.append(("HTML peak RSS, MB over trafilatura's", "<= 50", html_rss - alone_rss,
                     html_rss - alone_rss <= 50))
    text = cpu_ms.get("cleaner, text scrapes")
    if text:
        rows.append(("text scrapes per CPU second", ">= 300", 1000 / text, 1000 / text >= 300))
    if rows:
        print("\ntargets")
    for what, target, value, met in rows:
        print(f"  {what:<46}{target:>9}{value:10.2f}  {'met' if met else 'NOT met'}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", type=Path)
    ap.add_argument("--repeat", type=int, default=1, help="passes over the inputs (default 1)")
    args = ap.parse_args(argv)
    files = {"html": sorted(args.dir.rglob("*.html")),
             "txt": sorted(p for p in args.dir.rglob("*.txt") if not p.name.endswith(".truth.txt"))}
    inputs = {k: [p.read_bytes() for p in v] for k, v in files.items()}
    print(f"{args.dir}: {len(inputs['html'])} HTML pages "
          f"({sum(map(len, inputs['html'])) / 1e6:.1f} MB), {len(inputs['txt'])} text scrapes; "
          f"Python {sys.version.split()[0]}, 1 process")
    print(f"{'system':<24}{'docs':>6}{'ms/doc':>9}{'CPU ms/doc':>12}{'CPU docs/s':>12}"
          f"{'x trafilatura':>15}{'x traf+meta':>13}{'max RSS MB':>12}")
    cpu_ms: dict[str, float] = {}
    rss_mb: dict[str, float] = {}
    breakdown: dict[str, dict[str, float]] = {}
    for name, (kind, _) in SYSTEMS.items():
        pages = inputs[kind]
        if not pages:
            continue
        seconds, cpu, rss, steps = measure(name, pages, args.repeat)
        cpu_ms[name], rss_mb[name] = 1000 * cpu / len(pages), rss
        ratios = [f"{cpu_ms[name] / cpu_ms[b]:.2f}" if b in cpu_ms else "-"
                  for b in ("trafilatura alone", "trafilatura + metadata")]
        print(f"{name:<24}{len(pages):>6}{1000 * seconds / len(pages):9.2f}{cpu_ms[name]:12.2f}"
              f"{1000 / cpu_ms[name]:12.1f}{ratios[0]:>15}{ratios[1]:>13}{rss:12.0f}")
        if isinstance(steps, dict):
            breakdown[name] = {k: v / len(pages) for k, v in steps.items()}
    _targets(cpu_ms, rss_mb)
    for name, steps in breakdown.items():
        print(f"\n{name}: ms per document by step")
        for step, sec in sorted(steps.items(), key=lambda kv: -kv[1]):
            print(f"  {step:<12}{1000 * sec:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
