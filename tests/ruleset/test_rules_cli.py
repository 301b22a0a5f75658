"""`cleaner rules`: lint, test, check, which, import-ftr, suggest; the TOML writer."""

import json
import shutil
import tomllib

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import cli
from cleaner.model import Doc, RawDoc, Source
from cleaner.ruleset import load_rule_file, load_rules, parse_rule_file, shipped_rules_dir
from cleaner.ruleset.tools import ftr
from cleaner.ruleset.tools.context import TomlSource, build_context, with_file
from cleaner.ruleset.tools.lint import CODES, lint
from cleaner.ruleset.tools.patterns import escape, line_anchored, line_pattern, why_impossible
from cleaner.ruleset.tools.toml_out import dumps
from cleaner.run.pipeline import build_steps, clean_one
from cleaner.steps.extract import split_blocks
from conftest import FIXTURES, pages_without_urls

SEEDS = FIXTURES / "seeds" / "raw"
FTR = FIXTURES / "ftr"
SUGGEST = FIXTURES / "suggest"
# What `rules lint` finds in the shipped rules today: rules no test of their own file shows at
# work (R101, R202) and tagDiv fingerprints that match _default's comment-form test (R302).
# Reported to the maintainers; nothing else may appear.


def run(argv, capsys):
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# --- crafted rule directories ---------------------------------------------------------------------

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

ARTICLE = (
    "Council approves the new bridge\\n\\n"
    "The city council voted on Monday to approve a new bridge over the river after two years.\\n\\n"
    "Construction will start in spring and take three years, the council said in a statement.\\n\\n"
)


def site(host, rules="", test_lines="Menu line", must_not=None, match=None, extra_tests=""):
    """A site rule file for ``host`` whose one test holds the article and ``test_lines``."""
    must_not = must_not if must_not is not None else [test_lines.split("\\n")[0]]
    match = match or f'hosts = ["{host}"]'
    return (f'description = "{host}"\n\n[match]\n{match}\n\n{rules}\n\n'
            f'[[test]]\nname = "page"\nurl = "https://www.{host}/story"\n'
            f'input = "{ARTICLE}{test_lines}\\n"\n'
            f'must_contain = ["The city council voted"]\n'
            f'must_not_contain = {json.dumps(must_not)}\n{extra_tests}')


def rules_dir(tmp_path, files, name="rules"):
    d = tmp_path / name
    d.mkdir()
    (d / "_default.toml").write_text(DEFAULT, encoding="utf-8")
    for fname, text in files.items():
        (d / f"{fname}.toml").write_text(text, encoding="utf-8")
    return d


def lint_codes(d, *files):
    ctx = build_context([str(d / f"{f}.toml") for f in files] or [str(d)])
    return lint(ctx)


def drop_line(name, pattern, extra=""):
    return f"[[drop_line]]\nname = \"{name}\"\npattern = '{pattern}'\n{extra}\n"


# --- lint ---------------------------------------------------------------------------------------


def test_every_code_is_documented_in_help(capsys):
    with pytest.raises(SystemExit):
        cli.main(["rules", "lint", "--help"])
    out = capsys.readouterr().out
    assert all(code in out for code in CODES)


def test_lint_finds_nothing_in_the_shipped_rules(capsys):
    assert [str(f) for f in lint(build_context([]))] == []
    code, out, err = run(["rules", "lint"], capsys)
    assert (code, out) == (0, "")
    assert "0 findings in 4 files" in err


def test_lint_clean_crafted_dir_has_no_findings(tmp_path, capsys):
    d = rules_dir(tmp_path, {"a.com": site("a.com", drop_line("menu_line", "^Menu line$"))})
    code, out, err = run(["rules", "lint", str(d)], capsys)
    assert (code, out) == (0, ""), out
    assert "0 findings in 2 files" in err


def test_r001_a_file_that_does_not_load_is_a_finding_and_the_others_are_linted(tmp_path, capsys):
    d = rules_dir(tmp_path, {
        "bad.com": site("bad.com", drop_line("broken", "(unclosed")),
        "a.com": site("a.com", drop_line("never", "^zzz$") + drop_line("menu_line", "^Menu line$")),
    })
    code, out, _ = run(["rules", "lint", str(d)], capsys)
    assert code == 1
    lines = out.splitlines()
    bad = next(x for x in lines if x.startswith(f"{d}/bad.com.toml:"))
    line_no = int(bad.split(":")[1])
    assert "pattern = '(unclosed'" in (d / "bad.com.toml").read_text().splitlines()[line_no - 1]
    assert "R001 does not load: drop_line[0].pattern: bad regex" in bad
    assert any(x.startswith(f"{d}/a.com.toml:") and "R101" in x for x in lines)


def test_r001_toml_syntax_error_gives_the_parser_line(tmp_path):
    d = rules_dir(tmp_path, {"a.com": 'description = "x"\n[match\nhosts = 1\n'})
    (f,) = lint_codes(d, "a.com")
    assert (f.code, f.line) == ("R001", 2)
    assert "not valid TOML" in f.message


def test_r101_untested_rule_points_at_its_name_line(tmp_path):
    d = rules_dir(tmp_path, {"a.com": site("a.com", drop_line("menu_line", "^Menu line$")
                                           + drop_line("never_seen", "^Newsletter box$"))})
    (f,) = lint_codes(d, "a.com")
    assert f.code == "R101"
    assert "drop_line.never_seen" in f.message
    text = (d / "a.com.toml").read_text().splitlines()
    assert text[f.line - 1] == 'name = "never_seen"'


def test_r101_html_selector_without_html_test_and_unfound_fingerprint(tmp_path):
    rules = drop_line("menu_line", "^Menu line$") + '[html]\nremove_css = [".promo-box"]\n'
    match = 'hosts = ["a.com"]\nfingerprints = ["Menu line", "Never on the page"]'
    d = rules_dir(tmp_path, {"a.com": site("a.com", rules, match=match)})
    messages = [f.message for f in lint_codes(d, "a.com") if f.code == "R101"]
    assert any(".promo-box" in m and "no html test" in m for m in messages)
    assert any("'Never on the page' is found in none" in m for m in messages)


def test_r101_body_selector_that_selects_nothing(tmp_path):
    page = ("<html><body><div class='story'><p>The city council voted on Monday to approve a "
            "new bridge over the river after two years.</p></div></body></html>")
    text = ('description = "x"\n[match]\nhosts = ["a.com"]\n[html]\n'
            "body_xpath = [\"//div[@id='nothing']\"]\nbody_css = [\".story\"]\n"
            f'[[test]]\nname = "t"\nkind = "html"\ninput = "{page}"\n'
            'must_contain = ["The city council voted"]\n')
    d = rules_dir(tmp_path, {"a.com": text})
    (f,) = lint_codes(d, "a.com")
    assert (f.code, f.line) == ("R101", 5)
    assert "html.body_xpath[0]" in f.message


@pytest.mark.parametrize(("pattern", "why"), [
    ("Menu line$more", "after the end of the line"),
    ("Menu^line", "before the start of the line"),
    ("Menu\\nline", "line break"),
    ("^$", "empty line"),
])
def test_r102_impossible_patterns(tmp_path, pattern, why):
    rules = drop_line("menu_line", "^Menu line$") + drop_line("impossible", pattern)
    d = rules_dir(tmp_path, {"a.com": site("a.com", rules)})
    found = [f for f in lint_codes(d, "a.com") if f.code == "R102"]
    assert len(found) == 1
    assert why in found[0].message


def test_r103_pattern_matching_every_line(tmp_path):
    rules = drop_line("menu_line", "^Menu line$") + drop_line("everything", "x*")
    d = rules_dir(tmp_path, {"a.com": site("a.com", rules)})
    assert "R103" in {f.code for f in lint_codes(d, "a.com")}


def test_r201_same_pattern_in_two_site_files(tmp_path):
    d = rules_dir(tmp_path, {
        "a.com": site("a.com", drop_line("menu_line", "^Menu line$")),
        "b.com": site("b.com", drop_line("menu", "^Menu line$")),
    })
    found = [f for f in lint_codes(d) if f.code == "R201"]
    assert {f.path.rsplit("/", 1)[1] for f in found} == {"a.com.toml", "b.com.toml"}
    assert "drop_line.menu" in next(f for f in found if f.path.endswith("a.com.toml")).message
    # Linting one file reports only that file's side.
    assert [f.path for f in lint_codes(d, "b.com") if f.code == "R201"] == [str(d / "b.com.toml")]


def test_r202_drop_line_always_cut_by_a_truncate_at_of_the_same_file(tmp_path):
    rules = ("[[truncate_at]]\nname = \"footer\"\npattern = '^Menu line$'\n\n"
             + drop_line("copyright", "^Copyright Example$"))
    d = rules_dir(tmp_path, {"a.com": site("a.com", rules, "Menu line\\nCopyright Example")})
    (f,) = [f for f in lint_codes(d, "a.com") if f.code == "R202"]
    assert "drop_line.copyright" in f.message
    assert "truncate_at.footer" in f.message


def test_r203_site_rule_repeats_default(tmp_path):
    d = rules_dir(tmp_path, {"a.com": site("a.com", drop_line("share", "^Share$"), "Share")})
    found = lint_codes(d, "a.com")
    assert [f.code for f in found] == ["R203"]
    assert "_default.toml drop_line.share_label" in found[0].message


def test_r204_same_file_name_in_two_rule_directories(tmp_path, capsys):
    one = rules_dir(tmp_path, {"a.com": site("a.com", drop_line("menu_line", "^Menu line$"))})
    two = tmp_path / "more"
    two.mkdir()
    shutil.copy(one / "a.com.toml", two / "a.com.toml")
    code, out, _ = run(["rules", "lint", "--rules", str(one), "--rules", str(two)], capsys)
    assert code == 1
    # The later directory wins, as in `cleaner clean --rules`: the earlier file is the one left
    # out. Replacing a bundled file is no finding: that is what --rules is for.
    assert f"{one}/a.com.toml:0: R204 {two}/a.com.toml has the same file name" in out
    assert "R204" not in out.replace(f"{one}/a.com.toml:0: R204", "")


def test_rules_dirs_add_to_the_bundled_rules_in_lint_and_test(tmp_path):
    from cleaner.ruleset.tools.context import build_context
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "a.com.toml").write_text(site("a.com", drop_line("menu_line", "^Menu line$")))
    labels = [f.label for f in build_context([], [extra]).rules.files]
    assert labels[0] == "rules/_default.toml"
    assert f"{extra}/a.com.toml" in labels
    assert "rules/ndtv.com.toml" in labels
    alone = [f.label for f in build_context([], [extra], bundled=False).rules.files]
    assert alone == [f"{extra}/a.com.toml"]


def test_no_bundled_rules_needs_a_directory_everywhere(capsys):
    for argv in (["rules", "lint", "--no-bundled-rules"], ["check", ".", "--no-bundled-rules"]):
        code, _, err = run(argv, capsys)
        assert code == 2, argv
        assert "--no-bundled-rules needs --rules DIR" in err


def test_r301_host_in_two_files(tmp_path):
    d = rules_dir(tmp_path, {
        "a.com": site("a.com", drop_line("menu_line", "^Menu line$")),
        "a-theme": site("a.com", drop_line("menu", "^Menu line [0-9]$"), "Menu line 2",
                        match='hosts = ["b.com", "a.com"]'),
    })
    found = [f for f in lint_codes(d) if f.code == "R301"]
    assert len(found) == 2
    theme = next(f for f in found if "a-theme" in f.path)
    assert (d / "a-theme.toml").read_text().splitlines()[theme.line - 1].startswith("hosts")


def test_r302_fingerprints_that_match_another_files_test(tmp_path):
    d = rules_dir(tmp_path, {
        "a.com": site("a.com", drop_line("menu_line", "^Menu line$")),
        "theme": site("theme.com", drop_line("menu", "^Menu line$"),
                      match='fingerprints = ["Menu line"]'),
    })
    found = [f for f in lint_codes(d) if f.code == "R302"]
    assert len(found) == 1
    assert found[0].path.endswith("theme.toml")
    assert "a.com.toml test 'page'" in found[0].message
    # Reported when either file is linted: the other file's page is what it matches.
    assert [f.code for f in lint_codes(d, "a.com") if f.code == "R302"] == ["R302"]


def test_r303_and_r304_fingerprint_patterns(tmp_path):
    match = 'fingerprints = ["re:^Council approves", "re:x*"]\nmin_fingerprints = 1'
    d = rules_dir(tmp_path, {"a.com": site("a.com", drop_line("menu_line", "^Menu line$"),
                                           match=match)})
    codes = [f.code for f in lint_codes(d, "a.com")]
    assert "R303" in codes
    assert "R304" in codes


def test_noqa_and_ignore_silence_findings(tmp_path, capsys):
    text = site("a.com", drop_line("menu_line", "^Menu line$")
                + drop_line("never_seen", "^Newsletter box$"))
    d = rules_dir(tmp_path, {"a.com": text.replace('name = "never_seen"',
                                                   'name = "never_seen"  # noqa: R101')})
    assert lint_codes(d, "a.com") == []
    d2 = rules_dir(tmp_path, {"a.com": text}, name="other")
    code, _, _ = run(["rules", "lint", str(d2 / "a.com.toml"), "--ignore", "r101"], capsys)
    assert code == 0


def test_lint_missing_file_is_a_usage_error(tmp_path, capsys):
    code, _, err = run(["rules", "lint", str(tmp_path / "nope.toml")], capsys)
    assert code == 2
    assert "no such rule file" in err


# --- test and check -------------------------------------------------------------------------------


def test_rules_test_passes_on_shipped_rules(capsys):
    code, out, err = run(["rules", "test"], capsys)
    assert code == 0, out
    assert "rules/ndtv.com.toml: 2 tests passed" in out.splitlines()
    assert "rules/thestar.com.my.toml: 1 test passed" in out.splitlines()
    n = sum(len(f.tests) for f in load_rules().files)
    assert f"{n} of {n} tests passed" in err


def test_rules_test_reports_what_was_lost_and_leaked(tmp_path, capsys):
    d = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), d)
    ndtv = d / "ndtv.com.toml"
    text = ndtv.read_text(encoding="utf-8")
    text = text.replace('must_contain = ["The two leaders met in the capital"',
                        'must_contain = ["Track Latest News Live", '
                        '"The two leaders met in the capital"')
    text = text.replace("pattern = '(?i)^\\(?except for the headline",
                        "pattern = '(?i)^\\(?nothing like the headline")
    ndtv.write_text(text, encoding="utf-8")
    code, out, err = run(["rules", "test", str(ndtv)], capsys)
    assert code == 1
    (failed,) = [x for x in out.splitlines() if "failed:" in x]
    assert failed.startswith(f"{ndtv}:")
    line = int(failed.split(":")[1])
    assert text.splitlines()[line - 1] == 'name = "agency_story"'
    assert "lost 'Track Latest News Live' (must_contain) (removed by" in failed
    assert "track_latest_news_footer" in failed
    assert "leaked 'Except for the headline' (must_not_contain)" in failed
    assert f"{ndtv}: 1 of 2 tests failed" in out
    assert "1 of 2 tests passed" in err


def test_rules_test_file_that_does_not_load(tmp_path, capsys):
    d = rules_dir(tmp_path, {"a.com": site("a.com", drop_line("broken", "(x"))})
    code, out, _ = run(["rules", "test", str(d)], capsys)
    assert code == 1
    assert "a.com.toml:" in out
    assert "does not load, so its tests cannot run" in out
    assert f"{d}/_default.toml: 1 test passed" in out


def test_check_runs_lint_and_tests(tmp_path, capsys):
    d = rules_dir(tmp_path, {"a.com": site("a.com", drop_line("menu_line", "^Menu line$"))})
    code, out, err = run(["rules", "check", str(d / "a.com.toml")], capsys)
    assert (code, out) == (0, f"{d}/a.com.toml: 1 test passed\n")
    assert "0 lint findings; 1 of 1 tests passed" in err
    d2 = rules_dir(tmp_path, {"a.com": site("a.com", drop_line("other", "^Other$"))}, "r2")
    code, out, _ = run(["rules", "check", str(d2 / "a.com.toml")], capsys)
    assert code == 1
    assert "R101" in out
    assert "none of this file's rules removed anything" in out


def test_a_file_outside_a_rules_dir_is_checked_with_the_bundled_rules(tmp_path, capsys):
    path = tmp_path / "a.com.toml"
    path.write_text(site("a.com", drop_line("menu_line", "^Menu line$")), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    ctx = build_context([str(path)])
    assert ctx.targets == (str(path),)
    assert {f.label for f in ctx.rules.files} >= {"rules/_default.toml", str(path)}
    code, _, _ = run(["rules", "check", str(path)], capsys)
    assert code == 0


# --- which ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "expected"), [
    ("000_afe2df786c992654.txt", "rules/ndtv.com.toml: host ndtv.com matches ndtv.com"),
    ("001_2e43ac32a1ea801a.txt", "rules/thestar.com.my.toml: fingerprints: "),
    ("003_1dc8f56cb09fc03a.txt", "rules/wordpress-tagdiv-newspaper.toml: fingerprints: "),
])
def test_which_on_the_seeds(seed, expected, capsys):
    code, out, _ = run(["rules", "which", str(SEEDS / seed)], capsys)
    assert code == 0
    lines = [x.strip() for x in out.splitlines()]
    assert lines[1] == "rules/_default.toml: default: applies to every document"
    assert any(x.startswith(expected) for x in lines), out
    assert len([x for x in lines if x.startswith("rules/")]) == 2


def test_which_shows_the_url_and_where_it_came_from(capsys):
    _, out, _ = run(["rules", "which", str(SEEDS / "000_afe2df786c992654.txt")], capsys)
    assert "url https://www.ndtv.com/world-news/" in out.splitlines()[0]
    assert "(from source_line)" in out.splitlines()[0]
    _, out, _ = run(["rules", "which", str(SEEDS / "004_db1027bf0bae1ffa.txt"), "--url",
                     "https://www.thestar.com.my/news/x"], capsys)
    assert "(from cli)" in out
    assert "rules/thestar.com.my.toml: host thestar.com.my matches thestar.com.my" in out


def test_which_names_files_with_too_few_fingerprints(tmp_path, capsys):
    page = tmp_path / "page.txt"
    page.write_text("Headline of a story here\n\nSome text of the article, long enough to be "
                    "prose for sure.\n\nOthers Also Read\n", encoding="utf-8")
    _, out, _ = run(["rules", "which", str(page)], capsys)
    assert "not rules/thestar.com.my.toml: 1 of the 2 fingerprints it needs" in out


def test_which_errors(tmp_path, capsys):
    assert run(["rules", "which", str(tmp_path / "missing.txt")], capsys)[0] == 2
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, out, _ = run(["rules", "which", str(empty)], capsys)
    assert code == 1
    assert "cannot be read: empty_input" in out


# --- import-ftr -----------------------------------------------------------------------------------


def test_import_ftr_fixtures_load_and_pass_their_tests(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    code, stdout, err = run(["rules", "import-ftr", str(FTR), "-o", str(out)], capsys)
    assert code == 0, err
    assert stdout == ""
    names = sorted(p.name for p in out.glob("*.toml"))
    # .dailyharbor.net.txt is FTR's subdomains-only file: a file of its own, _.dailyharbor.net.
    assert names == ["_.dailyharbor.net.toml", "example-gazette.com.toml",
                     "news.example.org.toml", "river-post.example.com.toml"]
    for p in out.glob("*.toml"):
        f = load_rule_file(p)
        assert f.tests[0].name == ftr.PLACEHOLDER_TEST
        assert "PLACEHOLDER" in p.read_text(encoding="utf-8")
    code, stdout, _ = run(["rules", "test", str(out)], capsys)
    assert code == 0, stdout
    assert stdout.count("1 test passed") == 4
    code, stdout, _ = run(["rules", "lint", str(out)], capsys)
    assert {x.split(" ")[1] for x in stdout.splitlines()} == {"R104"}


def test_import_ftr_maps_directives(tmp_path, capsys):
    code, out, err = run(["rules", "import-ftr", str(FTR / "example-gazette.com.txt")], capsys)
    assert code == 0
    data = tomllib.loads(out)
    assert data["match"] == {"hosts": ["example-gazette.com"]}
    assert data["html"]["body_xpath"] == ["//div[@itemprop='articleBody']"]
    assert data["html"]["remove_xpath"] == [
        "//div[@class='share-bar']",
        "//aside[contains(@class, 'newsletter-signup')]",
        "//*[contains(concat(' ',normalize-space(@class),' '),' related-stories ') or "
        "@id='related-stories']",
        "//*[contains(concat(' ',normalize-space(@class),' '),' comments ') or @id='comments']",
    ]
    test = data["test"][0]
    expected = [f"Placeholder text for remove_xpath[{i}]," for i in range(4)]
    assert test["must_not_contain"] == expected
    assert "not carried over: line" in err
    for directive in ("title:", "author:", "date:", "prune:", "tidy:", "test_url:",
                      "test_contains:"):
        assert directive in err
        assert directive in out  # the header comment lists them too
    assert "placeholder test covers body_xpath[0], remove_xpath[0]" in err


def test_import_ftr_reports_what_does_not_carry_over(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    _, _, err = run(["rules", "import-ftr", str(FTR / "news.example.org.txt"),
                     str(FTR / ".dailyharbor.net.txt"), "-o", str(out)], capsys)
    assert "line 2: body: //div[@class='story' (bad XPath" in err
    assert "php:functionString" in err
    # Refused when it runs (lxml), or when it loads (ruleset.compile_xpath refuses extensions).
    assert "does not run here" in err or "not an XPath 1.0 function" in err
    assert "fold_headings: yes (unknown directive)" in err
    assert "this line is not a directive (not a 'directive: value' line)" in err
    assert "replace_string(<div class=\"lazy-wrap\">): <div> (string replacement" in err
    assert "single_page_link" in err
    assert "http_header(user-agent)" in err
    harbor = tomllib.loads((out / "_.dailyharbor.net.toml").read_text(encoding="utf-8"))
    assert harbor["match"]["hosts"] == ftr.subdomain_hosts("dailyharbor.net")
    assert "//img[contains(@src,'/tracking-pixel/')]" in harbor["html"]["remove_xpath"]
    news = tomllib.loads((out / "news.example.org.toml").read_text(encoding="utf-8"))
    assert ("//*[contains(concat(' ',normalize-space(@class),' '),\" o'reilly-box \") or "
            "@id=\"o'reilly-box\"]") in news["html"]["remove_xpath"]


def test_import_ftr_creates_the_output_directory(tmp_path, capsys):
    out = tmp_path / "new" / "rules"
    code, _, _ = run(["rules", "import-ftr", str(FTR / "news.example.org.txt"), "-o", str(out)],
                     capsys)
    assert code == 0
    assert (out / "news.example.org.toml").is_file()


def test_import_ftr_usage_and_failures(tmp_path, capsys):
    assert run(["rules", "import-ftr", str(FTR)], capsys)[0] == 2  # several files, no -o
    out = tmp_path / "out"
    out.mkdir()
    (out / "example-gazette.com.toml").write_text("keep me", encoding="utf-8")
    code, _, err = run(["rules", "import-ftr", str(FTR / "example-gazette.com.txt"),
                        "-o", str(out)], capsys)
    assert code == 1
    assert "exists; use --force" in err
    assert (out / "example-gazette.com.toml").read_text(encoding="utf-8") == "keep me"
    meta_only = tmp_path / "meta.example.com.txt"
    meta_only.write_text("title: //h1\ndate: //time\n", encoding="utf-8")
    code, _, err = run(["rules", "import-ftr", str(meta_only), "-o", str(out)], capsys)
    assert code == 1
    assert "nothing to carry over" in err
    bad_name = tmp_path / "not a host.txt"
    bad_name.write_text("body: //article\n", encoding="utf-8")
    code, _, err = run(["rules", "import-ftr", str(bad_name), "-o", str(out)], capsys)
    assert code == 1
    assert "not a host name" in err


@pytest.mark.parametrize(("name", "host"), [
    ("example.com.txt", "example.com"), (".example.com.txt", "example.com"),
    ("www.example.co.uk.txt", "example.co.uk"), ("global.txt", None), ("a b.com.txt", None),
])
def test_ftr_host_from_file_name(name, host):
    assert ftr.host_from_name(name) == host


def test_ftr_parse_lines_with_arguments_and_comments():
    lines, bad = ftr.parse_ftr("# c\n\nreplace_string(<a href=\"http://x\">): <b>\n"
                               "Body: //div\nnonsense\n")
    assert [(x.line, x.directive, x.arg, x.value) for x in lines] == [
        (3, "replace_string", '<a href="http://x">', "<b>"), (4, "body", None, "//div")]
    assert bad == [(5, "nonsense")]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20))
def test_xpath_literal_round_trips(text):
    from lxml import etree

    assert etree.XPath(f"string({ftr.xpath_literal(text)})")(etree.fromstring("<a/>")) == text


def test_synthesized_elements_are_selected():
    for expr in ("//div[@id='x']", "//div[contains(@class, 'a') and @data-k='v']//p[1]",
                 "//*[contains(concat(' ',normalize-space(@class),' '),' box ') or @id='box']",
                 "//p[contains(., 'Click here')]", "//article[@id='s'] | //div[@class='t']"):
        assert ftr.synthesize(expr), expr
    for expr in ("//p[a[starts-with(@href, 'http')]]", "substring-before(//title, ' - ')",
                 "//div/following-sibling::p"):
        assert ftr.synthesize(expr) is None, expr


# --- suggest --------------------------------------------------------------------------------------

NAV = ["Harbour Times", "Home", "News", "Business", "Sport", "Opinion", "Share this story",
       "Also on Harbour Times",
       "Get the Harbour Times morning briefing in your inbox every weekday.",
       "About us", "Contact", "Advertise with us",
       "© 2025 Harbour Times Media. All rights reserved.", "More from Harbour Times"]


@pytest.fixture
def suggested(tmp_path, capsys):
    out = tmp_path / "suggested.toml"
    code, _stdout, err = run(["rules", "suggest", str(SUGGEST), "-o", str(out)], capsys)
    assert code == 0, err
    return out, err


def test_suggest_writes_a_file_that_loads_and_passes_its_tests(suggested, capsys):
    out, err = suggested
    f = load_rule_file(out)
    assert f.hosts == ("harbour-times.example",)
    directives = {r.rule.split(":")[-1].split(".")[0] for r in f.text}
    assert directives == {"truncate_at", "drop_link_list", "drop_line"}
    assert 1 <= len(f.tests) <= 3
    code, stdout, _ = run(["rules", "test", str(out)], capsys)
    assert code == 0, stdout
    code, stdout, _ = run(["rules", "lint", str(out)], capsys)
    assert (code, stdout) == (0, "")
    assert "truncate_at.share_this_story_and_after: on 4 of 5 pages" in err
    assert "already removed by rules/_default.toml:drop_line.subscribe_prompt" in err
    assert "the headline of" in err


def test_suggested_rules_remove_recurring_lines_and_keep_article_lines(suggested):
    out, _ = suggested
    rules = with_file(load_rules(), load_rule_file(out))
    for page in sorted(SUGGEST.glob("*.txt")):
        raw = RawDoc(data=page.read_bytes(), source=Source(str(page)), kind="text")
        doc = clean_one(raw, build_steps(rules, None))
        assert isinstance(doc, Doc), page
        kept = {b.text for b in doc.blocks} | {doc.title}
        assert not kept & set(NAV), (page, kept & set(NAV))
        prose = [b.text for b in split_blocks(page.read_text(encoding="utf-8"))
                 if len(b.text.split()) >= 10 and b.text.endswith(".") and b.text not in NAV]
        assert prose
        assert [p for p in prose if p not in kept] == [], page
        assert any(r.rule.startswith(str(out)) or r.rule.startswith("suggested.toml")
                   or out.name in r.rule for r in doc.removals)


def test_suggest_without_urls_uses_fingerprints(tmp_path, capsys):
    pages = pages_without_urls(tmp_path)
    out = tmp_path / "rules"
    out.mkdir()
    code, _, err = run(["rules", "suggest", str(pages), "-o", str(out), "--name",
                        "harbour-times"], capsys)
    assert code == 0, err
    f = load_rule_file(out / "harbour-times.toml")
    assert f.hosts == ()
    assert len(f.fingerprints) >= 2
    assert f.min_fingerprints == 2
    assert run(["rules", "test", str(out / "harbour-times.toml")], capsys)[0] == 0


def test_suggest_with_host_option_and_html_pages(tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    for p in sorted(SUGGEST.glob("*.txt")):
        lines = [x for x in p.read_text(encoding="utf-8").splitlines()
                 if x.strip() and not x.startswith("Source:")]
        body = "\n".join(f"<p>{x}</p>" if len(x.split()) >= 10 else f"<div>{x}</div>"
                         for x in lines)
        (pages / f"{p.stem}.html").write_text(f"<html><body>{body}</body></html>",
                                              encoding="utf-8")
    code, out, err = run(["rules", "suggest", str(pages), "--host", "www.harbour-times.example"],
                         capsys)
    assert code == 0, err
    f = parse_rule_file(out.encode(), "harbour-times.example", "x.toml")
    assert f.hosts == ("harbour-times.example",)


def test_suggest_needs_two_pages(tmp_path, capsys):
    code, _, err = run(["rules", "suggest", str(SUGGEST / "page1.txt")], capsys)
    assert code == 2
    assert "at least 2 pages" in err
    out = tmp_path / "x.toml"
    out.write_text("keep", encoding="utf-8")
    assert run(["rules", "suggest", str(SUGGEST), "-o", str(out)], capsys)[0] == 2


# --- TOML writer, patterns, line finder -----------------------------------------------------------

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)))


@given(TEXT, TEXT)
@settings(max_examples=300)
def test_toml_writer_round_trips_any_string(key, value):
    data = {"top": value, key: [value, "x"], "table": {key: value},
            "test": [{"name": "t", "input": value + "\n" + value}]}
    assert tomllib.loads(dumps(data)) == data


def test_toml_writer_comments_and_rule_file_round_trip():
    data = {"description": "d", "match": {"hosts": ["a.com"]},
            "html": {"remove_xpath": ["//div[@class=\"x\"]"], "trafilatura": {"fast": True}},
            "drop_line": [{"name": "n", "pattern": "^a\\.b$"}],
            "test": [{"name": "t", "input": "A line\n'quoted'\n", "must_contain": ["A line"]}]}
    text = dumps(data, {(): "header", ("html", "remove_xpath", 0): "from strip",
                        ("test", 0): "a test"})
    assert text.startswith("# header\n# html.remove_xpath[0]: from strip\n# test[0]: a test\n")
    assert tomllib.loads(text) == data
    assert parse_rule_file(text.encode(), "a.com", "a.com.toml").hosts == ("a.com",)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1))
def test_escaped_lines_match_exactly_themselves(line):
    regex = re2.compile(line_pattern(line))
    assert regex.search(line)
    assert not regex.search(line + "x")
    assert re2.compile(escape(line)).search("<" + line + ">")


@pytest.mark.parametrize(("pattern", "impossible"), [
    ("foo$bar", True), ("^a$", False), ("(a$|b)c", False), ("a\\nb", True), ("[^\\n]", False),
    ("(?i)^x\\x{0a}", True), ("a$\\s*", False), ("(a\\n|b\\n)", True), ("x{0}$y", True),
    ("\\Qa$b\\E", False), ("(?P<n>a)$b", True), ("^\\s*$", False), ("^$", True),
])
def test_why_impossible(pattern, impossible):
    re2.compile(pattern)
    assert (why_impossible(pattern) is not None) == impossible


def test_line_anchored():
    assert line_anchored("^Foo")
    assert not line_anchored("(?m)^Foo$")
    assert not line_anchored("Foo\\$")


def test_toml_source_finds_lines():
    text = ('description = "x"\n[match]\nhosts = [\n  "a.com",\n  "b.com",\n]\n'
            '[[drop_line]]\nname = "one"\npattern = "a"\n[[test]]\nname = "t"\n'
            'input = """\n[[drop_line]]\nname = "fake"\n"""\n[[drop_line]]\nname = "two"\n')
    src = TomlSource(text)
    assert src.value_line("match", "hosts", "b.com") == 5
    assert src.rule_line("drop_line", "two") == 17
    assert src.rule_line("drop_line", "fake") == 0
    assert src.path_line("drop_line[1].name") == 17
    assert src.path_line("drop_line[0].pattern") == 9
    assert src.test_line("t") == 11
