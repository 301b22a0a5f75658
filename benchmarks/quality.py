"""Extraction quality on a directory laid out like the scrapinghub article-extraction benchmark.

usage: python benchmarks/quality.py DIR [--save-predictions OUT] [--per-doc CSV]

DIR holds ``manifest.jsonl`` (``id``, ``url`` per page) and per page ``<id>.html``,
``<id>.scrape.txt`` (a naive plain-text scrape) and ``<id>.truth.txt`` (the true article body).
Prints one table: cleaner in text mode (on the scrapes) and in HTML mode (on the pages), next to
the uncleaned scrape and trafilatura alone on the same pages, all in the same run.

Metric (the benchmark's own): tokens are ``\\w+``; units are bags of 4-token shingles;
per document P = tp/(tp+fp), R = tp/(tp+fn); P and R are means over documents (an empty
prediction counts for recall only); F1 = 2PR/(P+R). The page's URL is passed as ``--manifest``
would.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura

from cleaner.model import Doc, RawDoc, Source
from cleaner.ruleset import load_rules
from cleaner.run.pipeline import build_steps, clean_one

_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Bag of n-token shingles; a text shorter than n tokens is one shingle."""
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))
                   if tokens[i:i + n])


def prf(truth: str, pred: str) -> tuple[float | None, float | None]:
    """Per-document precision and recall (None where the benchmark leaves a document out)."""
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    fp, fn = sum(p.values()) - tp, sum(t.values()) - tp
    precision = None if tp + fp == 0 else (1.0 if fp == fn == 0 else tp / (tp + fp))
    recall = None if tp + fn == 0 else (1.0 if fp == fn == 0 else tp / (tp + fn))
    return precision, recall


@dataclass
class Row:
    """Scores of one system over the set."""

    name: str
    precisions: list[float]
    recalls: list[float]
    empty: int
    seconds: float
    scored: list[tuple[Case, float | None, float | None]] = field(default_factory=list)

    def subset(self, keep: Callable[[Case], bool]) -> Row:
        """The same system's scores over the pages ``keep`` selects."""
        rows = [(c, p, r) for c, p, r in self.scored if keep(c)]
        return Row(self.name, [p for _, p, _ in rows if p is not None],
                   [r for _, _, r in rows if r is not None], 0, 0.0)

    @property
    def p(self) -> float:
        return sum(self.precisions) / len(self.precisions) if self.precisions else 0.0

    @property
    def r(self) -> float:
        return sum(self.recalls) / len(self.recalls) if self.recalls else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


@dataclass(frozen=True)
class Case:
    """One page of the set."""

    id: str
    url: str | None
    dir: Path
    lang: str | None = None

    def read(self, suffix: str) -> bytes:
        return (self.dir / f"{self.id}{suffix}").read_bytes()


def load_cases(root: Path) -> list[Case]:
    """Pages listed in the manifest."""
    cases = []
    for line in (root / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            cases.append(Case(rec["id"], rec.get("url"), root, rec.get("lang")))
    return cases


# Rule directories added to the bundled rules (--rules DIR), as ``cleaner clean --rules`` adds them.
RULE_DIRS: list[Path] = []


def cleaner_system(kind: str, suffix: str) -> Callable[[Case], str]:
    """cleaner on one input kind, as ``cleaner clean --manifest`` would run it."""
    steps = build_steps(load_rules(RULE_DIRS), None)

    def predict(case: Case) -> str:
        raw = RawDoc(case.read(suffix), Source(f"{case.id}{suffix}"), kind=kind,  # type: ignore[arg-type]
                     url=case.url, url_from="manifest")
        out = clean_one(raw, steps)
        return out.text if isinstance(out, Doc) else ""

    return predict


def cleaner_learning() -> Callable[[Case], str]:
    """cleaner in HTML mode with the profiles learned from the whole set first (sites, and
    themes of small sites), as ``cleaner clean DIR --manifest`` learns them; then page by page."""
    from cleaner.learn.sites import learn_profiles
    from cleaner.run.runners import LocalRunner

    built: list[Any] = []  # the steps, with the profiles learned from the first page's set

    def predict(case: Case) -> str:
        if not built:
            rules = load_rules(RULE_DIRS)
            cases = load_cases(case.dir)
            profiles = learn_profiles(
                lambda: (RawDoc(c.read(".html"), Source(f"{c.id}.html"), kind="html", url=c.url,
                                url_from="manifest") for c in cases),
                rules, lambda steps: LocalRunner(steps, 1))
            print(f"learned: {'; '.join(profiles.report) or 'nothing'}", file=sys.stderr)
            built.append(build_steps(profiles.add_to(rules), None))
        raw = RawDoc(case.read(".html"), Source(f"{case.id}.html"), kind="html", url=case.url,
                     url_from="manifest")
        out = clean_one(raw, built[0])
        return out.text if isinstance(out, Doc) else ""

    return predict


def trafilatura_alone(case: Case) -> str:
    """trafilatura 'as is' with comments off, on the same page bytes."""
    return trafilatura.extract(case.read(".html"), url=case.url, include_comments=False) or ""


def scrape_as_is(case: Case) -> str:
    return case.read(".scrape.txt").decode("utf-8", "replace")


SYSTEMS: dict[str, Callable[[], Callable[[Case], str]]] = {
    "scrape, uncleaned": lambda: scrape_as_is,
    "cleaner, text mode": lambda: cleaner_system("text", ".scrape.txt"),
    "trafilatura alone (HTML)": lambda: trafilatura_alone,
    "cleaner, HTML mode": lambda: cleaner_system("html", ".html"),
    "cleaner, HTML mode, learning": cleaner_learning,
}


def score(name: str, predict: Callable[[Case], str], cases: Sequence[Case],
          save: Path | None, per_doc: list[dict[str, object]]) -> Row:
    row = Row(name, [], [], 0, 0.0)
    for case in cases:
        t0 = time.perf_counter()
        pred = predict(case)
        row.seconds += time.perf_counter() - t0
        truth = case.read(".truth.txt").decode("utf-8")
        p, r = prf(truth, pred)
        if p is not None:
            row.precisions.append(p)
        if r is not None:
            row.recalls.append(r)
        row.empty += not _TOKEN.search(pred)
        row.scored.append((case, p, r))
        per_doc.append({"system": name, "id": case.id, "P": p, "R": r})
        if save:
            out = save / re.sub(r"\W+", "_", name).strip("_") / "scrapinghub" / f"{case.id}.txt"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(pred, encoding="utf-8")
    return row


# Subsets: pages not in English (by the manifest's lang), and the two halves by id, so that what
# was tuned on one half can be reported on the other.
SUBSETS: dict[str, Callable[[Case], bool]] = {
    "non-en": lambda c: c.lang is not None and c.lang != "en",
    "ids 0-7": lambda c: c.id[:1] in "01234567",
    "ids 8-f": lambda c: c.id[:1] not in "01234567",
}


def _print_subsets(rows: Sequence[Row], cases: Sequence[Case]) -> None:
    counts = "  ".join(f"{name} ({sum(map(keep, cases))})" for name, keep in SUBSETS.items())
    print(f"\nF1 by subset: {counts}")
    print(f"{'system':<28}" + "".join(f"{name:>9}" for name in SUBSETS))
    for row in rows:
        print(f"{row.name:<28}" + "".join(f"{row.subset(keep).f1:9.3f}"
                                          for keep in SUBSETS.values()))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", type=Path, help="directory with manifest.jsonl and the pages")
    ap.add_argument("--save-predictions", type=Path, metavar="OUT",
                    help="write each system's predictions under OUT/<system>/scrapinghub/")
    ap.add_argument("--per-doc", type=Path, metavar="CSV", help="per-document P/R as CSV")
    ap.add_argument("--only", nargs="*", choices=list(SYSTEMS), help="run only these systems")
    ap.add_argument("--rules", action="append", type=Path, default=[], metavar="DIR",
                    help="rule files to add to the bundled ones (repeatable), as cleaner clean's")
    args = ap.parse_args(argv)
    if not (args.dir / "manifest.jsonl").is_file():
        print(f"quality: {args.dir}: no manifest.jsonl here", file=sys.stderr)
        return 2
    cases = load_cases(args.dir)
    RULE_DIRS[:] = args.rules
    per_doc: list[dict[str, object]] = []
    print(f"{len(cases)} pages from {args.dir}")
    print(f"{'system':<28}{'P':>7}{'R':>7}{'F1':>7}{'empty':>7}{'ms/page':>9}")
    rows = []
    for name in args.only or SYSTEMS:
        row = score(name, SYSTEMS[name](), cases, args.save_predictions, per_doc)
        rows.append(row)
        print(f"{row.name:<28}{row.p:7.3f}{row.r:7.3f}{row.f1:7.3f}{row.empty:7d}"
              f"{1000 * row.seconds / len(cases):9.1f}", flush=True)
    _print_subsets(rows, cases)
    if args.per_doc:
        with args.per_doc.open("w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["system", "id", "P", "R"])
            w.writeheader()
            w.writerows(per_doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
