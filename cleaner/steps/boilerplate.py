"""Boilerplate classifier for plain-text scrapes of news pages.

A text scrape has one line per block element of the page, with blank lines between groups. The
article is the longest dense run of prose in it. Navigation, headline lists, bylines, share bars
and footers are runs of short, headline-like or metadata lines around it; reader comments and
related-story teasers are prose again, but they come after the article, behind metadata lines or a
wide blank-line gap. This classifier is the fallback for scrapes no per-site rule covers, so it
relies only on such page-independent cues, in linear passes:

1. Features per line, measured alike in every script (:mod:`cleaner.steps.textstats`): length in
   words (in scripts without spaces, characters by the script's mean word length), stopword
   density against the document language's stoplist (ignored when it makes no line read like
   prose: then it is another language's) or, for Chinese, Japanese and Thai lines, the share of
   function words, whether it ends like a sentence of its script (unknown for Thai, which marks
   none), the share of capitalised words (headline case; none in scripts without case), whether
   it is a short dateline (holds a clock time or a date with its year), whether it repeats an
   earlier line.
2. Textness in [-1, 1] per line, a continuous jusText-like class: stopword or function-word
   density sets it, a sentence end raises it, a missing one or headline case lowers it; short
   lines, datelines and repeats are -1 (but a short Chinese or Japanese sentence or clause,
   ending with their full stop, question or exclamation mark or holding their comma, is judged
   by its function words as a long line is; a clause with a comma and no end mark loses nothing
   for it), except in a numbered list the article introduces (the
   line before item 1 ends with a colon; the items and the lines between them are at least
   ``list_textness``): a list article keeps its list, while a numbered "most read" list, which a
   heading introduces, fares as it would without numbers. So does a numbered list right under
   the headline, a table scraped one cell per line that a colon line introduces (short
   lines, many of them numbers), and a video's chapters that a colon line introduces (lines that
   start with a time, counting up: ``00:00 Opening``, which are no datelines); a table's or a
   list's repeated cells are not repeats.
3. The main region, by maximum-subarray body-text extraction: a prose line scores ``textness x
   words``; any other line costs a penalty (its length for long non-prose lines, more for
   datelines) that grows along a run of consecutive such lines, so a menu or a comment header is a
   barrier while a lone subheading is not. Lines of code (code's punctuation: braces, semicolons,
   assignments, calls, shell prompts and options, lower-case keys; comment lines, block ends,
   imports), a short line ending with a colon (it introduces a list or a code block) and a short
   Chinese, Japanese or Korean sentence (a Korean word carries its particles, so a Korean sentence
   has few words) are neutral: they neither earn nor cost, so a tech article's code blocks do not
   cut it in pieces, while a menu of labels still parts an article from the teasers after it.
   Kadane's chunks are the candidate regions (what follows a chunk's peak inside the same positive
   stretch is chunked again). When the page repeats its title above the article (the headline), the
   first candidate after it that holds two prose lines and scores at least ``headline_alpha`` of
   the best wins: the article follows its headline in every language, past a byline and a one-line
   standfirst, while reader comments and teasers that outweigh it come after it or before the
   headline. Otherwise the earliest candidate scoring at least ``alpha`` of the best wins, because
   the article comes before the comments and teasers that can rival it in length. A comment thread
   (a comments heading the rules know, right under prose, with comments' time stamps under it) is
   no candidate, however long: a one-paragraph post above a long thread is the article. The region
   goes on past a pause of the article (lines at least half of them neutral, or at most
   ``list_run`` labels before a Chinese or Japanese sentence, with no dateline and no line the
   rules remove) to the prose after it (two prose lines in all, past one pause or several: a
   tutorial may put a single sentence between two listings), and back past one to the prose before
   it (one line is enough: the sentence that introduces the first listing), not above the headline:
   a long code block, or a subheading and a short list between the short sentences of a Chinese or
   Japanese post, no longer ends the article. A code block's line numbers (lines 1, 2, 3... each a
   bare number) count as lines without words, and the N lines that N line numbers number are code,
   neutral however little they look like it (program output, a table a program prints). So are
   the cells of a table scraped one cell per line that no colon line introduces: a header of N
   labels of a few words, then rows of N cells in which some column keeps to a kind of cell
   (numbers, or words of one script: code names beside Korean explanations) where the header's
   differs; a table between two paragraphs no longer ends the article, and the region keeps its
   cells (dashes and repeats too), while a menu, a list of headlines with their dates or a
   calendar is no such table. A list of
   references right under the region (under at most one heading, two or more lines citing a work
   with its year: ``Doe, J. (2012). Title.``) is the article's too.
4. Inside the region, what is still clearly boilerplate goes: lines without words, repeated lines
   (but for short lines of code), runs of non-prose lines (link lists; a neutral line or a short
   sentence ends one, and the items of a list a colon line introduces, each of a few words, with
   prose after it, are none), long lines that are not prose, and everything after a blank-line
   gap wider than the article's own paragraph gaps once the bulk of the article is behind it
   (reader comments), or after a comments heading the rules know (``ends``) once the bulk is
   behind it.

After a wide-gap cut, ``classify`` repeats the pass on the lines it kept (less prose in the region
can qualify an earlier gap) until a pass cuts nothing; classifying its output again keeps all of it.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from cleaner.model import Block
from cleaner.steps import textstats

# jusText's stoplists' ISO 639-1 codes; lists of languages without an ISO 639-1 code are left
# out (a document they fit has no known language, and no ``lang`` rule applies to it).
STOPLIST_CODES = {
    "Afrikaans": "af", "Albanian": "sq", "Arabic": "ar", "Aragonese": "an", "Armenian": "hy",
    "Azerbaijani": "az", "Basque": "eu", "Belarusian": "be", "Belarusian_Taraskievica": "be",
    "Bengali": "bn", "Bosnian": "bs", "Breton": "br", "Bulgarian": "bg", "Catalan": "ca",
    "Chuvash": "cv", "Croatian": "hr", "Czech": "cs", "Danish": "da", "Dutch": "nl",
    "English": "en", "Esperanto": "eo", "Estonian": "et", "Finnish": "fi", "French": "fr",
    "Galician": "gl", "Georgian": "ka", "German": "de", "Greek": "el", "Gujarati": "gu",
    "Haitian": "ht", "Hebrew": "he", "Hindi": "hi", "Hungarian": "hu", "Icelandic": "is",
    "Ido": "io", "Igbo": "ig", "Indonesian": "id", "Irish": "ga", "Italian": "it",
    "Javanese": "jv", "Kannada": "kn", "Kazakh": "kk", "Korean": "ko", "Kurdish": "ku",
    "Kyrgyz": "ky", "Latin": "la", "Latvian": "lv", "Lithuanian": "lt", "Luxembourgish": "lb",
    "Macedonian": "mk", "Malay": "ms", "Malayalam": "ml", "Maltese": "mt", "Marathi": "mr",
    "Nepali": "ne", "Norwegian_Bokmal": "nb", "Norwegian_Nynorsk": "nn", "Occitan": "oc",
    "Persian": "fa", "Polish": "pl", "Portuguese": "pt", "Quechua": "qu", "Romanian": "ro",
    "Russian": "ru", "Serbian": "sr", "Serbo_Croatian": "sh", "Slovak": "sk", "Slovenian": "sl",
    "Spanish": "es", "Sundanese": "su", "Swahili": "sw", "Swedish": "sv", "Tagalog": "tl",
    "Tamil": "ta", "Telugu": "te", "Turkish": "tr", "Turkmen": "tk", "Ukrainian": "uk",
    "Urdu": "ur", "Uzbek": "uz", "Vietnamese": "vi", "Volapuk": "vo", "Walloon": "wa",
    "Welsh": "cy", "West_Frisian": "fy", "Western_Panjabi": "pa", "Yoruba": "yo",
}

OUTSIDE = "outside_main_text"
WIDE_GAP = "comments_after_wide_gap"
DUPLICATE = "duplicate"
NO_WORDS = "no_words"
LINK_LIST = "link_list"
NOT_PROSE = "not_prose"
CLOSED = "after_closing_heading"
# What each verdict means, for the record of what was removed (--explain).
REASONS = {
    OUTSIDE: "outside the main run of article prose (menus, headline lists, footers)",
    WIDE_GAP: "after a blank-line gap wider than the article's own: reader comments",
    DUPLICATE: "repeats an earlier line",
    NO_WORDS: "no words (a separator or symbols)",
    LINK_LIST: "a run of short lines inside the article region (a link list)",
    NOT_PROSE: "a long line that does not read as prose",
    CLOSED: "after a heading that closes the article (reader comments, an author box) below "
            "the bulk of it",
}

_WORD_RE = re.compile(r"\w")
# A clock time or a numeric date; or a year, which makes a date when another number comes with it.
# Month names would need a list per language; the numbers are the same everywhere.
# A version (1.14.2, blis==0.7.11) is no time and no date, nor is a run of more than three
# numbers (a sequence 0-1-1-2-3-5-8, an address 10.57.18.116).
_TIME_RE = re.compile(r"\b(?<!=)(?:(?<!\d\.)[0-2]?\d[:.][0-5]\d(?!\.\d)"
                      r"|(?<!\d[/.-])\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?![/.-]\d))\b")
_CLOCK_RE = re.compile(r"\b[0-2]?\d:[0-5]\d\b")
# A version a package is pinned to (pytz==2023.3) is no year.
_YEAR_RE = re.compile(r"\b(?<![=<>~]=)(?:19|20)\d\d\b")
_NUMBER_RE = re.compile(r"\d+")
# The number of a list item: "1.", "1)", "1:", "1a" / "1º" (Portuguese, Spanish ordinals), "1 -".
# A table cell that is a number: a rank, points, a price, a score, a percentage.
_CELL_RE = re.compile(r"[-+\u2212]?[$\u20ac\u00a3]?\d[\d.,:/%\s\u2013-]*[%\u00ba\u00aa]?")
# A chapter of a video: the time it starts at (00:00, 1:02:30), then its title.
# A cell that starts with a number (85%, 6.4dB, 14 404 234).
_NUMERIC_RE = re.compile(r"[-+\u2212]?[$\u20ac\u00a3]?\d")
_LETTER_RE = re.compile(r"[^\W\d_]")
_CHAPTER_RE = re.compile(r"(?:(\d{1,2}):)?(\d{1,2}):([0-5]\d)\s+\S")
_ITEM_RE = re.compile(r"(\d{1,3})(?:[.):\]\u00aa\u00ba\u00b0]|a\b|\s[-\u2013\u2014])")
# Code's punctuation: brackets and braces, statements' ends, assignments and comparisons, shell
# variables and prompts, comments, calls, dotted names and names with underscores, lower-case
# keys (YAML), command-line options, indexing; a comment line ("# ..."), a block's end keyword
# alone (end, fi, done), an import of a dotted name or of a lower-case module (import os,
# from flask import Flask). A bracketed aside or tag ([Video]) and a hashtag (#Elixir) are none
# of these.
_CODE_RE = re.compile(r"[{};=<>\\`]|\w\[|\[\]|\w\(|::|->|=>|&&|(?:^|\s)//(?:\s|$)|^#!"
                      r"|\$[A-Za-z_{(]|^\$\s|\w\.\w+\.\w|\w_\w"
                      r"|^[a-z_][\w.-]*:(?:\s|$)|\s--?[A-Za-z]"
                      r"|^#\s|^(?:end|fi|done|esac|endif)\)?$|^(?:import|use|require) \w+\.\w"
                      r"|^import [a-z_][\w.]*$|^from [a-z_][\w.]* import \w+(?:, \w+)*$")
# A short line ending so is neutral: a colon introduces a list or code; the full-width marks end
# a Chinese or Japanese sentence, which at 10 words' length is a line of 20 characters.
_BRIEF_ENDS = (":", "\uff1a", "\u3002", "\uff01", "\uff1f")
_CJK_ENDS = ("\u3002", "\uff01", "\uff1f")
_CJK_COMMAS = ("\uff0c", "\u3001")
# A line that is a web address (an image's, a page's) is no code, dots and slashes aside.
_URL_RE = re.compile(r"\s*(?:[a-z][a-z0-9+.-]*://|//\w[\w-]*\.\w|www\.)", re.I)
# A reference's year, as the author-date styles write it: "Doe, J. (2012). Title."
_CITE_RE = re.compile(r"\((?:1[89]|20)\d\d[a-z]?\)[.,]")
# Densities are measured on a long line's first words only, which bounds the cost per line.
_HEAD_TOKENS = 60


@dataclass(frozen=True, slots=True)
class Params:
    """The tunable constants; the defaults were tuned on half of a development set.

    Attributes:
        stop_mid: stopword density at which a line is neither prose nor not.
        stop_width: distance from ``stop_mid`` at which a line is fully (not) prose.
        end_bonus: textness added for a sentence end.
        end_penalty: textness taken for a line that does not end like a sentence.
        caps_share: share of capitalised words from which a line is in headline case.
        caps_penalty: textness taken for headline case.
        no_stoplist_base: base textness of a sentence (minus for a non-sentence) without stoplist.
        short_words: lines with fewer words are short: never prose on their own.
        dateline_words: lines with more words are not datelines, whatever numbers they hold.
        short_penalty: region score of a short line.
        dateline_penalty: region score of a dateline (bylines, timestamps, comment headers).
        run_growth: how much each further line of a non-prose run adds to the penalty multiplier.
        run_cap: the largest multiplier.
        alpha: an earlier candidate region wins when it scores at least this share of the best.
        list_run: runs of at least this many non-prose lines are link lists, even in the region.
        not_prose: long lines with textness below this are dropped even inside the region.
        wide_bulk: share of the region's prose that must precede a wide gap to cut there.
        list_textness: the least textness of the lines of a numbered list the article introduces.
        list_item_gap: the most lines from one item of such a list to the next.
        headline_alpha: the least share of the best candidate's score that the first region
            after the headline needs to win (a short article under its headline beats longer
            comments; a lone teaser does not).
        thread_gap: a comments heading this close under prose can start a comment thread.
        thread_window: the lines under such a heading searched for the comments' time stamps.
        headline_zone: a numbered list whose item 1 comes within this many lines after the
            headline is the article's (a schedule, a how-to), as one a colon introduces.
        table_cells: the fewest number cells a table the article introduces has.
        table_row: the most lines from one number cell of such a table to the next (a row).
        table_columns: the most columns of a table no colon line introduces (see
            :func:`_table_at`).
        label_words: the most words of a cell of such a table's header.
        cell_words: the most words of a cell of such a table's rows.
        table_keys: the fewest cells of such a table that keep to their column's kind where
            the header's differs.
        brief_words: a short line of at least this many words that ends with a colon (or
            a Chinese or Japanese sentence mark) is neutral (see ``_Line``).
    """

    stop_mid: float = 0.25
    stop_width: float = 0.10
    end_bonus: float = 0.3
    end_penalty: float = 0.3
    caps_share: float = 0.6
    caps_penalty: float = 0.5
    no_stoplist_base: float = 0.5
    short_words: float = 10.0
    dateline_words: float = 12.0
    short_penalty: float = 4.0
    dateline_penalty: float = 20.0
    run_growth: float = 1.0
    run_cap: float = 4.0
    alpha: float = 0.7
    list_run: int = 4
    not_prose: float = -0.3
    wide_bulk: float = 0.5
    list_textness: float = 0.5
    list_item_gap: int = 3
    headline_alpha: float = 0.3
    thread_gap: int = 6
    thread_window: int = 30
    headline_zone: int = 6
    table_cells: int = 6
    table_row: int = 8
    table_columns: int = 12
    label_words: float = 6.0
    cell_words: float = 40.0
    table_keys: int = 4
    brief_words: float = 3.0


DEFAULT_PARAMS = Params()


class _Line(NamedTuple):
    """Features of one line, independent of its neighbours.

    ``stop`` is None without stoplist; ``func`` (the function-word score) is None outside
    Chinese, Japanese and Thai, and for a short line but a Chinese or Japanese sentence;
    ``sentence`` is None where the script marks no sentence end (a short line's is True only
    from ``brief_words`` words on, and is False in Thai).
    ``neutral``: a line that is no prose yet reads as the article's, not the template's: code
    (it has code's punctuation), a short line that introduces what follows (it ends
    with a colon), or a short sentence of Chinese or Japanese (it ends with their full stop,
    question or exclamation mark, which no menu label does) or of Korean (mostly Hangul, ending
    like a sentence); it neither earns nor costs in the
    region score (:func:`_scores`), so it does not part the article's prose around it.
    ``code``: the line has code's punctuation. ``clause``: a Chinese or Japanese sentence or
    clause (it ends with their sentence mark or holds their comma, see :func:`_cjk_clause`).
    ``intro``: a short line, not code, that ends with a colon (it introduces a list).
    """

    words: float
    stop: float | None
    func: float | None
    sentence: bool | None
    caps: float
    dateline: bool
    no_words: bool
    neutral: bool = False
    code: bool = False
    clause: bool = False
    intro: bool = False


def _features(text: str, stoplist: frozenset[str] | None, p: Params) -> _Line:
    """Measure one line (the module docstring says what each feature is for)."""
    tokens = text.split()
    # Most lines are ASCII: Latin script, spaces between words, letter case.
    ascii_line = text.isascii()
    words = float(len(tokens)) if ascii_line else textstats.word_count(text, tokens)
    no_words = _WORD_RE.search(text) is None
    dateline = words <= p.dateline_words and _is_dateline(text)
    code = (not dateline and _CODE_RE.search(text) is not None
            and _URL_RE.match(text) is None)
    if words < p.short_words or dateline:
        # Never prose whatever the rest says: skip the costlier measures.
        brief = (not dateline and words >= p.brief_words
                 and text.endswith(_BRIEF_ENDS))
        # A short sentence (a list item that reads as one) is no link of a link list.
        item = not dateline and words >= p.brief_words and textstats.sentence_end(text) is True
        # A short Chinese or Japanese sentence or clause is how those blogs write: its function
        # words tell whether it reads as prose (see _textness); a menu label has no such mark.
        clause = not dateline and words >= p.brief_words and _cjk_clause(text)
        func = textstats.function_score(text) if clause else None
        # A Korean word carries its particles: a short Korean sentence (합니다.) is one of a
        # tutorial's explanations, as a short Chinese or Japanese one is; a label has no end mark.
        korean = item and textstats.mostly_hangul(text)
        return _Line(words, None, func, item, 0.0, dateline, no_words, code or brief or korean,
                     code, clause, brief and not code and text.endswith((":", "\uff1a")))
    # Tokens split at white space, as jusText does (its stoplists hold forms such as "(the").
    head = tokens[:_HEAD_TOKENS]
    stop = None
    if stoplist:
        stop = sum(map(stoplist.__contains__, map(str.lower, head))) / len(head)
    # Headline case capitalises most words, prose only names and sentence starts; scripts
    # without case show no headline case.
    if ascii_line:
        caps, func = textstats.title_share(head), None
    else:
        caps = textstats.caps_share(head) or 0.0
        # Scripts without spaces: their function words stand in for the stoplist.
        func = textstats.function_score(text)
    sentence = textstats.sentence_end(text)
    return _Line(words, stop, func, sentence, caps, dateline, no_words, code, code,
                 func is not None and _cjk_clause(text))


def _cjk_clause(text: str) -> bool:
    """Whether a line reads as a Chinese or Japanese sentence or clause: it ends with their full
    stop, question or exclamation mark, or holds their comma inside it."""
    body = text.rstrip(textstats.CLOSERS)
    return body.endswith(_CJK_ENDS) or any(c in body[:-1] for c in _CJK_COMMAS)


def _is_dateline(text: str) -> bool:
    """Whether a line holds a clock time or a date (a year and another number)."""
    if _TIME_RE.search(text):
        return True
    return _YEAR_RE.search(text) is not None and len(_NUMBER_RE.findall(text)) >= 2


def _all_features(
    blocks: Sequence[Block], stoplist: frozenset[str] | None, p: Params
) -> list[_Line]:
    """Features of every line; a stoplist that makes no line read like prose is ignored.

    Another language's list would make every line look like non-prose; punctuation and length
    judge better than that. The test is that of :func:`_textness` for a sentence, so the lines a
    pass keeps always pass it again.
    """
    lines = [_features(b.text, stoplist, p) for b in blocks]
    if stoplist and not any(
        line.stop is not None and _density(line.stop, p) + p.end_bonus >= 0 for line in lines
    ):
        lines = [_features(b.text, None, p) for b in blocks]
    return lines


def _density(stop: float, p: Params) -> float:
    """Stopword density on the textness scale: 0 at ``stop_mid``, +-1 at ``stop_width`` off."""
    return (stop - p.stop_mid) / p.stop_width


def _textness(line: _Line, p: Params) -> float:
    """How much a line reads like article prose, from -1 (not at all) to 1."""
    # A short line is no prose, but for a short Chinese or Japanese sentence (``func`` is set
    # for a short line only then), which its function words judge as a long line's.
    if line.dateline or (line.words < p.short_words and line.func is None):
        return -1.0
    # A script that marks no sentence end (Thai) neither earns nor loses by it.
    end = (0.0 if line.sentence is None or (line.clause and not line.sentence)
           else p.end_bonus if line.sentence else -p.end_penalty)
    if line.func is not None:
        base = line.func
    elif line.stop is None:
        base = math.copysign(p.no_stoplist_base, end) if end else 0.0
    else:
        base = _density(line.stop, p)
    base += end
    if line.caps >= p.caps_share:
        base -= p.caps_penalty
    return max(-1.0, min(1.0, base))


def _penalty(line: _Line, t: float, p: Params) -> float:
    """Base cost of a non-prose line in the region score."""
    if line.dateline:
        return p.dateline_penalty
    if line.words < p.short_words:
        return p.short_penalty
    return max(p.short_penalty, -t * line.words)


def _scores(lines: Sequence[_Line], tx: Sequence[float], p: Params) -> list[float]:
    """Region score per line: prose earns its weight, a run of other lines costs more and more."""
    out: list[float] = []
    run = 0
    for line, t in zip(lines, tx, strict=True):
        if line.no_words:
            # Separator glyphs say nothing either way, and neither end nor extend a run.
            out.append(0.0)
        elif t >= 0:
            run = 0
            out.append(t * line.words)
        elif line.neutral:
            # Code and a list's or a code block's intro between the article's paragraphs are
            # the article's: they earn nothing and cost nothing.
            out.append(0.0)
        else:
            run += 1
            growth = min(p.run_cap, 1 + p.run_growth * (run - 1))
            out.append(-_penalty(line, t, p) * growth)
    return out


def _candidates(scores: Sequence[float], depth: int = 3) -> list[tuple[int, int, float]]:
    """Kadane's chunks: ``(start, end, score)`` of the best prefix of each positive stretch.

    What follows a stretch's best prefix, up to the end of the stretch, is chunked again (to
    ``depth`` levels): a short article after a long teaser list never raises the stretch's
    score above the list's own, yet is a region of its own.
    """
    out: list[tuple[int, int, float]] = []
    cur = best = 0.0
    lo = best_hi = 0
    for i, s in enumerate([*scores, 0.0]):
        if cur <= 0 or i == len(scores):
            if best > 0:
                out.append((lo, best_hi, best))
                if depth and i - best_hi > 1:
                    rest = _candidates(scores[best_hi:i], depth - 1)
                    out.extend((a + best_hi, b + best_hi, sc) for a, b, sc in rest)
            cur, lo, best = s, i, 0.0
        else:
            cur += s
        if cur > best:
            best, best_hi = cur, i + 1
    return out


def _main_region(scores: Sequence[float], p: Params, start: int | None,
                 thread: int | None = None) -> tuple[int, int]:
    """The main region: the first good candidate after the headline, else the earliest one.

    ``start`` is the line after the headline. A candidate that ends after it, holds at least two
    prose lines from it on (a standfirst is one) and scores ``headline_alpha`` of the best wins,
    from ``start`` on. Otherwise the earliest candidate that scores ``alpha`` of the best wins.
    Candidates from ``thread`` on (a comment thread, see :func:`_thread_start`) are left out,
    however long the comments are.
    """
    cands = _candidates(scores)
    if thread is not None:
        cands = [c for c in cands if c[1] <= thread] or cands
    if not cands:
        return 0, 0
    best = max(c[2] for c in cands)
    if start is not None:
        after = next((c for c in cands if c[1] > start and c[2] >= p.headline_alpha * best
                      and sum(sc > 0 for sc in scores[max(c[0], start):c[1]]) >= 2), None)
        if after is not None:
            return max(after[0], start), after[1]
    lo, hi, _ = next(c for c in cands if c[2] >= p.alpha * best)
    return lo, hi


def _thread_start(blocks: Sequence[Block], lines: Sequence[_Line], scores: Sequence[float],
                  ends: frozenset[int], p: Params) -> int | None:
    """Where a comment thread starts: a comments heading (``ends``) right under a run of prose
    (within ``thread_gap`` lines), with the time stamps of at least two comments (short lines
    with a clock time) in the ``thread_window`` lines under it. A count of comments beside a
    byline, or a "Comments" button in a share bar, has no such thread under it."""
    for e in sorted(ends):
        if not any(scores[i] > 0 for i in range(max(0, e - p.thread_gap), e)):
            continue
        under = range(e + 1, min(len(blocks), e + 1 + p.thread_window))
        if sum(lines[i].dateline and _CLOCK_RE.search(blocks[i].text) is not None
               for i in under) >= 2:
            return e
    return None


def _runs(lines: Sequence[_Line], tx: Sequence[float]) -> list[int]:
    """Length of the run of consecutive non-prose lines each line is in (0 for prose lines).

    Lines without words neither end a run nor count in it, as in :func:`_scores`; neutral
    lines end it (a bare command among lines of code is no run of links), though in the
    region score they leave it be, and so do short sentences (the items of a list that read as
    sentences are no links).
    """
    out = [0] * len(tx)
    start = 0
    for i in range(len(tx) + 1):
        if i == len(tx) or ((tx[i] >= 0 or lines[i].neutral or lines[i].sentence)
                            and not lines[i].no_words):
            n = sum(not lines[k].no_words for k in range(start, i))
            out[start:i] = [n] * (i - start)
            start = i + 1
    return out


def _duplicates(blocks: Sequence[Block]) -> list[bool]:
    """Whether each line repeats an earlier one (menus, captions and notices shown twice)."""
    seen: set[str] = set()
    out = []
    for b in blocks:
        out.append(b.text in seen)
        seen.add(b.text)
    return out


def _inner_reason(line: _Line, t: float, run: int, dup: bool, p: Params) -> str | None:
    """Why a line inside the main region is still boilerplate, if it is."""
    if line.no_words:
        return NO_WORDS
    # Code repeats its short lines (a struct's opening, a field, a call), and is no caption or
    # menu shown twice.
    if dup and not (line.code and line.words < p.short_words):
        return DUPLICATE
    if line.neutral:
        return None
    if run >= p.list_run:
        return LINK_LIST
    # A Chinese or Japanese sentence with few function words (a term's definition) is still a
    # sentence of the article's.
    if line.words >= p.short_words and t < p.not_prose and not (line.clause and line.sentence):
        return NOT_PROSE
    return None


def _wide_gap_cut(gaps: Sequence[int], prose: Sequence[float], p: Params) -> int:
    """Where reader comments start: the first gap wider than the article's own, after its bulk.

    Args:
        gaps: blank lines before each kept line of the region.
        prose: the positive region score of each of those lines.
        p: parameters.

    Returns:
        The index of the first comment line, ``len(gaps)`` when there is none.
    """
    if len(gaps) < 2:
        return len(gaps)
    counts = Counter(gaps[1:])
    # The article's own paragraph gap is the most common one (ties go to the narrower); a title
    # two blank lines above paragraphs one blank line apart is no wide gap, and sits before the
    # bulk of the article anyway.
    typical = max(counts, key=lambda g: (counts[g], -g))
    wide = max(2, typical + 2)
    total = sum(prose)
    before = prose[0]
    widest = 0
    for j in range(1, len(gaps)):
        # A gap no wider than one already passed is the article's layout (section breaks).
        if gaps[j] >= wide and gaps[j] > widest and before >= p.wide_bulk * total:
            return j
        widest = max(widest, gaps[j])
        before += prose[j]
    return len(gaps)


def _enumerated(blocks: Sequence[Block], p: Params, start: int | None = None) -> list[int]:
    """Lines of the numbered lists the article introduces.

    A list is numbered 1, 2, 3... (at least three items, at most ``list_item_gap`` lines apart),
    and the line before its first item ends with a colon, or its first item comes within
    ``headline_zone`` lines after the headline (``start`` is the line after it).
    """
    out: list[int] = []
    chain: list[int] = []
    last = 0
    for i, b in enumerate(blocks):
        m = _ITEM_RE.match(b.text)
        n = int(m.group(1)) if m else -1
        if chain and (n == last + 1) and i - chain[-1] <= p.list_item_gap:
            chain.append(i)
            last = n
            continue
        if chain and i - chain[-1] <= p.list_item_gap and n < 0:
            continue
        _close(chain, out)
        # The article introduces its own lists ("Here are the offers:"), or opens with one under
        # its headline; a numbered list of headlines follows a heading ("Most read"), not a colon.
        opened = n == 1 and i > 0 and (
            blocks[i - 1].text.endswith((":", "\uff1a"))
            or (start is not None and 0 <= i - start < p.headline_zone)
        )
        chain, last = ([i], n) if opened else ([], 0)
    _close(chain, out)
    return out


def _chapters(blocks: Sequence[Block], p: Params) -> list[int]:
    """Lines of the video chapters the article introduces: a line ending with a colon, then at
    least three lines that each start with a time (``00:00 Opening``, ``1:02:30 Q&A``), counting
    up, at most ``list_item_gap`` lines apart. The introducing line is the list's too, as in
    :func:`_close`; a byline's or a comment's time stamp follows no colon line."""
    out: list[int] = []
    chain: list[int] = []
    last = -1
    for i, b in enumerate([*blocks, Block("", 0)]):
        m = _CHAPTER_RE.match(b.text)
        at = -1 if m is None else sum(int(x or 0) * 60 ** k
                                      for k, x in enumerate(reversed(m.groups())))
        if chain and at >= last and i - chain[-1] <= p.list_item_gap:
            chain.append(i)
            last = at
            continue
        if chain and m is None and i - chain[-1] < p.list_item_gap:
            continue
        if len(chain) >= 3:
            out.extend(range(chain[0] - 1, chain[-1] + 1))
        opened = at >= 0 and i > 0 and blocks[i - 1].text.endswith((":", "\uff1a"))
        chain, last = ([i], at) if opened else ([], -1)
    return out


def _tabular(blocks: Sequence[Block], lines: Sequence[_Line], p: Params) -> list[int]:
    """Lines of the tables the article introduces, scraped one cell per line.

    A line ending with a colon, then a run of short lines in which at least ``table_cells``
    cells are numbers, each within ``table_row`` lines (a row) of the one before: the run is a
    table of results, prices or dates the article presents, up to its last number's row.
    """
    out: list[int] = []
    i = 0
    while i < len(blocks):
        if not blocks[i].text.endswith((":", "\uff1a")):
            i += 1
            continue
        numbers: list[int] = []
        j = i + 1
        while j < len(blocks) and lines[j].words < p.short_words:
            if _CELL_RE.fullmatch(blocks[j].text):
                numbers.append(j)
            elif j - (numbers[-1] if numbers else i) > p.table_row:
                break
            j += 1
        if len(numbers) >= p.table_cells:
            out.extend(range(i, numbers[-1] + 1))
            i = numbers[-1] + 1
        else:
            i += 1
    return out


def _kind(text: str, line: _Line, p: Params) -> str:
    """What a table cell holds: ``none`` (no words: a dash, a tick), ``prose`` (a sentence, or
    as long as one), ``date``, ``number`` (it
    starts with a number, more digits than letters: ``85%``, ``-12.99``, ``6.4dB``) or words of
    the Latin script (``latin``) or of another (``other``)."""
    if line.no_words:
        return "none"
    # A sentence, or a cell as long as one, describes: it is no name, number or code of a key.
    if line.words >= p.short_words or line.sentence:
        return "prose"
    # A dotted number (13.43) reads as a clock time: it is a date when it has a year or a colon.
    if line.dateline and (_YEAR_RE.search(text) or _CLOCK_RE.search(text)):
        return "date"
    if _CELL_RE.fullmatch(text) or (_NUMERIC_RE.match(text) and sum(map(str.isdigit, text))
                                    >= len(_LETTER_RE.findall(text))):
        return "number"
    return "latin" if textstats.mostly_latin(text) else "other"


def _tables(blocks: Sequence[Block], lines: Sequence[_Line], p: Params) -> set[int]:
    """Lines of the tables scraped one cell per line, whether or not a colon line introduces
    them (see :func:`_table_at`)."""
    kinds = [_kind(b.text, line, p) for b, line in zip(blocks, lines, strict=True)]
    # How many lines from each on could head a table: labels of a few words, no number, no
    # date, no sentence, no code, nothing a colon ends.
    heads = [0] * (len(blocks) + 1)
    for i in range(len(blocks) - 1, -1, -1):
        line = lines[i]
        if (kinds[i] not in ("number", "date") and line.words <= p.label_words
                and not (line.sentence or line.code or line.clause
                         or blocks[i].text.endswith((":", "\uff1a")))):
            heads[i] = heads[i + 1] + 1
    # How many lines from each on are of its kind: a header and a first row all of one kind
    # have no key, so no table of ``width`` starts where ``2 * width`` lines are alike.
    alike = [0] * (len(blocks) + 1)
    for i in range(len(blocks) - 1, -1, -1):
        alike[i] = alike[i + 1] + 1 if i + 1 < len(blocks) and kinds[i + 1] == kinds[i] else 1

    def table_end(s: int) -> int:
        return max((_table_at(blocks, lines, kinds, s, width, p)
                    for width in range(max(2, alike[s] // 2 + 1),
                                       min(heads[s], p.table_columns) + 1)), default=s)

    out: set[int] = set()
    s = 0
    end = table_end(0) if blocks else 0
    while s < len(blocks):
        # A heading right above a table, no farther from it than its cells are from each
        # other (a clean text), may pass for a header cell: the table one line later that
        # reaches farther is the one.
        later = table_end(s + 1) if s + 1 < len(blocks) else s + 1
        if end > s and later <= end:
            out.update(range(s, end))
            s = end
            end = table_end(s) if s < len(blocks) else s
        else:
            s, end = s + 1, later
    return out


def _table_at(blocks: Sequence[Block], lines: Sequence[_Line], kinds: Sequence[str], s: int,
              width: int, p: Params) -> int:
    """The end of a table of ``width`` columns that starts at ``s``, or ``s`` if none does.

    A header of ``width`` distinct labels, then rows of ``width`` cells: some column (a key)
    holds in the first row a kind of cell (:func:`_kind`) other than its header's, not a date
    alone (a list of headlines with their dates under two labels), and the first row holds two
    kinds (a calendar's numbers do not). Each further row keeps to the first row's kind in
    every key (a dash fits any), but for a row a cell short now and then. Its lines are as far
    apart as its first two (none between the cells of a naive scrape, one in a clean text); at
    least two whole rows (three when no key is a number) of at least ``table_cells`` cells in
    all, whose keys set their columns apart (:func:`_keyed`).
    """
    n = len(blocks)
    head, first = kinds[s : s + width], kinds[s + width : s + 2 * width]
    if len(first) < width or len({b.text for b in blocks[s : s + width]}) < width:
        return s
    keys = [k for k in range(width) if first[k] not in (head[k], "none", "prose")]
    if all(first[k] == "date" for k in keys) or len(set(first) - {"none"}) < 2:
        return s
    gap = blocks[s + 1].gap
    if any(blocks[i].gap != gap for i in range(s + 1, s + width)):
        return s

    def fits(at: int) -> bool:
        # A paragraph is no cell: a table ends before the prose after it.
        return (at + width <= n and all(blocks[i].gap == gap and lines[i].words <= p.cell_words
                                        for i in range(at, at + width))
                and all(kinds[at + k] in (first[k], "none") for k in keys))

    rows: list[int] = []
    short = 0
    end = s + width
    while True:
        if fits(end):
            rows.append(end)
            end += width
        # A row a cell short (a rule removed one: a share button's name) between two rows,
        # after at least two whole rows and four for each such row before.
        elif (len(rows) >= 2 and 4 * short < len(rows) and fits(end + width - 1)
              and all(blocks[i].gap == gap for i in range(end, end + width - 1))):
            short += 1
            end += width - 1
        else:
            break
    # Two rows of a menu may alternate scripts alike by chance; numbers in a column do not.
    least = 2 if any(first[k] == "number" for k in keys) else 3
    return (end if len(rows) >= least and len(rows) * width >= p.table_cells
            and _keyed([kinds[i : i + width] for i in rows], keys, p) else s)


def _keyed(rows: Sequence[Sequence[str]], keys: Sequence[int], p: Params) -> bool:
    """Whether the keys of a table's rows (the kinds of their cells) set their columns apart:
    at least ``table_keys`` cells keep to their key's kind, and at most half of the cells of the
    other columns are of such a kind (in a menu whose labels are mostly in one script, a key of
    that script is chance)."""
    keyed = {rows[0][k] for k in keys}
    evidence = sum(row[k] != "none" for row in rows for k in keys)
    rest = [c for row in rows for k, c in enumerate(row) if k not in keys and c != "none"]
    return evidence >= p.table_keys and 2 * sum(c in keyed for c in rest) <= len(rest)


def _close(chain: list[int], out: list[int]) -> None:
    """Add the lines of a finished chain of at least three items, lines between items included.

    An item can take more than one line (a title and its link): the lines between items, and
    as many after the last item as between the last two, belong to the list. So does the line
    that introduces it, which keeps the list a list when the kept lines are classified again.
    """
    if len(chain) >= 3:
        out.extend(range(chain[0] - 1, 2 * chain[-1] - chain[-2]))


def _citations(blocks: Sequence[Block], lines: Sequence[_Line], hi: int,
               stops: frozenset[int], p: Params) -> list[int]:
    """The article's list of references right after the region: under at most one heading,
    at least two lines that cite a work with its year (``Author, A. (2012). Title.``), each
    long as a sentence. The region takes them; a reference reads as no prose."""
    j = hi
    while j < len(blocks) and lines[j].no_words:
        j += 1
    if j < len(blocks) and lines[j].words < p.brief_words and j not in stops:
        j += 1
    out: list[int] = []
    for k in range(j, len(blocks)):
        if lines[k].no_words:
            continue
        if k in stops or lines[k].words < p.short_words or not _CITE_RE.search(blocks[k].text):
            break
        out.append(k)
    # The region may hold the first references already.
    before = hi > 0 and j == hi and _CITE_RE.search(blocks[hi - 1].text) is not None
    return out if len(out) + before >= 2 else []


def _introduced(lines: Sequence[_Line], scores: Sequence[float], lo: int, hi: int,
                p: Params) -> list[int]:
    """The items of the lists the article introduces inside the region: a colon line, then at
    most twice ``list_run`` lines of a few words each, then prose again. A list of links at the
    article's end ("You might also like:") has no prose after it."""
    out: list[int] = []
    for i in range(lo, hi):
        if not lines[i].intro:
            continue
        j = i + 1
        while (j < hi and scores[j] <= 0 and lines[j].words >= p.brief_words
               and not lines[j].dateline and j - i <= 2 * p.list_run):
            j += 1
        if j < hi and scores[j] > 0 and j - i > 1:
            out.extend(range(i + 1, j))
    return out


def _gutters(blocks: Sequence[Block]) -> tuple[set[int], set[int]]:
    """The line numbers of code blocks, and the lines they number.

    Line numbers are runs of lines that are each a bare number, counting 1, 2, 3... (at least
    three), as a naive scrape of a numbered listing has them; the listing's N lines follow its
    N numbers (a blank line of the listing is one of them), and are code or program output
    however little they look like it.
    """
    numbers: set[int] = set()
    listed: set[int] = set()
    chain: list[int] = []
    for i, b in enumerate([*blocks, Block("", 0)]):
        text = b.text
        if text.isascii() and text.isdigit() and len(text) <= 4 and int(text) == len(chain) + 1:
            chain.append(i)
            continue
        if len(chain) >= 3:
            numbers.update(chain)
            listed.update(_numbered(blocks, i, len(chain)))
        chain = [i] if text == "1" else []
    return numbers, listed


def _numbered(blocks: Sequence[Block], start: int, count: int) -> range:
    """The lines from ``start`` that ``count`` line numbers number, blank lines counted."""
    end, left = start, count
    while end < len(blocks) and left > 0:
        left -= 1 + (blocks[end].gap if end > start else 0)
        if left >= 0:
            end += 1
    return range(start, end)


def _single_pass(
    blocks: Sequence[Block],
    lines: Sequence[_Line],
    p: Params,
    start: int | None = None,
    ends: frozenset[int] = frozenset(),
    removed: frozenset[int] = frozenset(),
    cut_after: bool = False,
) -> tuple[list[str | None], bool, set[int]]:
    """One pass of the algorithm in the module docstring over ``blocks`` and their features.

    ``cut_after``: the rules removed lines after the last of ``blocks`` (the page's footer).

    Returns:
        The verdicts, whether a wide gap cut the region, and the lines of the lists and tables
        the article introduces.
    """
    lines, cells = _marked(blocks, lines, p)
    # A numbered list or a table the article introduces is article text, however short its
    # lines; a table repeats its numbers, a list its labels.
    listed = {i for i in (*_enumerated(blocks, p, start), *_tabular(blocks, lines, p),
                          *_chapters(blocks, p))
              if not lines[i].no_words}
    dup = [d and i not in listed and i not in cells
           for i, d in enumerate(_duplicates(blocks))]
    # A repeat counts against the region like any non-prose line.
    tx = [-1.0 if d else _textness(line, p) for line, d in zip(lines, dup, strict=True)]
    for i in listed:
        tx[i] = max(tx[i], p.list_textness)
    scores = _scores(lines, tx, p)
    lo, hi, cites = _region(blocks, lines, scores, p, start, ends, removed, cut_after)
    if not cites:
        lo, hi = _whole_tables(lo, hi, cells)
    runs = _runs(lines, tx)
    for i in _introduced(lines, scores, lo, hi, p):
        runs[i] = 0
    out: list[str | None] = [OUTSIDE] * len(blocks)
    for i in range(lo, hi):
        out[i] = None if i in cells else _inner_reason(lines[i], tx[i], runs[i], dup[i], p)
    for i in cites:
        out[i] = DUPLICATE if dup[i] else None
    # A table's cells, no blank line apart, say nothing of the article's paragraph gaps.
    kept = [i for i in range(lo, hi) if out[i] is None and not (i in cells and i - 1 in cells)]
    cut = _wide_gap_cut([blocks[i].gap for i in kept], [max(0.0, scores[i]) for i in kept], p)
    listed |= cells
    if cut < len(kept):
        out[kept[cut] : hi] = [WIDE_GAP] * (hi - kept[cut])
        return out, True, listed
    heading = _closing_heading(range(lo, hi), scores, ends, p)
    if heading is not None:
        out[heading:hi] = [v or CLOSED for v in out[heading:hi]]
    return out, heading is not None, listed


def _whole_tables(lo: int, hi: int, cells: set[int]) -> tuple[int, int]:
    """The region ``lo:hi`` widened to the whole of a table it starts or ends inside: its cells
    are neutral, so the region's prose may end with a long cell of a row, and the clean text
    would hold a table cut short, which cleaned again is no table."""
    if lo < hi:
        while lo - 1 in cells and lo in cells:
            lo -= 1
        while hi in cells and hi - 1 in cells:
            hi += 1
    return lo, hi


def _marked(blocks: Sequence[Block], lines: Sequence[_Line],
            p: Params) -> tuple[Sequence[_Line], set[int]]:
    """The lines' features as code blocks and tables make them, and the lines of the tables.

    A code block's line numbers say nothing either way, as a separator does; the lines they
    number are code, neutral in the region score, and may repeat. A table's cells
    (:func:`_tables`) are neutral too, and none is a dateline: a table between two paragraphs
    does not part the article, one outside it does not join it.
    """
    gutter, listing = _gutters(blocks)
    if gutter:
        lines = [line._replace(no_words=True) if i in gutter
                 else line._replace(neutral=True, code=True)
                 if i in listing and not line.dateline else line
                 for i, line in enumerate(lines)]
    cells = _tables(blocks, lines, p) - gutter
    if cells:
        lines = [line._replace(neutral=True, dateline=False) if i in cells else line
                 for i, line in enumerate(lines)]
    return lines, cells


def _region(blocks: Sequence[Block], lines: Sequence[_Line], scores: Sequence[float], p: Params,
            start: int | None, ends: frozenset[int], removed: frozenset[int],
            cut_after: bool = False) -> tuple[int, int, list[int]]:
    """The article's region ``lo:hi`` and the references it ends with (step 3 of the module
    docstring)."""
    lo, hi = _main_region(scores, p, start, _thread_start(blocks, lines, scores, ends, p))
    # The region starts with prose the rules keep: a line they remove (a caption, a banner)
    # may tell where the article is, but does not stretch it over the lines before its prose.
    while lo < hi and (lo in removed or scores[lo] <= 0):
        lo += 1
    if lo < hi:
        hi = _continued(lines, scores, hi, removed | ends, p, cut_after=cut_after)
        lo = _preceded(lines, scores, lo, removed | ends, p,
                       start if start is not None and start <= lo else 0)
    cites = _citations(blocks, lines, hi, removed | ends, p)
    return lo, (cites[-1] + 1 if cites else hi), cites


def _continued(lines: Sequence[_Line], scores: Sequence[float], hi: int,
               stops: frozenset[int], p: Params, least: int = 2,
               cut_after: bool = False) -> int:
    """The region's end, past the pauses of the article: a pause (lines that score nothing)
    in which at least half of the lines with words are neutral (code, the colon line that
    introduces it), with no dateline and no line of ``stops`` (lines the rules remove, closing
    headings), followed by a stretch of prose, which the region takes up to its best prefix once
    the stretches after its pauses hold ``least`` prose lines in all (a tutorial may put one
    sentence between two listings; a lone line after the article's last pause is not taken,
    unless the text ends with it and the rules removed what came after it (``cut_after``): the
    post's closing sentence, its footer gone).
    Between an article and the teasers or comments after it come menus, share bars, bylines and
    time stamps, not code."""
    n = len(lines)
    at, pending = hi, 0
    while True:
        j = at
        while j < n and scores[j] <= 0:
            if j in stops or lines[j].dateline:
                return hi
            j += 1
        end = _best_prefix(scores, j)
        pause = [line for line in lines[at:j] if not line.no_words]
        prose = pending + sum(scores[i] > 0 for i in range(j, end))
        if _listed(pause, scores, j, end, p):
            # A list the article introduces (a colon line, then items of a few words each) and
            # the closing words after it.
            at = hi = end
            pending = 0
            continue
        labels = sum(not line.neutral for line in pause)
        if prose == pending or (2 * labels > len(pause) and not (
                labels <= p.list_run and j < n and _cjk_sentence(lines[j]))):
            return hi
        at = end
        if prose >= least or (cut_after and all(line.no_words for line in lines[end:])):
            hi, pending = end, 0
        else:
            pending = prose


def _best_prefix(scores: Sequence[float], j: int) -> int:
    """The end of the best prefix of the positive stretch that starts at ``j``."""
    total = best = 0.0
    end = j
    for k in range(j, len(scores)):
        total += scores[k]
        if total <= 0:
            break
        if total > best:
            best, end = total, k + 1
    return end


def _listed(pause: Sequence[_Line], scores: Sequence[float], j: int, end: int,
            p: Params) -> bool:
    """Whether a pause is a list the article introduces: a colon line, then at most twice
    ``list_run`` items of a few words each, with prose after it."""
    return (bool(pause) and pause[0].intro and len(pause) <= 1 + 2 * p.list_run
            and all(line.words >= p.brief_words for line in pause)
            and any(scores[i] > 0 for i in range(j, end)))


def _preceded(lines: Sequence[_Line], scores: Sequence[float], lo: int,
              stops: frozenset[int], p: Params, floor: int) -> int:
    """The region's start, back past the pauses of the article as :func:`_continued` goes on
    past them, to the best suffix of the prose before a pause, and not above ``floor`` (the
    line after the headline). One prose line is enough there: a tutorial may open with one
    sentence before its first listing, while teasers come after an article, not before it."""
    back = _continued(lines[floor:lo][::-1], scores[floor:lo][::-1], 0,
                      frozenset(lo - 1 - i for i in stops if floor <= i < lo), p, 1)
    return lo - back


def _cjk_sentence(line: _Line) -> bool:
    """Whether a line is a Chinese or Japanese sentence: a subheading or a short list between
    two of an article's paragraphs in those scripts is a pause of the article, not its end."""
    return line.func is not None and line.sentence is True


def _closing_heading(region: range, scores: Sequence[float], ends: frozenset[int],
                     p: Params) -> int | None:
    """The first closing heading (``ends``: comments, an author box) in the region with
    ``wide_bulk`` of the region's prose above it: the article ends there. One above the bulk
    is a count of comments or an author's name beside the byline."""
    if not ends.intersection(region):
        return None
    total = sum(max(0.0, scores[i]) for i in region)
    before = 0.0
    for i in region:
        if i in ends and before >= p.wide_bulk * total and before > 0:
            return i
        before += max(0.0, scores[i])
    return None


def classify(
    blocks: Sequence[Block], stoplist: frozenset[str] | None = None, headline: int | None = None
) -> list[str | None]:
    """One verdict per block: None = keep (article body), or a short reason id for boilerplate.

    Reasons: ``outside_main_text``, ``comments_after_wide_gap``, ``duplicate``, ``no_words``,
    ``link_list``, ``not_prose``, ``after_closing_heading``. Pure and deterministic;
    classifying the kept blocks again (same stoplist, no headline) keeps them all.

    Args:
        blocks: the lines of a text scrape, in order, each with the blank lines before it.
        stoplist: stopwords of the document language (a jusText list), if known; see
            :func:`guess_stoplist`. Without one, punctuation and length alone tell prose.
        headline: the index of the article's headline in ``blocks``, if known (the page
            title repeated above the article): the article is the prose that follows it.

    Returns:
        A verdict per block, in order.
    """
    return classify_with(blocks, stoplist, DEFAULT_PARAMS, headline).verdicts


class Classified(NamedTuple):
    """The verdicts, and the lines kept as items of a list or cells of a table the article
    introduces (article text that does not read as prose)."""

    verdicts: list[str | None]
    listed: frozenset[int]


def classify_with(
    blocks: Sequence[Block],
    stoplist: frozenset[str] | None,
    params: Params,
    headline: int | None = None,
    ends: frozenset[int] = frozenset(),
    removed: frozenset[int] = frozenset(),
) -> Classified:
    """:func:`classify` with explicit parameters and the lines kept as lists and tables.

    ``ends`` are closing headings (lines the rules know end an article: comments, an author
    box): below the bulk of the article, what follows one is not the article. ``removed`` are
    the lines the rules remove: the region does not start with one.
    """
    lines = _all_features(blocks, stoplist, params)
    verdicts: list[str | None] = [None] * len(blocks)
    listed: set[int] = set()
    alive = list(range(len(blocks)))
    # Without a wide-gap cut, a pass over the lines a pass kept keeps them all: they hold no
    # repeats, their prefix and suffix sums only grow once the dropped lines go, their runs only
    # shorten, and the gap statistics see the same lines. A cut leaves less prose in the region,
    # which can qualify a narrower gap before it, so after a cut the pass runs again: at most once
    # more per distinct gap width.
    # The lines the rules remove take part in the first passes (a menu label a rule removes
    # still says the region ends there), but the clean text, cleaned again, has none of them: a
    # caption a rule removes must not be what held the region over the lines around it. So the
    # lines kept are judged once more without them, as a second cleaning would judge them.
    for phase in (removed, frozenset()):
        cut_after = False
        if phase is not removed:
            if not removed.intersection(alive):
                break
            alive = [i for i in alive if i not in removed]
            cut_after = bool(alive) and max(removed) > alive[-1]
        cut = True
        while cut and alive:
            # The headline's place among the lines still alive: the first one after it.
            start = None if headline is None else bisect.bisect_right(alive, headline)
            found, cut, items = _single_pass(
                [blocks[i] for i in alive], [lines[i] for i in alive], params, start,
                frozenset(k for k, i in enumerate(alive) if i in ends),
                frozenset(k for k, i in enumerate(alive) if i in phase), cut_after,
            )
            for i, v in zip(alive, found, strict=True):
                verdicts[i] = v
            listed = {alive[i] for i in items}
            alive = [i for i, v in zip(alive, found, strict=True) if v is None]
    return Classified(verdicts, frozenset(i for i in listed if verdicts[i] is None))


# --- language ----------------------------------------------------------------------------------

# Simple English is a small near-subset of the English list: it would win the description-length
# comparison below on every English page, while the thresholds above assume the full lists.
_SKIP_STOPLISTS = frozenset({"Simple_English"})
# Cost in nats of a word outside the stoplist: the log of a working vocabulary (~160k words).
_VOCAB_NATS = 12.0
_GUESS_SAMPLE = 500
_MIN_STOP_SHARE = 0.1


@functools.cache
def stoplist_index() -> tuple[tuple[str, ...], tuple[int, ...], dict[str, tuple[int, ...]]]:
    """The names of jusText's stoplists, their sizes, and for each stopword the lists holding
    it (built once). The lists themselves are not kept: only the one a document needs is made,
    by :func:`stoplist_named` (all of them cost some 50 MB)."""
    import justext

    names = tuple(sorted(n for n in justext.get_stoplists() if n not in _SKIP_STOPLISTS))
    sizes = []
    index: dict[str, tuple[int, ...]] = {}
    get = index.get
    for i, name in enumerate(names):
        words = set(justext.get_stoplist(name))
        sizes.append(len(words))
        alone = (i,)  # most stopwords are in one list: they share this tuple
        for w in words:
            before = get(w)
            index[w] = alone if before is None else (*before, i)
    return names, tuple(sizes), index


# The name of each stoplist stoplist_named made, by the list's identity.
_NAMES_BY_ID: dict[int, str] = {}


@functools.cache
def stoplist_named(name: str) -> frozenset[str]:
    """jusText's stoplist ``name`` (``English``, ``German``...), made once."""
    import justext

    words = frozenset(justext.get_stoplist(name))
    _NAMES_BY_ID[id(words)] = name
    return words


def stoplist_name(stoplist: frozenset[str] | None) -> str | None:
    """The name of a stoplist :func:`guess_stoplist` returned (None for any other set)."""
    return None if stoplist is None else _NAMES_BY_ID.get(id(stoplist))


def _description_cost(hits: int, n: int, size: int) -> float:
    """Nats to encode ``n`` tokens, ``hits`` of them as words of a stoplist of ``size`` words.

    Plain coverage would favour the largest lists (several hold thousands of words, English ones
    among them); paying ``log(size)`` per stopword balances coverage against list size.
    """
    misses = n - hits
    cost = misses * (_VOCAB_NATS - math.log(misses / n)) if misses else 0.0
    if hits:
        cost += hits * (math.log(size) - math.log(hits / n))
    return cost


def guess_stoplist(blocks: Sequence[Block]) -> frozenset[str] | None:
    """The jusText stoplist that best explains the words of the first lines, if any fits.

    The first call loads all of jusText's lists (about 0.3 s); later calls cost a dictionary
    lookup per distinct word of a 500-word sample.

    Args:
        blocks: the lines of the document.

    Returns:
        The stoplist, or None when no list covers a tenth of the sampled words (a script
        without one, such as Japanese, or a page with hardly any running text).
    """
    names, sizes, index = stoplist_index()
    sample: Counter[str] = Counter()
    n = 0
    for b in blocks:
        tokens = b.text.lower().split()
        sample.update(tokens)
        n += len(tokens)
        if n >= _GUESS_SAMPLE:
            break
    if not n:
        return None
    hits = [0] * len(names)
    # Distinct words only: the common ones repeat, and each sits in many lists.
    for word, count in sample.items():
        for i in index.get(word, ()):
            hits[i] += count
    best = min(range(len(names)), key=lambda i: _description_cost(hits[i], n, sizes[i]))
    return stoplist_named(names[best]) if hits[best] >= _MIN_STOP_SHARE * n else None
