"""Hostile inputs and faults in the pipeline: parser limits, budgets, metadata, rules, options."""

import json
import signal
import threading
import time
from dataclasses import dataclass
from typing import ClassVar

import pytest
import re2

from cleaner import cli
from cleaner.config import ConfigError, load_check_config
from cleaner.corpus.replay import ArchivedDoc, read_archive
from cleaner.model import Doc, RawDoc, Reject, RejectReason, Source
from cleaner.ruleset import RuleError, load_rules, parse_rule_file, quiet_re2_options
from cleaner.run import pipeline
from cleaner.run.pipeline import build_steps, clean_one
from cleaner.steps import extract
from cleaner.steps.core import Budget
from cleaner.steps.extract import split_blocks
from cleaner.steps.language import expected_languages
from conftest import FIXTURES

BROKEN = FIXTURES / "broken"
STEPS = build_steps(load_rules(), None)
PROSE = ("The harbour council voted on Tuesday to approve the new budget for the city schools "
         "after a long debate about teacher pay and the state of three old buildings. ")
AFTER = ("Councillors said afterwards that the money would pay for forty new teachers and for "
         "repairs to the school roofs before the winter term begins in the harbour district.")


def clean_html(markup: str, steps=STEPS):
    return clean_one(RawDoc(markup.encode(), Source("page.html"), kind="html"), steps)


def page(between: str) -> str:
    return (f"<html><head><title>Budget vote</title></head><body><article><p>{PROSE * 2}</p>"
            f"{between}<p>{AFTER}</p></article></body></html>")


# --- 1. libxml2's limits ------------------------------------------------------------------------


def test_text_after_300_nested_elements_is_kept():
    doc = clean_html(page("<div>" * 300 + "<span>deep</span>" + "</div>" * 300))
    assert isinstance(doc, Doc)
    assert AFTER in doc.text
    assert not doc.warnings


def test_text_after_a_12_mb_inline_image_is_kept():
    image = '<img src="data:image/png;base64,' + "QUFB" * (3 * 1024 * 1024) + '">'
    doc = clean_html(page(image))
    assert isinstance(doc, Doc)
    assert AFTER in doc.text


def test_nesting_past_what_libxml2_parses_is_a_warning():
    doc = clean_html(page("<div>" * 3000 + "</div>" * 3000))
    assert isinstance(doc, Doc)
    assert PROSE.strip() in doc.text
    assert [w.split(":")[0] for w in doc.warnings] == ["parse"]
    assert "2048 levels" in doc.warnings[0]


# --- 2. budgets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spin:
    """A step that never ends, and swallows exceptions as libraries do."""

    name: ClassVar[str] = "spin"

    def apply(self, doc):
        while True:
            try:
                sum(range(1000))
            except Exception:  # noqa: BLE001 -- what the budget must get through
                continue


@dataclass(frozen=True)
class Nap:
    name: ClassVar[str] = "nap"
    seconds: float = 0.1

    def apply(self, doc):
        time.sleep(self.seconds)
        return doc


def text_doc():
    return RawDoc(b"A line of a scrape that is long enough\nand another one", Source("slow.txt"))


def test_a_document_over_the_time_budget_is_rejected_as_timeout():
    t0 = time.monotonic()
    out = clean_one(text_doc(), (Budget(seconds=0.2), Spin()))
    assert time.monotonic() - t0 < 2
    assert isinstance(out, Reject)
    assert out.reason == RejectReason.TIMEOUT
    assert "0.2 s" in out.detail
    assert "spin" in out.detail
    assert "--timeout" in out.detail
    assert out.source == Source("slow.txt")


def test_the_time_budget_restores_the_callers_alarm():
    fired = []

    def mine(signum, frame):
        fired.append(signum)

    before = signal.signal(signal.SIGALRM, mine)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.6)
        out = clean_one(text_doc(), (Budget(seconds=0.1), Spin()))
        assert isinstance(out, Reject)
        assert out.reason == RejectReason.TIMEOUT
        assert signal.getsignal(signal.SIGALRM) is mine
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 0 < left < 0.6
        time.sleep(left + 0.2)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def test_no_alarm_is_left_behind_when_a_document_is_fast():
    out = clean_one(text_doc(), (Budget(seconds=5), Nap(0.01)))
    assert isinstance(out, Doc)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL


def test_outside_the_main_thread_the_budget_is_checked_between_steps():
    results = []
    worker = threading.Thread(target=lambda: results.append(
        clean_one(text_doc(), (Budget(seconds=0.05), Nap(0.1), Nap(0.1), Spin()))))
    worker.start()
    worker.join(5)
    assert not worker.is_alive()
    assert isinstance(results[0], Reject)
    assert results[0].reason == RejectReason.TIMEOUT
    assert "nap" in results[0].detail


def test_zero_means_no_time_budget():
    out = clean_one(text_doc(), (Budget(seconds=0), Nap(0.05)))
    assert isinstance(out, Doc)


def test_a_page_with_absurdly_many_elements_is_refused_before_parsing():
    markup = "<html><body>" + "<i>a</i>" * 600_000 + "</body></html>"
    t0 = time.monotonic()
    out = clean_html(markup)
    assert time.monotonic() - t0 < 2
    assert isinstance(out, Reject)
    assert out.reason == RejectReason.TOO_LARGE
    assert "600,0" in out.detail
    assert "elements" in out.detail


def test_millions_of_blank_lines_split_in_linear_time():
    text = "Title line\n" + "\n" * 20_000_000 + "  body  text \n"
    t0 = time.monotonic()
    blocks = split_blocks(text)
    assert time.monotonic() - t0 < 3
    assert [(b.text, b.gap) for b in blocks] == [("Title line", 0), ("body text", 20_000_000)]


@pytest.mark.parametrize("text", ["", "\n", "a", "\na\n\n b \n", " \u00a0\r\n\tx\u2028y\n\n\nz"])
def test_split_blocks_counts_blank_lines_before_each_block(text):
    lines = text.split("\n")
    expected, gap = [], 0
    for line in lines:
        if line.strip():
            expected.append((" ".join(line.split()), gap))
            gap = 0
        else:
            gap += 1
    assert [(b.text, b.gap) for b in split_blocks(text)] == expected


# --- 4. metadata failures -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pipeline_svg_root.html", "pipeline_math_root.html"])
def test_svg_and_mathml_pages_are_kept_with_a_metadata_warning(name):
    raw = RawDoc((BROKEN / name).read_bytes(), Source(name), kind="html")
    doc = clean_one(raw, STEPS)
    assert isinstance(doc, Doc), doc
    assert "forty new teachers" in doc.text
    assert [w.split(":")[0] for w in doc.warnings] == ["metadata"]
    assert "AssertionError" in doc.warnings[0]


def test_a_metadata_failure_keeps_the_text(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("bad date \x1b[31m\x00")

    monkeypatch.setattr(extract, "extract_metadata", broken)
    doc = clean_html(page(""))
    assert isinstance(doc, Doc)
    assert AFTER in doc.text
    assert doc.title is None
    (warning,) = doc.warnings
    assert warning.startswith("metadata: ")
    assert "ValueError: bad date" in warning
    assert warning.isprintable()


# --- 3. rule files that load but cannot work ----------------------------------------------------


SITE = """\
[match]
hosts = ["harbour.example"]
{body}
[[test]]
name = "t"
input = "Some text of the site"
must_contain = ["Some text"]
"""


def rule_file(body: str) -> bytes:
    return SITE.format(body=body).encode()


@pytest.mark.parametrize(("expr", "why"), [
    ("//p[re:test(@class, 'promo')]", "re:test()"),
    ("exsl:node-set(//p)", "exsl:node-set()"),
    ("//p[php:function('strtolower', @class)]", "php:function()"),
    ("//p[lower-case(@class) = 'x']", "lower-case()"),
    ("count(//p)", "gives a number"),
    ("string(//title)", "gives a string"),
    ("boolean(//aside)", "gives true or false"),
    ("//div[@id='main']/@class", "attributes or text"),
    ("//div/text()", "attributes or text"),
    ("//svg:path", "prefix 'svg'"),
    ("//div[$promo]", "variable"),
])
def test_xpath_that_cannot_select_elements_is_refused_at_load(expr, why):
    raw = rule_file(f"[html]\nremove_xpath = [\"//nav\", '''{expr}''']\n")
    with pytest.raises(RuleError) as err:
        parse_rule_file(raw, "harbour", "mine/harbour.toml")
    message = str(err.value)
    assert message.startswith("mine/harbour.toml: html.remove_xpath[1]: XPath ")
    assert expr in message
    assert why in message


@pytest.mark.parametrize("expr", [
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' promo ')]",
    "(//aside)[last()] | //div[@data-x='a:b(c)']",
    "//*[@xml:lang='en']/descendant-or-self::node()/p",
])
def test_xpath_1_0_paths_still_load(expr):
    raw = rule_file(f"[html]\nbody_xpath = ['''{expr}''']\n")
    assert parse_rule_file(raw, "harbour", "mine/harbour.toml").html.body


@pytest.mark.parametrize("text", ["a = " + "[" * 100_000, "a = " + "{b = " * 50_000])
def test_deeply_nested_toml_is_a_rule_error(text):
    with pytest.raises(RuleError, match="nested too deeply"):
        parse_rule_file(text.encode(), "deep", "mine/deep.toml")


def test_a_refused_rule_file_is_a_usage_error_on_the_command_line(tmp_path, capsys):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "deep.toml").write_text("a = " + "[" * 100_000)
    page_file = tmp_path / "page.txt"
    page_file.write_text(PROSE)
    assert cli.main(["clean", str(page_file), "--rules", str(rules), "-q"]) == 2
    err = capsys.readouterr().err
    assert "deep.toml: not valid TOML: arrays or tables nested too deeply" in err
    assert "Traceback" not in err


def test_deeply_nested_cleaner_toml_is_a_config_error(tmp_path):
    (tmp_path / "cleaner.toml").write_text("[check]\nselect = " + "[" * 100_000)
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_check_config(tmp_path)


# --- 5. replay show on a cut archive ------------------------------------------------------------


def test_replay_show_on_a_truncated_archive_says_where_and_exits_1(tmp_path, capsys):
    archive = tmp_path / "a.warc.gz"
    source = tmp_path / "story.txt"
    source.write_text("Budget Vote In The Harbour Town\n\n" + PROSE + "\n\n" + AFTER + "\n")
    assert cli.main(["clean", str(source), "-o", str(archive), "-q"]) == 0
    doc_id = next(d for d in read_archive(archive) if isinstance(d, ArchivedDoc)).id
    whole = archive.read_bytes()
    offsets = sorted(int(json.loads(line.split(" ", 2)[2])["offset"])
                     for line in (tmp_path / "a.warc.gz.cdxj").read_text().splitlines())
    capsys.readouterr()
    for cut in (len(whole) - 40, offsets[-1] + 30, offsets[1] + 10):
        archive.write_bytes(whole[:cut])
        assert cli.main(["replay", "show", str(archive), doc_id]) == 1
        err = capsys.readouterr().err
        assert f"{archive}@" in err
        assert "Traceback" not in err
        assert "StopIteration" not in err


# --- 6. --lang ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["english", "xx", "en,english", "", ","])
def test_unknown_language_codes_are_a_usage_error(tmp_path, capsys, value):
    source = tmp_path / "story.txt"
    source.write_text(PROSE)
    assert cli.main(["clean", str(source), "--lang", value]) == 2
    err = capsys.readouterr().err
    assert "--lang" in err
    assert "en, es" in err


def test_replay_reclean_checks_its_language_codes_too(tmp_path, capsys):
    archive = tmp_path / "a.warc.gz"
    source = tmp_path / "story.txt"
    source.write_text(PROSE)
    assert cli.main(["clean", str(source), "-o", str(archive), "-q"]) == 0
    assert cli.main(["replay", "reclean", str(archive), "--lang", "english"]) == 2
    assert "unknown language code 'english'" in capsys.readouterr().err


def test_several_languages_keep_documents_in_any_of_them():
    assert expected_languages(" EN, de,en ") == "en,de"
    assert expected_languages("zh") == "zh"
    text = (PROSE + AFTER).encode()
    steps = build_steps(load_rules(), expected_languages("de,en"))
    assert isinstance(clean_one(RawDoc(text, Source("a.txt")), steps), Doc)
    steps = build_steps(load_rules(), expected_languages("de,fr"))
    out = clean_one(RawDoc(text, Source("a.txt")), steps)
    assert isinstance(out, Reject)
    assert out.reason == RejectReason.WRONG_LANGUAGE


# --- 7. re2 logging -----------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", [r"(promo)\1", "(?=x)", "x{1001}", "[z-a]", "("])
def test_a_pattern_re2_refuses_is_a_rule_error_and_nothing_on_stderr(capfd, pattern):
    capfd.readouterr()
    raw = rule_file(f"[[drop_line]]\nname = \"promo\"\npattern = '''{pattern}'''\n")
    with pytest.raises(RuleError) as err:
        parse_rule_file(raw, "harbour", "mine/harbour.toml")
    assert "drop_line[0].pattern: bad regex" in str(err.value)
    assert repr(pattern) in str(err.value)
    assert capfd.readouterr().err == ""


def test_quiet_re2_options_silence_a_search_out_of_dfa_memory(capfd):
    capfd.readouterr()
    options = quiet_re2_options()
    assert re2.compile(r"(?i)\p{L}{1,60}x", options).search("\u00e9" * 50_000) is None
    assert capfd.readouterr().err == ""


# --- 8. --rules adds to the bundled rules -------------------------------------------------------


def test_rules_directories_add_to_the_bundled_rules(tmp_path):
    (tmp_path / "harbour.toml").write_bytes(rule_file(""))
    rules = load_rules([tmp_path])
    bundled = load_rules()
    assert [f.name for f in rules.files] == sorted(
        [f.name for f in bundled.files] + ["harbour"], key=lambda n: (n != "_default", n))
    assert rules.replaced == ()
    only = load_rules([tmp_path], bundled=False)
    assert [f.name for f in only.files] == ["harbour"]


def test_a_file_named_as_a_bundled_one_replaces_it_and_says_so(tmp_path):
    (tmp_path / "ndtv.com.toml").write_bytes(rule_file(""))
    rules = load_rules([tmp_path])
    assert rules.by_name("ndtv.com").label == str(tmp_path / "ndtv.com.toml")
    assert [f.name for f in rules.files].count("ndtv.com") == 1
    assert rules.replaced == (("rules/ndtv.com.toml", str(tmp_path / "ndtv.com.toml")),)


def test_the_summary_says_which_bundled_file_was_replaced(tmp_path, capsys):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "ndtv.com.toml").write_bytes(rule_file(""))
    source = tmp_path / "story.txt"
    source.write_text(PROSE)
    assert cli.main(["clean", str(source), "--rules", str(rules), "-o", "-"]) == 0
    err = capsys.readouterr().err
    assert f"rules: {rules / 'ndtv.com.toml'} replaces rules/ndtv.com.toml" in err


def test_no_bundled_rules_needs_a_rules_directory():
    with pytest.raises(ConfigError, match="--no-bundled-rules needs --rules"):
        load_rules([], bundled=False)


def test_clean_with_rules_keeps_the_default_rules(tmp_path, capsys):
    (tmp_path / "harbour.toml").write_bytes(rule_file(""))
    source = tmp_path / "story.txt"
    source.write_text(PROSE)
    assert cli.main(["clean", str(source), "--rules", str(tmp_path), "-o", "-"]) == 0
    assert f"{len(load_rules().files) + 1} rule files" in capsys.readouterr().err
    assert cli.main(["clean", str(source), "--rules", str(tmp_path), "--no-bundled-rules"]) == 0
    assert "1 rule files" in capsys.readouterr().err


# --- --timeout ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "soon"])
def test_a_bad_timeout_is_a_usage_error(tmp_path, value):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["clean", str(tmp_path), "--timeout", value])
    assert exit_.value.code == 2


def test_timeout_reaches_the_steps(tmp_path, monkeypatch, capsys):
    seen = []
    real = pipeline.build_steps

    def spy(rules, lang, timeout):
        seen.append(timeout)
        return real(rules, lang, timeout)

    monkeypatch.setattr(pipeline, "build_steps", spy)
    source = tmp_path / "story.txt"
    source.write_text(PROSE)
    assert cli.main(["clean", str(source), "--timeout", "0.5"]) == 0
    assert cli.main(["clean", str(source)]) == 0
    assert seen == [0.5, 60.0]
