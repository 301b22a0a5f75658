"""``cleaner rules learn`` and ``cleaner rules suggest``: rule files learned from many pages of a
site (the analysis is :mod:`cleaner.learn.profile`, which ``cleaner clean`` uses too)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cleaner.config import ConfigError
from cleaner.inputs.manifest import load_manifest
from cleaner.learn.profile import MAX_PAGES, MIN_PAGES, learn, suggest
from cleaner.outputs.atomic import open_temp
from cleaner.ruleset.tools.context import base_rules

SUGGEST_EPILOG = """\
how it decides:
  A line recurs when it is on at least half the pages (at least 2) and has at most 25 words.
  truncate_at     the earliest recurring line after which every page that has it holds only
                  recurring or short lines (footers, headline lists)
  drop_link_list  a recurring heading followed by short link-like lines that vary by page
  drop_line       every other recurring line still left (^...$, escaped); 3+ in a row: one rule
  match           hosts from the pages' URLs (or --host); fingerprints for pages without one
  [[test]]        real pages until every rule removes something in one: a line unique to
                  the page must stay, recurring lines must go
  Lines the existing rules (_default, themes) remove already get no rule.

examples:
  cleaner rules suggest scrapes/example/*.txt -o example.com.toml
  cleaner rules test example.com.toml && cp example.com.toml rules/

exit status: 0 file written and its tests pass, 1 its tests fail, 2 usage error.
"""

LEARN_EPILOG = f"""\
how it decides:
  Pages are grouped by site, the host of their URL (a page without one belongs to no site:
  give such pages to `cleaner rules suggest --host HOST`). A site with at least --min-pages
  pages (default {MIN_PAGES}) gets a rule file learned from its first --max-pages pages
  (default {MAX_PAGES}), as `cleaner rules suggest` learns one (see `cleaner rules suggest -h`):
  a line on at least half of them, of at most 25 words, is the site's template. With 5
  pages a line must be on 3 of them, which a lede shared by two stories is not. Its
  [match] hosts are "=HOST": that host alone (and www.HOST), not its subdomains, whose
  pages it was neither learned from nor tested on.
  Smaller sites of one theme (pages that load the same scripts and stylesheets from their
  own hosts, or text scrapes that share many short lines) are learned together when they
  have --min-pages pages together: DIR/theme-NAME.toml, whose lines must also recur on the
  pages of two of its sites; its hosts are its sites (each "=HOST"), its fingerprints the
  theme's marks (for new sites of the theme).
  Pages whose URL is on localhost or another host no public site has belong to no site.
  Every file is loaded and its tests (real pages) run before it is written; a site whose
  file fails its tests gets no file, and the report says why.

examples:
  cleaner rules learn crawl/ -o learned/
  cleaner rules check learned/ && cleaner clean crawl/ --rules learned/ -o corpus.jsonl

exit status: 0 every learned file written and its tests pass, 1 a site's file failed its
tests (the others are written), 2 usage error.
"""


def add_parsers(cmds: Any) -> None:
    """Add ``learn`` and ``suggest`` to ``cleaner rules``."""
    raw = argparse.RawDescriptionHelpFormatter
    p = cmds.add_parser("learn", help="learn rule files for every site with many pages in a crawl",
                        formatter_class=raw, epilog=LEARN_EPILOG,
                        description="Learn a rule file for each site that has enough pages in "
                        "the inputs (text scrapes, HTML pages, JSONL, WARC): the lines a site's "
                        "pages share are its template. Files go to DIR as HOST.toml (and "
                        "theme-NAME.toml for small sites of one theme); a report "
                        "of what was learned and why goes to stderr.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or directories of pages")
    p.add_argument("-o", "--output", type=Path, metavar="DIR", required=True,
                   help="directory for the rule files (made if missing)")
    p.add_argument("--min-pages", type=_count, default=MIN_PAGES, metavar="N",
                   help=f"learn only sites with at least N pages (default {MIN_PAGES}, "
                   "at least 2)")
    p.add_argument("--max-pages", type=_count, default=MAX_PAGES, metavar="N",
                   help=f"learn from at most the first N pages of a site (default {MAX_PAGES})")
    p.add_argument("--manifest", type=Path, metavar="FILE",
                   help="CSV or JSONL mapping input path to url, as for `cleaner clean` (pages "
                   "built to files carry no URL of their own)")
    _common(p, "overwrite existing files in DIR")
    p = cmds.add_parser("suggest", help="propose a rule file from many scrapes of one site",
                        formatter_class=raw, epilog=SUGGEST_EPILOG,
                        description="Propose a first rule file for a site from many scrapes of "
                        "it (text scrapes, HTML pages, JSONL, WARC): the lines its pages share "
                        "are its boilerplate. A report of what was proposed and why goes to "
                        "stderr.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or directories of pages")
    p.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="write the rule file here (a directory: NAME.toml in it); default stdout")
    p.add_argument("--name", help="rule file name (default: the site's host)")
    p.add_argument("--host", action="append", default=[], metavar="HOST",
                   help="the site's host, when the pages carry no URL (repeatable)")
    _common(p, "overwrite an existing output file")


def _common(p: argparse.ArgumentParser, force: str) -> None:
    p.add_argument("--force", action="store_true", help=force)
    p.add_argument("--rules", action="append", type=Path, metavar="DIR",
                   help="existing rules (default: the bundled rules)")


def _count(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 2:
        raise argparse.ArgumentTypeError(f"{n}: at least 2 pages are needed to compare them")
    return n


def run_suggest(args: argparse.Namespace) -> int:
    """Run ``rules suggest``; returns the exit code."""
    out: Path | None = args.output
    hosts = [h.lower().removeprefix("www.") for h in args.host]
    result = suggest(args.inputs, base_rules(args.rules or ()), args.name, hosts)
    if out is not None and out.is_dir():
        out = out / f"{result.name}.toml"
    if out is not None:
        _check_target(out, args.force)
    for line in result.report:
        print(f"cleaner rules suggest: {line}", file=sys.stderr)
    if out is None:
        sys.stdout.write(result.toml)
    else:
        _write(out, result.toml)
        print(f"cleaner rules suggest: wrote {out}; review it, then `cleaner rules check "
              f"{out}`", file=sys.stderr)
    return 0 if result.passed else 1


def run_learn(args: argparse.Namespace) -> int:
    """Run ``rules learn``; returns the exit code."""
    out: Path = args.output
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out}: not a directory")
    if args.max_pages < args.min_pages:
        raise ConfigError(f"--max-pages {args.max_pages} is below --min-pages {args.min_pages}")
    manifest = load_manifest(args.manifest) if args.manifest else None
    learned = learn(args.inputs, base_rules(args.rules or ()), args.min_pages, args.max_pages,
                    manifest)
    for line in learned.report:
        print(f"cleaner rules learn: {line}", file=sys.stderr)
    targets = [(out / f"{f.name}.toml", f) for f in learned.files if f.passed]
    if not args.force:
        for target, _ in targets:
            if target.exists():
                raise ConfigError(f"{target} exists; use --force to overwrite it (nothing "
                                  "was written)")
    out.mkdir(parents=True, exist_ok=True)
    for target, f in targets:
        _write(target, f.toml)
    failed = [f.name for f in learned.files if not f.passed]
    for name in failed:
        print(f"cleaner rules learn: {name}: its learned file failed its own tests; not written",
              file=sys.stderr)
    print(f"cleaner rules learn: wrote {len(targets)} rule file(s) to {out}"
          + ("; review them, then `cleaner rules check " + str(out) + "`" if targets else ""),
          file=sys.stderr)
    return 1 if failed else 0


def _check_target(out: Path, force: bool) -> None:
    if out.exists() and not force:
        raise ConfigError(f"{out} exists; use --force to overwrite it")
    if not out.parent.is_dir():
        raise ConfigError(f"{out}: the directory {out.parent} does not exist")


def _write(out: Path, text: str) -> None:
    """Write the whole file or nothing: a temporary file beside it, renamed."""
    fh, tmp = open_temp(out)
    try:
        with fh:
            fh.write(text.encode("utf-8"))
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
