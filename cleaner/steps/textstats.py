"""Length, sentence ends and letter case measured the same way in every script.

English-made measures fail elsewhere: a Thai, Burmese or Japanese paragraph has few or no
spaces, so it has one or two "words"; a Thai sentence ends with a space, not a mark; Hindi ends
one with a danda, Burmese with a section mark; and Arabic, Hebrew, Hindi or Chinese have no
capital letters, so a share of capitalised words says nothing about them. These helpers give the
classifier measures that mean the same thing in every script:

- :func:`word_count`: words separated by spaces count one each; in scripts written without
  spaces, characters count by the script's mean word length (two per word for Chinese and
  Japanese characters; five code points for Thai and Lao; six for Burmese, Khmer and Tibetan,
  whose syllables carry more combining signs).
- :func:`sentence_end`: whether a line ends with the full stop, question or exclamation mark of
  its script, or None where the script marks no sentence end (Thai, Lao).
- :func:`caps_share`: the share of capitalised words, measured only on words of scripts that
  have letter case; None for a line written mostly in a script without case.
- :func:`function_share`: for scripts without spaces, where no stoplist applies, the share of
  a line's characters that belong to function words (particles, auxiliaries, conjunctions).
- :func:`mostly_hangul`: whether a line is written mostly in Hangul (Korean), whose words carry
  their particles, so a Korean sentence has fewer words than the same sentence in English.
- :func:`mostly_latin`: whether a line's letters are mostly Latin: a table's column of names
  or code beside a column of Korean or Russian text keeps to its script.
"""

from __future__ import annotations

import re

# Chinese characters and Japanese kana: about two characters to a word.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
# Thai and Lao: about five code points to a word (vowel and tone marks included).
_TH_LO = "\u0e00-\u0eff"
# Burmese, Khmer, Tibetan: about six code points to a word (stacked consonants, vowel signs).
_MY_KM_BO = "\u1000-\u109f\u1780-\u17ff\u0f00-\u0fff"
_UNSPACED_RE = re.compile(f"[{CJK}{_TH_LO}{_MY_KM_BO}]")
_CJK_RE = re.compile(f"[{CJK}]")
_TH_LO_RE = re.compile(f"[{_TH_LO}]")
_MY_KM_BO_RE = re.compile(f"[{_MY_KM_BO}]")
# A run of letters or digits of a spaced script inside a token that also holds unspaced text
# ("Kindle" in "Kindle書籍").
_SPACED_RUN_RE = re.compile(f"[^\\W_{CJK}{_TH_LO}{_MY_KM_BO}]+")
_CHARS_PER_WORD = ((_CJK_RE, 2.0), (_TH_LO_RE, 5.0), (_MY_KM_BO_RE, 6.0))

# Full stops, question and exclamation marks of the scripts of the news: Latin, Greek (its
# question mark), Armenian, CJK (ideographic and full-width), Devanagari and the Indic scripts
# that borrow its danda, Arabic and Urdu, Burmese, Khmer, Tibetan, Ethiopic; and the ellipsis.
SENTENCE_END = frozenset(
    ".!?\u2026\u203c\u2047\u2048\u2049"
    "\u037e\u0589"
    "\u3002\uff01\uff1f\uff0e\uff61"
    "\u0964\u0965"
    "\u061f\u06d4"
    "\u104b"
    "\u17d4\u17d5"
    "\u0f0d\u0f0e"
    "\u1362\u1367\u1368"
)
# Closing quotes and brackets that may follow the sentence end, in the scripts above.
CLOSERS = "\"')]\u2019\u201d\u00bb\u00ab\u203a\u3011\u300d\u300f\u3009\u300b\u3015\uff09\uff3d"
# Letters of scripts with letter case: Latin, Greek, Cyrillic, Armenian (and full-width Latin).
_CASED = "A-Za-z\u00c0-\u024f\u0370-\u058f\u1e00-\u1fff\uff21-\uff3a\uff41-\uff5a"
_CASED_RE = re.compile(f"[{_CASED}]")
_UNCASED_LETTER_RE = re.compile(f"[^\\W\\d_{_CASED}]")
_GREEK_RE = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")
# Scripts that end sentences with a space, not a mark.
_NO_END_MARK_RE = _TH_LO_RE

# Function words of scripts without spaces, where jusText has no stoplist: Japanese particles,
# auxiliaries and conjunctions are written in hiragana (so its share is the cue); Chinese and Thai
# function words are listed.
_HIRAGANA_RE = re.compile("[\u3041-\u309f]")
_KANA_RE = re.compile("[\u3040-\u30ff]")
_ZH_FUNCTION_RE = re.compile(
    "[的了是在和与及或也都就而但并且把被对从向于为以其这那之所着过将会能要可不没有个们他她它我你]"
)
_TH_FUNCTION_RE = re.compile(
    "ที่|และ|ของ|ใน|เป็น|ได้|ให้|มี|ว่า|จะ|ไม่|การ|ความ|กับ|แต่|จาก|ซึ่ง|โดย|นี้|ก็|แล้ว|อยู่|คือ|เพื่อ|หรือ|ยัง|ถึง|เมื่อ|ไว้|อย่าง"
)
_LETTER_RE = re.compile(r"[^\W\d_]")
_LATIN_RE = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_HANGUL_RE = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def word_count(text: str, tokens: list[str] | None = None) -> float:
    """Length of a line in words, estimated in scripts written without spaces.

    Args:
        text: the line.
        tokens: ``text.split()``, if the caller has it.

    Returns:
        Words separated by spaces count one each; a token holding text of a script without
        spaces counts its characters by the script's mean word length, plus its runs of letters
        and digits of other scripts.
    """
    if tokens is None:
        tokens = text.split()
    if text.isascii() or _UNSPACED_RE.search(text) is None:
        return float(len(tokens))
    words = 0.0
    for token in tokens:
        if _UNSPACED_RE.search(token) is None:
            words += 1
            continue
        words += len(_SPACED_RUN_RE.findall(token))
        for pattern, per_word in _CHARS_PER_WORD:
            words += len(pattern.findall(token)) / per_word
    return words


def sentence_end(text: str) -> bool | None:
    """Whether a line ends like a sentence; None where its script has no sentence-end mark.

    Args:
        text: the line, stripped.

    Returns:
        True when the last character before closing quotes and brackets ends sentences in some
        script; None when it does not and the line ends in Thai or Lao, which end sentences with
        a space; False otherwise.
    """
    body = text.rstrip(CLOSERS)
    last = body[-1:]
    if last in SENTENCE_END:
        return True
    if last == ";" and _GREEK_RE.match(body[-2:-1]):
        # Greek writes its question mark as a semicolon.
        return True
    if last and _NO_END_MARK_RE.match(last):
        return None
    return False


def caps_share(head: list[str]) -> float | None:
    """Share of capitalised words among the first words of a line, where letter case exists.

    Args:
        head: the line's first whitespace tokens.

    Returns:
        The share (capped at 1: a one-letter word is both title- and upper-case), or None when
        most of the letters are of scripts without case (Arabic, Hebrew, Devanagari, CJK, Thai):
        there, headline case cannot be seen.
    """
    if not head:
        return None
    joined = " ".join(head)
    if not joined.isascii() and _UNCASED_LETTER_RE.search(joined):
        cased = len(_CASED_RE.findall(joined))
        if len(_UNCASED_LETTER_RE.findall(joined)) >= cased:
            return None
    return title_share(head)


def title_share(head: list[str]) -> float:
    """Share of title- or upper-case words among (non-empty) ``head``, capped at 1.

    A one-letter word is both title-case and upper-case, hence the cap. :func:`caps_share` is
    the measure for lines that may be in a script without case.
    """
    return min(1.0, (sum(map(str.istitle, head)) + sum(map(str.isupper, head))) / len(head))


# Where each script's function-word share is neither prose nor not (mid), and how far from it a
# line is fully one or the other (width). Japanese running text is 40-60% hiragana, headlines
# and menus of kanji and katakana nouns 0-30%; the Chinese and Thai function words listed cover
# a fifth to a third of running text and far less of headlines.
_FUNCTION_SCALE = {"ja": (0.35, 0.15), "zh": (0.15, 0.07), "th": (0.15, 0.08)}


def function_score(text: str) -> float | None:
    """How much a line's function words make it read like prose: 0 undecided, +-1 clearly.

    Args:
        text: the line.

    Returns:
        The score (not clipped), or None for a line not mainly in Chinese, Japanese or Thai.
    """
    found = _function_share(text)
    if found is None:
        return None
    lang, share = found
    mid, width = _FUNCTION_SCALE[lang]
    return (share - mid) / width


def function_share(text: str) -> float | None:
    """The share of :func:`function_score`, for tests and tuning."""
    found = _function_share(text)
    return None if found is None else found[1]


def _function_share(text: str) -> tuple[str, float] | None:
    """Share of a line's letters in function words, for scripts without spaces; else None.

    Japanese: hiragana among kana and Chinese characters (particles, endings and auxiliaries are
    hiragana; names, terms and headline nouns are kanji or katakana). Chinese: the commonest
    function characters among Chinese characters. Thai: characters of common function words among
    Thai characters. A line of another script gets None: stoplists cover spaced scripts.

    Args:
        text: the line.

    Returns:
        The script's code and the share in [0, 1], or None.
    """
    if text.isascii() or _UNSPACED_RE.search(text) is None:
        return None
    # Only where the script without spaces makes most of the line: a Chinese name or quote in
    # an English sentence says nothing of its prose.
    half = len(_LETTER_RE.findall(text)) / 2
    kana = len(_KANA_RE.findall(text))
    han = len(_HAN_RE.findall(text))
    if kana + han < half:
        kana = han = 0
    if kana and kana + han >= 4:
        # A katakana loanword is about twice as long as a word in kanji: it counts half.
        hiragana = len(_HIRAGANA_RE.findall(text))
        return "ja", hiragana / (hiragana + han + (kana - hiragana) / 2)
    if han >= 4:
        return "zh", len(_ZH_FUNCTION_RE.findall(text)) / han
    thai = len(_TH_LO_RE.findall(text))
    if thai >= 10 and thai >= half:
        return "th", sum(len(m) for m in _TH_FUNCTION_RE.findall(text)) / thai
    return None


def mostly_hangul(text: str) -> bool:
    """Whether most of a line's letters are Hangul (Korean).

    Args:
        text: the line.

    Returns:
        True when Hangul makes more than half of the letters.
    """
    if text.isascii():
        return False
    return 2 * len(_HANGUL_RE.findall(text)) > len(_LETTER_RE.findall(text))


def mostly_latin(text: str) -> bool:
    """Whether most of a line's letters are Latin (English, French, Vietnamese...).

    Args:
        text: the line.

    Returns:
        True when Latin letters make more than half of the letters; False for a line
        without letters.
    """
    if text.isascii():
        return _LETTER_RE.search(text) is not None
    return 2 * len(_LATIN_RE.findall(text)) > len(_LETTER_RE.findall(text))
