"""A tutorial that alternates one sentence with one listing is one article
(cleaner.steps.boilerplate): the region goes on past pauses of the article to the prose after
them even when each pause is followed by a single sentence, as long as two sentences are found
in all; a lone sentence after the article's last pause is not taken."""

from __future__ import annotations

import justext

from cleaner.model import Block
from cleaner.steps.boilerplate import DEFAULT_PARAMS, _is_dateline, classify, classify_with
from conftest import BLOG_FOOTER, BLOG_MENU, BLOG_PARAGRAPHS

ENGLISH = frozenset(justext.get_stoplist("English"))
MENU, FOOTER, PARAGRAPHS = BLOG_MENU, BLOG_FOOTER, BLOG_PARAGRAPHS
STEPS = [
    "The first loop counts from zero up to the end of the array.",
    "The second loop does the same for every element of the list.",
    "The third loop checks its condition before every pass it makes.",
]


def listing(i: int) -> list[str]:
    """A listing as a tutorial shows it: code, then its output and a note, which read as no
    prose, then the next section's heading."""
    return [f"for (int i = 0; i < {i}; i++)", "{", f"Console.Write(i + {i});",
            "Console.WriteLine();", "}",
            f"Output value {i}", f"Tip: it prints {i}.", f"Loop {i + 1}"]


def verdicts(lines: list[str]) -> dict[str, str | None]:
    blocks = [Block(text, 1) for text in lines]
    return {b.text: v for b, v in zip(blocks, classify(blocks, ENGLISH), strict=True)}


def test_single_sentences_between_listings_are_kept() -> None:
    article = [*PARAGRAPHS[:2], *listing(1), STEPS[0], *listing(2), STEPS[1], *listing(3),
               STEPS[2], PARAGRAPHS[2]]
    found = verdicts([*MENU, *article, *FOOTER])
    assert [line for line in [*PARAGRAPHS[:3], *STEPS] if found[line] is not None] == []
    assert [line for line in [*MENU, *FOOTER] if found[line] is None] == []


def test_one_sentence_before_the_first_listing_is_taken() -> None:
    # The region is found at the paragraphs after the listing; back past the listing, the one
    # sentence that introduces it is the article's start.
    found = verdicts([*MENU, STEPS[0], *listing(1), *PARAGRAPHS[1:3], *FOOTER])
    assert [line for line in [STEPS[0], *PARAGRAPHS[1:3]] if found[line] is not None] == []
    assert [line for line in [*MENU, *FOOTER] if found[line] is None] == []


def test_a_run_of_numbers_is_no_date() -> None:
    assert not _is_dateline("Output : 0-1-1-2-3-5-8-13-end")
    assert not _is_dateline("host_addr='10.57.18.116'")
    assert _is_dateline("Posted 10-03-2020")
    assert _is_dateline("5/8/13")



def test_a_closing_sentence_is_taken_when_the_rules_removed_what_follows_it() -> None:
    # After the last listing, one sentence, then the footer a rule (or a learned profile)
    # removes: the post's closing words. Without the footer's lines, which the region is judged
    # without once more (as cleaning the clean text again judges it), it ends the text.
    closing = "That is all it takes to print the numbers, and the same loop works for lists."
    signup = "Sign up to get every new post of this blog in your inbox as soon as it is out."
    lines = [*MENU, *PARAGRAPHS[:3], *listing(3), closing, signup, *FOOTER]
    blocks = [Block(text, 1) for text in lines]
    footer = frozenset(range(len(lines) - len(FOOTER) - 1, len(lines)))
    found = classify_with(blocks, ENGLISH, DEFAULT_PARAMS, removed=footer).verdicts
    verdict = dict(zip(lines, found, strict=True))
    assert [line for line in [*PARAGRAPHS[:3], closing] if verdict[line] is not None] == []
    # A text that merely ends with a lone line (a copyright line under a list of headlines)
    # gives it nothing.
    assert verdicts([*MENU, *PARAGRAPHS[:3], *listing(3), closing])[closing] is not None


def test_a_lone_line_after_the_last_listing_is_not_taken_before_more_text() -> None:
    # With the page's footer still under it, a lone line after the last listing is not taken
    # as the article's: it may be the footer's own blurb.
    blurb = "Ricky writes about the tools he uses at work, and about the places he visits."
    found = verdicts([*MENU, *PARAGRAPHS[:3], *listing(3), blurb, *FOOTER])
    assert found[blurb] is not None
    assert [line for line in PARAGRAPHS[:3] if found[line] is not None] == []
