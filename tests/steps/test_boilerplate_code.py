"""The classifier keeps the code and list intros between an article's paragraphs
(cleaner.steps.boilerplate): a tech blog's article is prose parted by code blocks, and a code
block must not cut the article in two, while a menu still parts an article from teasers."""

from __future__ import annotations

import justext
import pytest

from cleaner.model import Block
from cleaner.steps.boilerplate import (
    DEFAULT_PARAMS,
    DUPLICATE,
    LINK_LIST,
    NO_WORDS,
    OUTSIDE,
    _features,
    classify,
)
from conftest import BLOG_FOOTER, BLOG_MENU, BLOG_PARAGRAPHS

ENGLISH = frozenset(justext.get_stoplist("English"))

MENU, FOOTER, PARAGRAPHS = BLOG_MENU, BLOG_FOOTER, BLOG_PARAGRAPHS
YAML = ["apiVersion: v1", "kind: Service", "metadata:", "name: blog", "spec:", "ports:",
        "- name: http", "port: 80", "targetPort: 80", "selector:", "app: blog"]
SHELL = ["$ cd test_blog", "jekyll build --destination=_site", "docker build . -t blog:latest",
         "kubectl create -f blog-service.yml", "if [ $changed = 1 ]; then", "git pull", "fi"]
C_CODE = ["#include <stdio.h>", "int main(int argc, char *argv[]) {", "FILE *fp = fopen(path);",
          "fclose(fp);", "return 0;", "}"]


def blocks_of(lines: list[str]) -> list[Block]:
    return [Block(text, 1) for text in lines]


def verdicts(lines: list[str]) -> dict[str, str | None]:
    blocks = blocks_of(lines)
    return dict(zip(lines, classify(blocks, ENGLISH), strict=True))


@pytest.mark.parametrize("code", [YAML, SHELL, C_CODE], ids=["yaml", "shell", "c"])
def test_code_between_paragraphs_keeps_the_article_whole(code: list[str]) -> None:
    article = [*PARAGRAPHS[:2], *code, *PARAGRAPHS[2:]]
    v = verdicts([*MENU, *article, *FOOTER])
    # A closing brace has no words: it goes as such, and a reader misses nothing.
    assert [line for line in article if v[line] not in (None, NO_WORDS)] == []
    assert all(v[line] == OUTSIDE for line in MENU + FOOTER)


def test_two_code_blocks_and_a_list_intro_are_kept() -> None:
    intro = "Supply the cluster with this config:"
    article = [PARAGRAPHS[0], intro, *YAML, PARAGRAPHS[1], PARAGRAPHS[2], *SHELL, PARAGRAPHS[3]]
    v = verdicts([*MENU, *article, *FOOTER])
    assert [line for line in article if v[line] is not None] == []


def test_a_menu_still_parts_the_article_from_teasers() -> None:
    teasers = [
        "Read this other story about the people who run the service and what they think of "
        "the new build that came out last week.",
        "Another story tells of the city council and the plans it has for the park next to "
        "the river, which the residents oppose.",
    ]
    menu = ["More stories", "World", "Politics", "Business", "Sport", "Culture", "Travel",
            "Weather"]
    lines = [*MENU, *PARAGRAPHS, *menu, *teasers, *FOOTER]
    v = verdicts(lines)
    assert [line for line in PARAGRAPHS if v[line] is not None] == []
    assert all(v[line] is not None for line in teasers)


@pytest.mark.parametrize("text", ["name: blog", "fclose(fp);", "$ make tests", "a_b = 1",
                                  "import akka.actor.Actor", "created[i] += 1",
                                  "kubectl create -f blog.yml"])
def test_code_lines_are_neutral(text: str) -> None:
    assert _features(text, ENGLISH, DEFAULT_PARAMS).neutral


@pytest.mark.parametrize("text", ["Home", "World News", "Sign in", "Our review [Video]",
                                  "Photo: Jane Doe (AP)", "Updated 9:41 AM; Posted 8:19 PM",
                                  "Read more", "https://example.com/img/a_b.jpg"])
def test_template_lines_are_not_neutral(text: str) -> None:
    assert not _features(text, ENGLISH, DEFAULT_PARAMS).neutral


def test_a_line_the_article_repeats_goes() -> None:
    caption = "A photo of the cluster"
    lines = [*MENU, PARAGRAPHS[0], caption, PARAGRAPHS[1], caption, PARAGRAPHS[2], *FOOTER]
    blocks = blocks_of(lines)
    v = classify(blocks, ENGLISH)
    assert [v[i] for i, line in enumerate(lines) if line == caption] == [None, DUPLICATE]


def test_short_japanese_sentences_between_paragraphs_are_kept() -> None:
    paragraphs = [
        "AWS Lambda上では標準のライブラリだけでデータベースに接続することが出来ないため、"
        "別の方法を取る必要があります。",
        "そのため、Lambda用にビルドされたライブラリを用意して、関数と一緒にデプロイする必要が"
        "あります。",
        "最後に、デプロイした関数を実行して、データベースに接続できることを確かめてください。"
        "ログに結果が出ます。",
    ]
    steps = ["こちらからダウンロード。", "もしくは git clone してください。", "名前を変更します。",
             "フォルダも一緒にデプロイ。"]
    menu = ["ホーム", "アーカイブ", "タグ", "カテゴリ", "検索", "概要"]
    article = [paragraphs[0], *steps, paragraphs[1], paragraphs[2]]
    blocks = blocks_of([*menu, *article, *menu[:4]])
    v = classify(blocks, None)
    assert [b.text for b, x in zip(blocks, v, strict=True) if x is None] == article


@pytest.mark.parametrize("text", ["ホーム", "関連記事", "お問い合わせはこちら"])
def test_japanese_labels_are_not_neutral(text: str) -> None:
    assert not _features(text, None, DEFAULT_PARAMS).neutral


MORE = [
    "The fifth paragraph goes back over the choices we made on the way, and which of them we "
    "would make again if we had to start over.",
    "The last paragraph thanks the people who helped with the work and says where the code of "
    "the whole project can be found by those who want it.",
]


def test_a_list_of_short_sentences_inside_the_article_is_kept() -> None:
    items = ["Mobile apps came out in March.", "Two-factor sign-in is there too!",
             "Folders were added last week.", "Undo send is still missing."]
    article = [*PARAGRAPHS[:3], *items, PARAGRAPHS[3], *MORE]
    v = verdicts([*MENU, *article, *FOOTER])
    assert [line for line in article if v[line] is not None] == []


def test_a_list_of_headlines_inside_the_article_is_still_a_link_list() -> None:
    links = ["Boeing Asks Regulators To Review Design", "Markets Rally On Trade Hopes",
             "City Council Approves Park Plan", "Five Things To Know Today"]
    article = [*PARAGRAPHS[:3], PARAGRAPHS[3], *MORE]
    v = verdicts([*MENU, *PARAGRAPHS[:3], *links, PARAGRAPHS[3], *MORE, *FOOTER])
    assert [line for line in article if v[line] is not None] == []
    assert all(v[line] == LINK_LIST for line in links)


# A long listing: most of its lines are code, some (bare commands, output) look like no code.
LISTING = [line for i in range(8) for line in (f"$ make step{i}", f"step{i} done",
                                               f"result_{i} = run(step{i});", "OK")]


def test_a_long_listing_does_not_part_the_article() -> None:
    article = [*PARAGRAPHS[:2], "Run the build:", *LISTING, *PARAGRAPHS[2:]]
    v = verdicts([*MENU, *article, *FOOTER])
    assert [line for line in PARAGRAPHS if v[line] is not None] == []
    assert all(v[line] == OUTSIDE for line in MENU + FOOTER)


def test_a_pause_with_a_dateline_still_parts_the_article_from_what_follows() -> None:
    teasers = MORE
    pause = ["Posted 12 March 2019, 10:42", *LISTING[:8]]
    v = verdicts([*MENU, *PARAGRAPHS, *pause, *teasers, *FOOTER])
    assert [line for line in PARAGRAPHS if v[line] is not None] == []
    assert all(v[line] is not None for line in teasers)


def test_short_lines_of_code_may_repeat() -> None:
    structs = [line for name in ("Tree", "Node", "Forest") for line in (
        "typedef struct{", "ElemType data;// the value", f"int parent;// {name}", f"}}{name};")]
    article = [*PARAGRAPHS[:2], *structs, *PARAGRAPHS[2:]]
    blocks = blocks_of([*MENU, *article, *FOOTER])
    v = classify(blocks, ENGLISH)
    kept = [b.text for b, x in zip(blocks, v, strict=True) if x is None]
    assert kept == article
