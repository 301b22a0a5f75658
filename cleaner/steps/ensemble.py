"""Ensemble extraction: trafilatura's blocks, trimmed to the run a second extractor agrees on.

trafilatura and readability fail on different pages. Measured on the development set's tuning
half (ids 0-7, ``benchmarks/extractors.py``), what separates them is mostly at the edges of the
article: trafilatura keeps a headline list, a related-story teaser or a newsletter box just
before or after the article, which readability, scoring one content node, leaves out; what
readability alone keeps is mostly captions and bylines trafilatura rightly dropped. So the
ensemble keeps trafilatura's blocks from the first to the last one readability also has, and
drops what trafilatura alone keeps outside that run. Inside the run trafilatura's choice stands
(a table or a list item readability flattens differently is not evidence against it).

The second extractor is the readability-lxml fork trafilatura ships and already runs as its own
fallback, so there is no new dependency, and its version is pinned with trafilatura's.

Two things follow from trimming at the edges. trafilatura runs in its recall mode
(``favor_recall``) whenever readability has a vote on a page long enough for it
(:func:`recall_worth`, ``extract_html``): what recall mode adds
is mostly at the edges, where the vote trims it, and inside the article it adds what the
balanced mode misses (text split across containers, lists, a page's repeated sections). And
the trim never cuts a long block of prose (``LEAD_WORDS`` words or more) before the agreed run:
readability scores one content node, so when an article starts in another container (a lede
above a photo, the first half before an ad slot) it misses the start, and no headline list,
teaser or newsletter box runs that long. After the run there is no such exemption: long blocks
there were a publisher's "about us" paragraph, a disclaimer or a reprint notice on the tuning
half.

What it adds is the other side of that: the part of the article trafilatura missed. When
readability's text begins with blocks that trafilatura's text does not hold, those of
``ADD_WORDS`` words or more that are not captions (in a ``figure``, ``figcaption`` or
``caption``, or an element whose class or id names a caption or a credit) go before
trafilatura's blocks. These were, on the tuning half, ledes and whole first halves of articles
that trafilatura left out (the page put them in another container than the rest). Shorter ones
were datelines and standfirsts as often as article text, and captions are what readability
alone keeps most. When the two share no text at all, each took a different container: if
readability's (long, non-caption) blocks hold more words than trafilatura's, they are the rest
of an article split in two (on the development set, both such pages), and go before or after
trafilatura's blocks as they stand on the page; if fewer, they are taken for a sidebar or
comments and left out.

It abstains from trimming, leaving trafilatura's blocks as they are, when trafilatura's text is
too short to judge (under ``MIN_FIRST_WORDS`` words), when readability found too little to
judge by (fewer than ``MIN_SECOND_WORDS`` words, or under ``MIN_SECOND_SHARE`` of
trafilatura's words: it then picked a fragment, not the article), agrees with no block, or agrees
on a run holding under ``MIN_KEPT_SHARE`` of trafilatura's words. Beyond those parts it adds
nothing: what readability alone keeps was, on the tuning half, captions, bylines and newsletter
boxes far more often than article text, and when trafilatura finds nothing its own fallback has
already weighed readability's result.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import html as lxml_html
from trafilatura.readability_lxml import Document as Readability

from cleaner.model import Block, Removal
from cleaner.ruleset import element_text
from cleaner.steps.textstats import CJK

RULE = "ensemble:readability"
BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "blockquote",
              "td", "th", "dd", "dt", "pre", "caption")
SHINGLE = 4
# A block of trafilatura's is one readability also has when this share of its 4-token shingles
# is in readability's text (short blocks: when its tokens are). 0.3-0.8 score alike on the
# tuning half; the middle is taken.
AGREE_SHARE = 0.5
# Readability's result is judged too small to vote under these (a flat 0.3-0.5 optimum of the
# share on the tuning half; 20 words is about a paragraph).
MIN_SECOND_WORDS = 20
MIN_SECOND_SHARE = 0.4
# Nor does it trim a text this short: readability's 20 words are then a good part of it, and on
# short pages (a diary post of a few list items, 36-72 words, on the sites set's tuning half) it
# took one item for the article. No page of the development set under 111 words is trimmed.
MIN_FIRST_WORDS = 100
# Nor may the ensemble drop most of trafilatura's text: when the run readability agrees on holds
# under this share of trafilatura's words, readability took one part of the article (one of
# several containers) for all of it. No tuning page comes near this guard.
MIN_KEPT_SHARE = 0.5
# A block before the agreed run this long is the article's start, never trimmed: on the tuning
# half blocks of 30-49 words before the run were standfirsts and teasers (one page), and from 50
# words on no page changes; 50 is the smallest length that costs nothing there.
LEAD_WORDS = 50
# readability's blocks before any trafilatura holds are added from this length on: on the tuning
# half 15-50 score alike (0.9784, 0.9785, 0.9776, 0.9770 at 15, 25, 35, 50); the best is taken.
ADD_WORDS = 25
_CAPTION_TAGS = ("figure", "figcaption", "caption")
_CAPTION_NAME = re.compile(r"caption|credit", re.IGNORECASE)
# Chinese and Japanese write no spaces: each of their characters is a token (a sentence would be
# one), and two of them count as a word in the lengths above, about what a word of those
# languages takes (as text mode counts them, cleaner.steps.textstats).
_TOKEN = re.compile(f"[{CJK}]|[^\\W{CJK}]+")
_CJK_CHAR = re.compile(f"[{CJK}]")


@dataclass(frozen=True, slots=True)
class Reading:
    """readability's main content: its block texts in order, and which of them are captions."""

    blocks: tuple[str, ...] = ()
    captions: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Vote:
    """The ensemble's result: the blocks kept and what it left out or added, explained."""

    blocks: tuple[Block, ...]
    removals: tuple[Removal, ...] = ()


def readability_blocks(tree: Any) -> tuple[str, ...]:
    """The block texts readability (trafilatura's fork) takes as the page's main content."""
    return read(tree).blocks


def read(tree: Any) -> Reading:
    """readability's (trafilatura's fork) main content of the page, with its captions marked.

    It runs on a copy: readability rewrites the tree it is given.
    """
    try:
        summary = Readability(copy.deepcopy(tree), min_text_length=25).summary()
    except Exception:  # noqa: BLE001 -- as trafilatura does: a readability failure is no vote
        return Reading()
    if not summary.strip():
        return Reading()
    root = lxml_html.fromstring(summary)
    blocks, captions = [], set()
    for el in _innermost(root):
        text = element_text(el)
        if text:
            blocks.append(text)
            if _is_caption(el):
                captions.add(text)
    return Reading(tuple(blocks), frozenset(captions))


def _is_caption(el: Any) -> bool:
    """In a figure or caption element, or in one whose class or id names a caption or credit."""
    for e in (el, *el.iterancestors()):
        names = f"{e.get('class', '')} {e.get('id', '')}"
        if e.tag in _CAPTION_TAGS or _CAPTION_NAME.search(names):
            return True
    return False


def _innermost(el: Any) -> list[Any]:
    inner = [b for b in el.iter(*BLOCK_TAGS)
             if not any(True for _ in b.iterdescendants(*BLOCK_TAGS))]
    return inner or [el]


def block_texts(el: Any) -> Iterator[str]:
    """Texts of the innermost block elements under ``el`` (or of ``el`` itself), in order."""
    for b in _innermost(el):
        text = element_text(b)
        if text:
            yield text


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def _count(tokens: Sequence[str]) -> float:
    """Words in these tokens: a Chinese or Japanese character is half of one, and a number is
    none (a code listing's line numbers, a table of figures)."""
    return sum(0.5 if len(t) == 1 and _CJK_CHAR.match(t) else 0.0 if t.isdigit() else 1.0
               for t in tokens)


def _words(text: str) -> float:
    return _count(_tokens(text))


def _shingles(tokens: Sequence[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


class _Second:
    """The second extractor's text, indexed for asking whether it holds a block."""

    def __init__(self, blocks: Sequence[str]) -> None:
        tokens = [_tokens(b) for b in blocks]
        self.words = sum(map(_count, tokens))
        self.shingles: set[tuple[str, ...]] = set().union(*(_shingles(t) for t in tokens))
        self.joined = " " + " ".join(" ".join(t) for t in tokens if t) + " "

    def holds(self, text: str) -> bool:
        tokens = _tokens(text)
        if len(tokens) < SHINGLE:
            return bool(tokens) and f" {' '.join(tokens)} " in self.joined
        own = _shingles(tokens)
        return len(own & self.shingles) >= AGREE_SHARE * len(own)


def combine(first: Sequence[Block], second: Sequence[str],
            captions: frozenset[str] = frozenset(),
            page_text: Callable[[], str] | None = None) -> Vote:
    """trafilatura's blocks (``first``) from the first to the last that ``second`` holds,
    or from the first long block of prose before that (``LEAD_WORDS``), with the part of the
    article that readability alone has (:func:`missed_part`).

    Args:
        first: trafilatura's blocks, in page order.
        second: readability's block texts, in page order.
        captions: which of ``second`` are captions.
        page_text: the page's whole text, asked for only to tell whether a part of the article
            readability alone has comes before or after trafilatura's (else: after).
    """
    vote = _trim(first, second)
    if not vote.blocks:
        return vote
    part, before = missed_part(first, second, captions)
    if not part:
        return vote
    if before is None:
        before = _comes_first(part[0], first[0].text, page_text() if page_text else "")
    added = tuple(Block(t) for t in part)
    return Vote((*added, *vote.blocks) if before else (*vote.blocks, *added), vote.removals)


def missed_part(first: Sequence[Block], second: Sequence[str],
                captions: frozenset[str] = frozenset()) -> tuple[list[str], bool | None]:
    """The part of the article readability alone has, and whether it goes before
    trafilatura's blocks (None: not known from the two texts).

    Of ``ADD_WORDS`` words or more and not captions, these are readability's blocks before the
    first one trafilatura's text holds: the start of the article when trafilatura missed it.
    When trafilatura's text holds none of readability's blocks, the two took different
    containers of the page: readability's blocks are the rest of the article when they hold
    more words than trafilatura's (an article in two containers, trafilatura taking one); when
    they hold fewer, they are taken for something else (a sidebar, comments) and left out.
    """
    mine = _Second([" ".join(b.text for b in first)])  # across blocks: lines split differently
    for n, text in enumerate(second):
        if mine.holds(text):
            return [t for t in second[:n] if _addable(t, captions)], True
    rest = [t for t in second if _addable(t, captions)]
    if sum(_words(t) for t in rest) < mine.words:
        return [], None
    return rest, None


def recall_worth(second: Reading) -> bool:
    """Whether trafilatura should run in its recall mode: readability has a vote, and the page
    is long enough (``MIN_FIRST_WORDS``) for the vote to trim what recall mode adds at the
    edges (on a shorter page it abstains, and would keep a footer or an author box)."""
    return sum(_words(t) for t in second.blocks) >= MIN_FIRST_WORDS


def _addable(text: str, captions: frozenset[str]) -> bool:
    return _words(text) >= ADD_WORDS and text not in captions


def _comes_first(text: str, other: str, page: str) -> bool:
    """Whether ``text`` starts before ``other`` in ``page`` (by their first words); False
    when either is not found."""
    folded = " " + " ".join(_tokens(page)) + " "
    at = [folded.find(" " + " ".join(_tokens(t)[:SHINGLE * 2]) + " ") for t in (text, other)]
    return -1 < at[0] < at[1]


def _trim(first: Sequence[Block], second: Sequence[str]) -> Vote:
    other = _Second(second)
    words = sum(_words(b.text) for b in first)
    if words < MIN_FIRST_WORDS or other.words < max(MIN_SECOND_WORDS, MIN_SECOND_SHARE * words):
        return Vote(tuple(first))
    agreed = [i for i, b in enumerate(first) if other.holds(b.text)]
    if not agreed:
        return Vote(tuple(first))
    start, end = agreed[0], agreed[-1] + 1
    if sum(_words(b.text) for b in first[start:end]) < MIN_KEPT_SHARE * words:
        return Vote(tuple(first))
    start = next((i for i in range(start) if _words(first[i].text) >= LEAD_WORDS), start)
    dropped = (*first[:start], *first[end:])
    return Vote(tuple(first[start:end]),
                tuple(Removal(b.text, RULE, "kept by trafilatura alone, outside the text "
                              "trafilatura and readability agree on") for b in dropped))
