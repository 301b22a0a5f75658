"""`cleaner rules learn`: a rule file for every site with enough pages in a crawl."""

import pytest

from cleaner import cli
from cleaner.learn.profile import _file_name
from cleaner.model import Doc, RawDoc, Source
from cleaner.ruleset import load_rule_file, load_rules
from cleaner.ruleset.tools.context import with_file
from cleaner.run.pipeline import build_steps, clean_one
from cleaner.steps.extract import split_blocks
from conftest import FIXTURES, pages_without_urls

SUGGEST = FIXTURES / "suggest"
# The second site: the same kind of template under other names.
VALLEY = {"Harbour Times": "Valley Post", "harbour-times.example": "valley-post.example",
          "Share this story": "Pass it on", "Also on": "Elsewhere on",
          "morning briefing": "evening digest", "More from": "Latest from",
          "About us": "Who we are", "Advertise with us": "Advertising"}
NAV = {"Harbour Times", "Home", "News", "Business", "Sport", "Opinion", "Share this story",
       "Also on Harbour Times", "About us", "Contact", "Advertise with us",
       "Get the Harbour Times morning briefing in your inbox every weekday.",
       "© 2025 Harbour Times Media. All rights reserved.", "More from Harbour Times"}


def run(argv, capsys):
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def _as_valley(text: str) -> str:
    for old, new in VALLEY.items():
        text = text.replace(old, new)
    return text


@pytest.fixture
def crawl(tmp_path):
    """Two sites of five pages each, and a third site of two pages."""
    root = tmp_path / "crawl"
    for site in ("harbour", "valley", "small"):
        (root / site).mkdir(parents=True)
    for page in sorted(SUGGEST.glob("*.txt")):
        text = page.read_text(encoding="utf-8")
        (root / "harbour" / page.name).write_text(text, encoding="utf-8")
        (root / "valley" / page.name).write_text(_as_valley(text), encoding="utf-8")
    for page in sorted(SUGGEST.glob("*.txt"))[:2]:
        text = page.read_text(encoding="utf-8").replace("harbour-times.example",
                                                         "small-town.example")
        text = text.replace("Harbour Times", "Small Town Gazette")
        (root / "small" / page.name).write_text(text, encoding="utf-8")
    return root


def _prose(text: str, nav: set[str]) -> list[str]:
    return [b.text for b in split_blocks(text)
            if len(b.text.split()) >= 10 and b.text.endswith(".") and b.text not in nav]


def test_learn_writes_a_checked_file_per_site_with_enough_pages(crawl, tmp_path, capsys):
    out = tmp_path / "learned"
    code, stdout, err = run(["rules", "learn", str(crawl), "-o", str(out)], capsys)
    assert code == 0, err
    assert stdout == ""
    assert sorted(p.name for p in out.iterdir()) == ["harbour-times.example.toml",
                                                     "valley-post.example.toml"]
    assert "small-town.example: 2 page(s), fewer than 5: nothing learned" in err
    assert "wrote 2 rule file(s)" in err
    for f in out.iterdir():
        assert load_rule_file(f).tests
    code, stdout, _ = run(["rules", "lint", str(out)], capsys)
    assert (code, stdout) == (0, ""), stdout
    code, stdout, _ = run(["rules", "test", str(out)], capsys)
    assert code == 0, stdout
    assert stdout.count("tests passed") == 2


def test_learned_files_remove_each_sites_template_and_keep_its_articles(crawl, tmp_path, capsys):
    out = tmp_path / "learned"
    assert run(["rules", "learn", str(crawl), "-o", str(out)], capsys)[0] == 0
    rules = load_rules()
    for f in sorted(out.iterdir()):
        rules = with_file(rules, load_rule_file(f))
    steps = build_steps(rules, None)
    for site, nav in (("harbour", NAV), ("valley", {_as_valley(x) for x in NAV})):
        for page in sorted((crawl / site).glob("*.txt")):
            text = page.read_text(encoding="utf-8")
            doc = clean_one(RawDoc(data=text.encode(), source=Source(str(page)), kind="text"),
                            steps)
            assert isinstance(doc, Doc), page
            kept = {b.text for b in doc.blocks} | {doc.title}
            assert not kept & nav, (page, kept & nav)
            prose = _prose(text, nav)
            assert prose, page
            assert [p for p in prose if p not in kept] == [], page


def test_learn_never_overwrites_without_force(crawl, tmp_path, capsys):
    out = tmp_path / "learned"
    out.mkdir()
    (out / "valley-post.example.toml").write_text("mine", encoding="utf-8")
    code, _, err = run(["rules", "learn", str(crawl), "-o", str(out)], capsys)
    assert code == 2
    assert "valley-post.example.toml exists; use --force" in err
    assert sorted(p.name for p in out.iterdir()) == ["valley-post.example.toml"]
    assert (out / "valley-post.example.toml").read_text(encoding="utf-8") == "mine"
    code, _, err = run(["rules", "learn", str(crawl), "-o", str(out), "--force"], capsys)
    assert code == 0, err
    assert load_rule_file(out / "valley-post.example.toml").hosts == ("=valley-post.example",)


def test_learn_min_pages_decides_which_sites_are_learned(crawl, tmp_path, capsys):
    out = tmp_path / "learned"
    code, _, err = run(["rules", "learn", str(crawl), "-o", str(out), "--min-pages", "6"],
                       capsys)
    assert code == 0, err
    assert not out.exists() or list(out.iterdir()) == []
    assert "harbour-times.example: 5 page(s), fewer than 6: nothing learned" in err


@pytest.mark.parametrize(("argv", "message"), [
    (["--min-pages", "1"], "at least 2 pages are needed"),
    (["--max-pages", "x"], "'x' is not a whole number"),
    (["--min-pages", "8", "--max-pages", "4"], "--max-pages 4 is below --min-pages 8"),
])
def test_learn_usage_errors(crawl, tmp_path, capsys, argv, message):
    code, _, err = run(["rules", "learn", str(crawl), "-o", str(tmp_path / "o"), *argv], capsys)
    assert code == 2
    assert message in err


def test_learn_output_must_be_a_directory(crawl, tmp_path, capsys):
    target = tmp_path / "file.toml"
    target.write_text("", encoding="utf-8")
    code, _, err = run(["rules", "learn", str(crawl), "-o", str(target)], capsys)
    assert code == 2
    assert "not a directory" in err


def test_pages_without_url_belong_to_no_site(tmp_path, capsys):
    pages = pages_without_urls(tmp_path)
    code, _, err = run(["rules", "learn", str(pages), "-o", str(tmp_path / "o")], capsys)
    assert code == 0
    assert "no URL, so no site" in err
    assert "wrote 0 rule file(s)" in err


@pytest.mark.parametrize(("host", "name"), [
    ("harbour-times.example", "harbour-times.example"),
    ("bücher.example", "xn--bcher-kva.example"),
    ("Example.COM", "example.com"),
])
def test_file_names_are_valid_rule_names(host, name):
    assert _file_name(host) == name
