"""``cleaner rules test``: run rule files' own tests against the whole rule set, per file.

Imported files' html rules (``imported = "ftr"``) run under the guard, as in ``cleaner clean``
(:func:`cleaner.steps.core.guard_imported`): on a page where they would empty the article they
are suspended. A test on whose page that happened says so, and is run again without the guard:
one that passes only because of the suspension fails, since the file's own rules do not do
what its test asks on its own page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from cleaner.model import Doc
from cleaner.ruleset import RuleFile, RuleSet, RuleTest
from cleaner.ruleset.selftest import RuleTestResult, run_rule_test
from cleaner.ruleset.tools.context import RulesContext, problem_line
from cleaner.run.pipeline import Pipeline

# The reason the guard gives a rule it suspended for a page: "suspended: would remove N% ...".
_GUARD_REASON = "suspended: would remove "


@dataclass(frozen=True, slots=True)
class Suspension:
    """The imported rules the guard suspended on a test's page, and the test without the guard.

    Attributes:
        rules: each suspended rule with why, ``<rule> (would remove N% of the article)``.
        unguarded: the test's result with every imported file's rules unguarded.
        without: the rule set it ran with: every imported file as if it were not.
    """

    rules: tuple[str, ...]
    unguarded: RuleTestResult
    without: RuleSet


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """The tests of one target file: results, or why the file could not be tested.

    ``suspensions`` has an entry for each test whose page the guard acted on, in the order of
    ``results``, else None. A test that passed only because of a suspension is in ``results``
    as failed, with the problem :data:`ONLY_BY_THE_GUARD`.
    """

    label: str
    results: tuple[RuleTestResult, ...] = ()
    load_error: str = ""
    suspensions: tuple[Suspension | None, ...] = ()

    @property
    def failed(self) -> int:
        return sum(not r.passed for r in self.results) + bool(self.load_error)


def run_file_tests(ctx: RulesContext) -> Iterator[FileOutcome]:
    """The outcome of every target file's tests, in target order."""
    problems = {p.label: p for p in ctx.problems}
    hidden = {other: kept for kept, other in ctx.hidden}
    for label in ctx.targets:
        file = ctx.file(label)
        if file is None and label in hidden:
            yield FileOutcome(label, load_error=f"{label}:0: not used: {hidden[label]} has the "
                              "same file name and comes first; rename one")
            continue
        if file is None:
            p = problems.get(label)
            detail = f"{p.key + ': ' if p and p.key else ''}{p.message if p else 'not loaded'}"
            line = problem_line(ctx.source(label), p) if p else 0
            yield FileOutcome(label, load_error=f"{label}:{line}: does not load, so its tests "
                              f"cannot run: {detail}")
            continue
        yield _outcome(ctx.rules, label, file)


# The problem of a test that passes only because the guard suspended an imported rule.
ONLY_BY_THE_GUARD = "it passes only because the guard suspended"


def _outcome(rules: RuleSet, label: str, file: RuleFile) -> FileOutcome:
    """A file's tests, each under the guard, and again without it where the guard acted."""
    guarded = any(f.imported for f in rules.files)
    results: list[RuleTestResult] = []
    suspensions: list[Suspension | None] = []
    for test in file.tests:
        result = run_rule_test(rules, file, test)
        suspension = _suspension(rules, file, test) if guarded else None
        if suspension is not None and result.passed and not suspension.unguarded.passed:
            result = RuleTestResult(file, test, (ONLY_BY_THE_GUARD,))
        results.append(result)
        suspensions.append(suspension)
    return FileOutcome(label, tuple(results), suspensions=tuple(suspensions))


def _suspension(rules: RuleSet, file: RuleFile, test: RuleTest) -> Suspension | None:
    """What the guard suspended on the test's page, and the test without it; None when the
    guard suspended nothing there."""
    result = Pipeline(rules).clean(test.raw_doc(file.label))
    if not isinstance(result, Doc):
        return None
    imported = {f.label for f in rules.files if f.imported}
    found = tuple(f"{r.rule} ({r.reason.removeprefix('suspended: ')})" for r in result.removals
                  if r.reason.startswith(_GUARD_REASON) and r.rule.rsplit(":", 1)[0] in imported)
    if not found:
        return None
    unguarded = {f.name: replace(f, imported="") for f in (*rules.files, file) if f.imported}
    bare = rules.adding(list(unguarded.values()))
    return Suspension(found, run_rule_test(bare, unguarded.get(file.name, file), test), bare)


def _who_removed(rules: RuleSet, file: RuleFile, test: RuleTest, needle: str,
                 removed: bool = True) -> str:
    """Which rule or step removed a string a test must keep, for the failure message; with
    ``removed=False``, which rule was suspended (the prose guard, another language) on a
    string the test must lose."""
    raw = test.raw_doc(file.label)
    result = Pipeline(rules).clean(raw)
    for r in result.removals:
        if r.removed == removed and needle in r.text:
            return f" (removed by {r.rule}: {r.reason})" if removed else \
                f" ({r.rule} {r.reason})"
    return ""


def _problems(rules: RuleSet, r: RuleTestResult) -> list[str]:
    """A failed test's problems as ``rules test`` says them: who removed what was lost, and
    which rule was suspended on what leaked."""
    lost = {f"lost {s!r}": s for s in r.test.must_contain}
    problems = []
    for p in r.problems:
        if p in lost:
            who = _who_removed(rules, r.file, r.test, lost[p])
            problems.append(f"{p} (must_contain){who}")
        elif p.startswith("kept "):
            why = next((_who_removed(rules, r.file, r.test, s, removed=False)
                        for s in r.test.must_not_contain if p == f"kept {s!r}"), "")
            problems.append(f"leaked {p[len('kept '):]} (must_not_contain){why}")
        else:
            problems.append(p)
    return problems


def describe(ctx: RulesContext, outcome: FileOutcome) -> list[str]:
    """The lines ``rules test`` prints for one file."""
    if outcome.load_error:
        return [outcome.load_error]
    lines: list[str] = []
    source = ctx.source(outcome.label)
    suspensions = outcome.suspensions or (None,) * len(outcome.results)
    for r, suspension in zip(outcome.results, suspensions, strict=True):
        where = f"{outcome.label}:{source.test_line(r.test.name)}: test {r.test.name!r}"
        guard = "the guard suspended " + ", ".join(suspension.rules) if suspension else ""
        if r.passed:
            if suspension:
                lines.append(f"{where}: {guard}; the test passes without the guard too")
            continue
        if r.problems == (ONLY_BY_THE_GUARD,) and suspension:
            unguarded = _problems(suspension.without, suspension.unguarded)
            lines.append(f"{where} failed: it passes only because {guard}; without the guard: "
                         f"{'; '.join(unguarded)}")
            continue
        said = _problems(ctx.rules, r) + ([guard] if guard else [])
        lines.append(f"{where} failed: {'; '.join(said)}")
    n = len(outcome.results)
    tests = f"{n} test{'s' if n != 1 else ''}"
    if outcome.failed:
        lines.append(f"{outcome.label}: {outcome.failed} of {tests} failed")
    else:
        lines.append(f"{outcome.label}: {tests} passed")
    return lines
