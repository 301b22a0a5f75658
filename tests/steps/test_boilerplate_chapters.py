"""A video's chapters that the article introduces are the article's (cleaner.steps.boilerplate):
a colon line, then lines that each start with a time counting up (00:00 Opening, 01:15 ...),
are a list, not a run of time stamps; time stamps under comments, or a byline's, still cost."""

from __future__ import annotations

import justext

from cleaner.model import Block
from cleaner.steps.boilerplate import classify
from conftest import BLOG_FOOTER, BLOG_MENU, BLOG_PARAGRAPHS

ENGLISH = frozenset(justext.get_stoplist("English"))
MENU, FOOTER, PARAGRAPHS = BLOG_MENU, BLOG_FOOTER, BLOG_PARAGRAPHS
CHAPTERS = ["00:00 Opening", "00:20 The website", "00:40 First donation in ETH",
            "01:15 Sending from the wallet does not work", "03:30 Trying another wallet",
            "05:05 The proof of payment", "07:00 Finally it works"]


def verdicts(lines: list[str]) -> dict[str, str | None]:
    blocks = [Block(text, 1) for text in lines]
    return {b.text: v for b, v in zip(blocks, classify(blocks, ENGLISH), strict=True)}


def test_chapters_the_article_introduces_are_kept() -> None:
    article = [PARAGRAPHS[0], "Below is a video of my first donation:", *CHAPTERS,
               *PARAGRAPHS[1:]]
    found = verdicts([*MENU, *article, *FOOTER])
    assert [line for line in article if found[line] is not None] == []
    assert [line for line in [*MENU, *FOOTER] if found[line] is None] == []


def test_time_stamps_without_an_introduction_still_part_the_article() -> None:
    stamps = ["10:42 Share", "10:45 Reply", "11:02 Report", "11:30 Share"]
    found = verdicts([*MENU, *PARAGRAPHS[:2], *stamps, *PARAGRAPHS[2:], *FOOTER])
    assert all(found[line] is not None for line in stamps)


def test_times_that_do_not_count_up_are_no_chapters() -> None:
    stamps = ["12:30 Report", "09:15 Reply", "11:02 Report", "08:30 Share"]
    found = verdicts([*MENU, *PARAGRAPHS[:2], "Comments:", *stamps, *PARAGRAPHS[2:], *FOOTER])
    assert all(found[line] is not None for line in stamps)
