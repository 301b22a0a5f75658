"""``cleaner rules test``: run rule files' own tests against the whole rule set, per file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cleaner.ruleset import RuleFile, RuleSet, RuleTest
from cleaner.ruleset.selftest import RuleTestResult, run_rule_test
from cleaner.ruleset.tools.context import RulesContext, problem_line
from cleaner.run.pipeline import Pipeline


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """The tests of one target file: results, or why the file could not be tested."""

    label: str
    results: tuple[RuleTestResult, ...] = ()
    load_error: str = ""

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
        yield FileOutcome(label, tuple(run_rule_test(ctx.rules, file, t) for t in file.tests))


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


def describe(ctx: RulesContext, outcome: FileOutcome) -> list[str]:
    """The lines ``rules test`` prints for one file."""
    if outcome.load_error:
        return [outcome.load_error]
    lines: list[str] = []
    source = ctx.source(outcome.label)
    for r in outcome.results:
        if r.passed:
            continue
        lost = {f"lost {s!r}": s for s in r.test.must_contain}
        problems = []
        for p in r.problems:
            if p in lost:
                who = _who_removed(ctx.rules, r.file, r.test, lost[p])
                problems.append(f"{p} (must_contain){who}")
            elif p.startswith("kept "):
                why = next((_who_removed(ctx.rules, r.file, r.test, s, removed=False)
                            for s in r.test.must_not_contain if p == f"kept {s!r}"), "")
                problems.append(f"leaked {p[len('kept '):]} (must_not_contain){why}")
            else:
                problems.append(p)
        lines.append(f"{outcome.label}:{source.test_line(r.test.name)}: test {r.test.name!r} "
                     f"failed: {'; '.join(problems)}")
    n = len(outcome.results)
    tests = f"{n} test{'s' if n != 1 else ''}"
    if outcome.failed:
        lines.append(f"{outcome.label}: {outcome.failed} of {tests} failed")
    else:
        lines.append(f"{outcome.label}: {tests} passed")
    return lines
