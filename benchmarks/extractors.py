"""Main-text extractors side by side, and the oracle of each pair, on a scrapinghub-like directory.

usage: python benchmarks/extractors.py DIR [--only NAME ...] [--pairs NAME ...]

DIR holds ``manifest.jsonl`` and per page ``<id>.html`` and ``<id>.truth.txt`` (as
``benchmarks/quality.py`` reads them; its metric is the one used here). For each extractor: P, R,
F1 and CPU ms per page, on the whole set and on its two halves by id (first hex digit 0-7, the
half an ensemble may be tuned on, and 8-f, the half it is reported on). Then, per half, the
oracle of each pair: per page the better of the two (by that page's F1), which bounds what an
ensemble of the two can reach. Extractors whose package is not installed are left out with a note
(readability-lxml and boilerpy3 are candidates only, not dependencies).

Every extractor gets the page as cleaner parses it (``cleaner.steps.extract.parse_html``) and the
manifest's URL; only the extraction is timed.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura
from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import SUBSETS, Case, load_cases, prf

from cleaner.model import Block
from cleaner.steps import boilerplate
from cleaner.steps.ensemble import block_texts
from cleaner.steps.extract import extract_html, parse_html

Extractor = Callable[[Any, str | None], str]


def _trafilatura(**options: Any) -> Extractor:
    def run(tree: Any, url: str | None) -> str:
        found = trafilatura.bare_extraction(tree, url=url, include_comments=False, **options)
        return (found.text or "") if found is not None else ""
    return run


def _cleaner_extract(ensemble: bool) -> Extractor:
    """cleaner's extraction alone (no site rules, no language step), with or without the
    ensemble."""
    def run(tree: Any, url: str | None) -> str:
        found = extract_html(tree, tree, url, {}, ensemble=ensemble)
        return "\n".join(b.text for b in found.blocks)
    return run


def _summary_text(summary: str) -> str:
    return "\n".join(block_texts(lxml_html.fromstring(summary))) if summary.strip() else ""


def _readability_fork(tree: Any, url: str | None) -> str:
    """The readability-lxml fork trafilatura ships (what its fallback runs)."""
    from trafilatura.readability_lxml import Document

    return _summary_text(Document(tree, min_text_length=25).summary())


def _readability_lxml(tree: Any, url: str | None) -> str:
    from readability import Document

    return _summary_text(Document(lxml_html.tostring(tree, encoding="unicode")).summary())


def _baseline(tree: Any, url: str | None) -> str:
    return str(trafilatura.baseline(tree)[1])


def _justext(tree: Any, url: str | None) -> str:
    import justext

    blocks = [Block(t) for t in block_texts(tree)]
    stoplist = boilerplate.guess_stoplist(blocks) or justext.get_stoplist("English")
    paragraphs = justext.justext(lxml_html.tostring(tree), stoplist)
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def _boilerpy3(tree: Any, url: str | None) -> str:
    from boilerpy3 import extractors

    return str(extractors.ArticleExtractor(raise_on_failure=False).get_content(
        lxml_html.tostring(tree, encoding="unicode")))


EXTRACTORS: dict[str, tuple[str | None, Extractor]] = {
    "trafilatura": (None, _trafilatura()),
    "trafilatura recall": (None, _trafilatura(favor_recall=True)),
    "trafilatura precision": (None, _trafilatura(favor_precision=True)),
    "trafilatura fast": (None, _trafilatura(fast=True)),
    "trafilatura baseline": (None, _baseline),
    "readability (traf. fork)": (None, _readability_fork),
    "readability-lxml": ("readability", _readability_lxml),
    "jusText": (None, _justext),
    "boilerpy3 article": ("boilerpy3", _boilerpy3),
    "cleaner, no ensemble": (None, _cleaner_extract(ensemble=False)),
    "cleaner, ensemble": (None, _cleaner_extract(ensemble=True)),
}


@dataclass
class Scores:
    """One extractor's per-page precision, recall and CPU seconds."""

    name: str
    pages: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _page_f1(pr: tuple[float | None, float | None]) -> float:
    return _f1(pr[0] or 0.0, pr[1] or 0.0)


def summarise(prs: Sequence[tuple[float | None, float | None]]) -> tuple[float, float, float]:
    """P and R as means over pages (None left out, as the benchmark does), and their F1."""
    ps = [p for p, _ in prs if p is not None]
    rs = [r for _, r in prs if r is not None]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return p, r, _f1(p, r)


def run(name: str, fn: Extractor, cases: Sequence[Case],
        trees: dict[str, Any]) -> Scores:
    out = Scores(name)
    for case in cases:
        tree = copy.deepcopy(trees[case.id])
        c0 = time.process_time()
        try:
            pred = fn(tree, case.url) if tree is not None else ""
        except Exception:  # noqa: BLE001 -- an extractor that crashes scores an empty page
            pred = ""
        out.cpu[case.id] = time.process_time() - c0
        out.pages[case.id] = prf(case.read(".truth.txt").decode("utf-8"), pred)
    return out


def _table(scores: Sequence[Scores], halves: dict[str, list[Case]]) -> None:
    print(f"{'extractor':<26}" + "".join(f"{h + ' P/R/F1':>24}" for h in halves)
          + f"{'CPU ms/page':>13}")
    for s in scores:
        cells = []
        for cases in halves.values():
            p, r, f = summarise([s.pages[c.id] for c in cases])
            cells.append(f"{p:8.3f}{r:7.3f}{f:7.3f}  ")
        ms = 1000 * sum(s.cpu.values()) / max(1, len(s.cpu))
        print(f"{s.name:<26}" + "".join(f"{c:>24}" for c in cells) + f"{ms:13.1f}")


def _oracles(scores: Sequence[Scores], halves: dict[str, list[Case]]) -> None:
    print("\noracle of each pair (per page the better by F1): F1 by half")
    print(f"{'pair':<54}" + "".join(f"{h:>10}" for h in halves))
    for a, b in itertools.combinations(scores, 2):
        cells = []
        for cases in halves.values():
            best = [max(a.pages[c.id], b.pages[c.id], key=_page_f1) for c in cases]
            cells.append(summarise(best)[2])
        print(f"{a.name + ' | ' + b.name:<54}" + "".join(f"{v:10.3f}" for v in cells))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", type=Path, help="directory with manifest.jsonl and the pages")
    ap.add_argument("--only", nargs="*", choices=list(EXTRACTORS), help="run only these")
    ap.add_argument("--pairs", nargs="*", choices=list(EXTRACTORS),
                    help="oracles only of pairs among these (default: all that ran)")
    args = ap.parse_args(argv)
    if not (args.dir / "manifest.jsonl").is_file():
        print(f"extractors: {args.dir}: no manifest.jsonl here", file=sys.stderr)
        return 2
    listed = load_cases(args.dir)
    cases = [c for c in listed if all((c.dir / f"{c.id}{suffix}").is_file()
                                      for suffix in (".html", ".truth.txt"))]
    if len(cases) < len(listed):
        print(f"  ({len(listed) - len(cases)} pages of the manifest lack their .html or "
              ".truth.txt; left out)")
    trees = {c.id: parse_html(c.read(".html").decode("utf-8", "replace")) for c in cases}
    halves = {"all": list(cases),
              "ids 0-7": [c for c in cases if SUBSETS["ids 0-7"](c)],
              "ids 8-f": [c for c in cases if SUBSETS["ids 8-f"](c)]}
    print(f"{len(cases)} pages from {args.dir}: "
          + ", ".join(f"{k} {len(v)}" for k, v in halves.items()))
    scores = []
    for name in args.only or EXTRACTORS:
        module, fn = EXTRACTORS[name]
        if module is not None:
            try:
                __import__(module)
            except ImportError:
                print(f"  ({name}: {module} is not installed; left out)")
                continue
        scores.append(run(name, fn, cases, trees))
    _table(scores, halves)
    _oracles([s for s in scores if not args.pairs or s.name in args.pairs], halves)
    return 0


if __name__ == "__main__":
    sys.exit(main())
