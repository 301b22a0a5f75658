"""A code block's line numbers, its comments and block ends, and a program's version numbers do
not part a tech article (cleaner.steps.boilerplate): a naive scrape of a numbered listing puts
each number on a line of its own, and "Elixir 1.14.2" holds no clock time."""

from __future__ import annotations

import justext
import pytest

from cleaner.model import Block
from cleaner.steps.boilerplate import DEFAULT_PARAMS, NO_WORDS, _features, _is_dateline, classify
from conftest import BLOG_FOOTER, BLOG_MENU, BLOG_PARAGRAPHS

ENGLISH = frozenset(justext.get_stoplist("English"))
MENU, FOOTER, PARAGRAPHS = BLOG_MENU, BLOG_FOOTER, BLOG_PARAGRAPHS[:3]
CODE = ["def mount(params, socket):", "socket = assign(socket, :count, 0)",
        "log.info(socket)", "return {:ok, socket}"]


def test_line_numbers_of_a_listing_go_and_do_not_part_the_article() -> None:
    gutter = [str(n) for n in range(1, 15)]
    lines = [*MENU, PARAGRAPHS[0], *gutter, *CODE, *PARAGRAPHS[1:], *FOOTER]
    blocks = [Block(text, 1) for text in lines]
    verdicts = dict(zip(lines, classify(blocks, ENGLISH), strict=True))
    assert [line for line in [*PARAGRAPHS, *CODE] if verdicts[line] is not None] == []
    assert {verdicts[n] for n in gutter} == {NO_WORDS}


def test_numbers_that_do_not_count_up_from_one_are_no_gutter() -> None:
    # Scores or ranks in a list are no line numbers: they still cost the region.
    lines = [*MENU, PARAGRAPHS[0], "2", "3", "4", "5", "6", "7", *PARAGRAPHS[1:], *FOOTER]
    blocks = [Block(text, 1) for text in lines]
    verdicts = classify(blocks, ENGLISH)
    assert NO_WORDS not in verdicts


def test_a_version_is_no_dateline() -> None:
    assert not _is_dateline("Elixir 1.14.2")
    assert not _is_dateline("Phoenix v1.6.3")
    # Pinned packages, as pip freeze lists them.
    assert not _is_dateline("'blis==0.7.11',")
    assert not _is_dateline("'pytz==2023.3',")
    assert not _is_dateline("'certifi==2019.11.28',")
    assert _is_dateline("Posted 2019.11.28")
    assert _is_dateline("Posted 12.30")
    assert _is_dateline("10.03.2020")
    assert _is_dateline("Updated 9:41 AM")


def test_digits_of_other_scripts_are_no_line_numbers() -> None:
    lines = [*MENU, PARAGRAPHS[0], "1", "\u00b9", "\u0662", "\uff13", *PARAGRAPHS[1:], *FOOTER]
    blocks = [Block(text, 1) for text in lines]
    assert len(classify(blocks, ENGLISH)) == len(lines)


@pytest.mark.parametrize("text", ["# the handler for uploads", "# アップロード処理", "end",
                                  "fi", "done", "use DemoWeb.ConnCase",
                                  "import Phoenix.LiveViewTest", "import tkinter", "import os",
                                  "from flask import Flask", "from pyngrok import ngrok, conf"])
def test_comments_block_ends_and_imports_are_code(text: str) -> None:
    assert _features(text, ENGLISH, DEFAULT_PARAMS).code


@pytest.mark.parametrize("text", ["#Elixir", "#AWS Lambda", "The End", "Use our app",
                                  "Import duties rise", "import duties from China rise",
                                  "From China, imports rise"])
def test_hashtags_and_words_like_keywords_are_no_code(text: str) -> None:
    assert not _features(text, ENGLISH, DEFAULT_PARAMS).code
