"""Ensemble extraction: trafilatura's blocks trimmed to the run readability agrees on."""

from hypothesis import given
from hypothesis import strategies as st

from cleaner.model import Block
from cleaner.steps.ensemble import (
    ADD_WORDS,
    LEAD_WORDS,
    MIN_FIRST_WORDS,
    RULE,
    block_texts,
    combine,
    missed_part,
    read,
    readability_blocks,
)
from cleaner.steps.extract import extract_html, parse_html

STORY = [
    "Heavy rain flooded streets in the harbour town on Tuesday, officials said, and more rain "
    "is expected through the week across the whole region.",
    "Rescue teams worked through the night to reach families cut off by the water in the lower "
    "town, the fire service said in a statement on Wednesday morning.",
    "The mayor said the council would meet on Thursday to decide how to pay for repairs to the "
    "sea wall, which gave way in two places during the storm.",
    "Forecasters expect the river to peak on Friday evening, and residents near the bridge have "
    "been asked to move their cars to higher ground before then.",
]
BODY = "".join(f"<p>{p}</p>" for p in STORY)
HEADLINE = "Harbour town braces for more rain as the river rises"
FOLLOW = "Follow the Daily Post on Facebook and Twitter."


def page(inner: str) -> str:
    return f"<html><head><title>Flood news | Daily Post</title></head><body>{inner}</body></html>"


# trafilatura keeps the headline, the byline and the follow-us line of this article element;
# readability keeps only the story's paragraphs.
CRUFT_AROUND = page(
    f'<article><div class="head"><h1>{HEADLINE}</h1><p>By Jane Roe</p></div>'
    f'<div class="body">{BODY}</div><div class="foot"><p>{FOLLOW}</p></div></article>')
# Both keep the story and nothing else.
CLEAN = page(f'<div class="nav"><ul><li><a href="/">Home</a></li></ul></div>'
             f'<div class="story">{BODY}</div>')


def extract(markup, ensemble=True):
    tree = parse_html(markup)
    return extract_html(tree, tree, None, {}, ensemble=ensemble)


def texts(blocks):
    return [b.text for b in blocks]


def test_trafilatura_alone_keeps_the_cruft_this_page_is_built_for():
    alone = texts(extract(CRUFT_AROUND, ensemble=False).blocks)
    assert alone == [HEADLINE, "By Jane Roe", *STORY, FOLLOW]
    assert list(readability_blocks(parse_html(CRUFT_AROUND))) == STORY


def test_ensemble_drops_what_trafilatura_alone_keeps_around_the_article():
    found = extract(CRUFT_AROUND)
    assert texts(found.blocks) == STORY
    by_rule = {r.text: r.rule for r in found.removals}
    assert by_rule[HEADLINE] == by_rule["By Jane Roe"] == by_rule[FOLLOW] == RULE


def test_each_dropped_block_is_explained_once():
    removals = extract(CRUFT_AROUND).removals
    ours = [r for r in removals if r.rule == RULE]
    assert [r.text for r in ours] == [HEADLINE, "By Jane Roe", FOLLOW]
    assert all("readability" in r.reason and "trafilatura" in r.reason for r in ours)
    # what the ensemble dropped is not reported a second time as trafilatura's
    assert not [r for r in removals if r.rule == "trafilatura" and r.text in
                (HEADLINE, "By Jane Roe", FOLLOW)]


def test_where_the_extractors_agree_the_result_is_trafilaturas():
    with_ensemble, alone = extract(CLEAN), extract(CLEAN, ensemble=False)
    assert with_ensemble.blocks == alone.blocks
    assert texts(with_ensemble.blocks) == STORY
    assert with_ensemble.removals == alone.removals


def test_metadata_is_the_same_with_or_without_the_ensemble():
    a, b = extract(CRUFT_AROUND), extract(CRUFT_AROUND, ensemble=False)
    assert (a.title, a.author, a.published, a.warnings) == (b.title, b.author, b.published,
                                                            b.warnings)


def test_a_body_a_site_chose_is_not_second_guessed():
    tree = parse_html(CRUFT_AROUND)
    article = tree.find(".//article")
    found = extract_html(tree, article, None, {})
    assert HEADLINE in texts(found.blocks)
    assert not [r for r in found.removals if r.rule == RULE]


def test_readability_empty_leaves_trafilatura_as_is():
    first = tuple(Block(t) for t in STORY)
    for second in ((), ("",)):
        vote = combine(first, second)
        assert (vote.blocks, vote.removals) == (first, ())


def test_trafilatura_empty_stays_empty():
    # trafilatura's own fallback has already weighed readability's result
    assert combine((), tuple(STORY)).blocks == ()


def test_readability_too_short_to_judge_abstains():
    first = (Block("Teaser heading"), *(Block(t) for t in STORY))
    assert combine(first, (STORY[0][:60],)).blocks == first


def test_agreement_on_a_small_part_only_abstains():
    # readability took one container of a long article for all of it: no cut of most of it
    first = tuple(Block(t) for t in STORY * 3)
    assert combine(first, (STORY[0],)).blocks == first


# A Japanese post: its prose (no spaces: one token a sentence, were words split on spaces) and a
# code listing with its line numbers, which readability took alone for the article.
JA_PROSE = [
    "このパッケージを使うと、アプリのボタンを押すたびに音を鳴らすことができます。",
    "まずは以下のコマンドを実行して、パッケージをプロジェクトにインストールします。",
    "次に、音のファイルを置くフォルダをプロジェクトの直下に作成して、設定ファイルに書きます。",
    "サンプルコードはこちらです。カウンターのボタンを押すたびに音が出るようになっています。",
    "ファイルの指定には端末のファイルを使っていますが、ほかにも次の指定が使えます。",
]
CODE = ("import 'package:audio/audio.dart'; void main() { runApp(const MyApp()); } class MyApp "
        "extends StatelessWidget { Widget build(BuildContext context) { return MaterialApp(title: "
        "'Demo'); } } |")


def listing(lines: int) -> str:
    return "| " + " ".join(str(n) for n in range(1, lines + 1)) + " | " + CODE


LISTING = listing(30)


def test_a_chinese_or_japanese_article_is_weighed_by_its_characters_not_its_spaces():
    # by spaces, the listing is most of trafilatura's words and the vote would cut the post
    first = (*(Block(t) for t in JA_PROSE), Block(LISTING))
    assert combine(first, (LISTING,)).blocks == first


def test_a_code_listings_line_numbers_are_no_words():
    # counted as words, 200 line numbers would make the listing most of the post
    english = (*(Block(t) for t in STORY), Block(listing(200)))
    assert combine(english, (listing(200),)).blocks == english


def test_chinese_or_japanese_blocks_agree_by_their_characters():
    # readability split one paragraph in two: each half is held, character by character
    prose = JA_PROSE * 2
    first = (Block("メニュー"), *(Block(t) for t in prose))
    second = tuple(h for t in prose for h in (t[:20], t[20:]))
    assert combine(first, second).blocks == first[1:]


def test_a_text_too_short_to_judge_is_not_trimmed():
    # a post of a few list items, of which readability took two for the article
    items = tuple(Block(f"- {t}") for t in STORY[:3])
    assert sum(len(b.text.split()) for b in items) < MIN_FIRST_WORDS
    assert combine(items, (STORY[0], STORY[1])).blocks == items
    longer = (*items, Block(STORY[3]))
    assert texts(combine(longer, tuple(STORY[:3])).blocks) == texts(items)


def test_short_blocks_agree_by_their_tokens():
    first = (Block("Menu"), Block("15) Thriller"), *(Block(t) for t in STORY))
    second = ("15) Thriller", *STORY)
    assert combine(first, second).blocks == first[1:]


# A lede of LEAD_WORDS words that readability left out (it sat in another container).
LEDE = ("The harbour town woke on Tuesday to water in its streets for the third time this year, "
        "and by noon the river had risen past the old mark on the bridge that residents use to "
        "judge when to leave, a mark set after the great flood of the last century that the "
        "council still keeps painted.")
ABOUT = ("The Daily Post is an independent newspaper founded in 1901 that serves the harbour "
         "town and the valley with local news, sport and weather every day of the week, in print "
         "and online, and is owned by a trust that reinvests all of its profits in local "
         "journalism and its newsroom.")


def test_a_long_block_of_prose_before_the_agreed_run_is_the_articles_start():
    assert len(LEDE.split()) >= LEAD_WORDS
    first = (Block("Menu"), Block(HEADLINE), Block(LEDE), *(Block(t) for t in STORY),
             Block(FOLLOW))
    vote = combine(first, tuple(STORY))
    assert texts(vote.blocks) == [LEDE, *STORY]
    assert [r.text for r in vote.removals] == ["Menu", HEADLINE, FOLLOW]


def test_a_shorter_block_before_the_run_is_still_trimmed():
    teaser = " ".join(LEDE.split()[:LEAD_WORDS - 1])
    first = (Block(teaser), *(Block(t) for t in STORY))
    assert texts(combine(first, tuple(STORY)).blocks) == STORY


def test_a_long_block_after_the_run_is_still_trimmed():
    # after the article, long prose was a publisher's "about us", a disclaimer, a reprint notice
    assert len(ABOUT.split()) >= LEAD_WORDS
    first = (*(Block(t) for t in STORY), Block(ABOUT))
    vote = combine(first, tuple(STORY))
    assert texts(vote.blocks) == STORY
    assert [r.text for r in vote.removals] == [ABOUT]


# The story's first half sat in a container of its own, which trafilatura left out.
FIRST_HALF = [
    "The harbour town woke on Tuesday to water in its streets for the third time this year, and "
    "by noon the river had risen past the old mark on the bridge.",
    "Shopkeepers on the quay moved their stock upstairs before the tide turned, and the school "
    "closed early so that parents could collect their children in daylight.",
]
CAPTION = ("Volunteers carry sandbags past the flooded quay on Tuesday morning as the river "
           "rises toward the old mark on the bridge in the harbour town")


def test_the_start_readability_alone_has_goes_before_trafilaturas_blocks():
    assert all(len(t.split()) >= ADD_WORDS for t in FIRST_HALF)
    first = tuple(Block(t) for t in STORY)
    vote = combine(first, (*FIRST_HALF, *STORY))
    assert texts(vote.blocks) == [*FIRST_HALF, *STORY]
    assert vote.removals == ()


def test_only_what_comes_before_the_text_both_have_is_added():
    # readability's own blocks after the agreed start (a caption, a teaser) are never added
    first = tuple(Block(t) for t in STORY)
    assert texts(combine(first, (STORY[0], *FIRST_HALF, *STORY[1:])).blocks) == STORY


def test_short_blocks_and_captions_are_not_added():
    first = tuple(Block(t) for t in STORY)
    dateline = " ".join(FIRST_HALF[0].split()[:ADD_WORDS - 1])
    assert texts(combine(first, (dateline, *STORY)).blocks) == STORY
    assert len(CAPTION.split()) >= ADD_WORDS
    assert texts(combine(first, (CAPTION, *STORY), frozenset({CAPTION})).blocks) == STORY
    assert texts(combine(first, (CAPTION, *STORY)).blocks) == [CAPTION, *STORY]


def test_a_block_split_into_other_lines_is_not_added_again():
    # trafilatura gives a code block a line a line, readability one block: it is there already
    code = [f"'package-{i}==1.{i}.0'," for i in range(30)]
    first = (*(Block(c) for c in code), *(Block(t) for t in STORY))
    assert texts(combine(first, (" ".join(code), *STORY)).blocks) == [*code, *STORY]


def test_a_shorter_text_the_extractors_do_not_share_is_not_added():
    # readability took a sidebar or comments, shorter than trafilatura's article: left out
    first = tuple(Block(t) for t in STORY)
    assert texts(combine(first, tuple(FIRST_HALF)).blocks) == STORY


SECOND_HALF = [
    "Later that week engineers inspected the sea wall from boats and found two more cracks that "
    "had opened under the weight of the water, which they said would have to be filled before "
    "the next spring tide.",
    "Insurers sent assessors to the quay on Thursday, and several shop owners said they would not "
    "reopen before the spring, because their stock and their fittings had been under water for "
    "two whole days.",
    "The school reopened on Friday after volunteers cleared mud from the ground floor and dried "
    "out the library with borrowed fans, although the playing field will stay closed until the "
    "end of the month.",
]


def test_a_longer_text_the_extractors_do_not_share_is_the_rest_of_the_article_in_page_order():
    assert all(len(t.split()) >= ADD_WORDS for t in SECOND_HALF)
    # the article in two containers: trafilatura took one, readability the other (longer) one
    first = tuple(Block(t) for t in FIRST_HALF)
    page = " ".join([*FIRST_HALF, *SECOND_HALF])
    vote = combine(first, tuple(SECOND_HALF), page_text=lambda: page)
    assert texts(vote.blocks) == [*FIRST_HALF, *SECOND_HALF]
    page = " ".join([*SECOND_HALF, *FIRST_HALF])  # readability's container came first
    vote = combine(first, tuple(SECOND_HALF), page_text=lambda: page)
    assert texts(vote.blocks) == [*SECOND_HALF, *FIRST_HALF]


def test_without_the_page_the_rest_goes_after():
    first = tuple(Block(t) for t in FIRST_HALF)
    assert texts(combine(first, tuple(SECOND_HALF)).blocks) == [*FIRST_HALF, *SECOND_HALF]


def test_nothing_is_added_when_trafilatura_found_nothing():
    assert combine((), (*FIRST_HALF, *STORY)).blocks == ()


def test_readability_marks_captions_by_element_and_by_name():
    markup = page(f'<div class="story"><figure><img src="a.jpg"><figcaption>{CAPTION}'
                  f'</figcaption></figure><p class="photo-credit">Photo: Jane Roe</p>{BODY}</div>')
    reading = read(parse_html(markup))
    assert CAPTION in reading.blocks
    assert reading.captions == {CAPTION, "Photo: Jane Roe"}
    assert not reading.captions & set(STORY)


def test_extraction_adds_the_start_trafilatura_missed_and_not_the_caption():
    markup = page(f'<div class="lede"><figure><img src="a.jpg"><figcaption>{CAPTION}'
                  f'</figcaption></figure>' + "".join(f"<p>{p}</p>" for p in FIRST_HALF)
                  + f'</div><article>{BODY}</article>')
    assert texts(extract(markup, ensemble=False).blocks) == STORY  # trafilatura takes <article>
    assert list(readability_blocks(parse_html(markup))) == [CAPTION, *FIRST_HALF, *STORY]
    assert texts(extract(markup).blocks) == [*FIRST_HALF, *STORY]


def _focus_seen(monkeypatch, markup, options, body=None):
    import trafilatura
    seen = []
    real = trafilatura.bare_extraction

    def spy(*args, **kwargs):
        seen.append({k: kwargs[k] for k in ("favor_recall", "favor_precision") if k in kwargs})
        return real(*args, **kwargs)
    monkeypatch.setattr(trafilatura, "bare_extraction", spy)
    tree = parse_html(markup)
    extract_html(tree, tree if body is None else body(tree), None, options)
    return seen


def test_trafilatura_runs_in_recall_mode_when_readability_votes(monkeypatch):
    assert _focus_seen(monkeypatch, CRUFT_AROUND, {}) == [{"favor_recall": True}]


def test_a_sites_focus_is_left_alone(monkeypatch):
    assert _focus_seen(monkeypatch, CRUFT_AROUND, {"favor_precision": True}) == [
        {"favor_precision": True}]


def test_no_recall_mode_without_a_vote(monkeypatch):
    # readability finds nothing in an empty body; a body chosen by a site is not voted on
    assert _focus_seen(monkeypatch, page(""), {}) == [{}]
    assert _focus_seen(monkeypatch, CRUFT_AROUND, {},
                       body=lambda tree: tree.find(".//article")) == [{}]


def test_no_recall_mode_on_a_page_too_short_to_vote_on(monkeypatch):
    # the vote abstains on a text this short, and would keep what recall mode adds (a footer)
    short = page(f'<article><p>{STORY[0]}</p><p>{STORY[1]}</p></article>'
                 '<footer><p>Copyright 2025 Daily Post, all rights reserved.</p></footer>')
    assert _focus_seen(monkeypatch, short, {}) == [{}]


def test_block_texts_are_the_innermost_blocks():
    tree = parse_html("<div><p>One</p><ul><li>Two <b>bold</b></li></ul><blockquote><p>Three"
                      "</p></blockquote></div>")
    assert list(block_texts(tree)) == ["One", "Two bold", "Three"]


_words = st.sampled_from(["rain", "flood", "town", "river", "council", "menu", "home", "share",
                          "the", "a", "of", "said", "on", "Tuesday"])
_texts = st.lists(_words, min_size=1, max_size=12).map(" ".join)


_long_texts = st.lists(_words, min_size=1, max_size=40).map(" ".join)


@given(st.lists(_long_texts, max_size=12), st.lists(_long_texts, max_size=12))
def test_result_is_readabilitys_missed_start_then_a_run_of_trafilaturas_blocks(first, second):
    blocks = tuple(Block(t) for t in first)
    vote = combine(blocks, second)
    added, before = missed_part(blocks, second) if blocks else ([], None)
    assert all(t in second and len(t.split()) >= ADD_WORDS for t in added)
    if before is not False:  # the added part goes first (or, without the page, last)
        ahead = [b.text for b in vote.blocks[:len(added)]] == added
        behind = not added or [b.text for b in vote.blocks[-len(added):]] == added
        assert ahead or behind
    run = vote.blocks[len(added):] if [b.text for b in vote.blocks[:len(added)]] == added \
        else vote.blocks[:len(vote.blocks) - len(added)]
    n = len(run)
    starts = [i for i in range(len(blocks) - n + 1) if blocks[i:i + n] == run]
    assert starts, "the kept blocks are one contiguous run of trafilatura's, in order"
    start = starts[0]
    assert [r.text for r in vote.removals] == [b.text for b in (*blocks[:start],
                                                                 *blocks[start + n:])]
    assert all(r.rule == RULE for r in vote.removals)


@given(st.lists(_texts, max_size=12), st.lists(_texts, max_size=12))
def test_never_keeps_less_than_half_of_trafilaturas_words(first, second):
    blocks = tuple(Block(t) for t in first)
    kept = combine(blocks, second).blocks
    assert 2 * sum(len(b.text.split()) for b in kept) >= sum(len(b.text.split()) for b in blocks)


def test_cleaning_a_page_runs_the_ensemble_and_explains_it():
    from cleaner.model import Doc, RawDoc, Source
    from cleaner.ruleset import load_rules
    from cleaner.run.pipeline import build_steps, clean_one

    raw = RawDoc(CRUFT_AROUND.encode(), Source("flood.html"), kind="html")
    doc = clean_one(raw, build_steps(load_rules(), None))
    assert isinstance(doc, Doc)
    assert [b.text for b in doc.blocks] == STORY
    assert {r.text for r in doc.removals if r.rule == RULE} == {HEADLINE, "By Jane Roe", FOLLOW}
