"""Document languages and off-language fragments.

A document can be written in more than one language (a letter printed in four): every language
that holds a fair share of the prose, in more than one paragraph, is one of the document's. A
fragment is dropped only when it is foreign to all of them: written in another script (a run of
words, not a name), or, in the document's script, a long paragraph that has almost none of the
main language's stopwords and that langdetect (seeded, so deterministic) is sure is another
language. Code (a comment, an import, a function's head), URLs, numbers, table rows, reference
list entries and lists of names are never judged by language; a quotation the article introduces
and a line inside a code listing (a program's output) stay; the main language is asked of the
main script's words only; and the step never removes more than a small share of the document:
past that it removes nothing and records a warning.

langdetect runs once per document in a script several languages share (to name the main
language), once per long paragraph that lacks the main language's stopwords, and once per
paragraph in another script that is about to be dropped (to name it): the only places where its
answer changes the result.
"""

from __future__ import annotations

import random
import re
import string
import threading
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, ClassVar

from cleaner.config import ConfigError
from cleaner.model import Block, Doc, Reject, RejectReason, Removal

# Scripts that name their language outright: no need to ask langdetect.
_SCRIPT_LANG = {"HANGUL": "ko", "KANA": "ja", "GREEK": "el", "HEBREW": "he", "THAI": "th",
                "GEORGIAN": "ka", "ARMENIAN": "hy", "GUJARATI": "gu", "TAMIL": "ta",
                "TELUGU": "te", "KANNADA": "kn", "MALAYALAM": "ml", "GURMUKHI": "pa",
                "BENGALI": "bn", "KHMER": "km", "SINHALA": "si", "MYANMAR": "my", "LAO": "lo"}
# Han characters appear inside Japanese and Korean text; Kana marks Japanese. The first word of
# a letter's Unicode name is its script, except for these.
_SCRIPT_ALIASES = {"CJK": "HAN", "IDEOGRAPHIC": "HAN", "HIRAGANA": "KANA", "KATAKANA": "KANA",
                   "KATAKANA-HIRAGANA": "KANA"}
_COMPATIBLE = {"KANA": {"HAN"}, "HAN": {"KANA"}, "HANGUL": {"HAN"}}
# Scripts written without spaces between words: a run of them is one "word" to str.split().
_UNSPACED = frozenset({"HAN", "KANA", "THAI", "LAO", "KHMER", "MYANMAR"})


DOC_SAMPLE_CHARS = 1000
MIN_DOC_LETTERS = 20
MIN_OTHER_SCRIPT_LETTERS = 20
MIN_OTHER_SCRIPT_WORDS = 4
MAX_DOC_SCRIPT_SHARE = 0.2
MIN_JUDGED_WORDS = 12
MAX_STOPWORD_SHARE = 0.2
MIN_FRAGMENT_PROB = 0.95
# A paragraph with this many times more stopwords of another list than of the main language's
# goes to langdetect too.
STOPWORD_MARGIN = 2.0
# A language holding this share of the document's prose letters, in two paragraphs or more, is
# one of the document's languages. One paragraph is a quote, a widget or a banner; a language
# the author keeps writing in is the document's.
MIN_LANG_SHARE = 0.2
MIN_LANG_BLOCKS = 2
# Never remove more than this share of the document's letters (weighed, see ``_SCRIPT_WEIGHT``)
# by language: a third of a text is not a stray fragment, and a judgement that says so is wrong
# about the document.
MAX_DROP_SHARE = 1 / 3
# How far (in blocks of the document's own) a fragment looks for code on either side: as far,
# it is a line of a listing.
LISTING_REACH = 2
# langdetect calls per document beyond the first; past them a fragment is kept (unjudged).
MAX_FRAGMENT_CALLS = 12

# Not prose, so not judged by language: code, URLs and e-mail addresses, numbers, table rows,
# lists of names.
# A token (whole, from its start) with a mark of code in it: braces, operators, snake_case,
# camelCase, a dotted name, a call; or starting as a variable, a flag, a path does.
_CODE_TOKEN = re.compile(r"(?<!\S)(?:\S*?(?:[{}\[\]<>;=\\]|::|->|\w_\w|[a-z][A-Z]|[a-z]\.[a-z]|"
                         r"\(\))|[$#@%]\w|--?[a-z]|//|\.\.?/)\S*")
_CODE_CHARS = re.compile(r"[{}\[\]()<>;=\\/_*&|$#@]")
# A line of code by how it starts: a comment, an import, a function's or class's head, an SQL
# statement. A hashtag (#Breaking), 'Import duties rise' and 'Update: ...' start otherwise.
_CODE_LINE = re.compile(
    r"^(?:#|//|/\*|<!--)\s+\S"
    r"|^import\s+[a-z_][\w.]*(?:\s+as\s+\w+)?;?$"
    r"|^from\s+[a-z_][\w.]*\s+import\s+[\w*]+(?:,\s*\w+)*$"
    r"|^import\s+(?:\w+|\{[^}]*\})(?:,\s*\{[^}]*\})?\s+from\s+[\"'][^\"']+[\"'];?$"
    r"|^(?:def|fn|func|function|sub|proc|class)\s+[A-Za-z_]\w*\s*[(:{<]"
    r"|^(?:select|update|insert|delete|create|alter)\s+(?:\w+\s+)*?"
    r"(?:from|set|into|join|table|where)\b"
    r"|^(?:SELECT|UPDATE|INSERT|DELETE|CREATE|ALTER)\s+(?:\w+\s+)*?"
    r"(?:FROM|SET|INTO|JOIN|TABLE|WHERE)\b")
# An entry of a reference list: a year, and two marks of a citation (an author's name as
# citations begin, volume and number, pages, et al., a DOI, a quoted title, the year as a
# sentence or in brackets).
_YEAR = re.compile(r"(?<!\d)(?:1[6-9]|20)\d\d[a-z]?(?!\d)")
_REFERENCE_MARKS = (
    re.compile(r"^(?:\[\d+\]\s*|\d+\.\s*|[\u00b7\u2022*-]\s*)?(?:[A-Z][\w'-]+,\s+(?:[A-Z]\.|et al)"
               r"|[A-Z][\w'-]+\s+[A-Z]{1,3},|[A-Z][\w'-]+\s+[A-Z][\w'-]+,\s+[\"\u201c]|"
               r"(?:[A-Z][\w'-]+\s+){1,4}\((?:1[6-9]|20)\d\d[a-z]?\))"),
    re.compile(r"\bVol\.\s?\d|\bvol\.\s?\d"),
    re.compile(r"\bNo\.\s?\d"),
    re.compile(r"\bpp?\.\s?\d|\d+\s?[-\u2013]\s?\d+\.?$|:\d+\s?[-\u2013]\s?\d+"),
    re.compile(r"\bet al\."),
    re.compile(r"\bdoi\b", re.IGNORECASE),
    re.compile(r"\b\d+\(\d+\)"),
    re.compile(r"[\"\u201c][^\"\u201d]{12,}[\"\u201d]"),
    re.compile(r"\.\s(?:1[6-9]|20)\d\d[a-z]?\.|\((?:1[6-9]|20)\d\d[a-z]?\)"),
)
MIN_REFERENCE_MARKS = 2
# URLs, e-mail addresses and bare host names, as whole tokens.
_URL = re.compile(r"(?<!\S)[(\[<\"']*(?:(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)\S+|"
                  r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/\S*)",
                  re.IGNORECASE)
# Every match of _URL holds one of these: a text without any has no URL (and is not searched).
_URL_HINT = re.compile(r"[/@:]|www\.", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f\u061f\u0964\u06d4]"
                           r"[\"'\u201d\u2019\u00bb)\]]*$")
_WORD = re.compile(r"\S*[^\W\d_]\S*")  # a token with a letter
_STRIP = ".,;:!?\"'()"  # what is stripped from a token before the stopword look-up
_FIRST_LETTER = re.compile(r"(?<!\S)[^\w\s]*([^\W\d_])")
_CELL_SPLIT = re.compile(r"\s*[|\t]\s*|\s{2,}")
MAX_CODE_TOKEN_SHARE = 0.3
MAX_CODE_CHAR_SHARE = 0.08
MAX_DIGIT_SHARE = 0.3
MAX_CAPITALISED_SHARE = 0.6
MIN_TABLE_CELLS = 3
MAX_CELL_WORDS = 3
# Opening marks of a quotation, in the scripts of the news.
_OPEN_QUOTES = ("\"'\u00ab\u00bb\u201c\u201d\u201e\u2018\u2019\u201a\u2039\u203a"
                "\u300c\u300e\u300a\u3008")
_INTRO_END = (":", "\uff1a")  # an article introduces a quotation with a colon
# ... or, in Chinese and Japanese, with a sentence that says "the following" (以下, 如下, 下記,
# 下面).
_INTRO_SENTENCE = re.compile("(?:\u4ee5\u4e0b|\u5982\u4e0b|\u4e0b\u8a18|\u4e0b\u9762)"
                             "[^\u3002]*\u3002$")
# A list item's mark: a dash, an asterisk or a bullet, or a number.
_ITEM = re.compile(r"^(?:[-*\u2022\u00b7]|\d{1,3}[.)])\s")


@cache
def char_script(ch: str) -> str | None:
    """The script of a letter (``LATIN``, ``DEVANAGARI``, ``HAN``...), None for non-letters.

    Width and presentation forms (full-width Latin, half-width Katakana, Arabic ligatures) count
    as their script: they are how that script is typeset, not another script.
    """
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    first = name.split(" ", 1)[0]
    if first in _SCRIPT_ALIASES:
        return _SCRIPT_ALIASES[first]
    folded = unicodedata.normalize("NFKC", ch)
    if folded != ch:
        return char_script(folded[0]) if folded else None
    if not name or first == "MODIFIER":  # apostrophes and tone marks belong to no script
        return None
    return first


_ASCII_LETTERS = string.ascii_letters
_DROP_ASCII_LETTERS = str.maketrans("", "", _ASCII_LETTERS)
_ASCII_LETTER = re.compile("[A-Za-z]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def script_counts(text: str) -> Counter[str]:
    """Letters per script, each script in the order its first letter comes in the text.

    ASCII letters are counted by deleting them (at C speed); only the other characters are
    looked up one by one.
    """
    counts: Counter[str] = Counter()
    if text.isascii():  # the common case
        letters = len(text) - len(text.translate(_DROP_ASCII_LETTERS))
        if letters:
            counts["LATIN"] = letters
        return counts
    others = _NON_ASCII.findall(text)
    found: Counter[str | None] = Counter(map(char_script, others))
    order: Iterable[str | None] = found
    first = _ASCII_LETTER.search(text)
    if first:
        utf8 = text.encode("utf-8", "surrogatepass")  # an ASCII letter is one byte of it
        found["LATIN"] += len(utf8) - len(utf8.translate(None, _ASCII_LETTERS.encode()))
        # Scripts met before the first ASCII letter, Latin, then the rest.
        head = _NON_ASCII.findall(text, 0, first.start())
        order = [*dict.fromkeys(map(char_script, head)), "LATIN", *found]
    for script in order:
        if script and script not in counts:
            counts[script] = found[script]
    return counts


def _compatible(script: str, doc_script: str) -> bool:
    return script == doc_script or script in _COMPATIBLE.get(doc_script, set())


class _Detector:
    """A seeded langdetect, loaded lazily and shared by the process.

    With the pinned langdetect, its profiles are held compactly (:class:`_Profiles`) and
    :func:`_probabilities` computes its answer; langdetect's own factory (a list of 55 floats
    per n-gram: some 60 MB) is loaded only with another release, and by the tests that compare
    the two.
    """

    _lock = threading.Lock()
    _factory: ClassVar[Any] = None
    _ngrams: ClassVar[_Ngrams | None] = None  # set when the exact fast path applies

    @classmethod
    def factory(cls) -> Any:
        """langdetect's own seeded factory (the reference the fast path is tested against)."""
        with cls._lock:
            if cls._factory is None:
                from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

                factory = DetectorFactory()
                factory.load_profile(PROFILES_DIRECTORY)
                factory.seed = 0
                cls._factory = factory
        cls.ngrams()
        return cls._factory

    @classmethod
    def ngrams(cls) -> _Ngrams | None:
        """The n-gram reader over the compact profiles; None when langdetect is not the
        release :func:`_probabilities` is written against."""
        with cls._lock:
            if cls._ngrams is None and version("langdetect") == _LANGDETECT_VERSION:
                from langdetect.detector_factory import PROFILES_DIRECTORY

                cls._ngrams = _Ngrams(_Profiles(PROFILES_DIRECTORY))
            return cls._ngrams

    @classmethod
    def detect(cls, text: str) -> tuple[str, float] | None:
        """Best language and its probability, or None when langdetect cannot tell."""
        from langdetect.lang_detect_exception import LangDetectException

        ngrams = cls.ngrams()
        if ngrams is not None:
            best = _probabilities(ngrams.profiles, ngrams, text)
            return best[0] if best else None
        detector = cls.factory().create()
        detector.append(text)
        try:
            found = detector.get_probabilities()
        except LangDetectException:
            return None
        return (found[0].lang, found[0].prob) if found else None


class _Profiles:
    """langdetect's n-gram probabilities per language, as its ``DetectorFactory.load_profile``
    computes them, held as the non-zero entries only (184,000 of 4.8 million: 2 MB, not 60).

    A gram's row (one probability per language) is made when a text draws it, and kept, up to
    ``MAX_ROWS`` rows (the commonest n-grams come first: later ones are made each time).
    """

    MAX_ROWS = 1 << 13
    seed = 0

    def __init__(self, directory: str) -> None:
        import json

        self.langlist: list[str] = []
        self.known: dict[str, int] = {}  # gram -> its number
        grams, langs, probs = array("l"), bytearray(), array("d")
        # The files in langdetect's order (the directory's, as os.listdir gives it), the
        # languages numbered as it does.
        for path in Path(directory).iterdir():
            if path.name.startswith(".") or not path.is_file():
                continue
            profile = json.loads(path.read_text(encoding="utf-8"))
            index = len(self.langlist)
            self.langlist.append(profile["name"])
            n_words = profile["n_words"]
            for word, count in profile["freq"].items():
                length = len(word)
                if 1 <= length <= 3:
                    grams.append(self.known.setdefault(word, len(self.known)))
                    langs.append(index)
                    probs.append(1.0 * count / n_words[length - 1])
        # Entries grouped by gram (a gram's from starts[g] to starts[g + 1]), languages in
        # order within each.
        self.starts = array("l", [0] * (len(self.known) + 1))
        for g in grams:
            self.starts[g + 1] += 1
        for g in range(len(self.known)):
            self.starts[g + 1] += self.starts[g]
        self.langs = bytearray(len(grams))
        self.probs = array("d", bytes(8 * len(grams)))
        at = array("l", self.starts)
        for g, lang, prob in zip(grams, langs, probs, strict=True):
            self.langs[at[g]] = lang
            self.probs[at[g]] = prob
            at[g] += 1
        self.rows: dict[str, list[float]] = {}

    def row(self, gram: str) -> list[float]:
        """The gram's probability in each language (0.0 where langdetect's row holds 0.0)."""
        row = self.rows.get(gram)
        if row is None:
            g = self.known[gram]
            row = [0.0] * len(self.langlist)
            for k in range(self.starts[g], self.starts[g + 1]):
                row[self.langs[k]] = self.probs[k]
            if len(self.rows) < self.MAX_ROWS:
                self.rows[gram] = row
        return row


# langdetect's Detector, computing the same numbers (bit for bit, tested) without its loops per
# character and per language: a third of the time. Written against this release of langdetect
# (pinned); with any other, langdetect's own Detector runs.
_LANGDETECT_VERSION = "1.0.9"
_LD_SPACES = re.compile(" {2,}")
_LD_LATIN = re.compile("[A-z]")  # langdetect's test, 'A' <= ch <= 'z'
# At or above U+0300, outside the Latin Extended Additional block.
_LD_NON_LATIN = re.compile("[\u0300-\u1dff\u1f00-\U0010ffff]")
_LD_TRIALS = 7
_LD_CHECK_EVERY = 5


def _langdetect_text(raw: str) -> str:
    """What langdetect's ``Detector.append`` and ``cleaning_text`` make of ``raw``: URLs and
    e-mail addresses blanked, Vietnamese normalised, cut at 10,000 characters, runs of spaces
    made one, Latin letters dropped from a text mostly in another script."""
    from langdetect.detector import Detector
    from langdetect.utils.ngram import NGram

    text = Detector.MAIL_RE.sub(" ", Detector.URL_RE.sub(" ", raw))
    text = _LD_SPACES.sub(" ", NGram.normalize_vi(text)[:10000])
    if len(_LD_LATIN.findall(text)) * 2 < len(_LD_NON_LATIN.findall(text)):
        text = _LD_LATIN.sub("", text)
    return text


class _Ngrams:
    """langdetect's n-grams of a text, with each character's normal form and each word's
    n-grams remembered: its n-gram buffer starts afresh at every space, so a word's n-grams
    depend on the word alone (and on whether a space follows it)."""

    MAX_WORDS = 1 << 16

    def __init__(self, profiles: _Profiles) -> None:
        self.profiles = profiles
        self.known = profiles.known
        self.normal: dict[int, str] = {}
        self.words: dict[tuple[str, bool], tuple[str, ...]] = {}

    def __call__(self, text: str) -> list[str]:
        from langdetect.utils.ngram import NGram

        # New characters: looked up in the text's own set, never by walking the shared memo
        # (which grows with the corpus, and which another thread may be adding to).
        normal = self.normal
        for ch in [ch for ch in set(text) if ord(ch) not in normal]:
            normal[ord(ch)] = NGram.normalize(ch)
        parts = text.translate(normal).split(" ")
        if len(self.words) > self.MAX_WORDS:
            self.words.clear()
        out: list[str] = []
        last = len(parts) - 1
        for k, word in enumerate(parts):
            if word:
                key = (word, k < last)
                grams = self.words.get(key)
                if grams is None:
                    grams = self.words[key] = self._of_word(*key)
                out.extend(grams)
        return out

    def _of_word(self, word: str, spaced: bool) -> tuple[str, ...]:
        """langdetect's ``NGram.add_char`` and ``Detector._extract_ngrams`` over one word: the
        1- to 3-grams ending at each letter (none inside a run of capitals), and after the word
        the 2- and 3-grams ending in its space."""
        grams, capital, out = " ", False, []
        for ch in word + " " if spaced else word:
            last = grams[-1]
            grams = (grams if len(grams) < 3 else grams[1:]) + ch
            capital = (capital or last.isupper()) if ch.isupper() else False
            if capital:
                continue
            for n in range(1, min(len(grams), 3) + 1):
                gram = grams[-n:]
                if gram != " " and gram in self.known:
                    out.append(gram)
        return tuple(out)


def _probabilities(factory: Any, ngrams: _Ngrams, text: str) -> list[tuple[str, float]]:
    """langdetect's ``Detector.get_probabilities``: languages above 0.1, the likeliest first.

    Seven trials, each from the seeded generator's next Gaussian (the smoothing) and n-grams drawn
    by the same ``choice`` calls, multiplying each language's probability by the n-gram's and
    normalising every five n-grams: the same floating-point operations in the same order, so
    the same result, bit for bit. Empty when the text has no n-gram langdetect knows.
    """
    from langdetect.detector import Detector

    grams = ngrams(_langdetect_text(text))
    if not grams:
        return []
    langs = len(factory.langlist)
    rnd = random.Random()
    rnd.seed(factory.seed)
    # choice(seq) is seq[_randbelow(len(seq))]: the same draws, a call fewer each.
    randbelow = rnd._randbelow  # type: ignore[attr-defined]
    total = [0.0] * langs
    for _ in range(_LD_TRIALS):
        alpha = Detector.ALPHA_DEFAULT + rnd.gauss(0.0, 1.0) * Detector.ALPHA_WIDTH
        prob, norm = _trial(ngrams.profiles, grams, randbelow, alpha / Detector.BASE_FREQ, langs)
        total = [t + p / norm / _LD_TRIALS for t, p in zip(total, prob, strict=False)]
    found = [(lang, p) for lang, p in zip(factory.langlist, total, strict=False)
             if p > Detector.PROB_THRESHOLD]
    found.sort(key=lambda lp: lp[1], reverse=True)
    return found


def _trial(profiles: _Profiles, grams: list[str], randbelow: Callable[[int], int],
           weight: float, langs: int) -> tuple[list[float], float]:
    """One trial of langdetect's ``_detect_block``: the probabilities and the sum to divide
    them by (the last normalisation, left to the caller).

    langdetect divides by the sum, then multiplies by the next n-grams' probabilities; here the
    division is done in the same expression as the next five products, in the same order. A
    trial draws some fifty n-grams: their rows are looked up as they are drawn.
    """
    from langdetect.detector import Detector

    get, row, n = profiles.rows.get, profiles.row, len(grams)
    # The first n-gram, then a check; then checks after every five. A row can be longer than
    # the list of languages (langdetect sizes rows by the files in its profile folder): zip
    # stops where langdetect's loop does.
    g = grams[randbelow(n)]
    first = get(g) or row(g)
    prob = [p * (weight + q) for p, q in zip([1.0 / langs] * langs, first, strict=False)]
    done = 0
    while True:
        norm = sum(prob)
        # The largest normalised probability (division keeps the order of positive numbers).
        top = (max(prob) if norm > 0 else min(prob)) / norm
        if top > Detector.CONV_THRESHOLD or done >= Detector.ITERATION_LIMIT:
            return prob, norm
        # Drawn in langdetect's order (a tuple is made left to right).
        ga, gb, gc, gd, ge = (grams[randbelow(n)], grams[randbelow(n)], grams[randbelow(n)],
                              grams[randbelow(n)], grams[randbelow(n)])
        a, b, c, d, e = (get(ga) or row(ga), get(gb) or row(gb), get(gc) or row(gc),
                         get(gd) or row(gd), get(ge) or row(ge))
        prob = [p / norm * (weight + qa) * (weight + qb) * (weight + qc) * (weight + qd)
                * (weight + qe) for p, qa, qb, qc, qd, qe in zip(prob, a, b, c, d, e, strict=False)]
        done += _LD_CHECK_EVERY


@cache
def stoplist_names() -> dict[str, str]:
    """jusText's stoplist for each language langdetect names (its ISO codes, from
    :data:`cleaner.steps.boilerplate.STOPLIST_CODES`). langdetect's ``no`` is Bokmal; its ``pa``
    is Punjabi in Gurmukhi, which jusText's Western Panjabi (Shahmukhi script) does not fit."""
    from langdetect.detector_factory import PROFILES_DIRECTORY

    from cleaner.steps.boilerplate import STOPLIST_CODES

    named = {p.name for p in Path(PROFILES_DIRECTORY).iterdir()}
    known = {code: name for name, code in STOPLIST_CODES.items()
             if code in named and code != "pa"}
    return dict(sorted({**known, "no": "Norwegian_Bokmal"}.items()))


@cache
def stoplist(lang: str) -> frozenset[str]:
    """Stopwords of a language (jusText's lists), empty when none is known."""
    from cleaner.steps.boilerplate import stoplist_named

    name = stoplist_names().get(lang.split("-")[0])
    return stoplist_named(name) if name else frozenset()


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


def not_prose(text: str) -> str | None:
    """Why a block is not to be judged by language (``code``, ``url``, ``numbers``, ``table``,
    ``reference``, ``names``), or None for prose.

    langdetect names a line of code English and a row of Indonesian place names Indonesian; none
    of them says what language the document is written in.
    """
    visible = len("".join(text.split()))  # characters other than white space
    if not visible:
        return "empty"
    if _URL_HINT.search(text) and sum(map(len, _URL.findall(text))) * 2 >= visible:
        return "url"
    if _CODE_LINE.search(text) or _is_code(text, visible):
        return "code"
    if sum(map(str.isdigit, text)) > MAX_DIGIT_SHARE * sum(map(str.isalnum, text)):
        return "numbers"
    if _is_table_row(text):
        return "table"
    if _is_reference(text):
        return "reference"
    if _capitalised_share(text) >= MAX_CAPITALISED_SHARE:
        return "names"
    return None


def _is_code(text: str, visible: int) -> bool:
    """Identifiers, calls, operators, braces: a share of tokens or of characters."""
    code = len(_CODE_TOKEN.findall(text))
    if code and code >= MAX_CODE_TOKEN_SHARE * len(text.split()):
        return True
    return len(_CODE_CHARS.findall(text)) > MAX_CODE_CHAR_SHARE * visible


def _is_reference(text: str) -> bool:
    """An entry of a reference list: a year and two marks of a citation."""
    if not _YEAR.search(text):
        return False
    marks = 0
    for mark in _REFERENCE_MARKS:
        marks += bool(mark.search(text))
        if marks >= MIN_REFERENCE_MARKS:
            return True
    return False


def _is_table_row(text: str) -> bool:
    """Cells split by bars, tabs or runs of spaces, nearly all of them short labels or numbers."""
    cells = [c for c in _CELL_SPLIT.split(text) if c]
    if len(cells) < MIN_TABLE_CELLS:
        return False
    short = sum(len(c.split()) <= MAX_CELL_WORDS for c in cells)
    return short >= (1 - MAX_DOC_SCRIPT_SHARE) * len(cells)


def _capitalised_share(text: str) -> float:
    """Share of capitalised words among words in a script with case (0 without enough)."""
    cased = [c for c in _FIRST_LETTER.findall(text) if c != c.swapcase()]
    if len(cased) < MIN_OTHER_SCRIPT_WORDS:
        return 0.0
    return sum(map(str.isupper, cased)) / len(cased)


def other_script(text: str, counts: Counter[str], doc_script: str) -> bool:
    """A fragment written in another script: a run of words of it, little of the document's.

    Brand names, code, URLs, table rows and short quotes in another script stay with the text
    around them. In a script written without spaces, letters count instead of words.
    """
    other = sum(n for s, n in counts.items() if not _compatible(s, doc_script))
    if other < MIN_OTHER_SCRIPT_LETTERS or other < (1 - MAX_DOC_SCRIPT_SHARE) * counts.total():
        return False
    if counts.most_common(1)[0][0] not in _UNSPACED:
        words = sum(1 for w in text.split()
                    if any((s := char_script(c)) and not _compatible(s, doc_script) for c in w))
        if words < MIN_OTHER_SCRIPT_WORDS:
            return False
    return not_prose(text) is None


@dataclass(frozen=True, slots=True)
class Fragment:
    """A block in a language that is none of the document's.

    Attributes:
        lang: the language code (langdetect's, or the one a script names), or the script's name
            in lower case when neither can tell.
        prob: langdetect's probability; None when the script alone decided.
        script: the block's main script.
    """

    lang: str
    prob: float | None
    script: str

    def describe(self) -> str:
        """``de (p=0.99)`` or ``el (Greek script)``."""
        how = f"p={self.prob:.2f}" if self.prob is not None else f"{self.script.title()} script"
        return f"{self.lang} ({how})"


@dataclass(frozen=True, slots=True)
class Judgement:
    """The document's languages and which blocks are in none of them.

    Attributes:
        lang: the main language (the one holding the most prose), None if it cannot be told.
        off: block index -> the fragment found there, for the blocks to drop.
        langs: every language of the document, the main one first.
        warning: why nothing was dropped although fragments were found, if that happened.
    """

    lang: str | None
    off: dict[int, Fragment]
    langs: tuple[str, ...] = ()
    warning: str | None = None


class _Calls:
    """langdetect calls left for this document's fragments."""

    def __init__(self, left: int) -> None:
        self.left = left

    def detect(self, text: str) -> tuple[str, float] | None:
        if self.left <= 0:
            return None
        self.left -= 1
        return _Detector.detect(text)


class _Prose:
    """Which blocks are prose (:func:`not_prose`), asked only of the blocks where it matters."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self.memo: dict[int, bool] = {}

    def __call__(self, i: int) -> bool:
        if i not in self.memo:
            self.memo[i] = not_prose(self.texts[i]) is None
        return self.memo[i]


# What a letter of these scripts carries beside a Latin letter, when shares of the prose are
# weighed across scripts: a Han character is a word or a part of one, a kana or a Hangul block a
# syllable. Counted letter for letter, a Chinese article beside English command output or code
# comments holds a fifth of the letters, and its own paragraphs were dropped as foreign.
_SCRIPT_WEIGHT = {"HAN": 3.0, "KANA": 2.0, "HANGUL": 2.0}


def weighed_letters(counts: Counter[str]) -> float:
    """The letters of ``counts``, weighed by what a letter of each script carries."""
    return sum(n * _SCRIPT_WEIGHT.get(s, 1.0) for s, n in counts.items())


def _weighed(counts: Counter[str]) -> Counter[str]:
    return Counter({s: round(n * _SCRIPT_WEIGHT.get(s, 1.0)) for s, n in counts.items()})


def _block_script(counts: Counter[str]) -> str:
    """A block's script: the one whose letters carry the most (a Chinese sentence with English
    names in it has more Latin letters than Han characters)."""
    return max(counts, key=lambda s: counts[s] * _SCRIPT_WEIGHT.get(s, 1.0))


def _main_script(total: Counter[str]) -> str:
    """The script with the most letters, its compatible scripts counted with it."""
    return max(total, key=lambda s: (total[s] + sum(total[t] for t in _COMPATIBLE.get(s, ())),
                                     total[s]))


def _doc_scripts(per_block: Sequence[Counter[str]], prose: _Prose) -> list[str]:
    """The main script first, then each other script that holds a fair share of the prose
    letters in two blocks or more.

    Code, URLs and tables count for no script (Latin code on a Japanese page is not Latin
    prose); a document in one script needs no look at its blocks.
    """
    total: Counter[str] = Counter()
    for c in per_block:
        total.update(c)
    main = _main_script(total)
    if sum(n for s, n in total.items() if not _compatible(s, main)) < MIN_OTHER_SCRIPT_LETTERS:
        return [main]
    idx = [i for i, c in enumerate(per_block) if c and prose(i)]
    if idx:
        total = Counter()
        for i in idx:
            total.update(per_block[i])
    total = _weighed(total)
    main = _main_script(total)
    letters = total.total()
    scripts = [main]
    for s, n in total.most_common():
        if any(_compatible(s, d) for d in scripts) or n < MIN_LANG_SHARE * letters:
            continue
        blocks = sum(1 for i in idx if _compatible(_block_script(per_block[i]), s))
        if blocks >= MIN_LANG_BLOCKS:
            scripts.append(s)
    return scripts


def judge(blocks: Sequence[Block], langs: Sequence[str] | None = None) -> Judgement:
    """Find the document's languages and the blocks written in none of them.

    ``langs``: the document's languages as stated (a record's ``lang``), the main one first;
    langdetect is then not asked the main language again. The text still adds the languages
    it holds a fair share of: a record states one, and a letter printed in four holds three
    more.
    """
    texts = [b.text for b in blocks]
    per_block = [script_counts(t) for t in texts]
    if sum(c.total() for c in per_block) < MIN_DOC_LETTERS:
        return Judgement(None, {})
    prose = _Prose(texts)
    scripts = _doc_scripts(per_block, prose)
    off_script = [i for i, c in enumerate(per_block)
                  if any(not _compatible(s, scripts[0]) for s in c)
                  and all(other_script(texts[i], c, s) for s in scripts)]
    same = [i for i, c in enumerate(per_block) if c and i not in off_script
            and _compatible(_block_script(c), scripts[0])]
    calls = _Calls(MAX_FRAGMENT_CALLS)
    lang = langs[0] if langs else _doc_lang(scripts[0], texts, same, prose)
    if lang is None:
        return Judgement(None, {})
    detected = _judge_same_script(texts, same, lang, calls, prose)
    doc_langs = tuple(dict.fromkeys([*(langs or ()), *_doc_langs(
        texts, per_block, prose, same, scripts, lang, detected, calls)]))
    found = {i: f for i, f in detected.items() if not _is_doc_lang(f.lang, doc_langs)}
    for i in off_script:
        if not _a_run_of_words(texts[i], per_block[i]):
            continue
        fragment = _name_fragment(texts[i], per_block[i], calls)
        if not _is_doc_lang(fragment.lang, doc_langs) and _has_function_words(texts[i],
                                                                             fragment.lang):
            found[i] = fragment
    return _settle(texts, per_block, doc_langs, found)


def _is_doc_lang(code: str, langs: Sequence[str]) -> bool:
    return base_lang(code) in {base_lang(c) for c in langs}


def _doc_langs(texts: Sequence[str], per_block: Sequence[Counter[str]], prose: _Prose,
               same: Sequence[int], scripts: Sequence[str], lang: str,
               detected: dict[int, Fragment], calls: _Calls) -> tuple[str, ...]:
    """Every language holding a fair share of the prose in two blocks or more; the main first.

    A main-script block counts for the language langdetect gave it, or else for ``lang`` (the
    language of a sample of the document: short lines are likelier in it than in any other); a
    long block in another document script counts for the language of that script.
    """
    letters: dict[str, float] = defaultdict(float)
    blocks: Counter[str] = Counter()
    for i in same:
        code = detected[i].lang if i in detected else lang
        letters[code] += weighed_letters(per_block[i])
        blocks[code] += 1
    for s in scripts[1:]:
        idx = [i for i, c in enumerate(per_block)
               if c and _compatible(_block_script(c), s) and prose(i)]
        code = _script_lang(s, [texts[i] for i in idx], calls)
        letters[code] += sum(weighed_letters(per_block[i]) for i in idx
                             if _long(texts[i], per_block[i]))
        blocks[code] += len(idx)
    total = sum(letters.values())
    ranked = sorted(letters, key=lambda c: (-letters[c], c != lang))
    return tuple(c for n, c in enumerate(ranked) if n == 0 or (
        letters[c] >= MIN_LANG_SHARE * total and blocks[c] >= MIN_LANG_BLOCKS))


def _long(text: str, counts: Counter[str]) -> bool:
    """Long enough to tell its language: 12 words, or 20 letters of a script without spaces."""
    if counts and counts.most_common(1)[0][0] in _UNSPACED:
        return counts.total() >= MIN_OTHER_SCRIPT_LETTERS
    return len(text.split()) >= MIN_JUDGED_WORDS


def _script_lang(script: str, texts: Sequence[str], calls: _Calls) -> str:
    """The language of a document script other than the main one."""
    if script in _SCRIPT_LANG:
        return _SCRIPT_LANG[script]
    sample = "\n".join(sorted(texts, key=len, reverse=True))[:DOC_SAMPLE_CHARS]
    found = calls.detect(_script_words(sample, script) or sample)
    return found[0] if found else script.lower()


def _settle(texts: Sequence[str], per_block: Sequence[Counter[str]], langs: tuple[str, ...],
            found: dict[int, Fragment]) -> Judgement:
    """Keep the quotations the article introduces and the lines of its code listings; drop
    nothing when too much would go."""
    off = {i: f for i, f in found.items()
           if not (_quotation(texts, i, found) or _in_listing(texts, i, found)
                   or _in_list(texts, i, found))}
    dropped = sum(weighed_letters(per_block[i]) for i in off)
    total = sum(weighed_letters(c) for c in per_block)
    if dropped > MAX_DROP_SHARE * total:
        codes = ", ".join(sorted({f.lang for f in off.values()}))
        return Judgement(langs[0], {}, langs, (
            f"language: kept {len(off)} fragment(s) in {codes}: removing them would take "
            f"{dropped / total:.0%} of the text, more than the {MAX_DROP_SHARE:.0%} the language "
            f"step may remove (document in {', '.join(langs)})"))
    return Judgement(langs[0], off, langs)


def _quotation(texts: Sequence[str], i: int, found: dict[int, Fragment]) -> bool:
    """A block the article quotes: it opens with a quotation mark, or it follows (alone or with
    other fragments) a line of the document's own text that ends with a colon (or, in Chinese
    and Japanese, a sentence that announces what follows)."""
    if texts[i][0] in _OPEN_QUOTES:
        return True
    j = i - 1
    while j >= 0 and j in found:
        j -= 1
    if j < 0:
        return False
    intro = texts[j].rstrip()
    return intro.endswith(_INTRO_END) or bool(_INTRO_SENTENCE.search(intro))


def _in_listing(texts: Sequence[str], i: int, found: dict[int, Fragment]) -> bool:
    """A block inside a code listing: a line of code among the two blocks before it and among
    the two after it (other fragments skipped). A program's output (a server's warning, a
    tool's prompts) is in English whatever the article's language; a widget under the article
    has no code after it."""
    return _near(texts, i, found, -1, _is_code_line) and _near(texts, i, found, 1, _is_code_line)


def _in_list(texts: Sequence[str], i: int, found: dict[int, Fragment]) -> bool:
    """An item of a list the article writes: items of its own, with the same mark, before and
    after it (a diary's notes of the day, one of them in the language being learnt)."""
    mark = _ITEM.match(texts[i])
    if not mark:
        return False
    numbered = mark.group()[0].isdigit()

    def same_mark(text: str) -> bool:
        other = _ITEM.match(text)
        return other is not None and other.group()[0].isdigit() == numbered

    return _near(texts, i, found, -1, same_mark) and _near(texts, i, found, 1, same_mark)


def _is_code_line(text: str) -> bool:
    return not_prose(text) == "code"


def _near(texts: Sequence[str], i: int, found: dict[int, Fragment], step: int,
          wanted: Callable[[str], bool]) -> bool:
    """One of the ``LISTING_REACH`` blocks of the document's own next to ``i`` (before it,
    ``step`` -1, or after it, 1) is ``wanted``."""
    seen, j = 0, i + step
    while 0 <= j < len(texts) and seen < LISTING_REACH:
        if j not in found:
            if wanted(texts[j]):
                return True
            seen += 1
        j += step
    return False


def _a_run_of_words(text: str, counts: Counter[str]) -> bool:
    """A run of words in a language holds some stopwords of one; a command line or a list of
    package or product names holds none. Always true in a script no stoplist is written in."""
    if counts.most_common(1)[0][0] not in _stoplist_scripts():
        return True
    index, codes = _stopword_index()
    return any(_coded(index.get(w.strip(_STRIP), ()), codes) for w in text.lower().split())


def _has_function_words(text: str, lang: str) -> bool:
    """Some of ``lang``'s stopwords are in the text (true when ``lang`` has no stoplist)."""
    stops = stoplist(lang)
    return not stops or any(w.strip(_STRIP) in stops for w in text.lower().split())


def _name_fragment(text: str, counts: Counter[str], calls: _Calls) -> Fragment:
    script = counts.most_common(1)[0][0]
    if script in _SCRIPT_LANG:
        return Fragment(_SCRIPT_LANG[script], None, script)
    found = calls.detect(text)
    return Fragment(found[0], found[1], script) if found else Fragment(script.lower(), None, script)


def _doc_lang(doc_script: str, texts: Sequence[str], idx: Sequence[int],
              prose: _Prose) -> str | None:
    """The main language: the script's own, or langdetect's on a sample of the longest prose."""
    if doc_script in _SCRIPT_LANG:
        return _SCRIPT_LANG[doc_script]
    # Long paragraphs that end like a sentence are the likeliest prose (a line of tags is long
    # too); langdetect's cost grows with the sample.
    by_length = sorted(idx, key=lambda i: (not _SENTENCE_END.search(texts[i]), -len(texts[i])))
    sample = _sample(texts, (i for i in by_length if prose(i))) or _sample(texts, by_length)
    # Asked of the main script's words: langdetect names a Chinese sample with a third of its
    # letters in English names (vmstorage, -retentionPeriod) Norwegian.
    found = _Detector.detect(_script_words(sample, doc_script) or sample)
    return found[0] if found else None


def _script_words(text: str, script: str) -> str:
    """``text`` without its words that have a letter of another script than ``script`` (or a
    compatible one), lines kept apart; ``text`` itself when it has none."""
    if all(_compatible(s, script) for s in script_counts(text)):
        return text

    def own(word: str) -> bool:
        return all(_compatible(s, script) for ch in word if (s := char_script(ch)))

    lines = (" ".join(w for w in line.split() if own(w)) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _sample(texts: Sequence[str], order: Iterable[int]) -> str:
    """The first texts in ``order``, up to the sample size."""
    sample, size = [], 0
    for i in order:
        sample.append(texts[i])
        size += len(texts[i])
        if size >= DOC_SAMPLE_CHARS:
            break
    return "\n".join(sample)[:DOC_SAMPLE_CHARS]


@cache
def _stopword_index() -> tuple[dict[str, tuple[int, ...]], tuple[str | None, ...]]:
    """For each stopword of jusText's lists, the lists holding it (the index
    :func:`cleaner.steps.boilerplate.guess_stoplist` uses, shared: a second one cost 12 MB), and the
    language code of each list, None for a list outside the known ones (:func:`stoplist_names`)."""
    from cleaner.steps.boilerplate import stoplist_index

    names, _sizes, index = stoplist_index()
    code_of = {name: code for code, name in stoplist_names().items()}
    return index, tuple(code_of.get(name) for name in names)


def _coded(lists: tuple[int, ...], codes: tuple[str | None, ...]) -> bool:
    """Some of these lists is a known language's."""
    return any(codes[i] is not None for i in lists)


@cache
def _stoplist_scripts() -> frozenset[str]:
    """The scripts the known stoplists are written in."""
    index, codes = _stopword_index()
    chars = set("".join(w for w, lists in index.items() if _coded(lists, codes)))
    return frozenset(s for ch in chars if (s := char_script(ch))) - _UNSPACED


def _long_without_stopwords(text: str, stops: frozenset[str], lang: str | None = None) -> bool:
    """12 words or more, with almost none of the stopwords, or with far more of another
    language's than of ``lang``'s: where langdetect can change the answer (short lines are where
    it goes wrong).

    jusText's lists come from Wikipedia and hold the commonest English words too ("the", "of",
    "and" are German stopwords there), so an English paragraph can pass for German on the share
    alone; the other lists tell.
    """
    # Only words with letters count: table rows of names and numbers are not prose. A word is
    # a token, so fewer tokens than that are fewer words.
    if len(text.split()) < MIN_JUDGED_WORDS:
        return False
    words = [w.strip(_STRIP) for w in _WORD.findall(text.lower())]
    if len(words) < MIN_JUDGED_WORDS:
        return False
    own = sum(map(stops.__contains__, words))
    if own <= MAX_STOPWORD_SHARE * len(words):
        return True
    if lang is None:
        return False
    index, codes = _stopword_index()
    # No list can hold more of the words than all the lists together (the unknown ones
    # included): most paragraphs end here.
    if sum(map(index.__contains__, words)) < STOPWORD_MARGIN * own:
        return False
    hits = Counter(code for w in words for i in index.get(w, ()) if (code := codes[i]))
    return bool(hits) and hits.most_common(1)[0][1] >= STOPWORD_MARGIN * own


def _judge_same_script(texts: Sequence[str], idx: Sequence[int], lang: str, calls: _Calls,
                       prose: _Prose) -> dict[int, Fragment]:
    """Long same-script prose blocks that langdetect is sure are in another language than
    ``lang`` (the longest first, as far as the calls go)."""
    stops = stoplist(lang)
    if not stops:
        return {}
    candidates = [i for i in idx if _long_without_stopwords(texts[i], stops, lang) and prose(i)]
    out: dict[int, Fragment] = {}
    for i in sorted(candidates, key=lambda i: -len(texts[i])):
        found = calls.detect(texts[i])
        if found and base_lang(found[0]) != base_lang(lang) and found[1] >= MIN_FRAGMENT_PROB:
            out[i] = Fragment(found[0], found[1], "")
    return out


@dataclass(frozen=True, slots=True)
class LanguageFilter:
    """Set the document language, drop off-language fragments, reject unwanted languages."""

    name: ClassVar[str] = "language"
    expected: str | None = None  # codes, comma-separated: a document in any of them is kept

    def apply(self, doc: Doc) -> Doc | Reject:
        j = judge(doc.blocks)
        wanted = {base_lang(c) for c in self.expected.split(",")} if self.expected else set()
        if wanted and j.lang and not wanted & {base_lang(c) for c in j.langs}:
            return Reject(RejectReason.WRONG_LANGUAGE,
                          f"document is in {', '.join(repr(c) for c in j.langs)}, "
                          f"expected {self.expected!r}")
        kept = tuple(b for i, b in enumerate(doc.blocks) if i not in j.off)
        where = ", ".join(j.langs)
        removed = tuple(
            Removal(doc.blocks[i].text, f"language:{f.lang}",
                    f"fragment in {f.describe()}, document in {where}")
            for i, f in sorted(j.off.items())
        )
        warnings = (*doc.warnings, j.warning) if j.warning else doc.warnings
        return replace(doc, blocks=kept, lang=j.lang, removals=doc.removals + removed,
                       warnings=warnings)
