"""Command line: ``cleaner clean INPUT...``.

Exit codes: 0 every input handled (some may be rejected), 1 an input failed or the output could
not be written, 2 usage or configuration error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO

from cleaner import TOOL
from cleaner.config import (
    DEFAULT_MAX_BYTES,
    DEFAULT_NEAR_THRESHOLD,
    DEFAULT_TIMEOUT,
    Config,
    ConfigError,
    InputConfig,
    check_outputs,
    fixed_time_from_env,
    parse_count,
    parse_jobs,
    parse_min_pages,
    parse_near_threshold,
    parse_timeout,
    split_outputs,
)
from cleaner.run.runners import default_jobs
from cleaner.safetext import printable

if TYPE_CHECKING:
    from cleaner.model import Doc, Reject, Skipped
    from cleaner.outputs.warc import WarcSettings
    from cleaner.ruleset import RuleSet
    from cleaner.run.pipeline import Summary
    from cleaner.steps.core import Step

# The cleaning machinery (trafilatura, lxml, the rules) is imported when a command needs it, so
# that `cleaner --version`, `--help` and usage errors answer at once.

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# Subcommands that live in their own modules: name -> (module, its one-line help). A module is
# imported, and its parser built, only when its command runs.
COMMANDS = {"replay": ("cleaner.cli.replay", "read archives: list, show, export, reclean"),
            "check": ("cleaner.cli.check", "validate a cleaned corpus (pre-commit hook)"),
            "rules": ("cleaner.cli.rules", "lint, test and write rule files")}

CLEAN_HELP = """\
Clean raw scrapes of news articles into one JSON record per article.

INPUT is a file, a directory (walked recursively, in sorted order) or - for stdin. Kinds go by
extension and are sniffed when the extension lies: .txt (plain-text scrape), .html/.htm,
.jsonl/.jsonl.gz (scraper export, one object per line with a url and html or text), and
.warc/.warc.gz (crawler output).

The source URL is taken from, in order: --url, --manifest, the record's own url (JSONL/WARC),
the page's canonical link or og:url, and a 'Source: <url>' line in a text scrape (that line
is removed). A document with no URL is kept with url null and counted.

Rule files (rules/*.toml: one per site or site family, plus _default.toml) remove cruft before
and after trafilatura; langdetect drops fragments in another language.
"""

CLEAN_EPILOG = """\
examples:
  cleaner clean scrapes/ -o corpus.jsonl --explain removed.jsonl
  cleaner clean page.html --url https://example.com/story -o - | jq .title
  cleaner clean export.jsonl.gz --html-key body --lang en -o corpus.jsonl.gz

exit status: 0 all inputs handled (some may be rejected), 1 an input failed,
2 usage or configuration error, 130 interrupted.
"""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: ``clean`` whole, and the subcommand ``command`` names whole; the
    others as a name and a line of help (what ``cleaner --help`` lists)."""
    parser = argparse.ArgumentParser(
        prog="cleaner", description="Boilerplate-stripping article cleaner and archiver.")
    parser.add_argument("--version", action="version", version=TOOL)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    clean = sub.add_parser("clean", help="clean raw scrapes into JSONL",
                           description=CLEAN_HELP, epilog=CLEAN_EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    clean.add_argument("inputs", nargs="+", metavar="INPUT", help="file, directory or -")
    out = clean.add_argument_group("output")
    out.add_argument("-o", "--output", metavar="FILE", action="append",
                     help="write records here: .jsonl/.jsonl.gz, or a .warc.gz/.warc archive "
                     "(raw capture, clean text and metadata, with a .cdxj index beside it); "
                     "give -o twice for both; - or none: JSONL on stdout")
    out.add_argument("--warc-max-size", metavar="SIZE", type=parse_size,
                     help="start a new numbered WARC file (corpus-00001.warc.gz, ...) at this "
                     "size, e.g. 1G or 500M")
    out.add_argument("--shard-size", metavar="N", type=parse_count,
                     help="write every output as numbered shards of N inputs each "
                     "(corpus-00001.jsonl, corpus-00001.warc.gz, ...), each final as soon as "
                     "it is done; e.g. 10000 or 10k")
    out.add_argument("--resume", action="store_true",
                     help="go on with an interrupted run (Ctrl-C, kill, crash, full disk): "
                     "the same command with --resume adds what is missing, and the outputs are "
                     "those of a run that was never stopped")
    out.add_argument("--explain", metavar="FILE",
                     help="write one JSON line per removed fragment: id, text, rule, reason")
    out.add_argument("--rejects", metavar="FILE",
                     help="write one JSON line per rejected or failed input, with the reason")
    out.add_argument("-q", "--quiet", action="store_true",
                     help="no per-input messages and no progress; the summary still prints")
    out.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                     help="progress line on stderr (default: when stderr is a terminal)")
    src = clean.add_argument_group("sources")
    src.add_argument("--url", help="source URL of the (single) input")
    src.add_argument("--manifest", metavar="FILE",
                     help="CSV or JSONL mapping input path to url (and optionally date, site)")
    src.add_argument("--url-key", default="url", help="JSONL key of the URL (default: url)")
    src.add_argument("--html-key", default="html", help="JSONL key of HTML (default: html)")
    src.add_argument("--text-key", default="text", help="JSONL key of a text scrape "
                     "(default: text)")
    src.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, metavar="N",
                     help=f"reject inputs larger than N bytes (default: {DEFAULT_MAX_BYTES})")
    how = clean.add_argument_group("cleaning")
    how.add_argument("--rules", action="append", metavar="DIR",
                     help="rule files directory, added to the bundled rules (repeatable); a "
                     "file named as a bundled one replaces it")
    how.add_argument("--no-bundled-rules", dest="bundled_rules", action="store_false",
                     help="leave the bundled rules out: only the --rules directories apply")
    how.add_argument("--lang", metavar="CODES",
                     help="expected languages (ISO 639-1, comma-separated, e.g. en or en,de); "
                     "documents in others are rejected")
    how.add_argument("--timeout", metavar="SECONDS", type=parse_timeout,
                     default=DEFAULT_TIMEOUT,
                     help="reject a document that takes longer to clean (reason timeout); "
                     f"0: no limit (default: {DEFAULT_TIMEOUT:g})")
    how.add_argument("--keep-duplicates", action="store_true",
                     help="keep documents whose clean text was already seen in this run "
                     "(and near-duplicates too)")
    how.add_argument("--near-duplicates", choices=("reject", "mark", "off"), default="reject",
                     help="a document that is the same story as one kept earlier with small "
                     "edits: reject it (near_duplicate), mark it (kept, with a warning naming "
                     "the kept one) or off (default: reject)")
    how.add_argument("--near-threshold", metavar="T", type=parse_near_threshold,
                     default=DEFAULT_NEAR_THRESHOLD,
                     help="how alike a near-duplicate is: the estimated share of word 5-grams "
                     f"two texts have in common, 0 < T <= 1 (default: {DEFAULT_NEAR_THRESHOLD:g})")
    how.add_argument("--no-learn", dest="learn", action="store_false",
                     help="do not learn site profiles: by default the lines that recur on the "
                     "pages of a site with --learn-min-pages pages or more in the run are its "
                     "template, and are removed (rule profile:HOST); smaller sites of one "
                     "theme are learned together (profile:theme:NAME)")
    how.add_argument("--learn-min-pages", type=parse_min_pages, default=5, metavar="N",
                     help="pages a site (or the smaller sites of one theme together) needs "
                     "in the run for its profile to be learned (at "
                     "least 2; default: 5, so that a line must recur on 3 pages, which a lede "
                     "two stories share does not)")
    how.add_argument("-j", "--jobs", type=parse_jobs, default=None, metavar="N",
                     help="clean in N worker processes (default: one per core, "
                     f"{default_jobs()} here; 1: in this process); the output is the same "
                     "for every N")
    how.add_argument("--dask", metavar="SCHEDULER",
                     help="clean on a Dask cluster: the scheduler's address (tcp://host:8786), "
                     "or local for a local cluster of -j worker processes; needs "
                     "pip install 'article-cleaner[dask]'; the output is the same")
    for name, (module, summary) in COMMANDS.items():
        if name == command:
            import_module(module).add_parser(sub)
        else:
            sub.add_parser(name, help=summary, add_help=False).add_argument(
                "rest", nargs=argparse.REMAINDER)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The subcommand an argument list names (its first word that is not an option)."""
    return next((a for a in argv if not a.startswith("-")), None)


_SIZE = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def parse_size(text: str) -> int:
    """``500M`` -> bytes; argparse turns the ValueError into a usage error."""
    number, unit = text[:-1] if text[-1:].upper() in "KMG" else text, text[-1:].upper()
    size = int(float(number) * _SIZE.get(unit if unit in "KMG" else "", 1))
    if size <= 0:
        raise ValueError(text)
    return size


def config_from_args(args: argparse.Namespace) -> Config:
    """Turn parsed arguments into a Config at once; raises ConfigError."""
    from cleaner.inputs import check_url_option
    from cleaner.inputs.manifest import load_manifest
    from cleaner.steps.language import expected_languages

    if args.max_bytes <= 0:
        raise ConfigError("--max-bytes must be positive")
    manifest = load_manifest(Path(args.manifest)) if args.manifest else {}
    jsonl, warc = split_outputs(args.output)
    out = Path(jsonl) if jsonl and jsonl != "-" else None
    if args.warc_max_size and not warc:
        raise ConfigError("--warc-max-size needs a WARC output (-o corpus.warc.gz)")
    files = [("-o", out), ("-o", warc), ("--explain", args.explain and Path(args.explain)),
             ("--rejects", args.rejects and Path(args.rejects))]
    outputs = [(option, p) for option, p in files if p]
    for _, p in outputs:
        if not p.parent.is_dir():
            raise ConfigError(f"{p}: the directory {p.parent} does not exist")
    check_outputs(args.inputs, outputs, warc, rolling=bool(args.warc_max_size))
    cfg = Config(
        inputs=InputConfig(paths=tuple(args.inputs), url=args.url, manifest=manifest,
                           url_key=args.url_key, html_key=args.html_key,
                           text_key=args.text_key, max_bytes=args.max_bytes),
        output=out,
        stdout=jsonl == "-" or (jsonl is None and warc is None),
        warc=warc,
        warc_max_size=args.warc_max_size,
        fixed_time=fixed_time_from_env(),
        explain=Path(args.explain) if args.explain else None,
        rejects=Path(args.rejects) if args.rejects else None,
        rules_dirs=tuple(Path(d) for d in args.rules or ()),
        bundled_rules=args.bundled_rules,
        lang=expected_languages(args.lang),
        timeout=args.timeout,
        keep_duplicates=args.keep_duplicates,
        near_duplicates=args.near_duplicates,
        near_threshold=args.near_threshold,
        jobs=args.jobs or default_jobs(),
        dask=args.dask,
        shard_size=args.shard_size,
        resume=args.resume,
        learn=args.learn,
        learn_min_pages=args.learn_min_pages,
        progress=(not args.quiet and sys.stderr.isatty()) if args.progress is None
        else args.progress,
    )
    check_url_option(cfg.inputs)
    if cfg.stdout and (cfg.resume or cfg.shard_size):
        option = "--resume" if cfg.resume else "--shard-size"
        raise ConfigError(f"{option} needs output files (-o FILE): records on stdout cannot "
                          "be resumed or sharded")
    return cfg


class Reporter:
    """Messages, progress line and summary on stderr."""

    def __init__(self, stream: TextIO, quiet: bool, progress: bool) -> None:
        self.stream = stream
        self.quiet = quiet
        self.progress = progress
        self._last = 0.0
        self._dirty = False

    def result(self, result: Doc | Reject | Skipped, summary: Summary) -> None:
        if not self.quiet:
            for line in _messages(result):
                self._clear()
                print(printable(line), file=self.stream)
        if self.progress and time.monotonic() - self._last > 0.1:
            self._last = time.monotonic()
            rate = summary.read / summary.seconds if summary.seconds else 0.0
            self.stream.write(f"\r{summary.read} read, {summary.kept} kept, "
                              f"{sum(summary.rejected.values())} rejected, {summary.failed} "
                              f"failed  [{rate:.0f} docs/s]")
            self.stream.flush()
            self._dirty = True

    def note(self, message: str) -> None:
        """A line about the run as a whole (not quieted by -q)."""
        self._clear()
        print(f"cleaner: {printable(message)}", file=self.stream)

    def error(self, message: str) -> None:
        """A fatal error: ``cleaner: error: ...``, printable text only."""
        self._clear()
        print(f"cleaner: error: {printable(message)}", file=self.stream)

    def _clear(self) -> None:
        if self._dirty:
            self.stream.write("\r\x1b[K")
            self._dirty = False

    def summary(self, s: Summary, rules: RuleSet) -> None:
        self._clear()
        w = self.stream
        rejected = sum(s.rejected.values())
        print(f"cleaner: {s.read} read, {s.kept} kept, {rejected} rejected, {s.failed} failed "
              f"in {s.seconds:.2f} s ({len(rules.files)} rule files, rules {rules.version})",
              file=w)
        for old, new in rules.replaced:
            print(f"  rules: {printable(new)} replaces {printable(old)}", file=w)
        if s.no_url:
            print(f"  {s.no_url} kept without a source URL (url: \"\")", file=w)
        for what, n in sorted(s.warnings.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  warning {n:>5}  {printable(what)} (the documents were kept)", file=w)
        for what, n in sorted(s.skipped.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  skipped {n:>5}  {printable(what)} (not read: not an input)", file=w)
        for reason, n in sorted(s.rejected.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  rejected {n:>5}  {reason}", file=w)
        total = sum(s.removed_by_rule.values())
        if total:
            print(f"  removed {total} fragments:", file=w)
            for rule, n in sorted(s.removed_by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
                print(f"  {n:>7}  {printable(rule)}", file=w)


def _messages(result: Doc | Reject | Skipped) -> list[str]:
    """The per-input lines on stderr for a result: rejects, skipped paths, warnings."""
    from cleaner.model import Reject, Skipped

    if isinstance(result, Reject):
        word = "failed" if result.failed else f"rejected ({result.reason.value})"
        return [f"cleaner: {result.source}: {word}: {result.detail}"]
    if isinstance(result, Skipped):
        return [f"cleaner: {result.source}: skipped: {result.detail}"]
    return [f"cleaner: {result.raw.source}: warning: {w}" for w in result.warnings]


def warc_settings(cfg: Config, rules: RuleSet) -> WarcSettings:
    """The archive's warcinfo, clock and record ids for this run."""
    from cleaner.outputs.warc import WarcSettings, stable_ids

    assert cfg.warc is not None
    options = {"lang": cfg.lang, "keep_duplicates": cfg.keep_duplicates,
               "bundled_rules": cfg.bundled_rules, "timeout": cfg.timeout,
               "rules_dirs": [printable(str(d)) for d in cfg.rules_dirs]}
    info = {"software": TOOL, "rules": rules.version,
            "rules-files": " ".join(printable(f.label) for f in rules.files),
            "options": json.dumps(options, sort_keys=True)}
    fixed = cfg.fixed_time
    if fixed is None:
        return WarcSettings(cfg.warc, info, cfg.warc_max_size)
    return WarcSettings(cfg.warc, info, cfg.warc_max_size, clock=lambda: fixed,
                        ids=stable_ids(fixed.isoformat()))


def cmd_clean(cfg: Config, reporter: Reporter) -> int:
    """Run ``cleaner clean``; returns the exit code.

    Output files are written shard by shard (see :mod:`cleaner.outputs.shards`): a single
    output file appears when the whole run is done, numbered shards (``--shard-size``) as each
    is done. A
    run that cannot write (disk full) or is stopped keeps its finished shards for ``--resume``,
    says so, and still prints its summary.
    """
    from cleaner.outputs.atomic import OutputError
    from cleaner.outputs.shards import kept_note
    from cleaner.ruleset import load_rules
    from cleaner.run.pipeline import Summary, build_steps

    rules = load_rules(cfg.rules_dirs, cfg.bundled_rules)
    learned: tuple[tuple[str, str], ...] = ()
    if cfg.learn:
        rules, learned = _learn(cfg, reporter, rules)
    steps = build_steps(rules, cfg.lang, cfg.timeout)
    summary = Summary()
    try:
        _clean(cfg, reporter, rules, steps, summary, learned)
    except OutputError as exc:
        reporter.error(f"{exc}; {kept_note(exc) or 'no output was written'}")
        reporter.summary(summary, rules)
        return EXIT_FAILED
    reporter.summary(summary, rules)
    return EXIT_FAILED if summary.failed else EXIT_OK


def _learn(cfg: Config, reporter: Reporter, rules: RuleSet
           ) -> tuple[RuleSet, tuple[tuple[str, str], ...]]:
    """Learn the profiles of the sites with enough pages (a first reading of the inputs); the
    rule set with them, and their (host, TOML) for workers elsewhere."""
    from cleaner.inputs import iter_inputs
    from cleaner.learn.sites import learn_profiles
    from cleaner.run.runners import LocalRunner

    if "-" in cfg.inputs.paths:
        reporter.note("site profiles are not learned: standard input cannot be read twice "
                      "(give files, or --no-learn)")
        return rules, ()
    if cfg.progress:
        reporter.note("learning site profiles: a first reading of the inputs (--no-learn "
                      "skips it)")
    profiles = learn_profiles(lambda: iter_inputs(cfg.inputs), rules,
                              lambda steps: LocalRunner(steps, cfg.jobs), cfg.learn_min_pages)
    for line in profiles.report:
        reporter.note(f"profile: {line}")
    if profiles.files:
        reporter.note(profiles.summary())
    return profiles.add_to(rules), tuple(profiles.sources)


def _clean(cfg: Config, reporter: Reporter, rules: RuleSet, steps: Sequence[Step],
           summary: Summary, learned: tuple[tuple[str, str], ...] = ()) -> None:
    """Clean every input into the outputs."""
    from cleaner.inputs import iter_inputs
    from cleaner.model import Skipped
    from cleaner.outputs.shards import Layout, ShardedRun
    from cleaner.outputs.sinks import Outputs, open_sinks
    from cleaner.run.pipeline import run
    from cleaner.run.reduce import default_stages
    from cleaner.run.runners import make_runner

    outputs = Outputs(records=cfg.output, stdout=cfg.stdout,
                      warc=warc_settings(cfg, rules) if cfg.warc else None,
                      explain=cfg.explain, rejects=cfg.rejects)
    runner = make_runner(cfg, steps, learned)
    stages = default_stages(cfg.keep_duplicates, cfg.near_duplicates, cfg.near_threshold)
    if cfg.stdout:  # a stream: written as it comes, all or nothing for the files beside it
        with open_sinks(outputs, rules.version) as write:
            for result in run(iter_inputs(cfg.inputs), steps, summary, runner=runner,
                              stages=stages):
                reporter.result(result, summary)
                if not isinstance(result, Skipped):
                    write(result)
        return
    layout = Layout(cfg.shard_size, cfg.warc_max_size)
    with ShardedRun(outputs, rules.version, layout, fingerprint(cfg, rules), stages,
                    cfg.resume) as out:
        position = out.restored.done
        if position:
            summary.restore(out.restored.summary)
            reporter.note(f"resuming: {position} inputs were done in {out.finished_shards} "
                          f"shards ({out.folder}); going on")
        for result in run(out.skip_done(iter_inputs(cfg.inputs)), steps, summary,
                          runner=runner, stages=stages):
            position += 1
            reporter.result(result, summary)
            out.write(result, summary.state, position)
        out.finish(summary.state(), position)


def fingerprint(cfg: Config, rules: RuleSet) -> dict[str, object]:
    """What makes a run's outputs what they are: a resumed run must have the same."""
    inputs = cfg.inputs
    return {
        "tool": TOOL, "rules": rules.version,
        "inputs": [printable(p) for p in inputs.paths],
        "url": inputs.url, "manifest": sorted(printable(k) for k in inputs.manifest),
        "keys": [inputs.url_key, inputs.html_key, inputs.text_key],
        "max_bytes": inputs.max_bytes,
        "outputs": [printable(str(p)) if p else None
                    for p in (cfg.output, cfg.warc, cfg.explain, cfg.rejects)],
        "shard_size": cfg.shard_size, "warc_max_size": cfg.warc_max_size,
        "lang": cfg.lang, "timeout": cfg.timeout, "keep_duplicates": cfg.keep_duplicates,
        "near_duplicates": cfg.near_duplicates, "near_threshold": cfg.near_threshold,
        "clock": cfg.fixed_time.isoformat() if cfg.fixed_time else None,
    }


class Terminated(BaseException):  # like KeyboardInterrupt: not an Exception to catch
    """SIGTERM or SIGHUP arrived: unwind like Ctrl-C, removing every temporary file."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_TERMINATING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


def _terminate(signum: int, frame: FrameType | None) -> None:
    for sig in _TERMINATING:  # one unwinding at a time: a second signal would cut it short
        signal.signal(sig, signal.SIG_IGN)
    raise Terminated(signum)


@contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP raise ``Terminated`` (main thread only)."""
    try:
        before = [(sig, signal.signal(sig, _terminate)) for sig in _TERMINATING]
    except ValueError:  # not the main thread: signals are not ours to take
        yield
        return
    try:
        yield
    finally:
        for sig, handler in before:
            signal.signal(sig, handler)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null: the reader went away (``| head``), nothing more to say.

    Python flushes stdout at exit; without this, that flush fails again and complains.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse arguments, run the command, map errors to exit codes."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command(argv))
    args = parser.parse_args(argv)
    try:
        if args.command in COMMANDS:
            run: Callable[[argparse.Namespace], int] = import_module(
                COMMANDS[args.command][0]).run
            return run(args)
        cfg = config_from_args(args)
        reporter = Reporter(sys.stderr, args.quiet, cfg.progress)
        with _terminate_like_interrupt():
            return cmd_clean(cfg, reporter)
    except ConfigError as exc:
        print(f"cleaner: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except (KeyboardInterrupt, Terminated) as exc:
        return _stopped(exc, _kept(exc) or "no output file was written")
    except BrokenPipeError:
        # Unix tools stop quietly when the reader of their output goes away (| head).
        _quiet_stdout()
        return EXIT_OK
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"cleaner: error: {printable(where + (exc.strerror or str(exc)))}",
              file=sys.stderr)
        return EXIT_FAILED


def _kept(exc: BaseException) -> str | None:
    from cleaner.outputs.shards import kept_note

    return kept_note(exc)


def _stopped(cause: BaseException, note: str) -> int:
    """Say how the run was stopped and what it leaves; the exit code for that."""
    if isinstance(cause, Terminated):
        name = signal.Signals(cause.signum).name
        print(f"\ncleaner: terminated ({name}); {printable(note)}", file=sys.stderr)
        return 128 + cause.signum
    print(f"\ncleaner: interrupted; {printable(note)}", file=sys.stderr)
    return EXIT_INTERRUPTED


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
