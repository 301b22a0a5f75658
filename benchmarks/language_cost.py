"""What the language step costs: once per process, and per document.

usage: python benchmarks/language_cost.py DIR [--repeat N]

DIR is walked for ``*.html`` pages and ``*.txt`` text scrapes (``*.truth.txt`` left out), as
benchmarks/speed.py does. The pages are cleaned once up to the language step; then the step alone
runs over those documents N times (default 5) and the fastest pass is reported, in CPU time of
this process (other processes on the machine move wall-clock time, not this). The one-off costs
(langdetect's profiles, jusText's stoplists and the index of all of them) are timed first, in
this fresh process, before any document is judged.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cleaner.model import Doc


def one_off() -> list[tuple[str, float]]:
    """Seconds of each first-call cost, in the order a document meets them."""
    from cleaner.steps import language

    costs = []
    for what, load in (
        # What a document's first detection loads: the compact profiles with the pinned
        # langdetect, langdetect's own factory with any other release.
        ("langdetect profiles",
         lambda: language._Detector.ngrams() or language._Detector.factory()),
        ("one stoplist (en)", lambda: language.stoplist("en")),
        ("all stoplists, indexed", language._stopword_index),
        ("scripts of the stoplists", language._stoplist_scripts),
    ):
        t0 = time.perf_counter()
        load()
        costs.append((what, time.perf_counter() - t0))
    return costs


def step_inputs(paths: Sequence[Path], kind: str) -> list[Doc]:
    """The documents as the language step receives them."""
    from cleaner.model import Doc, RawDoc, Source
    from cleaner.ruleset import load_rules
    from cleaner.run.pipeline import build_steps, clean_one
    from cleaner.steps.language import LanguageFilter

    steps = build_steps(load_rules(), None, 0)
    cut = next(i for i, s in enumerate(steps) if isinstance(s, LanguageFilter))
    docs = []
    for path in paths:
        raw = RawDoc(path.read_bytes(), Source(str(path)), kind=kind)  # type: ignore[arg-type]
        result = clean_one(raw, steps[:cut])
        if isinstance(result, Doc):
            docs.append(result)
    return docs


def per_document(docs: Sequence[Doc], repeat: int) -> tuple[float, float]:
    """Fastest and median CPU seconds per document over ``repeat`` passes."""
    from cleaner.steps.language import LanguageFilter

    step = LanguageFilter()
    passes = []
    for _ in range(repeat):
        t0 = time.process_time()
        for doc in docs:
            step.apply(doc)
        passes.append((time.process_time() - t0) / len(docs))
    passes.sort()
    return passes[0], passes[len(passes) // 2]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", type=Path)
    ap.add_argument("--repeat", type=int, default=5, help="passes over the documents (default 5)")
    args = ap.parse_args(argv)
    print(f"{args.dir}; Python {sys.version.split()[0]}, 1 process")
    print("once per process (ms):")
    for what, seconds in one_off():
        print(f"  {what:<28}{1000 * seconds:8.0f}")
    texts = (p for p in args.dir.rglob("*.txt") if not p.name.endswith(".truth.txt"))
    files = {"html": sorted(args.dir.rglob("*.html")), "text": sorted(texts)}
    print(f"per document (ms of CPU, fastest and median of {args.repeat} passes):")
    print(f"  {'input':<10}{'docs':>6}{'fastest':>10}{'median':>10}")
    for kind, paths in files.items():
        docs = step_inputs(paths, kind)
        if docs:
            fastest, median = per_document(docs, args.repeat)
            print(f"  {kind:<10}{len(docs):>6}{1000 * fastest:10.2f}{1000 * median:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
