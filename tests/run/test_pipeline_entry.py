"""The one entry to cleaning (cleaner.run.pipeline.Pipeline), and the tools that go through it."""

import pytest

from cleaner.check import Checker, CheckSettings, _doc_from_text
from cleaner.config import InputConfig
from cleaner.learn import profile as suggest
from cleaner.model import Block, Doc, RawDoc, Reject, Source
from cleaner.ruleset import load_rules, text_rule_verdicts
from cleaner.ruleset.selftest import run_rule_test
from cleaner.ruleset.tools import lint, testrun, which
from cleaner.run.pipeline import Pipeline, build_steps, clean_one
from cleaner.steps.core import ExtractHtml, Parse

RULES = load_rules()
PAGE = (b"<html><head><title>Tram</title><link rel='canonical' href='https://example.com/tram'>"
        b"</head><body><article><h1>Tram line opens</h1><p>The new tram line opened on Monday "
        b"morning, and the first riders were pleased with how quiet the cars are.</p><p>The "
        b"city plans two more lines before the end of the decade, the mayor said.</p>"
        b"</article></body></html>")


def raw_page() -> RawDoc:
    return RawDoc(PAGE, Source("page.html"), kind="html")


def test_the_steps_are_those_of_build_steps():
    pipeline = Pipeline(RULES, "en,de", 7.0)
    assert pipeline.steps == build_steps(RULES, "en,de", 7.0)
    assert [s.name for s in pipeline.steps] == [
        "budget", "parse", "rules", "extract", "text_rules", "structure", "language",
        "fallback", "finish"]


def test_clean_is_clean_one_over_the_steps():
    pipeline = Pipeline(RULES)
    assert pipeline.clean(raw_page()) == clean_one(raw_page(), build_steps(RULES, None))


def test_until_stops_after_the_named_step():
    pipeline = Pipeline(RULES)
    parsed = pipeline.clean(raw_page(), until="parse")
    assert isinstance(parsed, Doc)
    assert parsed.tree is not None  # parsed, not extracted
    assert parsed.url == "https://example.com/tram"
    assert parsed.blocks == ()
    extracted = pipeline.clean(raw_page(), until="extract")
    assert isinstance(extracted, Doc)
    assert extracted.tree is None
    assert "The new tram line opened" in extracted.text
    assert extracted.lang is None  # the language step has not run
    assert pipeline.upto("extract")[-1] == ExtractHtml(RULES)
    assert pipeline.upto("parse")[-1] == Parse()


def test_an_unknown_step_is_an_error_that_names_the_steps():
    with pytest.raises(ValueError, match="no step named 'extraction'; the steps are budget, "):
        Pipeline(RULES).upto("extraction")


def test_until_keeps_the_budget():
    """A tool stopping early gets the same refusals as clean: the budget step comes first."""
    pipeline = Pipeline(RULES)
    huge = RawDoc(b"<html><body>" + b"<p>x</p>" * 600_000 + b"</body></html>",
                  Source("huge.html"), kind="html")
    out = pipeline.clean(huge, until="parse")
    assert isinstance(out, Reject)
    assert out.reason.value == "too_large"


@pytest.fixture
def calls(monkeypatch):
    """Every Pipeline.clean call, as (source, until)."""
    seen: list[tuple[str, str | None]] = []
    real = Pipeline.clean

    def spy(self, raw, until=None):
        seen.append((str(raw.source), until))
        return real(self, raw, until)

    monkeypatch.setattr(Pipeline, "clean", spy)
    return seen


def test_which_goes_through_the_entry(calls, tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(PAGE)
    [found] = list(which.which(InputConfig(paths=(str(path),)), RULES))
    assert found.ok
    assert calls == [(str(path), "parse"), (str(path), "extract")]


def test_rule_tests_go_through_the_entry(calls):
    file = next(f for f in RULES.files if f.tests)
    result = run_rule_test(RULES, file, file.tests[0])
    assert result.passed
    assert [until for _, until in calls] == [None]


def test_lint_probes_go_through_the_entry(calls):
    file = next(f for f in RULES.files if f.tests)
    probe = lint._probe(RULES, file, file.tests[0])
    assert [until for _, until in calls] == ["extract"]
    assert probe.blocks


def test_rules_test_names_the_remover_through_the_entry(calls):
    file = next(f for f in RULES.files if f.tests and f.tests[0].must_contain)
    test = file.tests[0]
    testrun._who_removed(RULES, file, test, test.must_contain[0])
    assert [until for _, until in calls] == [None]


def test_suggest_reads_pages_through_the_entry(calls, tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(PAGE)
    pages, skipped = suggest.read_pages([str(path)], RULES)
    assert skipped == []
    assert [p.source for p in pages] == [str(path)]
    assert calls == [(str(path), "extract")]


# --- check's cruft through the ruleset's own verdicts --------------------------------------------

PROSE = ("The council met on Monday to approve the budget for the new tram line, which will run "
         "from the station to the university and open in two years.")


def test_check_c001_names_a_paragraph_a_trim_tail_rule_removes():
    """A line that a trim_tail rule removes whole is cruft as much as one a drop_line removes:
    check asks the ruleset's own verdicts, not a screen of its own that knew only some kinds
    of rule."""
    text = f"{PROSE}\n\nPhoto: Reuters\n\n{PROSE.replace('Monday', 'Tuesday')}"
    blocks = [Block(p) for p in text.split("\n\n")]
    files = list(RULES.select("https://example.com/a", text).files)
    assert {i: r.rule for i, r in text_rule_verdicts(files, blocks, "en").items()} == {
        1: "rules/_default.toml:trim_tail.photo_credit"}
    checker = Checker(CheckSettings(enabled=frozenset({"C001"})), RULES)
    doc = _doc_from_text(text, path="x.jsonl", kind="jsonl", line=1, offset=None, id="a",
                         url="https://example.com/a", lang="en", site=None)
    assert [str(f) for f in checker.check_doc(doc)[0]] == [
        "x.jsonl:1: C001 paragraph 2: residual cruft, removed by "
        "rules/_default.toml:trim_tail.photo_credit: 'Photo: Reuters'"]

