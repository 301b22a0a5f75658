"""``"=example.com"`` in ``[match] hosts``: the file applies to that host alone, not to its
subdomains (what learned profiles use: they apply to the hosts they were learned from)."""

import pytest

from cleaner.ruleset import RuleError, parse_rule_file
from cleaner.ruleset.tools.context import build_context
from cleaner.ruleset.tools.lint import lint
from cleaner.ruleset.tools.testrun import run_file_tests

STORY = ("The city council voted on Monday to approve a new bridge over the river after two "
         "years of debate.\\n\\nConstruction will start in spring and take three years, the "
         "council said in a statement.")
TEST = (f'[[test]]\nname = "page"\nurl = "https://example.com/a"\ninput = "Menu\\n\\n{STORY}\\n"'
        '\nmust_contain = ["The city council voted"]\nmust_not_contain = ["Menu"]\n')


def rule_file(hosts: str, test: str = TEST) -> str:
    return (f'[match]\nhosts = {hosts}\n\n[[drop_line]]\nname = "menu"\npattern = "^Menu$"\n\n'
            + test)


def parse(hosts: str):
    return parse_rule_file(rule_file(hosts).encode(), "example.com", "example.com.toml")


@pytest.mark.parametrize(("url", "applies"), [
    ("https://example.com/a", True), ("https://www.example.com/a", True),
    ("https://EXAMPLE.com/a", True), ("https://news.example.com/a", False),
    ("https://www.news.example.com/a", False), ("https://notexample.com/a", False),
    ("https://example.com.evil.example/a", False)])
def test_an_exact_host_matches_that_host_only(url, applies):
    f = parse('["=example.com"]')
    assert (f.match_reason(url, "") is not None) is applies
    if applies:
        assert f.match_reason(url, "") == "host example.com matches =example.com"


def test_exact_hosts_are_written_as_hosts_are():
    assert parse('["=WWW.Example.com", "other.example"]').hosts == ("=example.com",
                                                                    "other.example")


def test_a_plain_host_still_covers_its_subdomains():
    f = parse('["example.com"]')
    assert f.match_reason("https://news.example.com/a", "") is not None


@pytest.mark.parametrize("bad", ['"="', '"=.example.com"', '"=="', '"=www."'])
def test_an_exact_host_needs_a_host(bad):
    with pytest.raises(RuleError, match=r"example.com.toml: match.hosts: .*'=' .*=example.com"):
        parse(f"[{bad}]")


def _write(d, name, hosts):
    (d / f"{name}.toml").write_text(rule_file(hosts), encoding="utf-8")


def test_lint_an_exact_host_and_the_same_plain_host_in_two_files(tmp_path):
    _write(tmp_path, "a", '["=example.com"]')
    _write(tmp_path, "b", '["example.com"]')
    found = [f for f in lint(build_context([str(tmp_path)])) if f.code == "R301"]
    assert sorted(f.path.rsplit("/", 1)[1] for f in found) == ["a.toml", "b.toml"]
    a = next(f for f in found if f.path.endswith("a.toml"))
    assert "'=example.com'" in a.message
    assert (tmp_path / "a.toml").read_text().splitlines()[a.line - 1].startswith("hosts")


def test_lint_an_exact_host_and_another_hosts_subdomain_is_no_finding(tmp_path):
    """``=news.example.com`` beside ``example.com``: a site's own file beside its family's, as
    a plain ``news.example.com`` would be."""
    _write(tmp_path, "a", '["=news.example.com"]')
    _write(tmp_path, "b", '["example.com"]')
    assert [f for f in lint(build_context([str(tmp_path)])) if f.code == "R301"] == []


def test_a_file_with_an_exact_host_lints_clean_and_passes_its_tests(tmp_path):
    _write(tmp_path, "example.com", '["=example.com"]')
    ctx = build_context([str(tmp_path / "example.com.toml")])
    assert lint(ctx) == []
    (outcome,) = run_file_tests(ctx)
    assert outcome.results
    assert outcome.failed == 0
