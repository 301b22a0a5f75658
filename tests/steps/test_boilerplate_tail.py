"""The end of an article after a run of short lines (cleaner.steps.boilerplate): a list the
article introduces with a colon, then its closing words, and the references under it stay the
article's; a list of links at the end of the article, or teasers after a menu, still go."""

from __future__ import annotations

import justext

from cleaner.model import Block
from cleaner.steps.boilerplate import DEFAULT_PARAMS, _citations, _features, classify
from conftest import BLOG_FOOTER, BLOG_MENU, BLOG_PARAGRAPHS

ENGLISH = frozenset(justext.get_stoplist("English"))
MENU, FOOTER, PARAGRAPHS = BLOG_MENU, BLOG_FOOTER, BLOG_PARAGRAPHS[:3]
IDEAS = ["Here are some random syntactical ideas:", "Stateful Symbols Are Capitalized",
         "Impure Functions Must Be Annotated", "Local Variables Cannot Be Shadowed",
         "Function Args Have Keywords", "Be Explicit Where You Can"]
CLOSING = "However, this will be an extraordinary undertaking if I decide to implement it."
REFERENCES = [
    "References",
    "Bargh, J. A., & Shalev, I. (2012). The substitutability of physical and social warmth in "
    "daily life. Emotion, 12(1), 154.",
    "Johnson, V. E. (2013). Revised standards for statistical evidence. Proceedings of the "
    "National Academy of Sciences, 110, 19313-19317.",
    "Simons, D. J. (2014). The value of direct replication. Perspectives on Psychological "
    "Science, 9(1), 76-80.",
]


def kept(lines: list[str]) -> list[str]:
    blocks = [Block(text, 1) for text in lines]
    return [b.text for b, v in zip(blocks, classify(blocks, ENGLISH), strict=True) if v is None]


def test_a_list_the_article_introduces_and_the_words_after_it_are_kept() -> None:
    post = [*PARAGRAPHS, *IDEAS, CLOSING]
    assert kept([*MENU, *post, *FOOTER]) == post


def test_links_the_article_ends_with_still_go() -> None:
    links = ["You might also like these posts:", "Boeing Asks Regulators To Review Design",
             "Markets Rally On Trade Hopes", "City Council Approves Park Plan",
             "Five Things To Know Today"]
    assert kept([*MENU, *PARAGRAPHS, *links, *FOOTER]) == PARAGRAPHS


def test_the_references_under_the_article_are_kept() -> None:
    post = [*PARAGRAPHS, *REFERENCES]
    assert kept([*MENU, *post, "Posted at 1:30 pm", *FOOTER]) == post


def test_a_lone_line_with_a_year_is_no_list_of_references() -> None:
    teaser = ("Doe, J. (2019). Read the review of the film that everybody was talking about "
              "last year.")
    lines = [*PARAGRAPHS, "Related", teaser, *FOOTER]
    blocks = [Block(text, 1) for text in lines]
    features = [_features(text, ENGLISH, DEFAULT_PARAMS) for text in lines]
    assert _citations(blocks, features, 3, frozenset(), DEFAULT_PARAMS) == []
    refs = [*PARAGRAPHS, *REFERENCES, *FOOTER]
    blocks = [Block(text, 1) for text in refs]
    features = [_features(text, ENGLISH, DEFAULT_PARAMS) for text in refs]
    assert _citations(blocks, features, 3, frozenset(), DEFAULT_PARAMS) == [4, 5, 6]
