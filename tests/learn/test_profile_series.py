"""Learned link lists: a heading that comes again, numbered, right after the lines under it
heads one of a series of the article's own sections (``Example 1:``, ``Example 2:``), not a
list of links."""

from cleaner.learn.profile import Page
from cleaner.model import Block
from conftest import learned_removals

TOP = ["Daily Puzzles", "Home", "Archive", "About"]
BOTTOM = ["Share this post", "Comments", "Powered by a static site generator"]
NAMES = ["nums", "intervals", "salary", "head", "grid", "prices", "words"]


def _story(n: int, k: int, words: int = 14) -> str:
    return " ".join(f"w{n}s{k}x{j}" for j in range(words)) + "."


def _page(n: int, lines: list[str]) -> Page:
    texts = tuple(lines)
    return Page(f"page{n}", f"https://puzzles.example/{n}", "\n".join(texts),
                tuple(Block(t) for t in texts), {}, texts)


def _examples(n: int, count: int) -> list[str]:
    out = []
    for k in range(1, count + 1):
        out += [f"Example {k}:", f"Input: {NAMES[n]} = [{n}, {k}]",
                f"Output: {NAMES[n + 1]}[{k}]"]
    return out


_ruled = learned_removals


def test_numbered_examples_inside_the_articles_are_no_link_list():
    """A puzzle blog: each post states its problem, then Example 1:, Example 2: ... with short
    Input/Output lines under each, then its solution in prose."""
    pages = [_page(n, [*TOP, _story(n, 0), *_examples(n, 2 + n % 2), _story(n, 1),
                       _story(n, 2), *BOTTOM]) for n in range(6)]
    gone = _ruled(pages)
    article = {t for p in pages for t in p.texts if t not in TOP and t not in BOTTOM}
    assert not article & gone
    assert set(TOP) <= gone


def test_a_list_under_a_heading_is_still_learned_when_no_series_follows():
    """The same place, a heading whose next line of its shape never follows its list: a
    related-posts box, learned as before."""
    pages = []
    for n in range(6):
        box = ["Related 1:", f"The {NAMES[n]} puzzle revisited", f"Counting {NAMES[n + 1]} again"]
        pages.append(_page(n, [*TOP, _story(n, 0), *box, _story(n, 1), _story(n, 2), *BOTTOM]))
    gone = _ruled(pages)
    assert {"Related 1:", "The nums puzzle revisited", "Counting words again"} <= gone
    assert not {t for p in pages for t in p.texts if t.endswith(".")} & gone
