"""The cleaning pipeline: steps in order, and the one loop that runs, counts, times and catches."""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from cleaner import boilerplate
from cleaner.config import DEFAULT_TIMEOUT
from cleaner.extract import (
    depth_limit_hit,
    drop_leading_title,
    extract_html,
    find_title,
    parse_html,
    split_blocks,
    take_source_lines,
    url_from_html,
)
from cleaner.inputs.encoding import decode_raw
from cleaner.inputs.sniff import SNIFF_BYTES, markup_in_text, sniff
from cleaner.language import LanguageFilter
from cleaner.model import Block, Doc, RawDoc, Reject, RejectReason, Removal, Skipped, make_id
from cleaner.ruleset import (
    RuleSet,
    apply_html_rules,
    apply_text_rules,
    document_language,
    prose_weight,
    rule_verdicts,
    trafilatura_options,
    trimmed_removal,
)
from cleaner.safetext import printable
from cleaner.textstats import word_count
from cleaner.urls import UrlRefused, check_url

if TYPE_CHECKING:
    from cleaner.reduce import CorpusStage
    from cleaner.runners import Runner


class Step(Protocol):
    """One record in, one record out; pure and configured at construction."""

    name: ClassVar[str]

    def apply(self, doc: Doc) -> Doc | Reject: ...


def to_doc(raw: RawDoc) -> Doc | Reject:
    """Decode a raw capture into a document: the first stage, before any step."""
    if not raw.data.strip():
        return Reject(RejectReason.EMPTY_INPUT, "input is empty or only whitespace", raw.source)
    decoded = decode_raw(raw)
    if isinstance(decoded, Reject):
        return decoded
    text, _encoding = decoded
    kind = raw.kind
    if kind != "html" and sniff(raw.data[:SNIFF_BYTES]) == "html":
        kind = "html"  # a .txt or JSONL 'text' that is really a page
    elif kind != "html" and (markup := markup_in_text(text)) is not None:
        kind, text = "html", markup  # an HTML fragment, or escaped HTML, in a text input
    return Doc(raw=raw, id=make_id(raw), kind=kind or "text", source_text=text, url=raw.url,
               url_from=raw.url_from)


@dataclass(frozen=True, slots=True)
class Parse:
    """Parse markup once, or split a text scrape into lines; find URLs the content states."""

    name: ClassVar[str] = "parse"

    def apply(self, doc: Doc) -> Doc | Reject:
        if doc.url is not None:  # given from outside: --url, manifest, the record's own
            doc = self.with_url(replace(doc, url=None, url_from=None), doc.url, doc.url_from)
        if doc.kind == "html":
            tree = parse_html(doc.source_text)
            if tree is None:
                return Reject(RejectReason.EMPTY_AFTER_CLEANING, "the HTML has no content to parse")
            found = None if doc.url else url_from_html(tree)
            if found:
                doc = self.with_url(doc, found[0], found[1])
            return replace(doc, tree=tree)
        blocks, url, removals = take_source_lines(split_blocks(doc.source_text))
        if url and not doc.url:
            doc = self.with_url(doc, url, "source_line")
        return replace(doc, blocks=blocks, removals=doc.removals + removals)

    @staticmethod
    def with_url(doc: Doc, url: str, url_from: str | None) -> Doc:
        """The document with this URL, normalised; or, when it is refused, with a warning.

        A refused URL does not cost the article: the next source of a URL may give one, else
        the document is kept with none.
        """
        try:
            return replace(doc, url=check_url(url), url_from=url_from)
        except UrlRefused as why:
            warning = f"url: refused {printable(url, limit=200)} ({url_from}): {why}"
            return replace(doc, warnings=(*doc.warnings, warning))


@dataclass(frozen=True, slots=True)
class SelectRules:
    """Pick the rule files that apply: by host, or by fingerprints in the content."""

    name: ClassVar[str] = "rules"
    rules: RuleSet

    def apply(self, doc: Doc) -> Doc | Reject:
        return replace(doc, sites=self.rules.select(doc.url, doc.source_text).names)


@dataclass(frozen=True, slots=True)
class ExtractHtml:
    """Site HTML rules, then trafilatura (comments off) with the sites' options."""

    name: ClassVar[str] = "extract"
    rules: RuleSet

    def apply(self, doc: Doc) -> Doc | Reject:
        if doc.kind != "html":
            return doc
        files = [self.rules.by_name(n) for n in doc.sites]
        body, removed = apply_html_rules(files, doc.tree)
        found = extract_html(doc.tree, body, doc.url, trafilatura_options(files))
        blocks, repeated = drop_leading_title(found.blocks, found.title)
        too_deep = depth_limit_hit(doc.tree)
        done = replace(doc, tree=None, blocks=blocks, title=found.title, author=found.author,
                       published=found.published,
                       removals=doc.removals + removed + repeated + found.removals,
                       warnings=(*doc.warnings, *((too_deep,) if too_deep else ()),
                                 *found.warnings))
        return replace(done, extracted=done)


@dataclass(frozen=True, slots=True)
class TextRules:
    """The text directives of every applicable rule file, on paragraphs extracted from HTML."""

    name: ClassVar[str] = "text_rules"
    rules: RuleSet

    def apply(self, doc: Doc) -> Doc | Reject:
        if doc.kind != "html":
            return doc
        files = [self.rules.by_name(n) for n in doc.sites]
        lang = document_language(doc.blocks, boilerplate.guess_stoplist(doc.blocks),
                                 doc.raw.meta.get("lang"))
        kept, removed = apply_text_rules(files, doc.blocks, lang)
        suspended = tuple(f"suspended: {r.rule} {r.reason.removeprefix('suspended: ')}"
                          for r in removed if r.reason.startswith("suspended: would"))
        return replace(doc, blocks=kept, removals=doc.removals + removed,
                       warnings=(*doc.warnings, *suspended))


@dataclass(frozen=True, slots=True)
class TextScrape:
    """For text scrapes: text rules, the title line, and what the page structure says.

    The structural classifier judges every line as scraped, those the rules remove and the
    title included: a menu label a rule removes still tells the classifier it is in a menu.
    """

    name: ClassVar[str] = "structure"
    rules: RuleSet

    def apply(self, doc: Doc) -> Doc | Reject:
        if doc.kind != "text":
            return doc
        lines = doc.blocks
        stoplist = boilerplate.guess_stoplist(lines)
        lang = document_language(lines, stoplist, doc.raw.meta.get("lang"))
        v = rule_verdicts([self.rules.by_name(n) for n in doc.sites], lines, lang)
        title_at, repeats = find_title(lines, [i for i in range(len(lines)) if i not in v.removed])
        verdicts, listed = boilerplate.classify_with(
            lines, stoplist, boilerplate.DEFAULT_PARAMS, min(repeats, default=None), v.ends,
            frozenset(v.removed))
        fallback = _fallback(lines, [v.removed.get(i) is None and verdicts[i] is None
                                     and i != title_at for i in range(len(lines))],
                             {*v.removed, *repeats, title_at}, listed)
        if fallback is not None:
            verdicts = [None if i in fallback[0] else verdicts[i] for i in range(len(lines))]
        kept: list[Block] = []
        removals: list[Removal] = []
        for i, line in enumerate(lines):
            if i == title_at:
                continue
            if i in v.removed:
                removals.append(Removal(line.text, v.removed[i].rule, v.removed[i].reason))
            elif i in repeats:
                removals.append(Removal(line.text, "text:repeated_title", "the title, repeated"))
            elif (verdict := verdicts[i]) is not None:
                removals.append(Removal(line.text, f"structure:{verdict}",
                                        boilerplate.REASONS[verdict]))
            elif i in v.trimmed:
                block, removal = trimmed_removal(line, *v.trimmed[i])
                kept.append(block)
                removals.append(removal)
            else:
                kept.append(line)
        title = lines[title_at].text if title_at is not None else doc.title
        notes = (*v.suspended, *v.other_language, *((fallback[1],) if fallback else ()))
        return replace(doc, title=title, blocks=tuple(kept),
                       removals=doc.removals + tuple(removals) + notes,
                       warnings=(*doc.warnings, *v.warnings(),
                                 *((fallback[1].reason,) if fallback else ())))


# Cleaning that keeps less than this share of a text scrape's prose has lost the article: the
# scrape falls back to its lines that read as prose.
FALLBACK_PROSE_SHARE = 0.05


def _fallback(lines: Sequence[Block], keep: Sequence[bool], never: set[int | None],
              listed: frozenset[int] = frozenset()) -> tuple[set[int], Removal] | None:
    """When cleaning would keep (almost) none of a scrape's prose: the lines to keep instead
    (those kept, and every line that reads as prose which no rule removed), and the record.

    The items of a list or the cells of a table the article introduces (``listed``) are its
    text though they are not prose: kept, they count with their words.
    """
    weights = [prose_weight(b.text) for b in lines]
    total = sum(weights)
    kept = sum(w or (word_count(lines[i].text) if i in listed else 0)
               for i, (w, k) in enumerate(zip(weights, keep, strict=True)) if k)
    if total <= 0 or kept >= FALLBACK_PROSE_SHARE * total:
        return None
    restore = {i for i, w in enumerate(weights) if w > 0 and i not in never}
    if not restore:
        return None
    why = (f"fallback: cleaning would keep {kept / total:.0%} of the prose; kept the "
           f"{len(restore)} lines that read as prose")
    return restore | {i for i, k in enumerate(keep) if k}, Removal("", "fallback:prose_lines",
                                                                   why)


# ... and less than this share of its words: an article that is a list or a table of short lines
# (a schedule, results) has little prose, and losing its one sentence (a comment notice, a tag
# line) to a rule leaves the article, not an empty page.
FALLBACK_WORD_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class KeepExtraction:
    """HTML mode's fallback: when the text rules and the language step would keep (almost) none
    of the prose trafilatura extracted (and less than half of its words), the document keeps
    trafilatura's extraction.

    What they removed is undone: each removal stays in the explain record as ``suspended:``
    (neither counted nor credited), beside one ``fallback:extraction`` record and a warning.
    A page whose extraction has no prose at all (a stub, a menu) is left to :class:`Finish`.
    """

    name: ClassVar[str] = "fallback"

    def apply(self, doc: Doc) -> Doc | Reject:
        base = doc.extracted
        if doc.kind != "html" or base is None:
            return doc
        total = sum(prose_weight(b.text) for b in base.blocks)
        kept = sum(prose_weight(b.text) for b in doc.blocks)
        words = sum(word_count(b.text) for b in base.blocks)
        if total <= 0 or kept >= FALLBACK_PROSE_SHARE * total \
                or sum(word_count(b.text) for b in doc.blocks) >= FALLBACK_WORD_SHARE * words:
            return replace(doc, extracted=None)
        undone = doc.removals[len(base.removals):]
        by_rule = Counter(r.rule for r in undone if r.removed).most_common(3)
        why = (f"fallback: the text rules and the language step would keep {kept / total:.0%} "
               f"of the prose ({', '.join(f'{n} by {rule}' for rule, n in by_rule)}); kept "
               f"the {len(base.blocks)} blocks extraction found")
        suspended = tuple(replace(r, reason=f"suspended: {r.reason} (undone by the fallback)")
                          if r.removed else r for r in undone)
        return replace(doc, blocks=base.blocks, extracted=None,
                       removals=(*base.removals, *suspended,
                                 Removal("", "fallback:extraction", why)),
                       warnings=(*doc.warnings, why))


@dataclass(frozen=True, slots=True)
class Finish:
    """Reject empty documents; fill metadata a manifest gave."""

    name: ClassVar[str] = "finish"

    def apply(self, doc: Doc) -> Doc | Reject:
        if not doc.blocks:
            by_rule = Counter(r.rule for r in doc.removals).most_common(3)
            what = ", ".join(f"{n} by {rule}" for rule, n in by_rule) or "nothing was extracted"
            return Reject(RejectReason.EMPTY_AFTER_CLEANING,
                          f"no text left after cleaning ({what})")
        meta = doc.raw.meta
        return replace(doc, published=doc.published or meta.get("date"))


# No article page has this many elements; one that has takes minutes to extract.
MAX_ELEMENTS = 500_000


@dataclass(frozen=True, slots=True)
class Budget:
    """What one document may cost; the first step, so that workers get it with the steps.

    A page with more elements than ``max_elements`` is refused here, before it is parsed: such
    a page takes minutes in extraction, and no article has one. ``seconds`` is the time budget
    :func:`clean_one` gives each document (0: none).
    """

    name: ClassVar[str] = "budget"
    seconds: float = DEFAULT_TIMEOUT
    max_elements: int = MAX_ELEMENTS

    def apply(self, doc: Doc) -> Doc | Reject:
        if doc.kind != "html":
            return doc
        text = doc.source_text
        tags = text.count("<") - text.count("</") - text.count("<!")  # start tags, about
        if tags > self.max_elements:
            return Reject(RejectReason.TOO_LARGE,
                          f"the page has about {tags:,} elements, more than the "
                          f"{self.max_elements:,} cleaner extracts from (an article page has a "
                          "few thousand); it is not cleaned")
        return doc


def build_steps(rules: RuleSet, lang: str | None,
                timeout: float = DEFAULT_TIMEOUT) -> tuple[Step, ...]:
    """The steps of ``cleaner clean``, in order.

    Args:
        rules: the rule set.
        lang: expected language codes, comma-separated (see :func:`expected_languages`).
        timeout: seconds one document may take (0: no limit).
    """
    return Pipeline(rules, lang, timeout).steps


@dataclass(frozen=True, slots=True)
class Pipeline:
    """The one entry to cleaning: the steps of ``cleaner clean``, built once from the rules,
    the expected languages and the time budget.

    ``clean``, ``replay reclean``, ``check`` and the ``rules`` tools all clean through it; a tool
    that needs a document as a step sees it (``rules which``: the extracted text) runs the steps
    only up to that one with ``until``.

    Attributes:
        rules: the rule set.
        lang: expected language codes, comma-separated (see :func:`expected_languages`).
        timeout: seconds one document may take (0: no limit).
        steps: the steps, in order.
    """

    rules: RuleSet
    lang: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    steps: tuple[Step, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        steps: tuple[Step, ...] = (
            Budget(seconds=self.timeout), Parse(), SelectRules(self.rules),
            ExtractHtml(self.rules), TextRules(self.rules), TextScrape(self.rules),
            LanguageFilter(expected=self.lang), KeepExtraction(), Finish())
        object.__setattr__(self, "steps", steps)

    def upto(self, until: str) -> tuple[Step, ...]:
        """The steps up to and including the one named ``until`` (``parse``, ``extract``, ...).

        Raises:
            ValueError: no step has that name.
        """
        names = [s.name for s in self.steps]
        if until not in names:
            raise ValueError(f"no step named {until!r}; the steps are {', '.join(names)}")
        return self.steps[:names.index(until) + 1]

    def clean(self, raw: RawDoc, until: str | None = None) -> Doc | Reject:
        """Clean one raw document (see :func:`clean_one`); with ``until``, only up to and
        including that step, for a tool that looks at the document there."""
        return clean_one(raw, self.steps if until is None else self.upto(until))


# --- running ------------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a run did, for the summary on stderr and the exit code."""

    read: int = 0
    kept: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    failed: int = 0
    no_url: int = 0
    removed_by_rule: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    seconds_by_step: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    def state(self) -> dict[str, Any]:
        """The counts as JSON data, for a resumable run's journal."""
        return {f.name: (dict(value) if isinstance(value, dict) else value)
                for f in fields(self) for value in [getattr(self, f.name)]}

    def restore(self, state: dict[str, Any]) -> None:
        """Take the counts a journal saved (see :meth:`state`); other keys are ignored."""
        for f in fields(self):
            if f.name in state:
                value = state[f.name]
                setattr(self, f.name, Counter(value) if isinstance(value, dict)
                        and f.name != "seconds_by_step" else value)

    def count(self, result: Doc | Reject) -> None:
        if isinstance(result, Reject):
            if result.failed:
                self.failed += 1
            else:
                self.rejected[result.reason.value] += 1
            return
        self.kept += 1
        self.no_url += result.url is None
        for r in result.removals:
            if r.removed:
                self.removed_by_rule[r.rule] += 1
        for w in result.warnings:
            self.warnings[w.partition(":")[0]] += 1


class _OverBudget(BaseException):
    """Raised by the alarm in the middle of a step; a BaseException, so that a library's
    ``except Exception`` cannot swallow it."""


def clean_one(
    raw: RawDoc, steps: Sequence[Step], timer: dict[str, float] | None = None
) -> Doc | Reject:
    """Run one raw document through decoding and the steps; never raises for bad input.

    The :class:`Budget` among the steps limits the time: in the main thread a ``SIGALRM``
    timer stops the document in the middle of a step (between Python bytecodes: a running lxml
    call finishes first), and any timer and handler set before are restored after. Elsewhere
    (other threads, systems without ``setitimer``) the budget is checked between steps only.
    """
    budget = next((s for s in steps if isinstance(s, Budget)), None)
    seconds = budget.seconds if budget else 0.0
    where = ["decode"]  # the step running, for the timeout message
    alarm = bool(seconds) and hasattr(signal, "setitimer") \
        and threading.current_thread() is threading.main_thread()
    if not alarm:
        result = _clean(raw, steps, timer, where, seconds)
    else:
        result = _clean_with_alarm(raw, steps, timer, where, seconds)
    if isinstance(result, Reject) and result.source is None:
        result = replace(result, source=raw.source)
    return result


def _over_budget(seconds: float, where: str) -> Reject:
    return Reject(RejectReason.TIMEOUT,
                  f"cleaning took more than {seconds:g} s (stopped in step {where}); "
                  "give more time with --timeout SECONDS, or 0 for no limit")


def _clean_with_alarm(raw: RawDoc, steps: Sequence[Step], timer: dict[str, float] | None,
                      where: list[str], seconds: float) -> Doc | Reject:
    started = time.monotonic()
    deadline = started + seconds
    previous = signal.getsignal(signal.SIGALRM)

    def on_alarm(signum: int, frame: Any) -> None:
        if time.monotonic() >= deadline:
            raise _OverBudget
        if callable(previous):  # an earlier timer of the caller's went off: pass it on
            previous(signum, frame)

    outer = (0.0, 0.0)
    try:
        signal.signal(signal.SIGALRM, on_alarm)
        outer = signal.setitimer(signal.ITIMER_REAL, seconds)
        result = _clean(raw, steps, timer, where, 0.0)
    except _OverBudget:
        result = _over_budget(seconds, where[0])
    finally:
        while True:  # the alarm may go off while it is being stopped: stop it again
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                break
            except _OverBudget:
                result = _over_budget(seconds, where[0])
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if outer[0]:  # the caller's timer goes on, less the time this document took
            left = max(outer[0] - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, outer[1])
    return result


def _clean(raw: RawDoc, steps: Sequence[Step], timer: dict[str, float] | None,
           where: list[str], seconds: float) -> Doc | Reject:
    """Decode and run the steps; with ``seconds``, stop between steps once they are spent."""
    start = t0 = time.perf_counter()
    result: Doc | Reject = to_doc(raw)
    if timer is not None:
        timer["decode"] = timer.get("decode", 0.0) + time.perf_counter() - t0
    for step in steps:
        if isinstance(result, Reject):
            break
        if seconds and time.perf_counter() - start > seconds:
            return _over_budget(seconds, where[0])
        where[0] = step.name
        t0 = time.perf_counter()
        doc = result
        try:
            result = step.apply(doc)
        except Exception as exc:  # noqa: BLE001 -- the one place that catches: a bug becomes a reject
            result = Reject(RejectReason.INTERNAL_ERROR,
                            f"step {step.name}: {type(exc).__name__}: {exc}")
        if isinstance(result, Reject):  # keep what the document went through, for --explain
            result = replace(result, doc_id=doc.id, removals=result.removals or doc.removals)
        if timer is not None:
            timer[step.name] = timer.get(step.name, 0.0) + time.perf_counter() - t0
    return result


def run(
    inputs: Iterable[RawDoc | Reject | Skipped],
    steps: Sequence[Step],
    summary: Summary,
    keep_duplicates: bool = False,
    jobs: int = 1,
    *,
    runner: Runner | None = None,
    stages: Sequence[CorpusStage] | None = None,
) -> Iterator[Doc | Reject | Skipped]:
    """Clean every input and yield each document or reject in input order, counting in ``summary``.

    The map (:func:`clean_one`) runs where ``runner`` says (default: ``jobs`` local worker
    processes, see :mod:`cleaner.runners`); the reduce runs here, in input order, through the
    corpus ``stages`` (default: exact dedup unless ``keep_duplicates``; see
    :mod:`cleaner.reduce`). Skipped paths (not inputs) are passed on for the report and counted
    apart from documents. The output is the same whatever the runner.
    """
    from cleaner.reduce import default_stages, reduce
    from cleaner.runners import LocalRunner

    mapper = runner or LocalRunner(steps, jobs)
    corpus = default_stages(keep_duplicates) if stages is None else stages
    start = time.perf_counter() - summary.seconds
    for item, mapped in mapper.map(inputs, RawDoc):
        if isinstance(item, Skipped):
            summary.skipped[item.what] += 1
            yield item
            continue
        summary.read += 1
        result: Doc | Reject
        if mapped is None:
            assert isinstance(item, Reject)
            result = item
        else:
            result, timer = mapped
            for step, seconds in timer.items():
                summary.seconds_by_step[step] = summary.seconds_by_step.get(step, 0.0) + seconds
        if isinstance(result, Doc):
            result = reduce(result, corpus)
        summary.count(result)
        summary.seconds = time.perf_counter() - start
        yield result
