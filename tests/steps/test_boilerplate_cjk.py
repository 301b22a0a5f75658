"""Text mode keeps Chinese and Japanese blogs whole (cleaner.steps.boilerplate): their article
sentences are short (under 20 characters is under 10 words), so a post written in short
sentences parted by subheadings must still be one region, while the menus and footers around
it, short labels that end with no sentence mark, still go."""

from __future__ import annotations

from cleaner.model import Block
from cleaner.steps.boilerplate import DEFAULT_PARAMS, _features, _textness, classify

MENU_JA = ["ホーム", "アーカイブ", "タグ", "カテゴリ", "検索", "概要"]
FOOTER_JA = ["共有", "著者", "関連記事", "お問い合わせはこちら", "プライバシーポリシー"]
# A post of short sentences under subheadings, as Japanese tech blogs write them.
POST_JA = [
    "ブログを新しい仕組みに変更しました。",
    "今回はその理由をご説明させていただきます。",
    "以前のブログ",
    "最初のブログはこちら",
    "最初のブログは別の仕組みで作りました。",
    "とても簡単にブログを作成できる優れた仕組みではありました。",
    "しかし、多々問題がありました。",
    "新しい仕組みを選んだ理由",
    "今回選んだものは静的なファイルを出力するだけになります。",
    "そのためデータベースが不要で、ファイルを置くだけで済みます。",
    "また記事を簡単に書くことが可能です。",
]
MENU_ZH = ["首页", "归档", "分类", "标签", "关于", "友链"]
FOOTER_ZH = ["上一篇", "下一篇", "相关文章", "版权声明", "返回顶部"]
POST_ZH = [
    "今天我们学习了快速排序。",
    "它的核心思想就是分治法。",
    "基本思想",
    "把问题分成几个小问题。",
    "然后分别解决这些小问题。",
    "最后把它们的解合并起来。",
    "算法步骤",
    "先选一个基准元素。",
    "把比它小的放在左边。",
    "把比它大的放在右边。",
]


def kept(lines: list[str]) -> list[str]:
    blocks = [Block(text, 1) for text in lines]
    return [b.text for b, v in zip(blocks, classify(blocks, None), strict=True) if v is None]


def test_a_japanese_post_of_short_sentences_is_kept_whole() -> None:
    assert kept([*MENU_JA, *POST_JA, *FOOTER_JA]) == POST_JA


def test_a_chinese_post_of_short_sentences_is_kept_whole() -> None:
    assert kept([*MENU_ZH, *POST_ZH, *FOOTER_ZH]) == POST_ZH


def test_a_short_cjk_sentence_reads_as_prose_and_a_label_does_not() -> None:
    sentence = _features("しかし、多々問題がありました。", None, DEFAULT_PARAMS)
    assert _textness(sentence, DEFAULT_PARAMS) > 0
    labels = ["お問い合わせはこちら", "プライバシーポリシー", "相关文章",
              "新しい仕組みを選んだ理由"]
    for label in labels:
        assert _textness(_features(label, None, DEFAULT_PARAMS), DEFAULT_PARAMS) == -1.0


# Long sentences of a Japanese how-to (each over 20 characters: prose on its own).
LONG_JA = [
    "このライブラリを使用してデータベースに接続し、ログを出力する方法について説明します。",
    "これにより、アプリケーションの動作を監視して、問題の特定やデバッグが容易になります。",
    "最後に、アプリケーションを実行すると、実行したクエリとその時間がログに表示されます。",
]
# A section opens with a heading and two lines of versions, then a heading of the next one.
PAUSE_JA = ["環境", "Elixir 1.14.2", "Ecto 3.9.4", "ライブラリのインストール"]
STEPS_JA = ["まず依存関係に追加してください。", "次にコンパイルします。"]


def test_a_subheading_and_a_short_list_between_cjk_sentences_are_a_pause() -> None:
    post = [*LONG_JA[:2], *PAUSE_JA, *STEPS_JA, LONG_JA[2]]
    assert kept([*MENU_JA, *post, *FOOTER_JA]) == post


def test_the_article_goes_back_past_a_pause_to_its_first_sentences() -> None:
    # The best run of prose is the last section; the short sentences above it are the
    # article's, and the headline above them says where it starts.
    post = [*STEPS_JA, *PAUSE_JA, *LONG_JA]
    lines = ["最新記事", "ブログの記事の題名", *post, *FOOTER_JA]
    blocks = [Block(text, 1) for text in lines]
    verdicts = classify(blocks, None, headline=1)
    assert [b.text for b, v in zip(blocks, verdicts, strict=True) if v is None] == post


def test_a_menu_still_parts_a_cjk_article_from_what_follows() -> None:
    teasers = ["別の記事では、新しいサービスの使い方と設定の方法について詳しく紹介しています。",
               "こちらの記事では、古いサービスから新しいサービスへ移行する手順を説明しています。"]
    lines = [*MENU_JA, *LONG_JA, *MENU_JA[:5], "人気の記事", *teasers, *FOOTER_JA]
    blocks = [Block(text, 1) for text in lines]
    verdicts = classify(blocks, None)
    assert [b.text for b, v in zip(blocks, verdicts, strict=True) if v is None] == LONG_JA


def textness(text: str) -> float:
    return _textness(_features(text, None, DEFAULT_PARAMS), DEFAULT_PARAMS)


def test_a_cjk_clause_with_a_comma_reads_as_prose_by_its_function_words() -> None:
    # Class notes end their clauses with no full stop; the comma inside tells a clause.
    assert textness("在不知道指针的指向时，将其定义为空指针") > 0
    assert textness("今日は、とても良い天気でした") > 0
    # A headline or a list of places holds a comma too, but few function words.
    assert textness("习近平会见美国总统，强调合作共赢") < 0
    assert textness("北京、上海、广州房价") < 0


def test_a_long_cjk_sentence_with_few_function_words_is_kept_in_the_article() -> None:
    definition = "求解子问题：若子问题规模较小而容易被解决则直接解，否则递归地解各个子问题。"
    post = [*POST_ZH[:5], definition, *POST_ZH[5:]]
    assert kept([*MENU_ZH, *post, *FOOTER_ZH]) == post
