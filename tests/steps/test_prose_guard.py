"""The prose guard: no rule takes a document's article, truncation markers that look like what
they are, a fallback for documents cleaning would empty, and photo credits trimmed off lines."""

from pathlib import Path

import pytest

from cleaner.model import Block, Doc, RawDoc, Source
from cleaner.ruleset import (
    RuleError,
    apply_text_rules,
    is_link_like,
    load_rules,
    parse_rule_file,
    prose_weight,
)
from cleaner.run.pipeline import build_steps, clean_one
from cleaner.steps.core import FALLBACK_PROSE_SHARE, _fallback

FIXTURES = Path(__file__).parent.parent / "fixtures" / "guard"
MINIMAL_TEST = '\n[[test]]\nname = "t"\ninput = "x"\nmust_contain = ["x"]\n'
PROSE = "This line is long enough to count as a line of the article's own prose."


def clean(name: str, rules=None, url: str | None = None) -> Doc:
    raw = RawDoc((FIXTURES / name).read_bytes(), Source(name), kind="text", url=url)
    out = clean_one(raw, build_steps(rules or load_rules(), None))
    assert isinstance(out, Doc), out
    return out


def site(body: str, name: str = "site"):
    return parse_rule_file(('[match]\nhosts = ["a.com"]\n' + body + MINIMAL_TEST).encode(),
                           name, f"rules/{name}.toml")


def lines(*texts: str) -> list[Block]:
    return [Block(t) for t in texts]


def test_comment_count_under_the_byline_keeps_the_article():
    doc = clean("byline_comment_count.txt")
    assert "The town council voted on Tuesday" in doc.text
    assert "Engineers will first repair the northern section" in doc.text
    assert not any("comment_form" in r.rule for r in doc.removals)


def test_comment_count_in_german_keeps_the_article():
    doc = clean("german_kommentare.txt")
    assert "Der Stadtrat hat am Dienstag" in doc.text
    assert "Zuerst werden die Zufahrten gebaut" in doc.text


def test_popular_tab_before_the_article_keeps_the_article():
    doc = clean("popular_tab.txt")
    for quote in ("smaller than a fingernail", "two hundred times", "nowhere else on earth",
                  "better microphones"):
        assert quote in doc.text
    assert "Bird numbers fall" not in doc.text


def test_long_comment_section_after_leave_a_reply_still_goes():
    doc = clean("leave_a_reply_long.txt")
    assert "the fan behind the panel was full of dust" in doc.text
    assert "left the glue to set overnight" in doc.text
    for gone in ("Leave a Reply", "Your email address", "my fridge was making exactly",
                 "it was the compressor in the end"):
        assert gone not in doc.text
    assert any(r.rule.endswith("truncate_at.comment_form") and r.text.startswith("Leave a Reply")
               for r in doc.removals)


@pytest.mark.parametrize("marker", ["718 Comments", "0 Comments", "56 comments",
                                    "post a comment", "Leave a comment"])
def test_a_marker_without_a_form_cuts_nothing(marker):
    default = load_rules().by_name("_default")
    blocks = lines("Title of the story", PROSE, marker, PROSE.replace("line", "row"),
                   PROSE.replace("line", "part"))
    kept, removed = apply_text_rules([default], blocks)
    # At most the marker's own line goes (a count of comments is a line of cruft); no cut.
    assert [b.text for b in kept] == [b.text for b in blocks if b.text != marker] or \
        [b.text for b in kept] == [b.text for b in blocks]
    assert all(r.text == marker and ":drop_line." in r.rule for r in removed)


def test_a_marker_with_its_form_cuts():
    default = load_rules().by_name("_default")
    blocks = lines(PROSE, PROSE.replace("line", "row"), "3 Comments", "Anna", "Great post!",
                   "Reply", "Leave a Reply", "Your email address will not be published.")
    kept, _ = apply_text_rules([default], blocks)
    assert [b.text for b in kept] == [PROSE, PROSE.replace("line", "row")]


def test_a_truncation_that_would_take_the_prose_is_suspended_and_explained(tmp_path):
    f = site('[[truncate_at]]\nname = "footer"\npattern = "^Read more$"\n')
    blocks = lines(PROSE, "Read more", *(PROSE.replace("line", f"row {i}") for i in range(5)))
    kept, removed = apply_text_rules([f], blocks)
    assert len(kept) == len(blocks)
    assert [(r.rule, r.reason, r.text) for r in removed] == [
        ("rules/site.toml:truncate_at.footer", "suspended: would remove 85% of the prose",
         "Read more")]


def test_suspension_is_in_explain_and_warnings(tmp_path):
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "a.com.toml").write_text(
        '[match]\nhosts = ["a.com"]\n[[truncate_at]]\nname = "byline_cut"\n'
        'pattern = "^By Maria Jensen$"\nmin_prose_before = 0\n' + MINIMAL_TEST)
    doc = clean("byline_comment_count.txt", load_rules([rules_dir]), url="https://a.com/x")
    assert "The town council voted on Tuesday" in doc.text
    suspended = [r for r in doc.removals if r.reason.startswith("suspended: would remove ")]
    assert [r.rule for r in suspended] == [f"{rules_dir / 'a.com.toml'}:truncate_at.byline_cut"]
    assert any(w.startswith("suspended: ") and "byline_cut" in w for w in doc.warnings)


def test_a_forced_site_rule_still_cuts():
    f = site('[[truncate_at]]\nname = "footer"\npattern = "^Read more$"\nforce = true\n')
    blocks = lines(PROSE, "Read more", *(PROSE.replace("line", f"row {i}") for i in range(5)))
    kept, removed = apply_text_rules([f], blocks)
    assert [b.text for b in kept] == [PROSE]
    assert len(removed) == 6


def test_a_forced_list_rule_still_cuts_and_unforced_does_not():
    body = '[[drop_between]]\nname = "box"\nstart = "^<<$"\nend = "^>>$"\n'
    blocks = lines("<<", PROSE, PROSE.replace("line", "row"), ">>", "tail")
    assert len(apply_text_rules([site(body)], blocks)[0]) == 5
    assert [b.text for b in apply_text_rules([site(body + "force = true\n")], blocks)[0]] == [
        "tail"]


def test_force_in_the_default_rules_is_an_error():
    with pytest.raises(RuleError, match="force"):
        parse_rule_file(('[[truncate_at]]\nname = "cut"\npattern = "^x$"\nforce = true\n'
                         + MINIMAL_TEST).encode(), "_default", "rules/_default.toml")


def test_photo_credit_is_cut_off_the_end_and_the_sentence_stays():
    default = load_rules().by_name("_default")
    sentence = ("The president met the leaders of the three largest opposition parties on "
                "Thursday evening and agreed to hold talks on a new electoral law early next "
                "month.")
    assert len(sentence.split()) == 27
    kept, removed = apply_text_rules([default], lines(sentence + " Photo: Reuters",
                                                      "Photo: AFP", PROSE))
    assert [b.text for b in kept] == [sentence, PROSE]
    assert [(r.rule.split(":")[1], r.text) for r in removed] == [
        ("trim_tail.photo_credit", "Photo: Reuters"), ("trim_tail.photo_credit", "Photo: AFP")]


@pytest.mark.parametrize(("text", "prose"), [
    (PROSE, True),
    ("東京都は１日、新たに感染者が確認されたと発表し、外出を控えるよう呼びかけた。", True),
    ("กรุงเทพมหานครประกาศว่าจะมีการปิดถนนหลายสายในวันพรุ่งนี้เพื่อซ่อมแซมท่อระบายน้ำ", True),
    ("718 Comments", False),
    ("Ten things to know about the storms that hit the coast this week", False),
])
def test_prose_reads_as_sentences_in_every_script(text, prose):
    assert (prose_weight(text) > 0) is prose


def test_a_japanese_paragraph_is_not_a_link():
    assert not is_link_like("東京都は１日、新たに感染者が確認されたと発表した。", 20)
    assert is_link_like("Why did the talks fail?", 20)


def test_fallback_keeps_the_prose_when_cleaning_keeps_none():
    blocks = lines("Menu", PROSE, PROSE.replace("line", "row"), "Footer")
    found = _fallback(blocks, [True, False, False, True], set())
    assert found is not None
    keep, record = found
    assert keep == {0, 1, 2, 3}
    assert record.rule == "fallback:prose_lines"
    assert record.reason.startswith("fallback: cleaning would keep 0% of the prose")
    assert _fallback(blocks, [False, True, False, False], set()) is None
    assert FALLBACK_PROSE_SHARE < 0.5


def test_suspended_rules_are_explained_but_not_counted_or_credited(tmp_path):
    """A suspension removed nothing: the summary does not count it as a removal, and a rule
    test is not passed by a rule that was only suspended."""
    from cleaner.model import Removal
    from cleaner.run.pipeline import Summary

    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "a.com.toml").write_text(
        '[match]\nhosts = ["a.com"]\n[[truncate_at]]\nname = "byline_cut"\n'
        'pattern = "^By Maria Jensen$"\nmin_prose_before = 0\n' + MINIMAL_TEST)
    doc = clean("byline_comment_count.txt", load_rules([rules_dir]), url="https://a.com/x")
    summary = Summary()
    summary.count(doc)
    assert not any("byline_cut" in rule for rule in summary.removed_by_rule)
    assert summary.warnings["suspended"] == 1
    assert not Removal("", "fallback:prose_lines", "fallback: ...").removed
    assert Removal("x", "rules/_default.toml:drop_line.a", "label").removed

    from cleaner.ruleset import RuleTest
    from cleaner.ruleset.selftest import run_rule_test
    rules = load_rules([rules_dir])
    f = rules.by_name("a.com")
    test = RuleTest(name="t", input=(FIXTURES / "byline_comment_count.txt").read_text(),
                    kind="text", url="https://a.com/x",
                    must_contain=("The town council voted on Tuesday",),
                    must_not_contain=("no such text",))
    result = run_rule_test(rules, f, test)
    assert "none of this file's rules removed anything" in result.problems


def test_a_list_article_the_classifier_keeps_is_no_fallback():
    """A schedule under its headline is the article though no line of it is prose: kept, it
    counts, and the sidebar's prose is not brought back by the fallback."""
    headline = "Racing calendar for the 2018 season"
    schedule = [f"{n}. round: {d}" for n, d in enumerate(
        ["10 March, Interlagos", "8 April, Curitiba", "22 April, Velopark", "6 May, Londrina",
         "20 May, Santa Cruz", "5 August, Goiania"], 1)]
    sidebar = [PROSE, PROSE.replace("line", "row"), PROSE.replace("line", "text")]
    scrape = [headline, "Home", "News", "Sport", "Racing", "Videos", headline,
              "November 19, 2019 at 9:45 am", "Share", "The calendar", *schedule,
              "Tags: calendar", "Share", "Tweet", "Email", "Columns", *sidebar]
    raw = RawDoc("\n\n".join(scrape).encode(), Source("t.txt"), kind="text")
    out = clean_one(raw, build_steps(load_rules(), None))
    assert isinstance(out, Doc)
    assert not any(r.rule.startswith("fallback:") for r in out.removals)
    assert out.text.split("\n\n") == ["The calendar", *schedule]
    # Measured as prose alone, the schedule is nothing: the fallback would have fired.
    weights = [prose_weight(t) for t in ["The calendar", *schedule]]
    assert sum(weights) < FALLBACK_PROSE_SHARE * sum(prose_weight(t) for t in sidebar)


def test_ends_article_marks_the_lines_of_a_drop_line_rule():
    """A drop_line rule with ends_article removes its lines like any other and names them as
    comments headings for the structural classifier; only drop_line takes the key, as a bool."""
    from cleaner.ruleset import rule_verdicts

    f = site('[[drop_line]]\nname = "comments"\npattern = "^Comments$"\nends_article = true\n'
             '[[drop_line]]\nname = "share"\npattern = "^Share$"\n')
    blocks = lines(PROSE, "Share", "Comments", PROSE.replace("line", "row"))
    v = rule_verdicts([f], blocks)
    assert sorted(v.removed) == [1, 2]
    assert v.ends == frozenset({2})
    with pytest.raises(RuleError, match="ends_article"):
        site('[[drop_line]]\nname = "c"\npattern = "^C$"\nends_article = "yes"\n')
    with pytest.raises(RuleError, match="ends_article"):
        site('[[truncate_at]]\nname = "c"\npattern = "^C$"\nends_article = true\n')
