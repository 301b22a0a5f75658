"""The language step's faster paths give exactly what the plain ones give.

langdetect's Detector is recomputed in cleaner.steps.language (same floating-point operations in the
same order); script counting and the URL test take shortcuts. Each is checked here against the
reference it replaces, bit for bit.
"""

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.lang_detect_exception import LangDetectException

from cleaner.steps import language
from cleaner.steps.language import char_script, script_counts

FIXTURES = Path(__file__).parent.parent / "fixtures"


def fixture_lines() -> list[str]:
    lines = []
    for folder in ("scripts", "lang"):
        for path in sorted((FIXTURES / folder).glob("*.txt")):
            lines += [t.strip() for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]
    return lines


EDGE_CASES = [
    "", " ", "1234 5678", "!!! ???", "ABC DEF GHI", "ABCdef GHi jKL", "hello    world  ",
    "See https://example.com/a?b=c and mail x.y@example.org now",
    "Việt Nam là một quốc gia nằm ở Đông Nam Á", "Vie\u0323\u0302t Nam",  # combining marks
    "日本語のテキストです。ABC と DEF", "Ελληνικά κείμενα και λίγα English words",
    "Łódź, Kraków i Gdańsk leżą w Polsce", "ﬁnance ｆｕｌｌ ﾊﾝｶｸ", "Şi ţara, şi țara, și ţara",
    "The quick brown fox jumps over the lazy dog. " * 40,
]


def langdetect_own(text: str) -> list[tuple[str, float]]:
    detector = language._Detector.factory().create()
    detector.append(text)
    try:
        found = detector.get_probabilities()
    except LangDetectException:
        return []
    return [(f.lang, f.prob) for f in found]


def fast(text: str) -> list[tuple[str, float]]:
    factory = language._Detector.factory()
    ngrams = language._Detector._ngrams
    assert ngrams is not None, "the exact fast path is off: langdetect is not the pinned release"
    return language._probabilities(factory, ngrams, text)


def test_fixtures_give_langdetect_probabilities_bit_for_bit():
    texts = [*fixture_lines(), *EDGE_CASES]
    lines = fixture_lines()
    texts += ["\n".join(lines[i:i + 8]) for i in range(0, len(lines), 8)]  # document samples
    for text in texts:
        assert fast(text) == langdetect_own(text), text


def test_detect_names_the_language_and_says_when_it_cannot():
    found = language._Detector.detect("Der Bundestag hat am Donnerstag ein neues Gesetz "
                                      "beschlossen, das ab dem kommenden Jahr gilt.")
    assert found is not None
    assert found[0] == "de"
    assert type(found[1]) is float
    assert language._Detector.detect("1234 !!! 5678") is None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcXYZ éÉœ.,'-–“” \u00a0\tжЖαΩ日本あアー한ไทยह्ءي0١²", max_size=60))
def test_any_text_gives_langdetect_probabilities(text):
    assert fast(text) == langdetect_own(text)


def reference_script_counts(text: str) -> Counter[str]:
    """One look-up per character, in order: what script_counts computes faster."""
    counts: Counter[str] = Counter()
    for ch in text:
        script = char_script(ch)
        if script:
            counts[script] += 1
    return counts


@pytest.mark.parametrize("text", [*EDGE_CASES, "Ж and Ω, then Latin", "“Quoted” ελληνικά text",
                                  "é first, then ascii", "\ud800 lone surrogate a"])
def test_script_counts_in_order_of_first_letter(text):
    assert list(script_counts(text).items()) == list(reference_script_counts(text).items())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | st.text(alphabet="aZ é.“жЖα日あア한ไह0١ﬁＦｶ\ud800", max_size=40))
def test_any_text_script_counts_in_order_of_first_letter(text):
    assert list(script_counts(text).items()) == list(reference_script_counts(text).items())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab.:/@wWmailtoxyz_- (\"'", max_size=30))
def test_text_without_url_hint_has_no_url(text):
    if not language._URL_HINT.search(text):
        assert not language._URL.findall(text)


def test_url_hint_is_in_every_kind_of_url():
    for url in ("https://a.example/x", "WWW.EXAMPLE.COM", "mailto:x", "me@example.org",
                "example.com/path"):
        assert language._URL.findall(url)
        assert language._URL_HINT.search(url)
    assert language.not_prose(" \t\u00a0\u3000") == "empty"
