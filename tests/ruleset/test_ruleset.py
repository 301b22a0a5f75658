"""Rule files: loading, validation errors, selection and the text/HTML directives."""

from pathlib import Path

import pytest
from lxml import html as lxml_html

from cleaner.model import Block
from cleaner.ruleset import (
    RuleError,
    apply_html_rules,
    apply_text_rules,
    is_link_like,
    load_rule_file,
    load_rules,
    parse_rule_file,
    shipped_rules_dir,
)

MINIMAL_TEST = """
[[test]]
name = "t"
input = "x"
must_contain = ["x"]
"""


def rule(body: str, name: str = "site") -> object:
    return parse_rule_file((body + MINIMAL_TEST).encode(), name, f"rules/{name}.toml")


def blocks(*lines: str) -> tuple[Block, ...]:
    return tuple(Block(t) for t in lines)


def test_shipped_rules_load_default_first():
    rules = load_rules()
    assert rules.files[0].name == "_default"
    assert {"ndtv.com", "thestar.com.my", "wordpress-tagdiv-newspaper"} <= {
        f.name for f in rules.files}
    assert all(f.tests for f in rules.files)


def test_rules_version_changes_with_content(tmp_path):
    d = tmp_path / "r"
    d.mkdir()
    (d / "_default.toml").write_text(MINIMAL_TEST)
    v1 = load_rules([d]).version
    (d / "_default.toml").write_text(MINIMAL_TEST + "\n# changed\n")
    assert load_rules([d]).version != v1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[match]\nhosts = ["a.com"]\nfoo = 1\n', "rules/site.toml: match.foo: unknown key"),
        ('[match]\nhosts = ["a.com"]\n[[drop_line]]\nname = "x"\npattern = "(a)\\\\1"\n',
         "rules/site.toml: drop_line[0].pattern: bad regex"),
        ('[match]\nhosts = ["a.com"]\n[[drop_line]]\npattern = "a"\n',
         "drop_line[0].name: required key is missing"),
        ('[match]\nhosts = ["a.com"]\n[[drop_line]]\nname = "Bad Name"\npattern = "a"\n',
         "drop_line[0].name: 'Bad Name' must match"),
        ('[match]\nhosts = ["a.com"]\n[html]\nremove_xpath = ["//div[@class="]\n',
         "html.remove_xpath[0]: bad XPath"),
        ('[match]\nhosts = ["a.com"]\n[html]\nremove_css = ["div[[["]\n',
         "html.remove_css[0]: bad CSS selector"),
        ('[match]\nhosts = ["a.com"]\n[html.trafilatura]\ninclude_comments = true\n',
         "html.trafilatura.include_comments: unknown key"),
        ('[match]\nhosts = ["a.com"]\n[[drop_line]]\nname = "a"\npattern = "a"\n'
         '[[drop_line]]\nname = "a"\npattern = "b"\n', "rule 'drop_line.a' is defined twice"),
        ('[match]\nhosts = ["a.com"]\n[[drop_line]]\nname = "a"\npattern = "a"\nmax_words = "3"\n',
         "drop_line[0].max_words: expected int"),
        ('[match]\nhosts = ["a.com"]\n[[drop_line]]\nname = "x"\npattern = "\\\\p{L}{1,300}"\n',
         "drop_line[0].pattern: regex too complex"),
        ("description = 'no match table'\n", "match: give hosts or fingerprints"),
        ('[match]\nfingerprints = ["a"]\nmin_fingerprints = 2\n',
         "match.min_fingerprints: must be 1..1"),
        ("not toml = = =\n", "rules/site.toml: not valid TOML"),
    ],
)
def test_bad_rule_file_names_file_and_key(body, message):
    with pytest.raises(RuleError, match=None) as info:
        rule(body)
    assert message in str(info.value)


def test_rule_file_without_tests_is_an_error():
    with pytest.raises(RuleError, match="every rule file needs at least one"):
        parse_rule_file(b'[match]\nhosts = ["a.com"]\n', "site", "rules/site.toml")


def test_missing_rules_dir_is_a_config_error(tmp_path):
    with pytest.raises(Exception, match="does not exist"):
        load_rules([tmp_path / "nope"])


def test_unreadable_rule_file(tmp_path):
    with pytest.raises(RuleError, match="cannot read rule file"):
        load_rule_file(tmp_path / "missing.toml")


@pytest.mark.parametrize(
    ("url", "applies"),
    [
        ("https://www.ndtv.com/world-news/x-1", True),
        ("https://sports.ndtv.com/cricket/x", True),
        ("https://notndtv.com/x", False),
        ("not a url", False),
        (None, False),
    ],
)
def test_host_matching_includes_subdomains(url, applies):
    f = rule('[match]\nhosts = ["ndtv.com"]\n')
    assert (f.match_reason(url, "") is not None) == applies


@pytest.mark.parametrize(
    ("url", "applies"),
    [
        ("https://sports.ndtv.com/cricket/x", True),
        ("https://a.b.ndtv.com/x", True),
        ("https://ndtv.com/x", False),
        ("https://www.ndtv.com/x", False),
        ("https://notndtv.com/x", False),
    ],
)
def test_a_leading_dot_matches_subdomains_only(url, applies):
    """FTR's ``.ndtv.com.txt``: the subdomains of the host, not the host itself."""
    f = rule('[match]\nhosts = [".ndtv.com"]\n')
    assert (f.match_reason(url, "") is not None) == applies


def test_fingerprints_need_the_minimum_count():
    f = rule('[match]\nfingerprints = ["spot_img", "re:(?m)^LEAVE A REPLY$"]\n'
             "min_fingerprints = 2\n")
    assert f.match_reason(None, "spot_imgspot_img\n") is None
    reason = f.match_reason(None, "spot_imgspot_img\nLEAVE A REPLY\n")
    assert reason is not None
    assert "fingerprints" in reason


def test_select_reports_why():
    rules = load_rules()
    sel = rules.select("https://www.thestar.com.my/news/x", "")
    assert sel.names == ("_default", "thestar.com.my")
    assert "host thestar.com.my" in sel.reasons[1]


def test_drop_line_respects_max_words():
    f = rule('[match]\nhosts = ["a.com"]\n[[drop_line]]\nname = "ad"\npattern = "(?i)advert"\n'
             "max_words = 2\n")
    kept, removed = apply_text_rules([f], blocks("Advertisement", "Long line about adverts here",
                                                 "Body."))
    assert [b.text for b in kept] == ["Long line about adverts here", "Body."]
    assert removed[0].rule == "rules/site.toml:drop_line.ad"
    assert removed[0].text == "Advertisement"


PROSE = "This line is long enough to count as a line of the article's own prose."


def test_truncate_at_cuts_marker_and_rest_but_only_after_prose():
    f = rule('[match]\nhosts = ["a.com"]\n[[truncate_at]]\nname = "form"\npattern = "^STOP$"\n')
    kept, removed = apply_text_rules([f], blocks("STOP", "nav", PROSE, "STOP", "b"))
    assert [b.text for b in kept] == ["STOP", "nav", PROSE]
    assert [r.text for r in removed] == ["STOP", "b"]


def test_truncate_at_can_require_more_prose():
    f = rule('[match]\nhosts = ["a.com"]\n[[truncate_at]]\nname = "form"\npattern = "^STOP$"\n'
             "min_prose_before = 2\n")
    kept, _ = apply_text_rules([f], blocks(PROSE, "STOP", PROSE, "STOP", "b"))
    assert [b.text for b in kept] == [PROSE, "STOP", PROSE]


def test_drop_between_needs_a_closing_marker():
    f = rule('[match]\nhosts = ["a.com"]\n[[drop_between]]\nname = "box"\nstart = "^<<$"\n'
             'end = "^>>$"\n')
    kept, _ = apply_text_rules([f], blocks("a", "<<", "x", ">>", "b", "<<", "c"))
    assert [b.text for b in kept] == ["a", "b", "<<", "c"]


def test_drop_link_list_stops_at_a_sentence():
    f = rule('[match]\nhosts = ["a.com"]\n[[drop_link_list]]\nname = "more"\n'
             'heading = "^More$"\n')
    kept, removed = apply_text_rules(
        [f], blocks("Body text.", "More", "Headline one", "Teaser of story two...",
                    "This is a real sentence that ends the list.", "Tail"))
    assert [b.text for b in kept] == ["Body text.", "This is a real sentence that ends the list.",
                                      "Tail"]
    assert len(removed) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ringgit rises near one-year high vs US$ after Bank Negara holds OPR", True),
        ("Shares of Orkla India Ltd., the parent company of...", True),
        ("He said the talks would go on.", False),
        ("", False),
        (" ".join(["word"] * 30), False),
    ],
)
def test_is_link_like(text, expected):
    assert is_link_like(text, 20) is expected


def test_each_removed_block_is_attributed_once():
    f = rule('[match]\nhosts = ["a.com"]\n[[truncate_at]]\nname = "cut"\npattern = "^CUT$"\n'
             '[[drop_line]]\nname = "x"\npattern = "x"\n')
    _, removed = apply_text_rules([f], blocks(PROSE, "CUT", "x"))
    assert [r.rule.split(":")[1] for r in removed] == ["truncate_at.cut", "truncate_at.cut"]


def test_site_rule_gets_the_credit_over_the_default():
    default = parse_rule_file(('[[drop_line]]\nname = "ad"\npattern = "^Ad$"\n' + MINIMAL_TEST)
                              .encode(), "_default", "rules/_default.toml")
    site = rule('[match]\nhosts = ["a.com"]\n[[drop_line]]\nname = "ad"\npattern = "^Ad$"\n')
    _, removed = apply_text_rules([default, site], blocks("Ad", "Body."))
    assert [r.rule for r in removed] == ["rules/site.toml:drop_line.ad"]


def test_html_rules_remove_elements_and_record_them():
    f = rule('[match]\nhosts = ["a.com"]\n[html]\nremove_css = [".share"]\n'
             'remove_xpath = ["//aside"]\nbody_css = ["article"]\n')
    tree = lxml_html.fromstring(
        "<html><body><article><p>Keep <b>this</b>.</p><div class='share'>Share this</div>"
        "tail stays<aside>Related</aside></article></body></html>")
    body, removed = apply_html_rules([f], tree)
    assert body.tag == "article"
    assert {r.text for r in removed} == {"Share this", "Related"}
    assert "tail stays" in body.text_content()
    assert "Share this" not in body.text_content()


def test_bundled_rules_are_the_repo_rules():
    """Installed from a wheel or from the tree, cleaner uses the same rule files as rules/."""
    repo = Path(__file__).resolve().parents[2] / "rules"
    bundled = shipped_rules_dir()
    names = sorted(p.name for p in repo.glob("*.toml"))
    assert names == sorted(p.name for p in bundled.glob("*.toml"))
    assert all((repo / n).read_bytes() == (bundled / n).read_bytes() for n in names)


def test_host_match_is_the_most_specific_selection():
    """A page of a site that also shows a theme's marks: the site's file is the site."""
    site = rule('[match]\nhosts = ["a.com"]\n', name="a.com")
    theme = rule('[match]\nfingerprints = ["spot_img"]\n', name="zz-theme")
    from cleaner.ruleset import RuleSet

    sel = RuleSet((site, theme)).select("https://a.com/x", "spot_img")
    assert sel.names == ("zz-theme", "a.com")


# --- one search of the whole text before the line-by-line ones ------------------------------


def _documents():
    from conftest import FIXTURES

    rules = load_rules()
    docs = [t.input for f in rules.files for t in f.tests if t.kind == "text"]
    docs += [p.read_text(encoding="utf-8", errors="replace")
             for p in sorted((FIXTURES / "scripts").glob("*.txt"))]
    docs += [p.read_text(encoding="utf-8", errors="replace")
             for p in sorted((FIXTURES / "seeds" / "raw").glob("*.txt"))]
    return rules, [[Block(line.strip()) for line in d.splitlines() if line.strip()] for d in docs]


@pytest.mark.parametrize("lang", [None, "en", "de", "ja"])
def test_the_whole_text_search_changes_no_verdict(monkeypatch, lang):
    from cleaner import ruleset

    rules, docs = _documents()
    files = list(rules.files)
    fast = [ruleset.rule_verdicts(files, blocks, lang) for blocks in docs]
    monkeypatch.setattr(ruleset._Joined, "may_match", lambda self, rule: True)
    slow = [ruleset.rule_verdicts(files, blocks, lang) for blocks in docs]
    assert fast == slow
    assert any(v.removed for v in fast)


def test_a_pattern_anchored_at_the_text_start_is_searched_line_by_line():
    from cleaner import ruleset

    f = parse_rule_file(b'[match]\nhosts = ["a.com"]\n[[truncate_at]]\nname = "cut"\n'
                        b'pattern = "\\\\AComments$"\nmin_prose_before = 0\nforce = true\n'
                        b'[[test]]\nname = "t"\ninput = "x"\nmust_contain = ["x"]\n',
                        "a.com", "rules/a.com.toml")
    blocks = [Block("Title"), Block("Comments"), Block("Great post")]
    assert ruleset._multiline(f.text[0].pattern.pattern) is None
    assert sorted(ruleset.rule_verdicts([f], blocks).removed) == [1, 2]
