"""`cleaner rules lint` R105 (empties-its-tests): a file whose html rules keep (almost) none of
the article of an html test page it matches; and the ``imported = "ftr"`` that import-ftr
writes, which both this check and the runtime guard look at."""

from cleaner.ruleset import load_rules, parse_rule_file
from cleaner.ruleset.tools import ftr
from cleaner.ruleset.tools.context import build_context
from cleaner.ruleset.tools.lint import CODES, codes_help, lint
from conftest import BRIDGE_STORY, bridge_page, news_rule_file

PARAGRAPHS = BRIDGE_STORY[:3]
PAGE = bridge_page(PARAGRAPHS)


def rule_file(tmp_path, html, url="https://news.example/bridge"):
    return news_rule_file(tmp_path, html, PAGE, ["The city council voted"], url)


def r105(path):
    return [f for f in lint(build_context([str(path)])) if f.code == "R105"]


def test_a_body_xpath_that_selects_the_sidebar_empties_its_test_page(tmp_path):
    path = rule_file(tmp_path, "body_xpath = [\"//aside[@class='sidebar']\"]")
    (finding,) = r105(path)
    assert finding.path.endswith("news.example.toml")
    assert finding.line == path.read_text().splitlines().index("[[test]]") + 2
    assert "of the article of test 'saved_page'" in finding.message


def test_a_strip_that_takes_the_article_empties_its_test_page(tmp_path):
    assert len(r105(rule_file(tmp_path, 'remove_xpath = ["//article"]'))) == 1


def test_a_good_body_xpath_and_strip_are_not_flagged(tmp_path):
    path = rule_file(tmp_path, 'body_xpath = ["//article"]\nremove_xpath = ["//aside"]')
    assert r105(path) == []


def test_a_test_page_the_file_does_not_match_is_not_judged(tmp_path):
    path = rule_file(tmp_path, "body_xpath = [\"//aside[@class='sidebar']\"]",
                     url="https://other.example/bridge")
    assert r105(path) == []


def test_the_code_is_listed_for_help():
    assert CODES["R105"][0] == "empties-its-tests"
    assert "R105  empties-its-tests:" in codes_help()


# --- what import-ftr writes ---------------------------------------------------------------------


def test_import_ftr_marks_its_files_as_imported(tmp_path):
    src = tmp_path / "news.example.txt"
    src.write_text("body: //article\nstrip: //aside\n", encoding="utf-8")
    conv = ftr.convert_file(src, load_rules())
    assert conv.problem == ""
    assert 'imported = "ftr"' in conv.toml.splitlines()
    assert parse_rule_file(conv.toml.encode(), "news.example", "x.toml").imported == "ftr"


def test_import_ftr_placeholder_test_runs_without_the_guard(tmp_path):
    # The head's title holds no article: under the guard the rule would be suspended and the
    # placeholder test pass; the test must show what the XPath itself does.
    src = tmp_path / "news.example.txt"
    src.write_text("body: /html/head/title\n", encoding="utf-8")
    conv = ftr.convert_file(src, load_rules())
    assert conv.toml == ""
    assert conv.problem.startswith("no placeholder page keeps any text")
