"""Run the offline tests that every rule file carries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cleaner.model import Doc
from cleaner.ruleset import RuleFile, RuleSet, RuleTest
from cleaner.run.pipeline import Pipeline


@dataclass(frozen=True, slots=True)
class RuleTestResult:
    """The outcome of one rule-file test: problems found, empty when it passed."""

    file: RuleFile
    test: RuleTest
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


def run_rule_test(rules: RuleSet, file: RuleFile, test: RuleTest) -> RuleTestResult:
    """Clean the test's input with the whole rule set and check what it must and must not keep."""
    raw = test.raw_doc(file.label)
    result = Pipeline(rules).clean(raw)
    if not isinstance(result, Doc):
        return RuleTestResult(file, test, (f"rejected: {result.reason.value}: {result.detail}",))
    problems: list[str] = []
    if file.name not in result.sites:
        problems.append("the rule file does not apply to its own test input")
    text = result.text
    problems += [f"lost {s!r}" for s in test.must_contain if s not in text]
    problems += [f"kept {s!r}" for s in test.must_not_contain if s in text]
    if test.must_not_contain and not any(r.removed and r.rule.startswith(file.label + ":")
                                         for r in result.removals):
        problems.append("none of this file's rules removed anything")
    return RuleTestResult(file, test, tuple(problems))


def run_rule_tests(rules: RuleSet) -> Iterator[RuleTestResult]:
    """Every test of every rule file in the set."""
    for f in rules.files:
        for t in f.tests:
            yield run_rule_test(rules, f, t)
