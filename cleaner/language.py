"""Document language and off-language fragments.

The Unicode script decides first: it is cheap and never fooled by short lines. langdetect (seeded,
so deterministic) names the document language once per document, and judges a same-script
paragraph only when the paragraph is long and has almost none of the document language's
stopwords: those are the only cases where its answer can change the result.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from cleaner.config import ConfigError
from cleaner.model import Block, Doc, Reject, RejectReason, Removal

# Scripts that name their language outright: no need to ask langdetect.
_SCRIPT_LANG = {"HANGUL": "ko", "KANA": "ja", "GREEK": "el", "HEBREW": "he", "THAI": "th",
                "GEORGIAN": "ka", "ARMENIAN": "hy", "GUJARATI": "gu", "TAMIL": "ta",
                "TELUGU": "te", "KANNADA": "kn", "MALAYALAM": "ml", "GURMUKHI": "pa",
                "BENGALI": "bn", "KHMER": "km", "SINHALA": "si"}
# Han characters appear inside Japanese and Korean text; Kana marks Japanese.
_SCRIPT_ALIASES = {"CJK": "HAN", "HIRAGANA": "KANA", "KATAKANA": "KANA"}
_COMPATIBLE = {"KANA": {"HAN"}, "HAN": {"KANA"}, "HANGUL": {"HAN"}}

_STOPLIST_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan",
    "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "es": "Spanish", "et": "Estonian", "fa": "Persian", "fi": "Finnish", "fr": "French",
    "gu": "Gujarati", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian",
    "id": "Indonesian", "it": "Italian", "kn": "Kannada", "ko": "Korean", "lt": "Lithuanian",
    "lv": "Latvian", "mk": "Macedonian", "ml": "Malayalam", "mr": "Marathi", "ne": "Nepali",
    "nl": "Dutch", "no": "Norwegian_Bokmal", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian",
    "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "tl": "Tagalog",
    "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese",
}

DOC_SAMPLE_CHARS = 1000
MIN_DOC_LETTERS = 20
MIN_OTHER_SCRIPT_LETTERS = 20
MIN_OTHER_SCRIPT_WORDS = 4
MAX_DOC_SCRIPT_SHARE = 0.2
MIN_JUDGED_WORDS = 12
MAX_STOPWORD_SHARE = 0.2
MIN_FRAGMENT_PROB = 0.95


@cache
def char_script(ch: str) -> str | None:
    """The script of a letter (``LATIN``, ``DEVANAGARI``, ``HAN``...), None for non-letters."""
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    if not name:
        return None
    first = name.split(" ", 1)[0]
    return _SCRIPT_ALIASES.get(first, first)


def script_counts(text: str) -> Counter[str]:
    """Letters per script."""
    counts: Counter[str] = Counter()
    if text.isascii():  # the common case, without a look-up per character
        letters = sum(1 for ch in text if ch.isalpha())
        if letters:
            counts["LATIN"] = letters
        return counts
    for ch in text:
        s = char_script(ch)
        if s:
            counts[s] += 1
    return counts


def _compatible(script: str, doc_script: str) -> bool:
    return script == doc_script or script in _COMPATIBLE.get(doc_script, set())


class _Detector:
    """A lazily loaded, seeded langdetect factory shared by the process."""

    _lock = threading.Lock()
    _factory: ClassVar[Any] = None

    @classmethod
    def factory(cls) -> Any:
        with cls._lock:
            if cls._factory is None:
                from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

                factory = DetectorFactory()
                factory.load_profile(PROFILES_DIRECTORY)
                factory.seed = 0
                cls._factory = factory
            return cls._factory

    @classmethod
    def detect(cls, text: str) -> tuple[str, float] | None:
        """Best language and its probability, or None when langdetect cannot tell."""
        from langdetect.lang_detect_exception import LangDetectException

        detector = cls.factory().create()
        detector.append(text)
        try:
            best = detector.get_probabilities()
        except LangDetectException:
            return None
        return (best[0].lang, best[0].prob) if best else None


@cache
def stoplist(lang: str) -> frozenset[str]:
    """Stopwords of a language (jusText's lists), empty when none is known."""
    import justext

    name = _STOPLIST_NAMES.get(lang.split("-")[0])
    return frozenset(justext.get_stoplist(name)) if name else frozenset()


def base_lang(code: str) -> str:
    """``zh-cn`` -> ``zh``; ``en`` -> ``en``."""
    return code.split("-")[0].lower()


@cache
def known_languages() -> frozenset[str]:
    """Every code a document language can be: langdetect's profiles, the languages a script
    names outright, and the base of each (``zh`` for ``zh-cn``)."""
    from langdetect.detector_factory import PROFILES_DIRECTORY

    codes = {p.name.lower() for p in Path(PROFILES_DIRECTORY).iterdir()} | set(
        _SCRIPT_LANG.values())
    return frozenset(codes | {base_lang(c) for c in codes})


def expected_languages(value: str | None, option: str = "--lang") -> str | None:
    """Check ``--lang``: codes that can be detected, comma-separated; normalised, or None.

    Raises:
        ConfigError: a code no document can be detected as (``english``, ``xx``); the message
            lists the codes there are.
    """
    if value is None:
        return None
    codes = [c.strip().lower() for c in value.split(",") if c.strip()]
    unknown = [c for c in codes if c not in known_languages()]
    if unknown or not codes:
        what = f"unknown language code {unknown[0]!r}" if unknown else "no language code"
        raise ConfigError(f"{option} {value!r}: {what}; give ISO 639-1 codes, comma-separated "
                          f"(e.g. en or en,de), from: {', '.join(sorted(known_languages()))}")
    return ",".join(dict.fromkeys(codes))


@dataclass(frozen=True, slots=True)
class Judgement:
    """The document language and which blocks are in another one."""

    lang: str | None
    off: dict[int, str]


def judge(blocks: Sequence[Block]) -> Judgement:
    """Find the document language and the blocks written in another language."""
    per_block = [script_counts(b.text) for b in blocks]
    total: Counter[str] = Counter()
    for c in per_block:
        total.update(c)
    if sum(total.values()) < MIN_DOC_LETTERS:
        return Judgement(None, {})
    doc_script = total.most_common(1)[0][0]
    off: dict[int, str] = {}
    same: list[int] = []
    for i, counts in enumerate(per_block):
        if other_script(blocks[i].text, counts, doc_script):
            off[i] = _name_fragment(blocks[i].text, counts)
        else:
            same.append(i)
    lang = _doc_lang(doc_script, [blocks[i].text for i in same])
    if lang:
        off.update(same_script_off(blocks, same, lang))
    return Judgement(lang, off)


def other_script(text: str, counts: Counter[str], doc_script: str) -> bool:
    """A fragment written in another script: several words of it, little of the document's.

    Brand names, code and short quotes in another script stay with the text around them.
    """
    other = sum(n for s, n in counts.items() if not _compatible(s, doc_script))
    if other < MIN_OTHER_SCRIPT_LETTERS or other < (1 - MAX_DOC_SCRIPT_SHARE) * counts.total():
        return False
    words = sum(1 for w in text.split()
                if any((s := char_script(c)) and not _compatible(s, doc_script) for c in w))
    return words >= MIN_OTHER_SCRIPT_WORDS


def _name_fragment(text: str, counts: Counter[str]) -> str:
    script = counts.most_common(1)[0][0]
    if script in _SCRIPT_LANG:
        return _SCRIPT_LANG[script]
    found = _Detector.detect(text)
    return found[0] if found else script.lower()


def _doc_lang(doc_script: str, texts: Sequence[str]) -> str | None:
    if doc_script in _SCRIPT_LANG:
        return _SCRIPT_LANG[doc_script]
    # The longest paragraphs are the likeliest prose; langdetect's cost grows with the sample.
    sample, size = [], 0
    for text in sorted(texts, key=len, reverse=True):
        sample.append(text)
        size += len(text)
        if size >= DOC_SAMPLE_CHARS:
            break
    found = _Detector.detect("\n".join(sample)[:DOC_SAMPLE_CHARS])
    return found[0] if found else None


def same_script_off(blocks: Sequence[Block], idx: Sequence[int], lang: str) -> dict[int, str]:
    """Long same-script paragraphs that lack the document language's stopwords."""
    stops = stoplist(lang)
    if not stops:
        return {}
    off: dict[int, str] = {}
    for i in idx:
        # Only words with letters count: table rows of names and numbers are not prose.
        words = [w for w in blocks[i].text.lower().split() if any(c.isalpha() for c in w)]
        if len(words) < MIN_JUDGED_WORDS:
            continue  # short lines are where langdetect goes wrong
        if sum(w.strip(".,;:!?\"'()") in stops for w in words) / len(words) > MAX_STOPWORD_SHARE:
            continue
        found = _Detector.detect(blocks[i].text)
        if found and base_lang(found[0]) != base_lang(lang) and found[1] >= MIN_FRAGMENT_PROB:
            off[i] = found[0]
    return off


@dataclass(frozen=True, slots=True)
class LanguageFilter:
    """Set the document language, drop off-language fragments, reject unwanted languages."""

    name: ClassVar[str] = "language"
    expected: str | None = None  # codes, comma-separated: a document in any of them is kept

    def apply(self, doc: Doc) -> Doc | Reject:
        j = judge(doc.blocks)
        wanted = {base_lang(c) for c in self.expected.split(",")} if self.expected else set()
        if wanted and j.lang and base_lang(j.lang) not in wanted:
            return Reject(RejectReason.WRONG_LANGUAGE,
                          f"document is in {j.lang!r}, expected {self.expected!r}")
        kept = tuple(b for i, b in enumerate(doc.blocks) if i not in j.off)
        removed = tuple(
            Removal(doc.blocks[i].text, f"language:{code}",
                    f"fragment in {code}, document is in {j.lang or 'an unknown language'}")
            for i, code in sorted(j.off.items())
        )
        return replace(doc, blocks=kept, lang=j.lang, removals=doc.removals + removed)
