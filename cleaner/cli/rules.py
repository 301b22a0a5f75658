"""``cleaner rules``: lint, test, check, which, import-ftr, suggest and learn rule files.

Exit codes: 0 ok, 1 findings or failures, 2 usage (``cli.main`` maps ConfigError to 2).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cleaner.config import ConfigError, InputConfig
from cleaner.ruleset import load_rules
from cleaner.ruleset.tools import ftr, learn
from cleaner.ruleset.tools.context import build_context
from cleaner.ruleset.tools.lint import codes_help, lint
from cleaner.ruleset.tools.testrun import describe, run_file_tests
from cleaner.ruleset.tools.which import which

EXIT_OK, EXIT_FINDINGS = 0, 1

RULES_HELP = """\
Tools for rule files (rules/*.toml): check them, see which apply to a page, import FiveFilters
site configs, and learn rule files for sites from their pages (suggest: one site; learn: every
site with enough pages in a crawl).
"""

RULES_EPILOG = """\
examples:
  cleaner rules lint                       # every bundled rule file
  cleaner rules check rules/ndtv.com.toml  # lint + tests (the pre-commit hook)
  cleaner rules which scrape.txt
  cleaner rules import-ftr ftr-site-config/example.com.txt -o rules/
  cleaner rules suggest scrapes/example/ -o rules/example.com.toml
  cleaner rules learn crawl/ -o learned/   # a rule file for every site with 5+ pages

exit status: 0 ok, 1 findings or failed tests, 2 usage error.
"""

FILES_NOTE = """\
FILES are rule files or directories of them (default: every file of the --rules directories, or
of the bundled rules). They are looked at in the context of the rules directory they live in (a
directory with a _default.toml), else with the --rules directories or the bundled rules, as if
added to them: tests run against the whole set, and duplicates are found across it.
"""

LINT_EPILOG = f"""\
{FILES_NOTE}
Each finding is printed as PATH:LINE: CODE message. Codes:
{codes_help()}

Silence one finding on its line with a TOML comment, '# noqa: R101', or a code everywhere
with --ignore R101.

exit status: 0 no findings, 1 findings, 2 usage error.
"""

TEST_EPILOG = f"""\
{FILES_NOTE}
Each test cleans its input with the whole rule set, through the real pipeline, and checks
that the must_contain strings are kept, the must_not_contain strings are gone, the file
applies to its own input and its rules removed something.

exit status: 0 all tests passed, 1 a test failed or a file does not load, 2 usage error.
"""

WHICH_EPILOG = """\
INPUT is read like `cleaner clean` reads it (text, HTML, JSONL, WARC; a directory is walked).
The URL comes from --url, the record, the page's canonical link or a 'Source: <url>' line.
A file applies by host (subdomains included; "=HOST": that host alone) or by its
fingerprints in the raw text; _default applies to every document.

exit status: 0 every input read, 1 an input could not be read, 2 usage error.
"""


def _rules_args(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--rules", action="append", type=Path, metavar="DIR",
                   help=f"{what} (repeatable; added to the bundled rules, a file named as a "
                   "bundled one replaces it)")
    p.add_argument("--no-bundled-rules", dest="bundled_rules", action="store_false",
                   help="leave the bundled rules out: only the --rules directories")


def _files_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="*", metavar="FILE", help="rule files or directories")
    _rules_args(p, "rules directory for the context (default: the directory of FILES, or the "
                "bundled rules)")


def _ignore_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ignore", action="append", default=[], metavar="CODES",
                   help="lint codes not to report, comma-separated (repeatable)")


def add_parser(sub: Any) -> None:
    """Add ``rules`` and its subcommands to the top-level parser."""
    raw = argparse.RawDescriptionHelpFormatter
    rules = sub.add_parser("rules", help="lint, test and write rule files",
                           description=RULES_HELP, epilog=RULES_EPILOG, formatter_class=raw)
    cmds = rules.add_subparsers(dest="rules_command", required=True, metavar="SUBCOMMAND")
    p = cmds.add_parser("lint", help="find problems loading cannot see", formatter_class=raw,
                        description="Lint rule files: schema errors, untested or impossible "
                        "rules, rules that shadow each other, hosts in two files, fingerprints "
                        "that match other files' pages.", epilog=LINT_EPILOG)
    _files_args(p)
    _ignore_arg(p)
    p = cmds.add_parser("test", help="run the rule files' own tests", formatter_class=raw,
                        description="Run the [[test]] cases of rule files against the whole "
                        "rule set and report per file.", epilog=TEST_EPILOG)
    _files_args(p)
    p = cmds.add_parser("check", help="lint and test (the pre-commit hook)", formatter_class=raw,
                        description="Lint and test rule files: what the pre-commit hook "
                        "cleaner-rules runs on the changed rule files.",
                        epilog=f"{FILES_NOTE}\nexit status: 0 clean, 1 findings or failed "
                        "tests, 2 usage error.\n")
    _files_args(p)
    _ignore_arg(p)
    p = cmds.add_parser("which", help="which rule files apply to an input, and why",
                        formatter_class=raw, epilog=WHICH_EPILOG,
                        description="Show the rule files that apply to an input and why.")
    p.add_argument("input", metavar="INPUT", help="file, directory or -")
    p.add_argument("--url", help="source URL of the (single) input")
    _rules_args(p, "rule files directory")
    ftr.add_parser(cmds)
    learn.add_parsers(cmds)


def run(args: argparse.Namespace) -> int:
    """Run a ``rules`` subcommand; returns the exit code."""
    command: dict[str, Callable[[argparse.Namespace], int]] = {
        "lint": _lint, "test": _test, "check": _check, "which": _which,
               "import-ftr": ftr.run, "suggest": learn.run_suggest,
        "learn": learn.run_learn}
    return command[args.rules_command](args)


def _ignored(args: argparse.Namespace) -> set[str]:
    return {c.strip().upper() for value in args.ignore for c in value.split(",") if c.strip()}


def _lint_report(args: argparse.Namespace) -> tuple[int, int]:
    ctx = build_context(args.files, args.rules or (), args.bundled_rules)
    findings = lint(ctx, _ignored(args))
    for f in findings:
        print(f)
    return len(findings), len(ctx.targets)


def _lint(args: argparse.Namespace) -> int:
    found, files = _lint_report(args)
    print(f"cleaner rules lint: {found} finding{'s' if found != 1 else ''} in {files} "
          f"file{'s' if files != 1 else ''}", file=sys.stderr)
    return EXIT_FINDINGS if found else EXIT_OK


def _test_report(args: argparse.Namespace) -> tuple[int, int, int]:
    """Print every target file's test results; return (tests failed, tests run, broken files)."""
    ctx = build_context(args.files, args.rules or (), args.bundled_rules)
    failed = total = broken = 0
    for outcome in run_file_tests(ctx):
        for line in describe(ctx, outcome):
            print(line)
        failed += sum(not r.passed for r in outcome.results)
        total += len(outcome.results)
        broken += bool(outcome.load_error)
    return failed, total, broken


def _tests_summary(failed: int, total: int, broken: int) -> str:
    text = f"{total - failed} of {total} tests passed"
    if broken:
        text += f", {broken} file{'s' if broken != 1 else ''} not loaded"
    return text


def _test(args: argparse.Namespace) -> int:
    failed, total, broken = _test_report(args)
    print(f"cleaner rules test: {_tests_summary(failed, total, broken)}", file=sys.stderr)
    return EXIT_FINDINGS if failed or broken else EXIT_OK


def _check(args: argparse.Namespace) -> int:
    found, files = _lint_report(args)
    failed, total, broken = _test_report(args)
    print(f"cleaner rules check: {files} file{'s' if files != 1 else ''}: {found} lint "
          f"finding{'s' if found != 1 else ''}; {_tests_summary(failed, total, broken)}",
          file=sys.stderr)
    return EXIT_FINDINGS if found or failed or broken else EXIT_OK


def _which(args: argparse.Namespace) -> int:
    if args.input != "-" and not Path(args.input).exists():
        raise ConfigError(f"{args.input}: no such file or directory")
    rules = load_rules(tuple(args.rules or ()), args.bundled_rules)
    ok = True
    for found in which(InputConfig(paths=(args.input,), url=args.url), rules):
        print("\n".join(found.lines))
        ok = ok and found.ok
    return EXIT_OK if ok else EXIT_FINDINGS
