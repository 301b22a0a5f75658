"""Rules that apply by the document's language (``lang``), and lint that sees ``trim_tail``."""

import json

from cleaner.rulestools.context import build_context
from cleaner.rulestools.lint import lint

DEFAULT = '''description = "minimal default"

[[drop_line]]
name = "share_label"
pattern = '^Share$'

[[test]]
name = "share"
input = """
Storm hits the coast town

Heavy rain flooded streets in the harbour town on Tuesday, officials said, and more is expected.

Share

The mayor said schools would reopen on Thursday after the water receded from the lower town.
"""
must_contain = ["Heavy rain flooded streets"]
must_not_contain = ["Share"]
'''

ARTICLE = [
    "Council approves the new bridge",
    "The city council voted on Monday to approve a new bridge over the river after two years.",
    "Construction will start in spring and take three years, the council said in a statement.",
]


def site_file(rules, lines, must_contain, must_not_contain=(), lang=None):
    """A rule file for a.com with the given rules and one text test of ``lines``."""
    test_lang = f'lang = "{lang}"\n' if lang else ""
    return (f'description = "a.com"\n\n[match]\nhosts = ["a.com"]\n\n{rules}\n\n'
            f'[[test]]\nname = "page"\nurl = "https://www.a.com/story"\n{test_lang}'
            f"input = {json.dumps(chr(10).join(lines) + chr(10))}\n"
            f"must_contain = {json.dumps(list(must_contain))}\n"
            f"must_not_contain = {json.dumps(list(must_not_contain))}\n")


def rules_dir(tmp_path, files):
    d = tmp_path / "rules"
    d.mkdir()
    (d / "_default.toml").write_text(DEFAULT, encoding="utf-8")
    for name, text in files.items():
        (d / f"{name}.toml").write_text(text, encoding="utf-8")
    return d


def lint_file(d, name):
    return lint(build_context([str(d / f"{name}.toml")]))


# --- lint R101 and trim_tail ---------------------------------------------------------------------

TRIM = "[[trim_tail]]\nname = \"agency_credit\"\npattern = '\\s+\\(agency: \\w+\\)$'\n"


def test_r101_trim_tail_that_trims_a_tail_in_its_tests_is_tested(tmp_path):
    # The credit goes and the sentence stays: the rule removes no whole line, yet it works.
    lines = [*ARTICLE, "Work on the approach roads begins first, the council said on Monday "
             "evening. (agency: AFP)"]
    d = rules_dir(tmp_path, {"a.com": site_file(TRIM, lines, ["Work on the approach roads"],
                                                ["(agency: AFP)"])})
    assert lint_file(d, "a.com") == []


def test_r101_trim_tail_that_trims_nothing_in_its_tests_is_untested(tmp_path):
    d = rules_dir(tmp_path, {"a.com": site_file(TRIM, ARTICLE, ["The city council voted"])})
    (f,) = lint_file(d, "a.com")
    assert f.code == "R101"
    assert "trim_tail.agency_credit" in f.message
    assert (d / "a.com.toml").read_text().splitlines()[f.line - 1] == 'name = "agency_credit"'
