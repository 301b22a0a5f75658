"""Cruft left and article lost, per site, on a set of many pages of each of several real sites.

usage: python benchmarks/profiles.py DIR [--only SYSTEM ...] [--half tune|report] [--text]
       [--cleaner-arg ARG ...] [--per-page CSV] [--jobs N]

DIR is laid out by ``benchmarks/sites/fetch.py``: ``manifest.jsonl`` (``id``, ``path``, ``url``,
``site`` per page) and per page ``<site>/<n>.html`` and ``<site>/<n>.truth.txt``. Each system's
output for each page is compared with the page's truth, line by line (benchmarks/sites/match.py):

- lost: truth lines missing from the output (a truth line is kept when more than half of its
  normalised words appear, in order, in the output); the article must lose ~0;
- cruft: output lines that match no truth line (more than half of their words unmatched);
- F1: the dev set's metric (benchmarks/quality.py: 4-token shingles, P and R averaged per page).

Columns are per page, averaged over a site's pages; "lost %" is lost lines over truth lines.
Systems: the page's whole text ("page, uncleaned": the cruft there is to remove), trafilatura
alone, and ``cleaner clean`` run once over the whole set as a user would run it (HTML mode,
the URLs and sites from the manifest via --manifest, --keep-duplicates so every page has an
output). When ``cleaner clean --help`` lists ``--no-learn``, cleaner runs twice, with and without
learned site profiles. Sites fall in two halves by a hash of their name (``tune`` and
``report``), printed apart: tune a learner on one half, report it on the other.

With ``--text`` the systems are text mode's: each page's naive text scrape ``<site>/<n>.scrape.txt``
(written by ``benchmarks/sites/scrape.py``) as it is ("scrape, uncleaned") and cleaned by
``cleaner clean`` ("cleaner, text mode"; --cleaner-arg=--no-learn for the classifier alone).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "sites")]

from match import score_lines  # noqa: E402
from quality import prf  # noqa: E402
from truth import page_to_lines  # noqa: E402

CLEANER = [sys.executable, "-m", "cleaner"]


@dataclass(frozen=True)
class Page:
    """One page of the set."""

    id: str
    path: str
    url: str | None
    site: str


def load_pages(root: Path) -> list[Page]:
    """The pages listed in ``root/manifest.jsonl``."""
    pages = []
    for line in (root / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            pages.append(Page(rec["id"], rec["path"], rec.get("url"), rec["site"]))
    return pages


def half(site: str) -> str:
    """The half a site falls in, by a hash of its name: 'tune' or 'report'."""
    return "tune" if hashlib.sha256(site.encode("utf-8")).digest()[0] % 2 == 0 else "report"


@dataclass
class PageScore:
    """One system's output on one page, scored."""

    truth_lines: int
    lost: int
    cruft: int
    precision: float | None
    recall: float | None


def score_page(truth: str, output: str) -> PageScore:
    """Lines lost and cruft left by ``output``, and the dev-set P and R."""
    lines = score_lines(truth, output)
    p, r = prf(truth, output)
    return PageScore(lines.truth_lines, lines.lost, lines.cruft, p, r)


@dataclass
class Summary:
    """Scores of one system over some pages: means per page."""

    scores: list[PageScore] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return len(self.scores)

    def mean(self, get: Callable[[PageScore], float]) -> float:
        return sum(map(get, self.scores)) / len(self.scores) if self.scores else 0.0

    @property
    def lost_share(self) -> float:
        truth = sum(s.truth_lines for s in self.scores)
        return sum(s.lost for s in self.scores) / truth if truth else 0.0

    @property
    def f1(self) -> float:
        ps = [s.precision for s in self.scores if s.precision is not None]
        rs = [s.recall for s in self.scores if s.recall is not None]
        p = sum(ps) / len(ps) if ps else 0.0
        r = sum(rs) / len(rs) if rs else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


Outputs = dict[str, str]  # page id -> output text


def page_as_is(root: Path, pages: Sequence[Page]) -> Outputs:
    """The whole text of each page: every line of the template is there."""
    return {p.id: "\n".join(page_to_lines((root / p.path).read_bytes())) for p in pages}


def trafilatura_alone(root: Path, pages: Sequence[Page]) -> Outputs:
    """trafilatura 'as is' with comments off, as benchmarks/quality.py runs it."""
    import trafilatura

    return {p.id: trafilatura.extract((root / p.path).read_bytes(), url=p.url,
                                      include_comments=False) or "" for p in pages}


def cleaner_help() -> str:
    proc = subprocess.run([*CLEANER, "clean", "--help"], capture_output=True, text=True,
                          check=False)
    return proc.stdout


SCRAPE = ".scrape.txt"


def scrape_as_is(root: Path, pages: Sequence[Page]) -> Outputs:
    """The naive text scrape of each page (benchmarks/sites/scrape.py), as it is."""
    return {p.id: (root / p.path).with_suffix(SCRAPE).read_text("utf-8") for p in pages}


def cleaner_run(extra: Sequence[str], jobs: int,
                suffix: str = "") -> Callable[[Path, Sequence[Page]], Outputs]:
    """``cleaner clean`` over all the pages in one run, from ``root``, with the manifest;
    with ``suffix`` (``.scrape.txt``), over the files beside the pages with that suffix."""

    def run(root: Path, pages: Sequence[Page]) -> Outputs:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out.jsonl"
            manifest = Path(tmp) / "manifest.jsonl"
            paths = {p.id: str(Path(p.path).with_suffix(suffix)) if suffix else p.path
                     for p in pages}
            manifest.write_text("".join(json.dumps({"path": paths[p.id], "url": p.url,
                                                    "site": p.site}) + "\n" for p in pages),
                                encoding="utf-8")
            args = [*CLEANER, "clean", "--manifest", str(manifest), "--keep-duplicates",
                    "-q", "-j", str(jobs), "-o", str(out), *extra, *paths.values()]
            proc = subprocess.run(args, cwd=root, capture_output=True, text=True, check=False)
            if proc.returncode not in (0, 1) or not out.exists():
                raise SystemExit(f"profiles: cleaner failed ({proc.returncode}): "
                                 f"{proc.stderr.strip()[-2000:]}")
            by_path = {paths[p.id]: p.id for p in pages}
            outputs: Outputs = {}
            with out.open(encoding="utf-8") as fh:
                for line in fh:
                    rec = json.loads(line)
                    page_id = by_path.get(rec["source"]["path"])
                    if page_id is not None:
                        outputs[page_id] = rec.get("text") or ""
            return outputs

    return run


def systems(jobs: int, extra: Sequence[str] = (),
            text: bool = False) -> dict[str, Callable[[Path, Sequence[Page]], Outputs]]:
    """The systems to compare; the learning rows appear when cleaner has --no-learn; with
    ``text``, text mode's systems on the pages' scrapes."""
    if text:
        return {"scrape, uncleaned": scrape_as_is,
                "cleaner, text mode": cleaner_run(list(extra), jobs, SCRAPE)}
    found: dict[str, Callable[[Path, Sequence[Page]], Outputs]] = {
        "page, uncleaned": page_as_is,
        "trafilatura alone": trafilatura_alone,
    }
    if "--no-learn" in cleaner_help():
        found["cleaner, no learning"] = cleaner_run(["--no-learn", *extra], jobs)
        found["cleaner, learning"] = cleaner_run(list(extra), jobs)
    else:
        found["cleaner clean"] = cleaner_run(list(extra), jobs)
    return found


def _cells(summary: Summary) -> str:
    return (f"{summary.mean(lambda s: s.lost):6.1f}{100 * summary.lost_share:6.1f}"
            f"{summary.mean(lambda s: s.cruft):6.1f}{summary.f1:6.3f}")


def print_table(pages: Sequence[Page], results: dict[str, dict[str, PageScore]]) -> None:
    """One table: a row per site (by half), then each half and all; a column group per system."""
    names = list(results)
    print(f"{'':<34}" + "".join(f"{n[:24]:>24}" for n in names))
    print(f"{'site':<28}{'pages':>6}" + "  lost lost%  cruft    F1" * len(names))
    by_site: dict[str, list[Page]] = {}
    for p in pages:
        by_site.setdefault(p.site, []).append(p)
    for which in ("tune", "report"):
        sites = sorted(s for s in by_site if half(s) == which)
        if not sites:
            continue
        print(f"-- {which} half: {len(sites)} sites")
        for site in sites:
            print(_row(site[:27], by_site[site], names, results))
        print(_row(f"{which} half", [p for s in sites for p in by_site[s]], names, results))
    print(_row("all", list(pages), names, results))


def _row(label: str, pages: Sequence[Page], names: Sequence[str],
         results: dict[str, dict[str, PageScore]]) -> str:
    cells = "".join(_cells(Summary([results[n][p.id] for p in pages])) for n in names)
    return f"{label:<28}{len(pages):>6}{cells}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", type=Path, help="directory laid out by benchmarks/sites/fetch.py")
    ap.add_argument("--only", nargs="*", metavar="SYSTEM", help="run only these systems")
    ap.add_argument("--per-page", type=Path, metavar="CSV", help="per-page scores as CSV")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="cleaner's worker processes (default: one per core)")
    ap.add_argument("--half", choices=("tune", "report"),
                    help="only the sites of this half (cleaner then runs on them alone)")
    ap.add_argument("--cleaner-arg", action="append", default=[], metavar="ARG",
                    help="pass ARG to every cleaner run (repeatable), e.g. "
                         "--cleaner-arg=--learn-min-pages=3")
    ap.add_argument("--text", action="store_true",
                    help="text mode: the pages' naive scrapes (benchmarks/sites/scrape.py)")
    args = ap.parse_args(argv)
    if not (args.dir / "manifest.jsonl").is_file():
        print(f"profiles: {args.dir}: no manifest.jsonl here; lay the set out with "
              "benchmarks/sites/fetch.py", file=sys.stderr)
        return 2
    pages = [p for p in load_pages(args.dir) if args.half in (None, half(p.site))]
    found = systems(args.jobs, args.cleaner_arg, args.text)
    chosen = args.only or list(found)
    unknown = [n for n in chosen if n not in found]
    if unknown:
        print(f"profiles: unknown system {', '.join(unknown)}; known: {', '.join(found)}",
              file=sys.stderr)
        return 2
    truths = {p.id: (args.dir / Path(p.path).with_suffix(".truth.txt")).read_text("utf-8")
              for p in pages}
    results: dict[str, dict[str, PageScore]] = {}
    for name in chosen:
        t0 = time.perf_counter()
        outputs = found[name](args.dir, pages)
        results[name] = {p.id: score_page(truths[p.id], outputs.get(p.id, "")) for p in pages}
        print(f"{name}: {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    print(f"{len(pages)} pages of {len({p.site for p in pages})} sites from {args.dir}")
    print_table(pages, results)
    if args.per_page:
        with args.per_page.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["system", "id", "site", "truth_lines", "lost", "cruft", "P", "R"])
            w.writerows([name, p.id, p.site, s.truth_lines, s.lost, s.cruft, s.precision,
                         s.recall] for name, by_id in results.items()
                        for p in pages for s in [by_id[p.id]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
