"""A learned profile applies to the hosts whose pages it was learned from, not to their
subdomains: its ``[match] hosts`` are exact (``"=example.com"``), in a run, on a Dask worker and
in the files ``cleaner rules learn`` writes."""

import json

import pytest

from cleaner import cli
from cleaner.config import Config, InputConfig
from cleaner.inputs import iter_inputs
from cleaner.learn.sites import LABEL, learn_profiles
from cleaner.ruleset import load_rule_file, load_rules
from cleaner.run.dask_runner import StepsSpec
from cleaner.run.runners import LocalRunner
from conftest import FIXTURES, clean_records, whole_and_resumed

SUGGEST = FIXTURES / "suggest"
THEME_HEAD = ('<link rel="stylesheet" href="/wp-content/themes/harbourline/style.css?ver=2">'
              '<script src="https://www.{host}/wp-content/themes/harbourline/js/site.js"></script>')

SMALL, BIG = "harbour-times.example", "news.harbour-times.example"
NAV = {"Home", "News", "Business", "Sport", "Opinion", "Share this story"}


@pytest.fixture
def theme(tmp_path):
    """Two small sites of one theme (3 and 2 pages), and a subdomain of one of them with 5
    pages of its own (a profile of its own)."""
    stories = sorted(SUGGEST.glob("*.txt"))
    root = tmp_path / "crawl"
    _write_site(root, SMALL, "Harbour Times", stories[:3])
    _write_site(root, "valley-post.example", "Valley Post", stories[3:])
    _write_site(root, BIG, "Harbour News", stories)
    return root


@pytest.fixture
def site(tmp_path):
    """Five text scrapes of a site, and two of its blog (a subdomain: too few to learn)."""
    root = tmp_path / "site"
    root.mkdir()
    pages = sorted(SUGGEST.glob("*.txt"))
    for page in pages:
        (root / page.name).write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    for page in pages[:2]:
        text = page.read_text(encoding="utf-8").replace(
            "https://www.harbour-times.example", "https://blog.harbour-times.example")
        (root / f"blog-{page.name}").write_text(text, encoding="utf-8")
    return root


def _write_site(root, host: str, name: str, stories) -> None:
    """HTML pages of one site of the theme: the fixture stories, the site's name in them."""
    d = root / host
    d.mkdir(parents=True)
    for p in stories:
        lines = [x.replace("Harbour Times", name) for x in p.read_text(encoding="utf-8")
                 .splitlines() if x.strip() and not x.startswith("Source:")]
        body = "\n".join(f"<p>{x}</p>" for x in lines)
        url = f"https://www.{host}/news/{p.stem}"
        (d / f"{p.stem}.html").write_text(
            f'<html><head><link rel="canonical" href="{url}">{THEME_HEAD.format(host=host)}'
            f"</head><body><article>{body}</article></body></html>", encoding="utf-8")


_clean = clean_records


def _profiles(root):
    return learn_profiles(lambda: iter_inputs(InputConfig(paths=(str(root),))), load_rules(),
                          lambda steps: LocalRunner(steps, 1))


def _page(host):
    return f"<html><head>{THEME_HEAD.format(host=host)}</head><body><p>Home</p></body></html>"


def test_a_themes_profile_does_not_apply_to_a_subdomain_of_its_sites(theme, tmp_path, capsys):
    profiles = _profiles(theme)
    names = [f.name for f in profiles.files]
    assert names == [LABEL + BIG, LABEL + "theme:harbourline"]
    theme_file = profiles.files[1]
    assert set(theme_file.hosts) == {"=" + SMALL, "=valley-post.example"}
    rules = profiles.add_to(load_rules())
    chosen = rules.select(f"https://{BIG}/news/a", _page(BIG)).names
    assert LABEL + "theme:harbourline" not in chosen
    assert LABEL + BIG in chosen
    assert LABEL + "theme:harbourline" in rules.select(f"https://www.{SMALL}/a", _page(SMALL)).names
    assert LABEL + "theme:harbourline" not in rules.select(f"https://other.{SMALL}/a", "").names
    # the run: the theme's rules never touch the subdomain's pages
    explain = tmp_path / "removed.jsonl"
    records, _ = _clean(capsys, str(theme), "-j", "1", "--explain", str(explain),
                        "--near-duplicates", "off")
    big = {r["id"] for r in records if BIG in r["url"]}
    assert len(big) == 5
    removed = [json.loads(x) for x in explain.read_text(encoding="utf-8").splitlines()]
    assert [r for r in removed if r["id"] in big and r["rule"].startswith(LABEL + "theme:")] == []
    assert [r for r in removed if r["id"] in big and r["rule"].startswith(LABEL + BIG + ":")]


def test_a_sites_profile_does_not_apply_to_its_subdomains(site, tmp_path, capsys):
    (profile,) = _profiles(site).files
    assert profile.hosts == ("=" + SMALL,)
    explain = tmp_path / "removed.jsonl"
    learned, err = _clean(capsys, str(site), "-j", "1", "--explain", str(explain))
    assert f"profile: {SMALL}: " in err
    plain, _ = _clean(capsys, str(site), "-j", "1", "--no-learn")
    blog = [(a, b) for a, b in zip(learned, plain, strict=True) if "blog." in a["url"]]
    assert len(blog) == 2
    for a, b in blog:
        assert a["text"] == b["text"]
        assert set(a["text"].split("\n")) & NAV  # the template the profile would remove
    ids = {a["id"] for a, _ in blog}
    removed = [json.loads(x) for x in explain.read_text(encoding="utf-8").splitlines()]
    assert [r for r in removed if r["id"] in ids and r["rule"].startswith(LABEL)] == []
    site_ids = {r["id"] for r in learned} - ids
    assert {r["id"] for r in removed if r["rule"].startswith(LABEL + SMALL + ":")} == site_ids


def test_a_dask_worker_gets_the_exact_hosts(theme):
    profiles = _profiles(theme)
    assert all("=" in toml for _, toml in profiles.sources)
    client = profiles.add_to(load_rules())
    spec = StepsSpec.of(Config(inputs=InputConfig(paths=(str(theme),))), client.version,
                        tuple(profiles.sources))
    worker = next(s.rules for s in spec.build() if getattr(s, "rules", None) is not None)
    assert worker.version == client.version
    learned = {f.name: f.hosts for f in worker.files if f.name.startswith(LABEL)}
    assert learned == {LABEL + BIG: ("=" + BIG,),
                       LABEL + "theme:harbourline": ("=" + SMALL, "=valley-post.example")}
    assert LABEL + "theme:harbourline" not in worker.select(f"https://{BIG}/a", _page(BIG)).names


def test_rules_learn_writes_exact_hosts_that_load_lint_clean_and_pass(theme, site, tmp_path,
                                                                      capsys):
    hosts = {}
    for crawl in (theme, site):
        out = tmp_path / f"learned-{crawl.name}"
        assert cli.main(["rules", "learn", str(crawl), "-o", str(out)]) == 0
        capsys.readouterr()
        hosts.update((p.name, load_rule_file(p).hosts) for p in sorted(out.glob("*.toml")))
        assert cli.main(["rules", "check", str(out)]) == 0, capsys.readouterr()
    # the site's blog has 2 pages: no file, and the site's does not cover it
    assert hosts == {f"{BIG}.toml": ("=" + BIG,), f"{SMALL}.toml": ("=" + SMALL,),
                     "theme-harbourline.toml": ("=" + SMALL, "=valley-post.example")}
    written = (tmp_path / "learned-crawl" / f"{BIG}.toml").read_text(encoding="utf-8")
    assert '"=news.harbour-times.example"' in written


def test_j2_and_resume_agree_with_exact_hosts(theme, tmp_path, monkeypatch, capsys):
    argv = [str(theme), "--near-duplicates", "off"]
    one = _clean(capsys, *argv, "-j", "1")
    two = _clean(capsys, *argv, "-j", "2")
    assert one[0] == two[0]
    run = ["clean", *argv, "-q", "-j", "1", "--shard-size", "4"]
    whole, parts = whole_and_resumed(monkeypatch, tmp_path, run)
    capsys.readouterr()
    names = sorted(p.name for p in whole.iterdir() if p.suffix == ".jsonl")
    assert len(names) == 3
    for name in names:
        assert (parts / name).read_bytes() == (whole / name).read_bytes(), name
