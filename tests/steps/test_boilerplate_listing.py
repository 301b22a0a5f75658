"""What a numbered listing holds is the article's (cleaner.steps.boilerplate): a naive scrape of
a listing with line numbers puts the numbers 1 to N on lines of their own, then the N lines of
the listing, and those lines are code or program output however little they look like it."""

from __future__ import annotations

import justext

from cleaner.model import Block
from cleaner.steps.boilerplate import classify
from conftest import BLOG_FOOTER, BLOG_MENU, BLOG_PARAGRAPHS

ENGLISH = frozenset(justext.get_stoplist("English"))
MENU, FOOTER, PARAGRAPHS = BLOG_MENU, BLOG_FOOTER, BLOG_PARAGRAPHS
OUTPUT = ["RMAN> shutdown", "database closed", "database dismounted", "Oracle instance shut down",
          "Recovery Manager complete", "Instance started"]


def verdicts(*parts: list[str]) -> dict[str, str | None]:
    """Verdicts by line for parts of a page: lines directly one under the other in a part, a
    blank line between parts, as a naive scrape writes them."""
    blocks = [Block(text, 0 if k else 1) for part in parts for k, text in enumerate(part)]
    found = classify(blocks, ENGLISH)
    return {b.text: v for b, v in zip(blocks, found, strict=True)}


def gutter(n: int) -> list[str]:
    return [str(k) for k in range(1, n + 1)]


def test_the_lines_a_gutter_numbers_are_kept() -> None:
    found = verdicts(MENU, [PARAGRAPHS[0]], gutter(len(OUTPUT)), OUTPUT, [PARAGRAPHS[1]],
                     gutter(3), OUTPUT[:3], PARAGRAPHS[2:], FOOTER)
    assert [line for line in [*PARAGRAPHS, *OUTPUT] if found[line] is not None] == []
    assert [line for line in [*MENU, *FOOTER] if found[line] is None] == []


def test_a_blank_line_inside_the_listing_is_one_of_its_lines() -> None:
    # Six numbers: five lines of output with a blank line among them; the menu after the
    # listing is no line of it.
    found = verdicts(MENU[:3], [PARAGRAPHS[0]], gutter(6), OUTPUT[:2], OUTPUT[2:5], MENU[3:],
                     FOOTER)
    assert [line for line in MENU[3:] if found[line] is None] == []


def test_a_short_run_of_page_numbers_numbers_no_listing() -> None:
    # Page numbers under an article: the labels after them are no listing.
    found = verdicts(MENU, PARAGRAPHS, ["1", "2"], FOOTER[:2], [PARAGRAPHS[0] + " Again."],
                     FOOTER[2:])
    assert [line for line in FOOTER if found[line] is None] == []
