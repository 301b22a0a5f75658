"""Imported site configs never hurt: an imported file's html rules that would remove most of
the article the extractors find without them are suspended for that page, and explained."""

import re

from cleaner.model import Block, Doc, RawDoc, Source
from cleaner.ruleset import load_rules, parse_rule_file
from cleaner.ruleset.tools.context import with_file
from cleaner.run.pipeline import build_steps, clean_one
from cleaner.steps.core import kept_share
from conftest import BRIDGE_STORY

ARTICLE = BRIDGE_STORY
SIDEBAR = ["Most read: Weather warning for the weekend", "Most read: Local team wins the cup",
           "Most read: Market opens on Sunday"]
PAGE = ("<!doctype html><html><head><title>Council approves the new bridge</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><main><article>"
        "<h1>Council approves the new bridge</h1>"
        + "".join(f"<p>{p}</p>" for p in ARTICLE[:2])
        + "<div class='related'><p>Related: Ferry timetable changes for the summer season</p>"
        "</div>"
        + "".join(f"<p>{p}</p>" for p in ARTICLE[2:])
        + "</article><aside class='sidebar'><ul>"
        + "".join(f"<li><a href='/x{i}'>{t}</a></li>" for i, t in enumerate(SIDEBAR))
        + "</ul></aside></main><footer>Copyright the News</footer></body></html>")
MINIMAL_TEST = '\n[[test]]\nname = "t"\ninput = "x"\nmust_contain = ["x"]\n'


def site(html: str, imported: bool = True) -> object:
    mark = 'imported = "ftr"\n' if imported else ""
    text = f'{mark}[match]\nhosts = ["news.example"]\n\n[html]\n{html}\n{MINIMAL_TEST}'
    return parse_rule_file(text.encode(), "news.example", "ftr/news.example.toml")


def clean(*files: object) -> Doc:
    rules = load_rules()
    for f in files:
        rules = with_file(rules, f)  # type: ignore[arg-type]
    raw = RawDoc(PAGE.encode(), Source("page.html"), kind="html",
                 url="https://news.example/bridge")
    out = clean_one(raw, build_steps(rules, None))
    assert isinstance(out, Doc), out
    return out


def suspended(doc: Doc) -> list[tuple[str, str, str]]:
    return [(r.rule.rsplit(":", 1)[1], r.text, r.reason) for r in doc.removals
            if r.reason.startswith("suspended: would remove")]


def test_the_page_keeps_its_article_without_imported_rules():
    doc = clean()
    for p in ARTICLE:
        assert p[:60] in doc.text
    assert "Most read" not in doc.text
    assert suspended(doc) == []


def test_an_imported_body_xpath_that_selects_the_sidebar_is_suspended_and_explained():
    doc = clean(site("body_xpath = [\"//aside[@class='sidebar']\"]"))
    for p in ARTICLE:
        assert p[:60] in doc.text
    assert "Most read" not in doc.text
    ((rule, text, reason),) = suspended(doc)
    assert rule == "body_xpath[0]"
    share = re.fullmatch(r"suspended: would remove (\d+)% of the article", reason)
    assert share is not None
    assert int(share.group(1)) > 90  # the sidebar shares a few words with the article
    assert text in ARTICLE  # the article line it would have kept least of
    assert f"suspended: ftr/news.example.toml:body_xpath[0] {reason.split(': ')[1]}" \
        in doc.warnings


def test_an_imported_strip_of_the_article_is_suspended_with_what_it_would_remove():
    doc = clean(site('remove_xpath = ["//article", "//nav"]'))
    for p in ARTICLE:
        assert p[:60] in doc.text
    found = suspended(doc)
    assert [rule for rule, _, _ in found] == ["remove_xpath[0]", "remove_xpath[1]"]
    assert found[0][1].startswith("Council approves the new bridge")
    assert "The city council voted" in found[0][1]
    assert found[1][1] == "Home News"
    assert not any(r.rule.endswith("remove_xpath[0]") and not r.reason.startswith("suspended")
                   for r in doc.removals)


def test_a_good_imported_body_xpath_and_strip_are_still_applied():
    doc = clean(site('body_xpath = ["//article"]\n'
                     "remove_xpath = [\"//div[@class='related']\"]"))
    for p in ARTICLE:
        assert p[:60] in doc.text
    assert "Ferry timetable" not in doc.text
    assert suspended(doc) == []
    assert any(r.rule.endswith("remove_xpath[0]") and "Ferry timetable" in r.text
               and r.reason.startswith("element ") for r in doc.removals)


def test_a_file_that_is_not_imported_is_not_guarded():
    doc = clean(site("body_xpath = [\"//aside[@class='sidebar']\"]", imported=False))
    assert "Most read: Local team wins the cup" in doc.text
    assert "The city council voted" not in doc.text
    assert suspended(doc) == []


def test_a_site_file_that_is_not_imported_still_applies_beside_a_suspended_one():
    own = parse_rule_file(('[match]\nhosts = ["news.example"]\n\n[html]\n'
                           "remove_xpath = [\"//div[@class='related']\"]\n"
                           + MINIMAL_TEST).encode(), "news.example.own", "mine/own.toml")
    doc = clean(own, site("body_xpath = [\"//aside[@class='sidebar']\"]"))
    assert "The city council voted" in doc.text
    assert "Ferry timetable" not in doc.text
    assert [rule for rule, _, _ in suspended(doc)] == ["body_xpath[0]"]


def test_kept_share_counts_the_article_words_the_result_has():
    article = [Block("one two three four")]
    assert kept_share(article, [Block("two one; five")]) == 0.5
    assert kept_share(article, []) == 0.0
    assert kept_share([Block("--")], article) is None
    assert kept_share([Block("a a a b")], [Block("a b")]) == 0.5
