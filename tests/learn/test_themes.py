"""Themes across sites: small sites of one theme are learned together (cleaner.learn.themes)."""

import json

import pytest

from cleaner import cli
from cleaner.config import Config, InputConfig
from cleaner.inputs import iter_inputs
from cleaner.learn.profile import Page, propose
from cleaner.learn.sites import LABEL, learn_profiles
from cleaner.learn.themes import group_themes, line_marks, page_marks, public_host
from cleaner.model import Block
from cleaner.ruleset import load_rule_file, load_rules
from cleaner.run.dask_runner import StepsSpec
from cleaner.run.runners import LocalRunner
from conftest import FIXTURES, clean_records

SUGGEST = FIXTURES / "suggest"
THEME_HEAD = ('<link rel="stylesheet" href="/wp-content/themes/harbourline/style.css?ver=2">'
              '<script src="https://www.{host}/wp-content/themes/harbourline/js/site.js"></script>'
              '<script src="/wp-includes/js/wp-embed.min.js"></script>'
              '<script src="https://ads.example-ads.com/tag/loader.js"></script>')
# One site's own line, on its three pages: not the theme's (no other site has it).
OWN = "Member of the Coastal Press Association"
TEMPLATE = {"Home", "News", "Business", "Sport", "Opinion", "Share this story"}


def test_marks_are_the_theme_and_its_own_scripts_not_third_party_or_cms_files():
    page = ('<html><head>' + THEME_HEAD.format(host="quay.example")
            + '<script src="/js/jquery.min.js"></script><link href="/cdn-cgi/x/email.css">'
            '<link rel="stylesheet" href="/css/style.css">'
            '<script src="/assets/app/main.js?v=9"></script></head></html>')
    assert page_marks(page.encode(), "quay.example") == {
        "wp-content/themes/harbourline/", "/wp-content/themes/harbourline/style.css",
        "/wp-content/themes/harbourline/js/site.js", "/assets/app/main.js"}
    hosted = b'<link href="https://s0.wp.com/wp-content/themes/pub/twentytwelve/style.css">'
    assert page_marks(hosted, "blog.example") == {"wp-content/themes/pub/twentytwelve/"}
    # The same absolute script on another host is a third party's.
    assert "/wp-content/themes/harbourline/js/site.js" not in page_marks(page.encode(), "x.example")


def test_sites_sharing_two_marks_are_one_theme_one_shared_mark_is_chance():
    marks = {"a.example": {"/js/main.js", "/p/x.css", "/p/y.js"},
             "b.example": {"/js/main.js", "/p/x.css", "/p/y.js", "/b.css"},
             "c.example": {"/p/x.css", "/p/y.js"},
             "d.example": {"/js/main.js", "/d/own.css"}}
    (theme,) = group_themes(marks, {})
    assert theme.hosts == ("a.example", "b.example", "c.example")
    assert theme.name == "a.example"
    assert theme.key == "theme:a.example"
    assert set(theme.marks) == {"/p/x.css", "/p/y.js"}
    assert [t.hosts for t in group_themes(marks, {}, min_shared=3)] == [("a.example",
                                                                          "b.example")]
    wp = {h: {"wp-content/themes/Soledad/", "/wp-content/themes/Soledad/main.css"}
          for h in ("e.example", "f.example")}
    assert [t.name for t in group_themes(wp, dict.fromkeys(wp, "Soledad"))] == ["soledad"]


def test_a_text_scrapes_marks_are_its_distinctive_short_lines():
    text = ("Home\nLatest news from the valley\nSign up for our newsletter\n\n"
            + "A long paragraph of the article that is prose and not a mark at all, "
            "with many words in it.\n2025\n")
    assert line_marks(text) == {"Latest news from the valley", "Sign up for our newsletter"}


@pytest.mark.parametrize(("host", "public"), [
    ("localhost", False), ("127.0.0.1", False), ("[::1]", False), ("192.168.1.20", False),
    ("blog.local", False), ("mybox", False), ("site.localhost", False),
    ("harbour-times.example", True), ("example.org", True), ("8.8.8.8", True)])
def test_public_host(host, public):
    assert (public_host(host) == host) is public


def _page(n: int, host: str, lines: list[str]) -> Page:
    texts = tuple(lines)
    return Page(f"page{n}", f"https://{host}/{n}", "\n".join(texts),
                tuple(Block(t) for t in texts), {}, texts)


def _story(n: int) -> list[str]:
    return [" ".join(f"w{n}p{k}x{j}" for j in range(16)) + "." for k in range(3)]


def test_a_themes_line_must_be_on_the_pages_of_two_sites():
    hosts = ["a.example"] * 3 + ["b.example"] * 2
    pages = [_page(n, h, ["Menu", "Subscribe now", *_story(n),
                          *(["Only on site A today"] if h == "a.example" else [])])
             for n, h in enumerate(hosts)]
    a = propose(pages, min_hosts=2)
    ruled = {t for p in pages for r in a.proposals for i in r.rule.apply(p.blocks)
             for t in [p.texts[i]]}
    assert ruled == {"Menu", "Subscribe now"}
    assert any("'Only on site A today' (on 3 of 5 pages of 1 sites): one site's line" in n
               for n in a.notes)
    assert "Only on site A today" in {t for p in pages for r in propose(pages).proposals
                                      for i in r.rule.apply(p.blocks) for t in [p.texts[i]]}


def _write_site(root, host: str, name: str, stories, own: str | None = None) -> None:
    """Pages of one site of the theme: the fixture stories, the site's name in its template."""
    d = root / host
    d.mkdir(parents=True)
    for p in stories:
        lines = [x.replace("Harbour Times", name) for x in p.read_text(encoding="utf-8")
                 .splitlines() if x.strip() and not x.startswith("Source:")]
        if own:
            lines.append(own)
        body = "\n".join(f"<p>{x}</p>" for x in lines)
        url = f"https://www.{host}/news/{p.stem}"
        (d / f"{p.stem}.html").write_text(
            f'<html><head><link rel="canonical" href="{url}">{THEME_HEAD.format(host=host)}'
            f"</head><body><article>{body}</article></body></html>", encoding="utf-8")


@pytest.fixture
def theme(tmp_path):
    """Two small sites of one theme (3 and 2 pages), and a site of it with 5 pages."""
    stories = sorted(SUGGEST.glob("*.txt"))
    root = tmp_path / "crawl"
    _write_site(root, "harbour-times.example", "Harbour Times", stories[:3], OWN)
    _write_site(root, "valley-post.example", "Valley Post", stories[3:])
    _write_site(root, "big-quay.example", "Big Quay", stories)
    return root


_clean = clean_records


def test_small_sites_of_a_theme_are_learned_together(theme, tmp_path, capsys):
    explain = tmp_path / "removed.jsonl"
    # the sites publish the same stories: all are kept, to compare each page's text
    records, err = _clean(capsys, str(theme), "-j", "1", "--explain", str(explain),
                          "--near-duplicates", "off")
    plain, _ = _clean(capsys, str(theme), "-j", "1", "--no-learn", "--near-duplicates", "off")
    assert ("profile: theme:harbourline (the theme of harbour-times.example, "
            "valley-post.example): ") in err
    assert "profile: big-quay.example: " in err
    assert "learned the profiles of 1 sites and 1 themes (small sites that share one)" in err
    removed = [json.loads(x) for x in explain.read_text(encoding="utf-8").splitlines()]
    by_theme = [r for r in removed if r["rule"].startswith(LABEL + "theme:harbourline:")]
    assert {r["text"] for r in by_theme} & TEMPLATE
    assert all(" sites" in r["reason"] for r in by_theme)
    # the big site has its own profile and is not given the theme's
    big = {r["id"] for r in records if "big-quay" in r["url"]}
    assert not [r for r in by_theme if r["id"] in big]
    for before, after in zip(plain, records, strict=True):
        kept = set(after["text"].split("\n"))
        lost = [x for x in before["text"].split("\n") if x not in kept]
        # no prose lost (the newsletter's prompt is each site's template)
        assert [x for x in lost if len(x.split()) >= 10 and "briefing" not in x] == []
        if "harbour-times" in after["url"]:
            assert OWN in kept  # one site's line is not the theme's


def test_a_theme_is_learned_the_same_by_every_runner_and_travels_to_dask(theme, capsys):
    one = _clean(capsys, str(theme), "-j", "1")
    two = _clean(capsys, str(theme), "-j", "2")
    assert one[0] == two[0]
    assert one[1].splitlines()[:3] == two[1].splitlines()[:3]
    rules = load_rules()
    profiles = learn_profiles(lambda: iter_inputs(InputConfig(paths=(str(theme),))), rules,
                              lambda steps: LocalRunner(steps, 1))
    assert "theme:harbourline" in dict(profiles.sources)
    client = profiles.add_to(rules)
    spec = StepsSpec.of(Config(inputs=InputConfig(paths=(str(theme),))), client.version,
                        tuple(profiles.sources))
    worker = next(s.rules for s in spec.build() if getattr(s, "rules", None) is not None)
    assert worker.version == client.version
    assert LABEL + "theme:harbourline" in [f.name for f in worker.files]


def test_rules_learn_writes_a_theme_file_that_loads_lints_and_passes(theme, tmp_path, capsys):
    out = tmp_path / "learned"
    assert cli.main(["rules", "learn", str(theme), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "theme:harbourline: the theme of harbour-times.example, valley-post.example" in err
    f = load_rule_file(out / "theme-harbourline.toml")
    assert set(f.hosts) == {"=harbour-times.example", "=valley-post.example"}
    assert "wp-content/themes/harbourline/" in {fp.text for fp in f.fingerprints}
    # a new site of the theme is matched by the theme's marks
    page = "<html><head>" + THEME_HEAD.format(host="new.example") + "</head></html>"
    assert f.match_reason("https://new.example/a", page) is not None
    assert cli.main(["rules", "check", str(out)]) == 0, capsys.readouterr()


def test_pages_whose_url_is_on_localhost_make_no_site(tmp_path, capsys):
    """A site built locally: its canonical links point at localhost; five such pages of five
    different sites must not be learned as one site."""
    root = tmp_path / "local"
    root.mkdir()
    for n, p in enumerate(sorted(SUGGEST.glob("*.txt"))):
        text = p.read_text(encoding="utf-8").replace(
            "Source: https://www.harbour-times.example", f"Source: http://localhost:{1313 + n}")
        (root / p.name).write_text(text, encoding="utf-8")
    _, err = _clean(capsys, str(root), "-j", "1")
    assert "profile" not in err
    assert cli.main(["rules", "learn", str(root), "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "its URL's host localhost is no public site's" in err
    assert "wrote 0 rule file(s)" in err


def test_text_scrapes_of_small_sites_are_grouped_by_the_lines_they_share(tmp_path, capsys):
    """Text scrapes load no scripts: two small sites whose pages share many distinctive
    template lines (menus, footers, the lists of the group's stories) are one theme."""
    stories = sorted(SUGGEST.glob("*.txt"))
    root = tmp_path / "scrapes"
    for host, name, pages in (("harbour-times.example", "Harbour Times", stories[:3]),
                              ("valley-post.example", "Valley Post", stories[3:])):
        (root / host).mkdir(parents=True)
        for p in pages:
            text = p.read_text(encoding="utf-8").replace("Harbour Times", name)
            text = text.replace("harbour-times.example", host)
            text = text.replace("\nSource:", "\nPowered by Quayside Press\n\nSource:")
            if host.startswith("harbour"):
                text = text.replace("\nSubscribe\n", f"\nSubscribe\n{OWN}\n")
            (root / host / p.name).write_text(text, encoding="utf-8")
    explain = tmp_path / "removed.jsonl"
    records, err = _clean(capsys, str(root), "-j", "1", "--explain", str(explain))
    assert ("profile: theme:harbour-times.example (the theme of harbour-times.example, "
            "valley-post.example): ") in err
    for r in records:
        lines = set(r["text"].split("\n"))
        assert not lines & {"Home", "Sport", "Powered by Quayside Press"}
    removed = [json.loads(x) for x in explain.read_text(encoding="utf-8").splitlines()]
    assert [r for r in removed if r["rule"].startswith(LABEL) and r["text"] == OWN] == []
    out = tmp_path / "learned"
    assert cli.main(["rules", "learn", str(root), "-o", str(out)]) == 0
    capsys.readouterr()
    f = load_rule_file(out / "theme-harbour-times.example.toml")
    assert "Powered by Quayside Press" in {fp.text for fp in f.fingerprints}
    assert cli.main(["rules", "check", str(out)]) == 0, capsys.readouterr()
