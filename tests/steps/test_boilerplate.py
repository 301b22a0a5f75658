"""Tests of the structural boilerplate classifier for text scrapes (cleaner.steps.boilerplate)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import justext
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.model import Block
from cleaner.steps.boilerplate import (
    CLOSED,
    DEFAULT_PARAMS,
    DUPLICATE,
    LINK_LIST,
    NO_WORDS,
    NOT_PROSE,
    OUTSIDE,
    WIDE_GAP,
    _candidates,
    classify,
    classify_with,
    guess_stoplist,
)

SEEDS = Path(__file__).parent.parent / "fixtures" / "seeds"
REASONS = {OUTSIDE, WIDE_GAP, DUPLICATE, NO_WORDS, LINK_LIST, NOT_PROSE, CLOSED}


@cache
def stoplist_of(language: str) -> frozenset[str]:
    return frozenset(justext.get_stoplist(language))


def english() -> frozenset[str]:
    return stoplist_of("English")


def parse(text: str) -> list[Block]:
    """Blocks of a text scrape as the pipeline makes them: ``gap`` counts blank lines before."""
    blocks, gap = [], 0
    for line in text.splitlines():
        if not line.strip():
            gap += 1
            continue
        blocks.append(Block(line.strip(), gap))
        gap = 0
    return blocks


def kept(blocks: list[Block], verdicts: list[str | None]) -> list[str]:
    return [b.text for b, v in zip(blocks, verdicts, strict=True) if v is None]


def verdict_by_line(blocks: list[Block], stoplist: frozenset[str] | None) -> dict[str, str | None]:
    return dict(zip((b.text for b in blocks), classify(blocks, stoplist), strict=True))


# --- synthetic documents ------------------------------------------------------------------------

ARTICLE = [
    "The city council voted on Tuesday to approve a new budget that increases spending on "
    "public transport by a third, after a debate that lasted well into the night.",
    "Supporters of the plan said that the money would pay for more buses on the routes that "
    "are most crowded, and for a study of a new tram line to the airport.",
    "Opponents argued that the council had not explained where the money would come from, and "
    "that taxes would have to rise in the next two years to cover the cost.",
    "The mayor said in a statement that she was pleased with the result and that the work on "
    "the first new bus routes would begin in the spring of next year.",
    "A final vote on the tram study is expected in the autumn, when the council will also "
    "discuss the plans for the old railway station in the north of the city.",
]
NAV = ["Home", "News", "Sport", "Business", "Opinion", "Culture", "Travel", "Weather"]
RELATED = [
    "Related stories",
    "Police Search For Missing Hiker In Northern Hills",
    "Local Bakery Wins National Award For Sourdough Bread",
    "Five Things To Do In The City This Weekend",
    "School Board Announces New Term Dates For Next Year",
    "Council Approves Plans For New Park Near River",
]
COMMENTS = [
    "I cannot believe they are spending all this money on buses when the roads are full of "
    "potholes and nobody has fixed the street lights in my area for months.",
    "Great news for everyone who has to stand on the number nine bus every morning, it is "
    "about time that the council did something about it.",
]


def test_nav_article_related() -> None:
    blocks = [Block(t, 0) for t in NAV] + [Block(t, 1) for t in ARTICLE]
    blocks += [Block(RELATED[0], 1)] + [Block(t, 0) for t in RELATED[1:]]
    verdicts = classify(blocks, english())
    assert kept(blocks, verdicts) == ARTICLE
    assert all(v == OUTSIDE for v in verdicts[: len(NAV)])
    assert all(v is not None for v in verdicts[-len(RELATED) :])


def test_subheading_inside_article_is_kept() -> None:
    text = [*ARTICLE[:2], "What happens next", *ARTICLE[2:]]
    blocks = [Block(t, 1) for t in text]
    assert kept(blocks, classify(blocks, english())) == text


def test_headline_list_inside_region_is_a_link_list() -> None:
    # A short list keeps the article together around it (a long one would end the region).
    text = [*ARTICLE[:3], *RELATED[:4], *ARTICLE[3:]]
    blocks = [Block(t, 1) for t in text]
    verdicts = classify(blocks, english())
    assert kept(blocks, verdicts) == ARTICLE
    assert verdicts[3:7] == [LINK_LIST] * 4


@pytest.mark.parametrize("paragraph_gap", [0, 1])
def test_comments_after_wide_gap(paragraph_gap: int) -> None:
    gap = paragraph_gap + 3
    blocks = [Block(t, paragraph_gap) for t in ARTICLE]
    blocks += [Block(COMMENTS[0], gap), Block(COMMENTS[1], paragraph_gap)]
    verdicts = classify(blocks, english())
    assert kept(blocks, verdicts) == ARTICLE
    assert verdicts[-2:] == [WIDE_GAP, WIDE_GAP]


@pytest.mark.parametrize("title_gap", [2, 3])
def test_title_then_wider_gap_is_not_comments(title_gap: int) -> None:
    title = Block("Council approves a bigger budget for public transport", 0)
    blocks = [title, Block(ARTICLE[0], title_gap)] + [Block(t, 1) for t in ARTICLE[1:]]
    verdicts = classify(blocks, english())
    assert WIDE_GAP not in verdicts
    assert kept(blocks, verdicts)[-len(ARTICLE) :] == ARTICLE


def test_gap_in_first_half_is_not_comments() -> None:
    # A wide gap before most of the article is layout, not the start of the comments.
    blocks = [Block(ARTICLE[0], 0), Block(ARTICLE[1], 0)] + [Block(t, 0) for t in ARTICLE[2:]]
    blocks[1] = Block(ARTICLE[1], 4)
    assert kept(blocks, classify(blocks, english())) == ARTICLE


def test_repeated_line_and_separator_glyphs() -> None:
    text = [ARTICLE[0], "* * *", *ARTICLE[1:], ARTICLE[0]]
    blocks = [Block(t, 1) for t in text]
    verdicts = classify(blocks, english())
    assert kept(blocks, verdicts) == ARTICLE
    assert verdicts[1] == NO_WORDS


def test_without_stoplist_sentences_still_win() -> None:
    blocks = [Block(t, 0) for t in NAV] + [Block(t, 1) for t in ARTICLE]
    assert kept(blocks, classify(blocks, None)) == ARTICLE


def test_wrong_language_stoplist_is_ignored() -> None:
    blocks = [Block(t, 0) for t in NAV] + [Block(t, 1) for t in ARTICLE]
    assert kept(blocks, classify(blocks, stoplist_of("Persian"))) == ARTICLE


@pytest.mark.parametrize("blocks", [[], [Block("Home", 0)], [Block("\u2022", 0)]])
def test_degenerate_inputs(blocks: list[Block]) -> None:
    verdicts = classify(blocks, english())
    assert len(verdicts) == len(blocks)
    assert all(v is None or v in REASONS for v in verdicts)


# --- seeds: real scrapes ------------------------------------------------------------------------


@cache
def expected() -> dict[str, dict[str, list[str]]]:
    data: dict[str, dict[str, list[str]]] = json.loads(
        (SEEDS / "expected.json").read_text(encoding="utf-8")
    )
    return data


def seed_names() -> list[str]:
    return sorted(p.name for p in (SEEDS / "raw").glob("*.txt"))


def test_seed_fixtures_present() -> None:
    assert seed_names() == sorted(expected())


@pytest.mark.parametrize("stoplist_from", ["guess", "english"])
@pytest.mark.parametrize("name", seed_names())
def test_seed_keep_lines_survive(name: str, stoplist_from: str) -> None:
    blocks = parse((SEEDS / "raw" / name).read_text(encoding="utf-8"))
    stoplist = guess_stoplist(blocks) if stoplist_from == "guess" else english()
    verdicts = verdict_by_line(blocks, stoplist)
    keep = expected()[name]["keep"]
    # Every keep line is a line of the scrape, and none of them is dropped.
    assert {line: verdicts.get(line, "missing") for line in keep} == dict.fromkeys(keep)


def test_seed_comments_go_by_wide_gap() -> None:
    name = "002_a8c0cc3bbc729ad7.txt"
    blocks = parse((SEEDS / "raw" / name).read_text(encoding="utf-8"))
    verdicts = verdict_by_line(blocks, guess_stoplist(blocks))
    assert {verdicts[line] for line in expected()[name]["drop"]} == {WIDE_GAP}
    # Its first line is body, not a title.
    assert verdicts[blocks[0].text] is None


def test_guess_stoplist_on_seed() -> None:
    blocks = parse((SEEDS / "raw" / "000_afe2df786c992654.txt").read_text(encoding="utf-8"))
    assert guess_stoplist(blocks) == english()
    assert guess_stoplist([]) is None
    assert guess_stoplist([Block("12 34 56 78", 0)]) is None


# --- properties ---------------------------------------------------------------------------------

_VOCAB = [
    "the", "of", "and", "to", "in", "a", "is", "that", "it", "was", "for", "on", "said", "with",
    "he", "they", "council", "budget", "Mayor", "City", "News", "Sport", "2019", "10:45", "Home",
    "vote", "money", "buses", "Share", "Comments", "year", "plan", "\u6771\u4eac", "\u2014", "|",
]  # fmt: skip
_END = st.sampled_from(["", ".", "!", "?", ":", "...", '."'])
_PROSE = st.builds(
    lambda words, end: " ".join(words) + end,
    st.lists(st.sampled_from(_VOCAB), min_size=1, max_size=40),
    _END,
)
_NOISE = st.text(min_size=1, max_size=60).map(str.strip)
_TEXT = st.one_of(_PROSE, _PROSE, _NOISE).filter(bool)
_BLOCKS = st.lists(st.builds(Block, _TEXT, st.integers(0, 4)), max_size=60)
# The right list, none, and one that fits English text badly (it holds some English words).
_STOPLIST = st.sampled_from([None, "English", "Russian"]).map(
    lambda name: stoplist_of(name) if name else None
)


@settings(max_examples=150, deadline=None)
@given(_BLOCKS, _STOPLIST)
def test_one_verdict_per_block_and_deterministic(
    blocks: list[Block], stoplist: frozenset[str] | None
) -> None:
    verdicts = classify(blocks, stoplist)
    assert len(verdicts) == len(blocks)
    assert all(v is None or v in REASONS for v in verdicts)
    assert classify(list(blocks), stoplist) == verdicts


@settings(max_examples=150, deadline=None)
@given(_BLOCKS, _STOPLIST)
def test_idempotent(blocks: list[Block], stoplist: frozenset[str] | None) -> None:
    survivors = [b for b, v in zip(blocks, classify(blocks, stoplist), strict=True) if v is None]
    assert classify(survivors, stoplist) == [None] * len(survivors)


# --- the article follows its headline -------------------------------------------------------------

HEADLINE = "Council approves a bigger budget for public transport"
LONG_COMMENTS = [
    f"{c} That is what I think, for what it is worth, after {n + 2} years of living here."
    for n, c in enumerate(COMMENTS * 3)
]


def page_with_headline(article: list[str], after: list[str]) -> tuple[list[Block], int]:
    """Title, menu, the headline again, a byline, ``article``, then ``after``."""
    lines = [HEADLINE, *NAV, HEADLINE, "By Jane Smith, November 19, 2019 at 9:45 am",
             *article, *after]
    return [Block(t, 1) for t in lines], len(NAV) + 1


def test_article_after_its_headline_beats_longer_comments() -> None:
    # One reader's long comment of several paragraphs outweighs a short article.
    comments = ["Related: Transport", "Tags: council, buses", "Share", "Tweet", "Email", "Print",
                "48 comments", "Top Rated Comments", "(View all)", "reader0",
                "2 days ago at 07:52 am", *LONG_COMMENTS, "Rating: 40 Votes"]
    blocks, headline = page_with_headline(ARTICLE, comments)
    # Without the headline the longer prose of the comments wins: the cue is what saves it.
    assert kept(blocks, classify(blocks, english())) != ARTICLE
    verdicts = classify(blocks, english(), headline)
    assert kept(blocks, verdicts) == ARTICLE
    assert all(v is not None for v in verdicts[-len(LONG_COMMENTS):])


def test_a_short_article_after_a_long_teaser_stretch_is_found() -> None:
    # Teasers glued to their summaries read as prose; with only short menus between them and
    # the article, one positive stretch holds both, and the stretch peaks on the teasers.
    teasers = [f"{t}. {ARTICLE[i]}" for i, t in enumerate(RELATED[1:])]
    lines = [HEADLINE, *teasers, "Video", "Autos", "More", HEADLINE,
             "November 19, 2019 at 9:45 am", ARTICLE[0], ARTICLE[4], "Comments"]
    blocks = [Block(t, 1) for t in lines]
    verdicts = classify(blocks, english(), lines.index(HEADLINE, 1))
    assert kept(blocks, verdicts) == [ARTICLE[0], ARTICLE[4]]


def test_a_standfirst_alone_is_not_the_article() -> None:
    # A one-line standfirst under the headline, then the byline and share buttons, then the
    # article: the region is the article (the standfirst, a region of one line, does not win).
    standfirst = ("There are more buses, trams and trains to choose from than ever before, and "
                  "this is how the council, which voted on it late on Tuesday night, means to "
                  "pay for all of them in the next five years.")
    lines = [HEADLINE, *NAV, HEADLINE, standfirst, "By Jane Smith", "Share", "Tweet", "Email",
             "November 19, 2019 at 9:45 am", *ARTICLE[:3], *RELATED]
    blocks = [Block(t, 1) for t in lines]
    verdicts = classify(blocks, english(), len(NAV) + 1)
    assert kept(blocks, verdicts)[-3:] == ARTICLE[:3]


def test_a_headline_with_no_article_after_it_changes_nothing() -> None:
    # A headline repeated at the very end (a "back to top" link) has nothing after it.
    blocks = [Block(t, 0) for t in NAV] + [Block(t, 1) for t in [*ARTICLE, HEADLINE]]
    assert classify(blocks, english(), len(blocks) - 1) == classify(blocks, english())


def test_candidates_after_a_stretch_peak_are_regions_of_their_own() -> None:
    assert _candidates([100.0, -20.0, -20.0, 30.0, 10.0]) == [(0, 1, 100.0), (3, 5, 40.0)]
    assert _candidates([5.0, -10.0, 7.0]) == [(0, 1, 5.0), (2, 3, 7.0)]
    assert _candidates([-1.0, -2.0]) == []


@settings(max_examples=100, deadline=None)
@given(_BLOCKS, _STOPLIST, st.integers(0, 60))
def test_any_headline_gives_one_verdict_per_block(
    blocks: list[Block], stoplist: frozenset[str] | None, headline: int
) -> None:
    verdicts = classify(blocks, stoplist, headline if headline < len(blocks) else None)
    assert len(verdicts) == len(blocks)
    assert all(v is None or v in REASONS for v in verdicts)


# --- lists and tables the article introduces --------------------------------------------------

STANDINGS_INTRO = "The final standings of the season after all thirty-six races are these:"
DRIVERS = ["Kyle Busch", "Martin Truex Jr.", "Kevin Harvick", "Denny Hamlin", "Joey Logano",
           "Ryan Blaney", "Kyle Larson"]


def standings() -> list[str]:
    """A results table scraped one cell per line: header cells, then a row per driver."""
    cells = ["Pos.", "Driver", "Points", "Wins", "Poles"]
    for n, name in enumerate(DRIVERS, 1):
        cells += [str(n), name, str(5040 - 7 * n), str(n % 3), "1"]
    return cells


def test_a_table_the_article_introduces_is_kept_cell_by_cell() -> None:
    table = standings()
    lines = [*NAV, ARTICLE[0], STANDINGS_INTRO, *table, *RELATED]
    blocks = [Block(t, 1) for t in lines]
    verdicts = classify(blocks, english())
    # Repeated cells ("1", the wins) are no repeated lines: every cell stays.
    assert kept(blocks, verdicts) == [ARTICLE[0], STANDINGS_INTRO, *table]


def test_short_lines_without_an_introduction_are_no_table() -> None:
    # The same cells after a heading, not after a line that introduces them: a sidebar.
    lines = [*NAV, *ARTICLE, "Standings", *standings()]
    blocks = [Block(t, 1) for t in lines]
    assert kept(blocks, classify(blocks, english())) == ARTICLE


def test_a_numbered_list_under_the_headline_is_the_article() -> None:
    schedule = [f"{n}. round: {d}" for n, d in enumerate(
        ["10 March, Interlagos", "8 April, Curitiba", "22 April, Velopark", "6 May, Londrina",
         "20 May, Santa Cruz", "5 August, Goiania"], 1)]
    sidebar = ["Tags: calendar, racing", "Share", "Tweet", "Email", "Columns", COMMENTS[0],
               "Power ranking", COMMENTS[1]]
    lines = [HEADLINE, *NAV, HEADLINE, "November 19, 2019 at 9:45 am", "Share", "The calendar",
             *schedule, *sidebar]
    blocks = [Block(t, 1) for t in lines]
    headline = len(NAV) + 1
    # The line above item 1 introduces the list, as a colon line would.
    assert kept(blocks, classify(blocks, english(), headline)) == ["The calendar", *schedule]
    # Without the headline nothing tells the list from a sidebar's: the prose wins.
    assert not set(schedule) & set(kept(blocks, classify(blocks, english())))


# --- comments headings the rules know -----------------------------------------------------------


def test_a_comments_heading_below_the_article_starts_the_comments() -> None:
    # Comments close enough to the article to share its region, no wider gap before them: the
    # heading a rule knows (ends) is what tells them apart.
    lines = [*ARTICLE, "Comments", *COMMENTS]
    blocks = [Block(t, 1) for t in lines]
    assert kept(blocks, classify_with(blocks, english(), DEFAULT_PARAMS).verdicts) == lines
    verdicts = classify_with(blocks, english(), DEFAULT_PARAMS, ends=frozenset({5})).verdicts
    assert kept(blocks, verdicts) == ARTICLE
    assert verdicts[5:] == [CLOSED] * 3


def test_a_comment_count_above_the_article_cuts_nothing() -> None:
    lines = ["By Jane Smith", "48 comments", *ARTICLE]
    blocks = [Block(t, 1) for t in lines]
    verdicts = classify_with(blocks, english(), DEFAULT_PARAMS, ends=frozenset({1})).verdicts
    assert kept(blocks, verdicts) == ARTICLE
    assert CLOSED not in verdicts


OPEN_THREAD = ("Our goal with these open threads is to give readers a chance to raise questions "
               "about our work in the comments below, and we will try to answer them promptly.")


def thread_page(heading: str, stamp: str) -> list[Block]:
    """A one-paragraph post under its headline, a comments heading, a long comment thread."""
    lines = [HEADLINE, *NAV, HEADLINE, "September 10, 2018 | by Catherine", OPEN_THREAD,
             "Posted in Open thread | Permalink", "Previous Post", heading]
    for n, c in enumerate(LONG_COMMENTS):
        lines += [stamp.format(n=n), c, "Reply"]
    return [Block(t, 1) for t in lines]


def test_a_short_post_above_a_long_comment_thread_is_the_article() -> None:
    blocks = thread_page("Comments", "Reader {n} on September 12, 2018 at 4:{n}7 pm said:")
    ends = frozenset({len(NAV) + 6})
    # Without the heading the thread, far longer, wins; with it the post does.
    assert OPEN_THREAD not in kept(blocks, classify_with(blocks, english(), DEFAULT_PARAMS,
                                                          len(NAV) + 1).verdicts)
    verdicts = classify_with(blocks, english(), DEFAULT_PARAMS, len(NAV) + 1, ends).verdicts
    assert kept(blocks, verdicts) == [OPEN_THREAD]


def test_a_comments_button_without_a_thread_under_it_changes_nothing() -> None:
    # "Comments" in a share bar under a standfirst, and numbers under it that are no times.
    blocks = thread_page("Comments", "Shares {n}.44% at 225.{n}6")
    ends = frozenset({len(NAV) + 6})
    assert classify_with(blocks, english(), DEFAULT_PARAMS, len(NAV) + 1, ends) == \
        classify_with(blocks, english(), DEFAULT_PARAMS, len(NAV) + 1)
