"""``cleaner rules test`` on imported files (``imported = "ftr"``): each test says when the
guard suspended an imported rule on its page, and a test that passes only because of it fails,
saying what the rules do without the guard."""

import re

from cleaner import cli
from conftest import BRIDGE_STORY, bridge_page, news_rule_file

ARTICLE = BRIDGE_STORY
PAGE = bridge_page(ARTICLE)
FIRST = ARTICLE[0][:40]
LAST = ARTICLE[-1][:40]


def rule_file(tmp_path, html, must_contain, imported=True):
    return news_rule_file(tmp_path, html, PAGE, must_contain, imported=imported)


def rules_test(path, capsys):
    code = cli.main(["rules", "test", str(path)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_a_test_that_passes_only_because_the_guard_suspended_a_rule_fails(tmp_path, capsys):
    path = rule_file(tmp_path, "body_xpath = [\"//aside[@class='sidebar']\"]", [FIRST])
    code, lines, err = rules_test(path, capsys)
    assert code == 1
    line = path.read_text(encoding="utf-8").splitlines().index("[[test]]") + 2
    assert re.fullmatch(
        rf"{re.escape(str(path))}:{line}: test 'saved_page' failed: it passes only because the "
        rf"guard suspended {re.escape(str(path))}:body_xpath\[0\] \(would remove \d+% of the "
        rf"article\); without the guard: lost '{re.escape(FIRST)}' \(must_contain\)"
        r"( \(removed by [^()]+\))?",
        lines[0]), lines
    assert lines[1] == f"{path}: 1 of 1 test failed"
    assert "0 of 1 tests passed" in err


def test_a_test_that_passes_either_way_passes_and_says_the_guard_acted(tmp_path, capsys):
    """The imported strip keeps only the first paragraph: suspended, but the test asks only
    for that paragraph, which both runs keep."""
    path = rule_file(tmp_path, 'remove_xpath = ["//article/p[position() > 1]"]', [FIRST])
    code, lines, _ = rules_test(path, capsys)
    assert code == 0
    assert re.fullmatch(
        rf"{re.escape(str(path))}:\d+: test 'saved_page': the guard suspended "
        rf"{re.escape(str(path))}:remove_xpath\[0\] \(would remove \d+% of the article\); the "
        r"test passes without the guard too", lines[0]), lines
    assert lines[1] == f"{path}: 1 test passed"


def test_a_failing_test_also_names_what_the_guard_suspended(tmp_path, capsys):
    path = rule_file(tmp_path, "body_xpath = [\"//aside[@class='sidebar']\"]",
                     [FIRST, "not on the page"])
    code, lines, _ = rules_test(path, capsys)
    assert code == 1
    assert "failed: lost 'not on the page' (must_contain); the guard suspended " \
        f"{path}:body_xpath[0] (would remove" in lines[0]
    assert "passes only because" not in lines[0]


def test_without_a_suspension_nothing_is_said_of_the_guard(tmp_path, capsys):
    path = rule_file(tmp_path, 'body_xpath = ["//article"]\nremove_xpath = ["//aside"]',
                     [FIRST, LAST])
    code, lines, _ = rules_test(path, capsys)
    assert (code, lines) == (0, [f"{path}: 1 test passed"])


def test_a_file_that_is_not_imported_is_not_guarded(tmp_path, capsys):
    path = rule_file(tmp_path, "body_xpath = [\"//aside[@class='sidebar']\"]", [FIRST],
                     imported=False)
    code, lines, _ = rules_test(path, capsys)
    assert code == 1
    assert f"failed: lost '{FIRST}' (must_contain)" in lines[0]
    assert "guard" not in lines[0]
