"""The faster paths of cleaning give exactly what the plain ones give.

Each shortcut taken for speed or memory is checked here against the reference it replaces.
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import re2
import test_language_speed
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import ruleset
from cleaner.inputs import encoding
from cleaner.model import Block
from cleaner.steps import extract, language

FIXTURES = Path(__file__).parent.parent / "fixtures"
EXAMPLES = Path(__file__).parent.parent / "examples"


def test_compact_profiles_hold_langdetect_rows_exactly():
    factory = language._Detector.factory()
    ngrams = language._Detector.ngrams()
    assert ngrams is not None, "the exact fast path is off: langdetect is not the pinned release"
    profiles = ngrams.profiles
    assert profiles.langlist == factory.langlist
    short = {g: r for g, r in factory.word_lang_prob_map.items() if 1 <= len(g) <= 3}
    assert set(profiles.known) == set(short)
    langs = len(factory.langlist)
    for gram, row in short.items():
        assert profiles.row(gram) == row[:langs], gram


def test_profile_rows_past_the_memo_are_made_each_time(monkeypatch):
    profiles = language._Detector.ngrams().profiles
    monkeypatch.setattr(profiles, "rows", {})
    monkeypatch.setattr(language._Profiles, "MAX_ROWS", 2)
    first = profiles.row("e")
    profiles.row("a")
    third = profiles.row("th")  # the memo is full: made, not kept
    assert set(profiles.rows) == {"e", "a"}
    assert profiles.row("e") is first
    assert profiles.row("th") == third
    assert profiles.row("th") is not third
    assert language._Detector.detect("Der Bundestag hat am Donnerstag ein neues Gesetz "
                                     "beschlossen, das ab dem kommenden Jahr gilt.")[0] == "de"


def reference_stopword_index() -> dict[str, tuple[str, ...]]:
    """The index the language step built for itself: the known lists alone, by code."""
    import justext

    index: dict[str, tuple[str, ...]] = {}
    for lang, name in language.stoplist_names().items():
        for w in set(justext.get_stoplist(name)):
            index[w] = (*index.get(w, ()), lang)
    return index


def reference_long_without_stopwords(text, stops, lang, index):
    if len(text.split()) < language.MIN_JUDGED_WORDS:
        return False
    words = [w.strip(language._STRIP) for w in language._WORD.findall(text.lower())]
    if len(words) < language.MIN_JUDGED_WORDS:
        return False
    own = sum(map(stops.__contains__, words))
    if own <= language.MAX_STOPWORD_SHARE * len(words):
        return True
    if lang is None or sum(map(index.__contains__, words)) < language.STOPWORD_MARGIN * own:
        return False
    hits = Counter(code for w in words for code in index.get(w, ()))
    return hits.most_common(1)[0][1] >= language.STOPWORD_MARGIN * own


MIXED_WORDS = ["the", "of", "and", "der", "die", "und", "le", "la", "et", "el", "los", "de",
               "het", "een", "och", "är", "ja", "ei", "на", "и", "в", "was", "ist", "это", "он",
               "o", "a", "e", "em", "para", "que", "un", "une", "il", "ne", "se", "un", "una",
               "lo", "ki", "bir", "bu"]


def test_shared_stoplist_index_judges_as_the_language_steps_own():
    index = reference_stopword_index()
    codes = language._stopword_index()[1]
    assert {w for w, lists in language._stopword_index()[0].items()
            if language._coded(lists, codes)} == set(index)
    texts = [line for line in test_language_speed.fixture_lines() if len(line.split()) >= 12]
    texts += [" ".join(MIXED_WORDS[(i * k) % len(MIXED_WORDS)] for k in range(14))
              for i in range(1, 60)]
    for lang in ("en", "de", "fr", "nl", "sv", "ru", "tr"):
        stops = language.stoplist(lang)
        for text in texts:
            assert language._long_without_stopwords(text, stops, lang) == \
                reference_long_without_stopwords(text, stops, lang, index), (lang, text)
        assert language._stoplist_scripts() == frozenset(
            s for ch in set("".join(index)) if (s := language.char_script(ch))) - \
            language._UNSPACED
    for text in ("pip install numpy pandas", "the quick brown fox", "Kubernetes Docker Helm"):
        words = text.lower().split()
        assert language._a_run_of_words(text, Counter({"LATIN": 10})) == \
            any(w.strip(language._STRIP) in index for w in words)


HTML_PAGES = sorted({*FIXTURES.rglob("*.html"), *EXAMPLES.rglob("*.html")})


@pytest.mark.parametrize("path", HTML_PAGES, ids=lambda p: p.name)
def test_page_metadata_is_trafilaturas(path):
    from trafilatura.metadata import extract_metadata as trafilaturas

    markup = path.read_text(encoding="utf-8", errors="replace")
    try:
        want = trafilaturas(extract.parse_html(markup), default_url="https://example.org/a")
    except Exception as exc:  # noqa: BLE001 -- then ours must fail the same way
        with pytest.raises(type(exc)):
            extract.extract_metadata(extract.parse_html(markup), "https://example.org/a")
        return
    got = extract.extract_metadata(extract.parse_html(markup), "https://example.org/a")
    assert (got.title, got.author, got.url, got.date) == \
        (want.title, want.author, want.url, want.date)


def site_rules(name: str, fingerprints: list[str]) -> ruleset.RuleFile:
    body = (f"[match]\nfingerprints = {json.dumps(fingerprints)}\n\n"
            '[[test]]\nname = "t"\ninput = "x"\nmust_contain = ["x"]\n')
    return ruleset.parse_rule_file(body.encode(), name, f"rules/{name}.toml")


SCREENED = ruleset.RuleSet((
    ruleset.load_rules().by_name("_default"),
    site_rules("shouting", ["re:(?i)leave a reply", "re:(?m)^Next In [A-Z]\\w+$"]),
    site_rules("quiet", ["re:comments? closed", "theme-x"]),
    site_rules("anchored", ["re:\\A<!doctype html>"]),
))


@pytest.mark.parametrize("source", [
    "", "nothing here", "LEAVE A REPLY", "leave a Reply\nNext In Sport", "Next In sport",
    "COMMENTS CLOSED", "comment closed theme-x", "x\n<!doctype html>", "<!doctype html>\nx",
    "Next In Sport\nmore", "NEXT IN SPORT",
])
def test_one_search_for_all_regex_fingerprints_selects_as_one_each(source):
    want = [(f.name, why) for f in SCREENED.files
            if (why := f.match_reason(None, source)) is not None]
    want.sort(key=lambda fw: fw[0] != "_default")
    got = SCREENED.select(None, source)
    assert list(zip(got.names, got.reasons, strict=True)) == want


OLD_UNSPACED = (
    ("ko", re2.compile(r"[\x{AC00}-\x{D7AF}\x{1100}-\x{11FF}\x{3130}-\x{318F}]")),
    ("th", re2.compile(r"[\x{0E00}-\x{0E7F}]")),
    ("lo", re2.compile(r"[\x{0E80}-\x{0EFF}]")),
    ("my", re2.compile(r"[\x{1000}-\x{109F}]")),
    ("km", re2.compile(r"[\x{1780}-\x{17FF}]")),
    ("bo", re2.compile(r"[\x{0F00}-\x{0FFF}]")),
)
OLD_KANA = re2.compile(r"[\x{3040}-\x{30FF}\x{31F0}-\x{31FF}\x{FF66}-\x{FF9F}]")
OLD_HAN = re2.compile(r"[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}]")


def reference_script_language(blocks):
    """The script guess as it was: one string per letter, one RE2 search per script."""
    sample = ""
    for b in blocks:
        sample += b.text
        if len(sample) >= ruleset._SCRIPT_SAMPLE:
            break
    letters = len(re.findall(r"[^\W\d_]", sample[:ruleset._SCRIPT_SAMPLE]))
    if not letters:
        return None
    sample = sample[:ruleset._SCRIPT_SAMPLE]
    counts = {code: len(rx.findall(sample)) for code, rx in OLD_UNSPACED}
    kana, han = len(OLD_KANA.findall(sample)), len(OLD_HAN.findall(sample))
    counts["ja" if kana >= 0.1 * (kana + han) else "zh"] = kana + han
    code, n = max(counts.items(), key=lambda kv: kv[1])
    return code if n >= ruleset._SCRIPT_SHARE * letters else None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="aZé_1²½Ⅻ٣ \u00a0.жα日本あア한ไทยລາວမြန်ខ្មែរབོད\u0e00", max_size=30),
                min_size=1, max_size=8))
def test_script_language_counts_letters_as_the_letter_pattern_does(lines):
    blocks = tuple(Block(t) for t in lines)
    assert ruleset._script_language(blocks) == reference_script_language(blocks)


@pytest.mark.parametrize("folder", ["scripts", "lang"])
def test_script_language_of_the_fixtures(folder):
    for path in sorted((FIXTURES / folder).glob("*.txt")):
        blocks = tuple(Block(t) for t in path.read_text(encoding="utf-8").splitlines())
        assert ruleset._script_language(blocks) == reference_script_language(blocks), path


def line_by_line_hits(files, blocks):
    """drop_line hits as found before: one set search per line."""
    rules = [r for f in files for r in f.text if type(r) is ruleset.DropLine]
    return {id(r): [i for i, b in enumerate(blocks) if r.pattern.search(b.text)
                    and (not r.max_words or len(b.text.split()) <= r.max_words)]
            for r in rules}


DROP_LINES = ruleset.parse_rule_file(b"""
[match]
fingerprints = ["x"]

[[drop_line]]
name = "share"
pattern = '(?i)^share\\s*:?$'

[[drop_line]]
name = "dashes"
pattern = '^[\\s-]*pub[\\s-]*$'

[[drop_line]]
name = "short_tag"
pattern = 'tag'
max_words = 3

[[drop_line]]
name = "edge"
pattern = '\\bend\\b'

[[drop_line]]
name = "anything"
pattern = 'z*'

[[test]]
name = "t"
input = "x"
must_contain = ["x"]
""", "lines", "rules/lines.toml")
LINE_FILES = [ruleset.load_rules().by_name("_default"), DROP_LINES]


@pytest.mark.parametrize("lines", [
    ["Share", ":", "text"], ["Share:", "Share", "share it"], ["pub", "-", "pub -", "x pub"],
    ["a tag here", "a tag line that is long", "tag"], ["the end", "endless", "end."],
    ["Also read: a story", "Related: more", "Advertisement", "Sign up"], ["one"],
    ["Comments (3)", "Leave a reply", "Follow us on Twitter", "Tags: a, b"],
])
def test_drop_lines_found_by_one_set_search_a_line_as_one_search_a_rule(lines):
    blocks = tuple(Block(t) for t in lines)
    assert ruleset._drop_line_hits(LINE_FILES, blocks) == line_by_line_hits(LINE_FILES, blocks)


@pytest.mark.parametrize("folder", ["scripts", "lang", "guard", "suggest", "ftr"])
def test_drop_lines_of_the_fixtures_found_as_line_by_line(folder):
    for path in sorted((FIXTURES / folder).glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        blocks = tuple(Block(" ".join(t.split())) for t in text.splitlines() if t.strip())
        assert ruleset._drop_line_hits(LINE_FILES, blocks) == \
            line_by_line_hits(LINE_FILES, blocks), path


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Share", ":", "share:", "pub", "-", "tag", "a tag b c d",
                                 "the end", "Related: x", "Advertisement", "Comments (2)",
                                 "Tags: a", "spot_imgspot_img", " ", "zz"]), min_size=1,
                max_size=10))
def test_any_lines_drop_as_line_by_line(lines):
    blocks = tuple(Block(t) for t in lines if t.strip())
    assert ruleset._drop_line_hits(LINE_FILES, blocks) == line_by_line_hits(LINE_FILES, blocks)


def reference_utf8_replacing(data):
    return encoding._ESCAPED.subn("\ufffd", data.decode("utf-8", "surrogateescape"))


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=40)
       | st.text(max_size=30).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_utf8_with_replacements_as_before(data):
    assert encoding._utf8_replacing(data) == reference_utf8_replacing(data)


@pytest.mark.parametrize("data", [b"", b"plain", "caf\u00e9 \u2014 \u65e5\u672c".encode(),
                                  b"caf\xe9", b"\xed\xb2\x80", b"ok\xf0\x9f\x98", b"\xef\xbf\xbd"])
def test_utf8_with_replacements_of_edge_cases(data):
    assert encoding._utf8_replacing(data) == reference_utf8_replacing(data)


def test_source_lines_are_searched_only_where_they_can_start():
    firsts = {chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000
              and extract.SOURCE_LINE.search(chr(c) + "ource: https://example.org/a")}
    assert firsts == set(extract._SOURCE_FIRST)
    blocks = tuple(Block(t) for t in ("\u017fource: https://example.org/a", "x",
                                      "Source : http://example.org/b", "A source: https://c.d/"))
    assert extract.take_source_lines(blocks)[1] == "http://example.org/b"
    assert len(extract.take_source_lines(blocks)[2]) == 2


def test_prose_weight_remembered_is_prose_weight():
    for text in ("A short line", "This line is long enough to count as a line of prose here.",
                 "no end mark but many words " * 5, ""):
        assert ruleset.prose_weight(text) == ruleset.prose_weight.__wrapped__(text)
        assert ruleset.prose_weight(text) == ruleset.prose_weight.__wrapped__(text)
