"""``cleaner replay``: list, show, export and re-clean archived documents."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from cleaner import TOOL
from cleaner.config import (
    DEFAULT_TIMEOUT,
    ConfigError,
    fixed_time_from_env,
    parse_jobs,
    parse_timeout,
    split_outputs,
)
from cleaner.corpus import CorpusProblem, read_corpus
from cleaner.corpus.replay import ArchivedDoc, DamagedArchive, find
from cleaner.inputs.encoding import decode_raw
from cleaner.model import Doc, RawDoc, Reject, Skipped
from cleaner.outputs.atomic import OutputError
from cleaner.outputs.jsonl import JsonlSink, to_record
from cleaner.outputs.shards import Layout, ShardedRun, kept_note
from cleaner.outputs.sinks import Outputs
from cleaner.outputs.warc import WarcSettings, stable_ids
from cleaner.ruleset import load_rules
from cleaner.run.pipeline import Summary, build_steps
from cleaner.run.pipeline import run as run_pipeline
from cleaner.run.reduce import default_stages
from cleaner.run.runners import LocalRunner, default_jobs
from cleaner.steps.extract import split_blocks
from cleaner.steps.language import expected_languages

REPLAY_EPILOG = """\
examples:
  cleaner replay list corpus.warc.gz
  cleaner replay show corpus.warc.gz https://www.ndtv.com/world-news/... --diff
  cleaner replay export corpus-*.warc.gz -o corpus.jsonl
  cleaner replay reclean corpus.warc.gz -o corpus-v2.warc.gz

exit status: 0 ok, 1 a document was not found, an archive is damaged, or (reclean) a
document changed; 2 usage error.
"""
# Fields that say which tool and rules made a record: not a change of the document.
_PROVENANCE = frozenset({"tool", "rules"})


def add_parser(sub: Any) -> None:
    """Add ``replay`` and its subcommands to the top-level parser."""
    replay = sub.add_parser("replay", help="read archives: list, show, export, reclean",
                            description="Read cleaner's WARC archives back.",
                            epilog=REPLAY_EPILOG,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    cmds = replay.add_subparsers(dest="replay_command", required=True, metavar="SUBCOMMAND")
    ls = cmds.add_parser("list", help="id, url, title, language and date of every document")
    ls.add_argument("archives", nargs="+", type=Path, metavar="ARCHIVE")
    show = cmds.add_parser("show", help="one document's clean text (or raw capture, metadata, "
                           "diff), found by id or URL (through the .cdxj index if present)")
    show.add_argument("archive", type=Path, metavar="ARCHIVE")
    show.add_argument("target", metavar="URL|ID")
    what = show.add_mutually_exclusive_group()
    what.add_argument("--raw", action="store_true", help="the raw capture, bytes as archived")
    what.add_argument("--meta", action="store_true", help="the metadata record (JSON)")
    what.add_argument("--diff", action="store_true",
                      help="the raw text line by line: kept, or removed and by which rule")
    export = cmds.add_parser("export", help="the JSONL that `cleaner clean` wrote")
    export.add_argument("archives", nargs="+", type=Path, metavar="ARCHIVE")
    export.add_argument("-o", "--output", metavar="FILE", help=".jsonl or .jsonl.gz (- : stdout)")
    reclean = cmds.add_parser("reclean", help="clean the archived raw captures again with "
                              "today's rules and report what changed")
    reclean.add_argument("archives", nargs="+", type=Path, metavar="ARCHIVE")
    reclean.add_argument("-o", "--output", action="append", metavar="FILE",
                         help="also write the new results: .jsonl(.gz) and/or .warc(.gz)")
    reclean.add_argument("--rules", action="append", metavar="DIR", type=Path,
                         help="rule files directory, added to the bundled rules (repeatable)")
    reclean.add_argument("--no-bundled-rules", dest="bundled_rules", action="store_false",
                         help="leave the bundled rules out: only the --rules directories apply")
    reclean.add_argument("--lang", metavar="CODES", help="expected languages, as for clean")
    reclean.add_argument("--timeout", metavar="SECONDS", type=parse_timeout,
                         default=DEFAULT_TIMEOUT, help="time budget per document, as for clean")
    reclean.add_argument("-j", "--jobs", type=parse_jobs, default=None, metavar="N",
                         help="clean in N worker processes, as for clean (default: one per "
                         "core); the output is the same for every N")
    reclean.add_argument("--resume", action="store_true",
                         help="go on with an interrupted reclean to the same outputs, as for "
                         "clean (the verdicts of the documents done before are not repeated)")


def run(args: argparse.Namespace) -> int:
    """Run a replay subcommand; returns the exit code."""
    for path in getattr(args, "archives", None) or [args.archive]:
        if not path.is_file():
            raise ConfigError(f"{path}: no such archive")
    command = {"list": _list, "show": _show, "export": _export, "reclean": _reclean}
    return command[args.replay_command](args)


def _docs(paths: Sequence[Path], problems: list[str]) -> Iterator[ArchivedDoc]:
    """Documents of several archives; damage is reported on stderr and remembered."""
    for path in paths:
        for item in read_corpus(path, kind="warc"):
            if isinstance(item, CorpusProblem):
                problems.append(f"{item.where}: {item.message}")
                print(f"cleaner: {item.where}: {item.message}", file=sys.stderr)
            elif item.archived is not None:
                yield item.archived


def _list(args: argparse.Namespace) -> int:
    problems: list[str] = []
    for doc in _docs(args.archives, problems):
        rec = doc.record
        date = rec["published"] or (doc.raw.date if doc.raw else "")
        cells = (rec["id"], rec["url"] or "-", rec["title"] or "-", rec["lang"] or "-", date)
        print("\t".join(" ".join(str(c).split()) for c in cells))
    return 1 if problems else 0


def _show(args: argparse.Namespace) -> int:
    try:
        doc = find(args.archive, args.target)
    except DamagedArchive as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
        return 1
    if doc is None:
        print(f"cleaner: {args.archive}: no document with id or URL {args.target!r}",
              file=sys.stderr)
        return 1
    if args.raw:
        if doc.raw is None:
            print(f"cleaner: {args.archive}: {doc.id} has no raw capture", file=sys.stderr)
            return 1
        sys.stdout.buffer.write(doc.raw.payload)
    elif args.meta:
        print(json.dumps(doc.meta, ensure_ascii=False, indent=2))
    elif args.diff:
        print("\n".join(diff_lines(doc)))
    else:
        print(doc.text)
    return 0


def diff_lines(doc: ArchivedDoc) -> Iterator[str]:
    """The raw text, line by line: ``  `` kept, ``T `` the title, ``- `` removed ``[rule]``.

    For an HTML capture, whose raw form is markup, the clean text comes first and then what
    was removed, grouped by rule.
    """
    removed: dict[str, list[str]] = {}
    for r in doc.meta.get("removed", []):
        removed.setdefault(r["text"], []).append(r["rule"])
    title = doc.record["title"]
    decoded = decode_raw(doc.raw_doc()) if doc.raw is not None else None
    if doc.meta.get("input", {}).get("kind") == "html" or not isinstance(decoded, tuple):
        yield from (f"  {p}" for p in doc.text.split("\n\n") if p)
        for text, rules in removed.items():
            yield from (f"- {text}   [{rule}]" for rule in rules)
        return
    kept = Counter(p for p in doc.text.split("\n\n") if p)
    for block in split_blocks(decoded[0]):
        if title and block.text == title:
            yield f"T {block.text}"
            title = None
        elif kept[block.text] > 0:
            kept[block.text] -= 1
            yield f"  {block.text}"
        elif removed.get(block.text):
            yield f"- {block.text}   [{removed[block.text].pop(0)}]"
        else:
            yield f"? {block.text}"


def _export(args: argparse.Namespace) -> int:
    problems: list[str] = []
    out = None if args.output in (None, "-") else Path(args.output)
    with JsonlSink(out) as sink:
        for doc in _docs(args.archives, problems):
            sink.write(doc.record)
    return 1 if problems else 0


def _reclean(args: argparse.Namespace) -> int:
    """Clean the archived raw captures again, as ``cleaner clean`` would: the same steps, exact
    duplicates rejected, the same outputs written in shards and resumable (one wiring,
    :class:`cleaner.outputs.shards.ShardedRun`), the fixed clock of ``SOURCE_DATE_EPOCH``; one
    verdict line per document, and a summary."""
    job = _Reclean(args)
    jsonl, warc = split_outputs(args.output)
    info = {"software": TOOL, "rules": job.rules.version,
            "recleaned-from": " ".join(p.name for p in args.archives)}
    fixed = fixed_time_from_env()
    settings = None if not warc else WarcSettings(warc, info) if fixed is None else \
        WarcSettings(warc, info, clock=lambda: fixed, ids=stable_ids(fixed.isoformat()))
    outputs = Outputs(records=Path(jsonl) if jsonl and jsonl != "-" else None, warc=settings)
    if outputs.records is None and outputs.warc is None:  # verdicts only: nothing to resume
        if args.resume:
            raise ConfigError("--resume needs output files (-o FILE)")
        job.verdicts_only()
    else:
        fingerprint = {"tool": TOOL, "rules": job.rules.version, "lang": job.lang,
                       "timeout": args.timeout, "clock": fixed.isoformat() if fixed else None,
                       "archives": [str(p) for p in args.archives], "outputs": args.output}
        try:
            job.into(outputs, fingerprint)
        except OutputError as exc:
            print(f"cleaner: error: {exc}; {kept_note(exc) or 'no output was written'}",
                  file=sys.stderr)
            return 1
    counts = job.counts
    print(f"cleaner: reclean: {sum(counts.values())} documents: "
          + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
          + f" in {job.summary.seconds:.2f} s (rules {job.rules.version})", file=sys.stderr)
    return 1 if job.problems or counts["changed"] or counts["rejected"] else 0


class _Reclean:
    """One ``replay reclean``: the old documents in order, the new results, the verdicts."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.lang = expected_languages(args.lang)
        self.rules = load_rules(args.rules or (), args.bundled_rules)
        self.steps = build_steps(self.rules, self.lang, args.timeout)
        self.runner = LocalRunner(self.steps, args.jobs or default_jobs())
        self.summary = Summary()
        self.problems: list[str] = []
        self.counts: Counter[str] = Counter()
        self.olds: deque[ArchivedDoc] = deque()

    def raws(self, done: int) -> Iterator[RawDoc]:
        """The archived raw captures; the old documents after ``done`` are kept to compare."""
        for k, old in enumerate(_docs(self.args.archives, self.problems)):
            if k >= done:
                self.olds.append(old)
            yield old.raw_doc()

    def verdict(self, new: Doc | Reject | Skipped) -> Doc | Reject | Skipped:
        """Say how a document came out against its old self; give it back to write.

        A document keeps the archived ``near_duplicate_of``: reclean judges no near-duplicates
        (a decision over the corpus of the run that archived it), so a mark is no change.
        """
        if isinstance(new, Skipped):
            return new
        old = self.olds.popleft()
        if isinstance(new, Doc):
            new = replace(new, near_duplicate_of=old.record["near_duplicate_of"])
        said = _compare(old, new, self.rules.version)
        self.counts[said.split(":")[0]] += 1
        print(f"{old.id}\t{old.record['url'] or '-'}\t{said}")
        return new

    def verdicts_only(self) -> None:
        for new in run_pipeline(self.raws(0), self.steps, self.summary, runner=self.runner):
            self.verdict(new)

    def state(self) -> dict[str, Any]:
        return {**self.summary.state(), "verdicts": dict(self.counts)}

    def into(self, outputs: Outputs, fingerprint: dict[str, Any]) -> None:
        """Write the new results, in shards, resumable as ``clean``'s are."""
        stages = default_stages(False)
        with ShardedRun(outputs, self.rules.version, Layout(), fingerprint, stages,
                        self.args.resume) as out:
            position = out.restored.done
            self.summary.restore(out.restored.summary)
            self.counts.update(out.restored.summary.get("verdicts", {}))
            for new in run_pipeline(out.skip_done(self.raws(position)), self.steps,
                                    self.summary, runner=self.runner, stages=stages):
                position += 1
                new = self.verdict(new)
                out.write(new, self.state, position)
            out.finish(self.state(), position)


def _compare(old: ArchivedDoc, new: Doc | Reject, rules_version: str) -> str:
    """``same``, ``changed: <what>`` or ``rejected: <reason>``."""
    if isinstance(new, Reject):
        return f"rejected: {new.reason.value}: {new.detail}"
    before, after = old.record, to_record(new, rules_version)
    fields = [k for k in after if k not in _PROVENANCE and k != "text" and after[k] != before[k]]
    old_lines = Counter(p for p in before["text"].split("\n\n") if p)
    new_lines = Counter(p for p in after["text"].split("\n\n") if p)
    gone, added = old_lines - new_lines, new_lines - old_lines
    if not fields and not gone and not added:
        return "same"
    what = [f"text -{sum(gone.values())} +{sum(added.values())} paragraphs"] if gone or added \
        else []
    return "changed: " + ", ".join(what + fields)
