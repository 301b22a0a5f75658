"""``cleaner check PATH...``: validate a cleaned corpus (the pre-commit hook).

Findings go to stdout, one a line (``path:line[:col]: CODE message``, or JSON objects with
``--format json``); a summary goes to stderr. Exit status: 0 no findings, 1 findings or a file
that cannot be read, 2 usage or configuration error (``cli.main`` maps ``ConfigError``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from cleaner.check import CODES, Checker, CheckSettings, Summary, resolve_codes
from cleaner.config import CheckConfig, ConfigError, load_check_config
from cleaner.ruleset import load_rules

EXIT_OK, EXIT_FINDINGS = 0, 1

CHECK_HELP = """\
Check a cleaned corpus: broken records, cruft and off-language text left in, duplicates.

PATH is a file or a directory (walked recursively, in sorted order, hidden entries and other
kinds of files skipped): .jsonl/.jsonl.gz records as `cleaner clean` writes them, .warc/.warc.gz
archives it writes, and .txt clean texts whose URL is in a sidecar <name>.json ({"url": ...})
or in front matter (---, url: ..., ---). Findings print one a line as path:line[:col]: CODE
message; for a WARC record the line is 0 and the message starts with @<byte offset>.

Settings come from [tool.cleaner.check] in the nearest pyproject.toml or [check] in a
cleaner.toml (searched from the current directory upward): select, ignore, min-words, rules,
exclude. Options given here override them.
"""


def _codes_epilog() -> str:
    lines = ["codes:"]
    lines += [f"  {c.code}  {c.summary}" for c in CODES.values()]
    lines += ["", "examples:",
              "  cleaner check corpus/",
              "  cleaner check corpus.jsonl.gz --select C,T --format json | jq .message",
              "  cleaner check corpus/ --fix          # drop the cruft paragraphs in place",
              "", "exit status: 0 no findings, 1 findings or an unreadable file, 2 usage or "
              "configuration error."]
    return "\n".join(lines)


def add_parser(sub: Any) -> None:
    """Add ``check`` to the top-level parser."""
    p = sub.add_parser("check", help="validate a cleaned corpus (pre-commit hook)",
                       description=CHECK_HELP, epilog=_codes_epilog(),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="corpus file or directory")
    p.add_argument("--select", action="append", metavar="CODE[,CODE]",
                   help="report only these codes or prefixes (C, T00, ALL); replaces the "
                   "config's select")
    p.add_argument("--ignore", action="append", metavar="CODE[,CODE]",
                   help="do not report these codes or prefixes; replaces the config's ignore")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text: path:line[:col]: CODE message; json: one JSON object a line "
                   "(path, line, col, code, message, offset, fixed)")
    p.add_argument("--rules", action="append", metavar="DIR",
                   help="rule files directory (repeatable; default: the config's); added to "
                   "the bundled rules, a file named as a bundled one replaces it")
    p.add_argument("--no-bundled-rules", dest="bundled_rules", action="store_false",
                   help="leave the bundled rules out: only the --rules directories")
    p.add_argument("--min-words", type=int, metavar="N",
                   help="T001: fewer words than this is too short (default: 1, so only an "
                   "empty text, which `cleaner clean` never writes)")
    p.add_argument("--exclude", action="append", metavar="GLOB",
                   help="skip matching files and directories (repeatable; replaces the "
                   "config's exclude)")
    p.add_argument("--fix", action="store_true",
                   help="rewrite .jsonl/.jsonl.gz files in place without the paragraphs "
                   "C001-C003 name; the other findings remain")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line")


def _split(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def settings_from(args: argparse.Namespace, cfg: CheckConfig) -> tuple[CheckSettings,
                                                                        tuple[Path, ...]]:
    """The run's settings and rule directories: the options, else the config file's keys."""
    select, ignore = _split(args.select), _split(args.ignore)
    enabled = resolve_codes(
        select if select is not None else cfg.select,
        ignore if ignore is not None else cfg.ignore,
        "--select" if select is not None else f"{cfg.path}: select",
        "--ignore" if ignore is not None else f"{cfg.path}: ignore")
    min_words = args.min_words if args.min_words is not None else cfg.min_words
    if min_words is not None and min_words < 0:
        raise ConfigError("--min-words must be 0 or more")
    if args.exclude:
        exclude, root = tuple(args.exclude), Path.cwd()
    else:
        exclude, root = cfg.exclude, cfg.root or Path.cwd()
    rules = tuple(Path(d) for d in args.rules) if args.rules else cfg.rules
    settings = CheckSettings(enabled=enabled, fix=args.fix, exclude=exclude, exclude_root=root,
                             **({"min_words": min_words} if min_words is not None else {}))
    return settings, rules


def run(args: argparse.Namespace) -> int:
    """Run ``check``; returns the exit code."""
    started = time.monotonic()
    settings, rules_dirs = settings_from(args, load_check_config(Path.cwd()))
    checker = Checker(settings, load_rules(rules_dirs, args.bundled_rules))
    remaining = 0
    out = sys.stdout
    for finding in checker.check_paths(args.paths):
        remaining += not finding.fixed
        if args.format == "json":
            out.write(json.dumps(finding.as_dict(), ensure_ascii=False) + "\n")
        else:
            out.write(f"{finding}\n")
    out.flush()
    if not args.quiet:
        print_summary(checker.summary, time.monotonic() - started, sys.stderr)
    return EXIT_FINDINGS if remaining else EXIT_OK


def _by_code(counts: dict[str, int]) -> str:
    return ", ".join(f"{code} {n}" for code, n in sorted(counts.items()))


def _copies(s: Summary) -> str:
    """`` (and 5 copies of them in a.warc.gz, checked once)``: JSONL and WARC of one run."""
    n = sum(s.copies.values())
    if not n:
        return ""
    where = next(iter(s.copies)) if len(s.copies) == 1 else f"{len(s.copies)} other files"
    return f" (and {n} cop{'ies' if n != 1 else 'y'} of them in {where}, checked once)"


def print_summary(s: Summary, seconds: float, stream: TextIO) -> None:
    """``cleaner check: 2 files, 120 documents, 3 findings (C001 2, T001 1) in 0.4 s``."""
    total = sum(s.findings.values())
    found = f"{total} finding{'s' * (total != 1)} ({_by_code(s.findings)})" if total \
        else "no findings"
    line = (f"cleaner check: {s.files} file{'s' * (s.files != 1)}, {s.documents} "
            f"document{'s' * (s.documents != 1)}{_copies(s)}, {found}")
    if s.fixed:
        line += (f"; fixed {sum(s.fixed.values())} ({_by_code(s.fixed)}) in {s.fixed_files} "
                 f"file{'s' * (s.fixed_files != 1)}")
    print(f"{line} in {seconds:.2f} s", file=stream)
