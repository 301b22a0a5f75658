"""Extraction: text scrapes into blocks and titles; HTML through trafilatura."""

import pytest

from cleaner.model import Block
from cleaner.steps.extract import (
    drop_leading_title,
    extract_html,
    find_title,
    is_heading_like,
    parse_html,
    split_blocks,
    take_source_lines,
    url_from_html,
)

PAGE = """<!doctype html><html><head><title>Harbour flood | Daily Post</title>
<link rel="canonical" href="https://example.com/news/flood-1">
<meta name="author" content="Jane Roe"><meta property="article:published_time" content="2025-03-04">
</head><body><nav><ul><li>Home</li><li>World</li></ul></nav>
<article><h1>Harbour flood</h1>
<p>Heavy rain flooded streets in the harbour town on Tuesday, officials said, and more rain is
expected through the week across the whole region.</p>
<p>Rescue teams worked through the night to reach families cut off by the water in the lower
town, the fire service said in a statement on Wednesday morning.</p>
<div class="comments"><p>Great article, thanks!</p></div>
</article><footer><p>Copyright Daily Post 2025</p></footer></body></html>"""


def test_split_blocks_counts_blank_lines_and_nbsp():
    text = "Title\n\n\nPara one\n\u00a0\nPara two\nPara three\n"
    assert split_blocks(text) == (Block("Title", 0), Block("Para one", 2), Block("Para two", 1),
                                  Block("Para three", 0))


def test_source_line_gives_url_and_is_removed():
    blocks = (Block("Body."), Block("Source: https://www.ndtv.com/world-news/x-1"))
    kept, url, removed = take_source_lines(blocks)
    assert url == "https://www.ndtv.com/world-news/x-1"
    assert kept == (Block("Body."),)
    assert removed[0].rule == "text:source_line"


def test_source_line_with_non_url_is_kept():
    blocks = (Block("Source: the ministry"),)
    assert take_source_lines(blocks) == (blocks, None, ())


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("US Treasury Secretary Seeks Global Alliance Against China's Rare Earth Export Controls",
         True),
        ("US Treasury Secretary: Chinese Communist Party\u2019s Actions on Rare Earth Issue are "
         "Truly Wrong.", True),
        ("\u2018This is China versus the world\u2019: US calls allies over Beijing rare earth "
         "curbs", True),
        ("The show opens to the public on Friday.", False),
        ("He said it. Then he left the room", False),
        ("Subscribe", False),
        ("Washington (AFP) \u2013 " + "word " * 40, False),
    ],
)
def test_is_heading_like(line, expected):
    assert is_heading_like(line) is expected


def test_find_title_takes_heading_and_finds_its_repeat():
    blocks = (Block("Harbour flood hits town | Daily Post"), Block("Harbour flood hits town"),
              Block("Heavy rain flooded streets on Tuesday, officials said."))
    assert find_title(blocks, [0, 1, 2]) == (0, {1})


@pytest.mark.parametrize(("title", "headline"), [
    ("Harbour flood hits town | Daily Post | News | Local", "Harbour flood hits town"),
    ("Harbour flood hits town - Daily Post - News", "Harbour flood hits town"),
    ("Daily Post | Harbour flood hits town", "Harbour flood hits town"),
    ("Daily Post: Harbour flood hits the old town", "Harbour flood hits the old town"),
])
def test_find_title_knows_a_headline_under_several_site_parts(title, headline):
    blocks = (Block(title), Block("Home"), Block(headline),
              Block("Heavy rain flooded streets on Tuesday, officials said."))
    assert find_title(blocks, [0, 1, 2, 3]) == (0, {2})


def test_a_headline_is_found_in_another_compatible_form():
    # "..." in the title, "…" above the article; a full-width letter; a double space.
    blocks = (Block("Only who loves himself... — Daily Messages"), Block("Home"),
              Block("Only who loves  himself…"), Block("Ａ line of the text."))
    assert find_title(blocks, [0, 1, 2, 3]) == (0, {2})


def test_only_a_short_part_is_a_site_name():
    # A short first part before a longer headline is the site's name; the short last part of a
    # title is never taken for the headline.
    blocks = (Block("Harbour flood | Police say the river broke its banks at dawn"),
              Block("Police say the river broke its banks at dawn"), Block("More."))
    assert find_title(blocks, [0, 1, 2]) == (0, {1})
    blocks = (Block("Police say the river broke its banks | Harbour"), Block("Harbour"),
              Block("More."))
    assert find_title(blocks, [0, 1, 2]) == (0, set())


def test_find_title_skips_lines_rules_removed():
    blocks = (Block("Monday, November 10, 2025"), Block("Council approves new bridge"),
              Block("The city council voted on Monday to approve a new bridge."))
    assert find_title(blocks, [1, 2]) == (1, set())


def test_find_title_leaves_a_body_first_line():
    blocks = (Block("Washington (AFP) \u2013 " + "word " * 40), Block("More."))
    assert find_title(blocks, [0, 1]) == (None, set())


def test_html_extraction_metadata_and_left_out_text():
    tree = parse_html(PAGE)
    assert url_from_html(tree) == ("https://example.com/news/flood-1", "canonical")
    found = extract_html(tree, tree, None, {})
    text = "\n".join(b.text for b in found.blocks)
    assert "Heavy rain flooded streets" in text
    assert "Rescue teams worked through the night" in text
    assert "Copyright Daily Post" not in text
    assert found.author == "Jane Roe"
    assert found.published == "2025-03-04"
    assert found.title is not None
    assert "Harbour flood" in found.title
    left_out = {r.text for r in found.removals}
    assert "Copyright Daily Post 2025" in left_out
    assert all(r.rule == "trafilatura" for r in found.removals)


CODE_POST = """<html><head><title>Generics in C# | Notes</title></head><body><article>
<h1>Generics in C#</h1>
<p>A generic method takes the type of its argument as a parameter, so that one method serves
every type that the caller needs, without a copy of the method for each of them.</p>
<figure class="highlight"><pre><code class="language-cs">private void General&lt;T&gt;(T value)
{
    Console.WriteLine(value);
}</code></pre></figure>
<p>The compiler checks each call against the constraint, and the program prints every value it
is given, whatever its type, as the example above shows when it runs on three of them.</p>
<figure><img src="/diagram.png" alt=""><figcaption>Figure 1: the call graph</figcaption></figure>
</article></body></html>"""


@pytest.mark.parametrize("ensemble", [True, False])
def test_a_code_listing_in_a_figure_is_article_text_and_a_picture_is_not(ensemble):
    # Jekyll's highlighter puts every listing in a <figure>, which trafilatura drops as an image
    tree = parse_html(CODE_POST)
    text = "\n".join(b.text for b in extract_html(tree, tree, None, {}, ensemble=ensemble).blocks)
    assert "Console.WriteLine(value);" in text
    assert "A generic method takes the type" in text
    assert "the call graph" not in text


def test_html_extraction_from_a_chosen_body_keeps_page_metadata():
    tree = parse_html(PAGE)
    body = tree.xpath("//article/p[2]")[0]
    found = extract_html(tree, body, None, {})
    text = "\n".join(b.text for b in found.blocks)
    assert "Rescue teams" in text
    assert "Heavy rain" not in text
    assert found.author == "Jane Roe"


def test_url_from_html_resolves_relative_and_ignores_junk():
    tree = parse_html('<html><head><link rel="canonical" href="/a/b"></head><body></body></html>')
    assert url_from_html(tree) is None
    assert url_from_html(tree, "https://ex.com/x") == ("https://ex.com/a/b", "canonical")


def test_bare_fragment_from_a_scraper_export_is_parsed():
    tree = parse_html("<p>First good record. It has enough words to be a paragraph of text.</p>")
    found = extract_html(tree, tree, None, {})
    assert [b.text for b in found.blocks] == [
        "First good record. It has enough words to be a paragraph of text."]


def test_markup_with_nothing_in_it_gives_no_tree():
    assert parse_html("   ") is None


@pytest.mark.parametrize(
    ("title", "first", "dropped"),
    [
        ("Bridge approved", "Bridge approved", True),
        ("Bridge approved | Daily Post", "Bridge Approved", True),
        ("Bridge approved", "The council voted to approve the bridge.", False),
        (None, "Bridge approved", False),
    ],
)
def test_drop_leading_title(title, first, dropped):
    blocks = (Block(first), Block("Body paragraph."))
    kept, removed = drop_leading_title(blocks, title)
    assert (kept == blocks[1:]) is dropped
    assert [r.rule for r in removed] == (["text:repeated_title"] if dropped else [])
