"""`cleaner clean` learns the template of every site with enough pages in the run."""

import json

import pytest

from cleaner.config import Config, InputConfig
from cleaner.inputs import iter_inputs
from cleaner.learn.sites import LABEL, learn_profiles
from cleaner.ruleset import load_rules
from cleaner.run.dask_runner import StepsSpec
from cleaner.run.runners import LocalRunner
from cleaner.steps.extract import split_blocks
from conftest import FIXTURES, clean_records, whole_and_resumed

SUGGEST = FIXTURES / "suggest"
NAV = {"Harbour Times", "Home", "News", "Business", "Sport", "Opinion", "Share this story",
       "Also on Harbour Times", "About us", "Contact", "Advertise with us",
       "Get the Harbour Times morning briefing in your inbox every weekday.",
       "© 2025 Harbour Times Media. All rights reserved.", "More from Harbour Times"}
# Article text that two stories share: quoted on two of the site's pages, it is no template.
SHARED = ("The harbour master said the new rules would apply to every vessel entering the port "
          "after dark, whatever its size or flag.")
SHORT_SHARED = "Officials gave no date for the next review."


def _prose(text: str) -> list[str]:
    return [b.text for b in split_blocks(text)
            if len(b.text.split()) >= 10 and b.text.endswith(".") and b.text not in NAV]


@pytest.fixture
def site(tmp_path):
    """Five pages of one site; two of them quote the same two paragraphs."""
    root = tmp_path / "site"
    root.mkdir()
    for n, page in enumerate(sorted(SUGGEST.glob("*.txt"))):
        text = page.read_text(encoding="utf-8")
        if n in (1, 3):  # after the story's first paragraph
            first = _prose(text)[0]
            text = text.replace(first, f"{first}\n\n{SHARED}\n\n{SHORT_SHARED}", 1)
        (root / page.name).write_text(text, encoding="utf-8")
    return root


_clean = clean_records


def test_a_sites_template_is_learned_removed_and_explained(site, tmp_path, capsys):
    explain = tmp_path / "removed.jsonl"
    records, err = _clean(capsys, str(site), "-j", "1", "--explain", str(explain))
    assert "profile: harbour-times.example: 4 rules learned from 5 pages" in err
    assert "learned the profiles of 1 sites from 5 of their pages" in err
    for record in records:
        source = (site / record["source"]["path"].rsplit("/", 1)[-1]).read_text(encoding="utf-8")
        lines = set(record["text"].split("\n"))
        assert not lines & NAV, lines & NAV
        assert [p for p in _prose(source) if p not in lines] == []
    assert sum(SHARED in r["text"] for r in records) == 2
    assert sum(SHORT_SHARED in r["text"] for r in records) == 2
    assert {r["site"] for r in records} == {""}  # a profile is no site's rule file
    removed = [json.loads(x) for x in explain.read_text(encoding="utf-8").splitlines()]
    learned = [r for r in removed if r["rule"].startswith(LABEL + "harbour-times.example:")]
    assert {r["text"] for r in learned} >= {"Harbour Times", "Home", "Share this story"}
    assert all(" of 5 pages" in r["reason"] for r in learned)


def test_learning_costs_no_prose_only_template_and_link_lines(site, tmp_path, capsys):
    plain, err = _clean(capsys, str(site), "-j", "1", "--no-learn")
    assert "profile" not in err
    learned, _ = _clean(capsys, str(site), "-j", "1")
    assert plain != learned
    assert sum("Share this story" in r["text"] for r in plain) == 4
    for a, b in zip(plain, learned, strict=True):
        kept = set(b["text"].split("\n"))
        lost = [x for x in a["text"].split("\n") if x not in kept and x not in NAV]
        assert lost == [x for x in lost if len(x.split()) <= 8 and not x.endswith(".")]


def test_a_site_needs_min_pages(site, capsys):
    records, err = _clean(capsys, str(site), "-j", "1", "--learn-min-pages", "6")
    assert "profile" not in err
    assert records == _clean(capsys, str(site), "-j", "1", "--no-learn")[0]


def test_learning_is_the_same_with_every_runner(site, capsys):
    one = _clean(capsys, str(site), "-j", "1")
    two = _clean(capsys, str(site), "-j", "2")
    assert one[0] == two[0]
    assert one[1].splitlines()[:2] == two[1].splitlines()[:2]


def test_standard_input_is_not_learned_from(site, capsys, monkeypatch):
    import io
    import sys

    data = (site / "page1.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    _, err = _clean(capsys, "-", "-j", "1")
    assert "site profiles are not learned: standard input cannot be read twice" in err


def test_a_resumed_run_learns_the_same_profiles(site, tmp_path, monkeypatch, capsys):
    argv = ["clean", str(site), "-q", "-j", "1", "--shard-size", "2"]
    whole, parts = whole_and_resumed(monkeypatch, tmp_path, argv)
    capsys.readouterr()
    for k in (1, 2, 3):
        name = f"c-{k:05d}.jsonl"
        assert (parts / name).read_bytes() == (whole / name).read_bytes(), name


def test_a_dask_worker_builds_the_clients_rules(site):
    """What a worker elsewhere gets (the spec) gives the rule set the client cleans with."""
    rules = load_rules()
    profiles = learn_profiles(lambda: iter_inputs(InputConfig(paths=(str(site),))), rules,
                              lambda steps: LocalRunner(steps, 1))
    client = profiles.add_to(rules)
    assert client.version != rules.version
    spec = StepsSpec.of(Config(inputs=InputConfig(paths=(str(site),))), client.version,
                        tuple(profiles.sources))
    steps = spec.build()  # it checks the version and refuses another
    worker = next(s.rules for s in steps if getattr(s, "rules", None) is not None)
    assert worker.version == client.version


def test_html_pages_are_learned_from_their_extracted_text(tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    for n, p in enumerate(sorted(SUGGEST.glob("*.txt"))):
        lines = [x for x in p.read_text(encoding="utf-8").splitlines()
                 if x.strip() and not x.startswith("Source:")]
        body = "\n".join(f"<p>{x}</p>" for x in lines)
        url = f"https://www.harbour-times.example/news/{n}"
        (pages / f"{p.stem}.html").write_text(
            f'<html><head><link rel="canonical" href="{url}"></head><body><article>{body}'
            "</article></body></html>", encoding="utf-8")
    learned, err = _clean(capsys, str(pages), "-j", "1")
    plain, _ = _clean(capsys, str(pages), "-j", "1", "--no-learn")
    assert "profile: harbour-times.example:" in err
    left = sum(len(set(r["text"].split("\n")) & NAV) for r in learned)
    before = sum(len(set(r["text"].split("\n")) & NAV) for r in plain)
    assert left < before
    for a, b in zip(learned, plain, strict=True):
        kept = set(a["text"].split("\n"))
        assert [x for x in b["text"].split("\n") if len(x.split()) >= 12 and x not in kept] == []


# A line of the story short enough (at most 25 words) to be ruled if it recurred.
STORY_LINE = "The council will decide on the new timetable at its meeting on Friday."


@pytest.fixture
def copies(tmp_path):
    """A site's five pages, and four copies of its first story at other URLs (each with a
    sentence of its own), as sites publish print, AMP and updated versions."""
    root = tmp_path / "copies"
    root.mkdir()
    pages = sorted(SUGGEST.glob("*.txt"))
    for page in pages:
        (root / page.name).write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    story = pages[0].read_text(encoding="utf-8")
    first = _prose(story)[0]
    story = story.replace(first, f"{first}\n\n{STORY_LINE}", 1)
    (root / pages[0].name).write_text(story, encoding="utf-8")
    for k in range(4):
        copy = story.replace(first, f"{first} Updated at {k + 9} o'clock.", 1)
        copy = copy.replace("ferry-night-crossings", f"ferry-night-crossings-{k}")
        (root / f"copy{k}.txt").write_text(copy, encoding="utf-8")
    return root


def test_copies_of_a_story_do_not_make_it_the_template(copies, capsys, monkeypatch):
    records, err = _clean(capsys, str(copies), "-j", "1", "--near-duplicates", "off")
    assert "profile: harbour-times.example: 4 rules learned from 5 pages" in err
    assert sum(STORY_LINE in r["text"] for r in records) == 5
    # Were the copies learned from, the story's line would be on 5 of 9 pages: the template.
    monkeypatch.setattr("cleaner.learn.profile.COPY_SHARE", 2.0)
    records, err = _clean(capsys, str(copies), "-j", "1", "--near-duplicates", "off")
    assert sum(STORY_LINE in r["text"] for r in records) < 5


def test_a_profile_is_learned_from_the_same_pages_by_every_runner(site, capsys, monkeypatch):
    """Learned from the first SAMPLE pages of a site, once all of them are back: a runner that
    reads ahead must not learn from fewer."""
    monkeypatch.setattr("cleaner.learn.sites.SAMPLE", 3)
    one = _clean(capsys, str(site), "-j", "1", "--learn-min-pages", "2")
    two = _clean(capsys, str(site), "-j", "2", "--learn-min-pages", "2")
    assert "learned from 3 pages" in one[1]
    assert one[1].splitlines()[:2] == two[1].splitlines()[:2]
    assert one[0] == two[0]


class _Counting:
    """A runner that cleans here and remembers what it was given."""

    def __init__(self, steps, seen):
        self.inner, self.seen = LocalRunner(steps, 1), seen

    def map(self, items, is_work):
        for item, timed in self.inner.map(items, is_work):
            self.seen.append(item.source.path)
            yield item, timed


def test_pages_of_a_site_too_small_to_learn_are_not_extracted(site, tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    for page in sorted(SUGGEST.glob("*.txt"))[:2]:
        text = page.read_text(encoding="utf-8").replace("harbour-times", "small-town")
        (small / page.name).write_text(text.replace("Harbour", "Small"), encoding="utf-8")
    seen: list[str] = []
    profiles = learn_profiles(lambda: iter_inputs(InputConfig(paths=(str(site), str(small)))),
                              load_rules(), lambda steps: _Counting(steps, seen))
    assert [f.name for f in profiles.files] == [LABEL + "harbour-times.example"]
    assert len(seen) == 5
    assert not [s for s in seen if "/small/" in s]
