"""Every shipped rule file's own offline tests pass against the whole rule set."""

import pytest

from cleaner.ruleset import RuleSet, load_rules, parse_rule_file
from cleaner.ruleset.selftest import run_rule_test

RULES = load_rules()
CASES = [(f, t) for f in RULES.files for t in f.tests]


@pytest.mark.parametrize(("file", "test"), CASES, ids=[f"{f.name}:{t.name}" for f, t in CASES])
def test_rule_file_case(file, test):
    result = run_rule_test(RULES, file, test)
    assert result.problems == ()


def test_a_failing_rule_test_reports_what_leaked():
    bad = parse_rule_file(
        b'[match]\nhosts = ["a.com"]\n[[drop_line]]\nname = "nothing"\npattern = "^zzz$"\n'
        b'[[test]]\nname = "t"\nurl = "https://a.com/x"\n'
        b'input = "Headline for the story here\\n\\nA sentence that is long enough to be body text '
        b'of an article, kept.\\n\\nSpam line"\nmust_not_contain = ["Spam line"]\n',
        "a.com", "rules/a.com.toml")
    result = run_rule_test(RuleSet((*RULES.files, bad)), bad, bad.tests[0])
    assert "none of this file's rules removed anything" in result.problems
