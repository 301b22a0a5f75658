"""The analysis behind a site's profile: what recurs, and what of that is the template."""

from cleaner.learn.profile import Page, propose, shape, slug
from cleaner.model import Block
from conftest import learned_removals

TOP = ["Valley Post", "Home", "News", "Sport"]
BOTTOM = ["Share this story", "About us", "Contact"]
WORDS = ["delayed", "cancelled", "rerouted", "doubled", "halved", "renamed"]


def _story(n: int, words: int = 16) -> list[str]:
    """Three paragraphs of prose no other page has."""
    return [" ".join(f"w{n}p{k}x{j}" for j in range(words)) + "." for k in range(3)]


def _page(n: int, lines: list[str]) -> Page:
    texts = tuple(lines)
    return Page(f"page{n}", f"https://valley-post.example/{n}", "\n".join(texts),
                tuple(Block(t) for t in texts), {}, texts)


_ruled = learned_removals


def test_the_template_at_top_and_bottom_is_learned():
    pages = [_page(n, [*TOP, *_story(n), *BOTTOM]) for n in range(5)]
    assert _ruled(pages) >= {*TOP, *BOTTOM}


def test_a_heading_inside_the_articles_is_not_the_template():
    """'Conclusion' recurs on every page, but always between the page's own paragraphs."""
    pages = []
    for n in range(5):
        story = _story(n)
        pages.append(_page(n, [*TOP, story[0], story[1], "Conclusion", story[2], *BOTTOM]))
    a = propose(pages)
    assert "Conclusion" not in _ruled(pages)
    assert any("no rule for 'Conclusion'" in note and "inside the article" in note
               for note in a.notes)
    assert _ruled(pages) >= set(TOP)


def test_a_recurring_section_with_one_sub_heading_is_no_link_list():
    """A newsletter's recurring section: its heading, one varying sub-heading, then prose."""
    pages = []
    for n in range(5):
        story = _story(n)
        pages.append(_page(n, [*TOP, story[0], "Quick updates", f"Product {n}", story[1],
                               story[2], *BOTTOM]))
    gone = _ruled(pages)
    assert "Quick updates" not in gone
    assert not {f"Product {n}" for n in range(5)} & gone


def test_a_related_box_in_the_middle_is_still_learned_as_a_list():
    pages = []
    for n in range(5):
        story = _story(n)
        box = ["Also on Valley Post", f"Ferry {WORDS[n]} at the harbour",
               f"Council {WORDS[n + 1]} the pier plan"]
        pages.append(_page(n, [*TOP, story[0], *box, story[1], story[2], *BOTTOM]))
    gone = _ruled(pages)
    assert "Also on Valley Post" in gone
    assert {f"Ferry {WORDS[n]} at the harbour" for n in range(5)} <= gone
    assert not {t for p in pages for t in p.texts if t.endswith(".")} & gone


def test_lines_that_differ_only_in_their_numbers_are_one_template_line():
    pages = [_page(n, [*TOP, f"( {n + 3} min read )", f"Page {n} of 9", *_story(n),
                       f"{n + 1}", *BOTTOM]) for n in range(5)]
    a = propose(pages)
    read = [p for p in a.proposals if "min read" in p.table["pattern"]]
    assert len(read) == 1  # one rule for every page's variant
    assert r"\( [0-9]+ min read \)" in read[0].table["pattern"]
    gone = _ruled(pages)
    assert {f"( {n + 3} min read )" for n in range(5)} <= gone
    assert {f"Page {n} of 9" for n in range(5)} <= gone
    # A line of nothing but a number has no words to recognise it by: it stays.
    assert not {f"{n + 1}" for n in range(5)} & gone


def test_prose_with_numbers_is_never_generalised():
    lines = [f"In {2000 + n} the council spent {n} million on the harbour wall and its gates, "
             "the report said." for n in range(5)]
    pages = [_page(n, [*TOP, *_story(n)[:2], lines[n], _story(n)[2], *BOTTOM])
             for n in range(5)]
    assert not set(lines) & _ruled(pages)


def test_a_rule_is_named_by_its_words_not_one_pages_numbers():
    assert slug(shape("( 6 min read )")) == "min_read"
    assert slug(shape("Page 2 of 9")) == "page_of"
    assert slug(shape("2024")) == "2024"  # a number alone keeps its shape: itself


def test_a_listings_line_numbers_are_no_list_heading():
    """Code listings scraped with their gutter: the line numbers first (1, 2, 3, ... as many as
    the listing has lines), then the code. '6' recurs on every page with varying short lines
    under it, but a number is no heading."""
    pages = []
    for n in range(5):
        story = _story(n)
        size = 8 + 3 * n
        listing = [str(i) for i in range(1, size + 1)] + [f"call_{n}_{i}(x)" for i in range(size)]
        pages.append(_page(n, [*TOP, story[0], *listing, story[1], story[2], *BOTTOM]))
    gone = _ruled(pages)
    assert not {t for p in pages for t in p.texts if t[0].isdigit() or "(" in t} & gone
    assert gone >= set(TOP)
