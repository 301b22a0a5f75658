"""The language step on technical and scholarly posts: code lines and reference entries are not
judged by language, and a document's main language is told from the words of its main script."""

import pytest

from cleaner.model import Block, Doc, RawDoc, Source
from cleaner.steps.language import LanguageFilter, judge, not_prose

RU = [
    "Сегодня мы разберём, как подключить нативную библиотеку к приложению на Elixir и не "
    "потерять при этом производительность, которой так не хватает в некоторых задачах.",
    "Для начала создадим новый проект и добавим в зависимости библиотеку, которая возьмёт на "
    "себя всю работу по сборке и загрузке модуля во время запуска приложения.",
    "После этого останется только написать саму функцию и вызвать её из кода на Elixir, "
    "проверив, что всё работает так, как мы ожидали.",
]
JA = [
    "コミットメッセージを統合するためにエディタが開かれるので以下のようにメッセージを修正します。",
    "完了したら修正されているか確認しましょう。ログを見ると一つのコミットにまとまっています。",
    "この方法を使えば細かいコミットを一つにまとめてからプッシュすることができます。",
]
ZH = [
    "身份认同一直是比较政治学中的重要问题，本文梳理了近年来的主要研究成果和争论焦点。",
    "作者认为，身份并不是固定不变的，而是在政治过程中不断被塑造和重新定义的变量。",
    "下面列出本文主要参考的文献，供有兴趣的读者进一步阅读和讨论，欢迎大家留言交流。",
]
HINDI = "एलजी इलेक्ट्रॉनिक्स इंडिया, टाटा कैपिटल, जेएसडब्ल्यू सीमेंट और ऑल..."


def doc_of(*texts: str) -> Doc:
    raw = RawDoc(b"", Source("t.txt"))
    return Doc(raw=raw, id="x", kind="text", source_text="",
               blocks=tuple(Block(t) for t in texts))


@pytest.mark.parametrize("line", [
    "# This is a combination of 2 commits.",
    "# The first commit's message is:",
    "// Build the list of the users that have been seen today",
    "import tensorflow as tf",
    "import numpy as np",
    "from pyngrok import ngrok, conf",
    'import React from "react";',
    'def sha256(_data), do: raise "NIF not loaded!"',
    "function isString(a: unknown): a is string {",
    "update tables inner join (select id, column_a from tables) as tmp_tables",
])
def test_code_lines_are_not_prose(line):
    assert not_prose(line) == "code"


@pytest.mark.parametrize("line", [
    "Import duties rise as the government looks for new revenue this year",
    "From China, imports rise for the third month in a row, customs data show",
    "#Breaking the minister resigned after the vote on the budget this morning",
    "Update: the minister resigned after the vote on the budget this morning",
    "Definitely the best function of the evening was the concert in the park",
])
def test_sentences_that_start_like_code_are_prose(line):
    assert not_prose(line) is None


@pytest.mark.parametrize("line", [
    "Rawi Abdelal, et al., \u201cIdentity as a Variable,\u201d Perspectives on Politics , Vol. 4, "
    "No. 04, 2006, pp. 695-711.",
    "\u00b7 Harris, J. Andrew and Daniel Posner. 2015. (Under what conditions) do politicians "
    "reward their supporters?",
    "Andersen JJ, Ross ML. 2014. The big oil change: a closer look at the Haber-Menaldo "
    "analysis. Comp. Polit. Stud. 47(7):933\u20131021",
    "[25] David Faraggi Richard Simon (1995): A neural network model for survival data - "
    "https://onlinelibrary.wiley.com/doi/abs/10.1002/sim.4780140108",
])
def test_reference_entries_are_not_prose(line):
    assert not_prose(line) == "reference"


@pytest.mark.parametrize("line", [
    "The minister said in 2015 that the government would not raise taxes on small firms.",
    "Bei der Wahl 2024 erreichte die Partei nur 4,9 Prozent und scheiterte an der Hürde.",
])
def test_a_sentence_with_a_year_is_prose(line):
    assert not_prose(line) is None


def test_code_comments_in_a_japanese_post_are_kept():
    lines = ["# This is a combination of 2 commits.", "# The first commit's message is:"]
    out = LanguageFilter().apply(doc_of(JA[0], *lines, JA[1], JA[2]))
    assert isinstance(out, Doc)
    assert out.lang == "ja"
    assert all(line in out.text for line in lines)


def test_imports_in_a_russian_post_are_kept():
    lines = ["import tensorflow as tf", 'def sha256(_data), do: raise "NIF not loaded!"']
    out = LanguageFilter().apply(doc_of(RU[0], lines[0], RU[1], lines[1], RU[2]))
    assert isinstance(out, Doc)
    assert out.lang == "ru"
    assert all(line in out.text for line in lines)


def test_english_references_under_a_chinese_post_are_kept():
    refs = [
        "Rawi Abdelal, et al., \u201cIdentity as a Variable,\u201d Perspectives on Politics , "
        "Vol. 4, No. 04, 2006, pp. 695-711.",
        "Richard Lachmann, \"Elite conflict and state formation in 16th and 17th century England "
        "and France,\" American Sociological Review , Vol. 54, No. 2, 1989, pp. 141-162.",
    ]
    out = LanguageFilter().apply(doc_of(*ZH, *refs))
    assert isinstance(out, Doc)
    assert all(ref in out.text for ref in refs)


def test_a_ticker_under_a_technical_post_still_goes():
    lines = ["import numpy as np", "# load the data"]
    out = LanguageFilter().apply(doc_of(RU[0], *lines, RU[1], RU[2], HINDI))
    assert isinstance(out, Doc)
    assert HINDI not in out.text
    assert [r.rule for r in out.removals] == ["language:hi"]


MIXED_ZH = [
    "每种节点类型 - vminsert、vmselect 和 vmstorage 都"
    "可以在最合适的硬件上运行。集群容量随着可用资源的增加而线性扩展。每个节点类型所需"
    "的 CPU 和内存数量很大程度上取决于工作负载 - 活跃时间序列的数量、序列流失"
    "率、查询类型、查询 qps 等。",
    "指定保留所需的存储空间（可以通过 vmstorage 中的 -retention"
    "Period 命令行标志设置）可以从测试运行中的磁盘空间使用情况推断出来。例如，"
    "如果在生产工作负载上运行一天后的存储空间使用量为 10GB，那么对于 -rete"
    "ntionPeriod=100d（100 天保留期）来说，它至少需要 10GB*"
    "100=1TB 的磁盘空间。",
    "例如，当 -replicationFactor=3 传递给 vminsert 时"
    "，它将所有摄取的数据复制到 3 个不同的 vmstorage 节点，因此最多可以"
    "丢失 2 个 vmstorage 节点而不会丢失数据。vmstorage 节点的"
    "最小数量应该等于 2*3-1 = 5，因此当 2 个 vmstorage 节点丢"
    "失时，剩余的 3 个 vmstorage 节点可以为新摄取的数据提供服务。",
    "- vmstorage：存储原始数据并返回指定标签过滤器在给定时间范围内的查询数"
    "据，当 -storageDataPath 指向的目录包含的可用空间少于 -sto"
    "rage.minFreeDiskSpaceBytes 时，vmstorage 节"
    "点会自动切换到只读模式，vminsert 节点也会停止向此类节点发送数据并开始将"
    "数据重新路由到剩余的 vmstorage 节点。",
    "但是我们也可以手动通过将 -replicationFactor=N 命令参数传递"
    "给 vminsert 来启用复制，这保证了如果多达 N-1 个 vmstorag"
    "e 节点不可用，所有数据仍可用于查询。集群必须至少包含 2*N-1 个 vmst"
    "orage 节点，其中 N 是复制因子，以便在 N-1 个存储节点丢失时仍能保持"
    "可用。",
]


def test_a_chinese_post_full_of_english_names_is_chinese():
    """langdetect names this sample, Latin names and all, Norwegian; its Han words say Chinese."""
    j = judge([Block(t) for t in MIXED_ZH])
    assert j.lang is not None
    assert j.lang.startswith("zh")
    assert j.off == {}


def test_the_main_language_is_asked_of_the_main_script_only(langdetect_calls):
    asked = langdetect_calls
    judge([Block(t) for t in MIXED_ZH])
    assert "vmstorage" not in asked[0]


def test_a_programs_english_output_inside_a_listing_is_kept():
    output = ["WARNING: This is a development server. Do not use it in a production deployment.",
              "Use a production WSGI server instead."]
    listing = ['* Serving Flask app "app" (lazy loading)', "* Environment: production",
               *output, "* Debug mode: on",
               "* Running on http://0.0.0.0:8080/ (Press CTRL+C to quit)"]
    out = LanguageFilter().apply(doc_of(*ZH, *listing, *ZH))
    assert isinstance(out, Doc)
    assert all(line in out.text for line in output)


def test_a_fragment_after_the_last_listing_still_goes():
    listing = ["import numpy as np", "x = np.zeros((3, 3))"]
    out = LanguageFilter().apply(doc_of(RU[0], *listing, RU[1], RU[2], HINDI, "x = np.ones(3)"))
    assert isinstance(out, Doc)
    assert HINDI not in out.text


def test_a_line_a_japanese_sentence_announces_is_kept():
    intro = "実行すると以下のエラーが出てきます。"
    error = "Field 'num' is of a not allowed type for this type of partitioning"
    out = LanguageFilter().apply(doc_of(JA[0], JA[1], intro, error, JA[2], JA[0]))
    assert isinstance(out, Doc)
    assert error in out.text


def test_a_line_after_a_sentence_that_announces_nothing_still_goes():
    error = "Field 'num' is of a not allowed type for this type of partitioning"
    out = LanguageFilter().apply(doc_of(JA[0], JA[1], JA[2], error, JA[0]))
    assert isinstance(out, Doc)
    assert error not in out.text


def test_an_item_among_the_articles_own_items_is_kept():
    items = ["- 今天语文考试，大家都很紧张，老师说下次还要再考一次",
             "- Travelling makes me happy, it opens my eyes to the world.",
             "- 三节英语课，三节啊三节，下课以后大家都累了"]
    out = LanguageFilter().apply(doc_of(*ZH, *items, *ZH))
    assert isinstance(out, Doc)
    assert items[1] in out.text


def test_a_ticker_after_the_articles_list_still_goes():
    items = ["- 今天语文考试，大家都很紧张，老师说下次还要再考一次",
             "- 三节英语课，三节啊三节，下课以后大家都累了"]
    ticker = "- " + HINDI
    out = LanguageFilter().apply(doc_of(*ZH, *items, ticker, "相关文章", "上一篇"))
    assert isinstance(out, Doc)
    assert ticker not in out.text


EN_TUTORIAL = [
    "First we deploy the metrics server with the manifest below and wait until its pod is "
    "ready before we query the resource usage of the nodes in the cluster.",
    "Then we check that the API is registered and that the kubelet on every node answers the "
    "summary endpoint, which is where the numbers in the dashboard come from.",
    "Finally we scale the deployment and watch how the autoscaler reacts to the load that we "
    "generate with a small script running in another terminal window.",
]
# Fewer Han characters than Latin letters, but more of what they carry: a Chinese sentence.
MOSTLY_HAN = ("kubernetes 集群资源监控之前可以通过 heapster 来获取数据，"
              "在 1.11 开始开始逐渐废弃 heapster 了，采用 metrics-server 来代替，"
              "metrics-server 是集群的核心监控数据的聚合器，它从 kubelet "
              "公开的 Summary API 中采集指标")


def test_a_line_weighed_chinese_is_judged_as_chinese():
    """Its Latin letters outnumber its Han characters; weighed, it is a Chinese line, one of
    several in a document in English and Chinese, not an English line that langdetect calls
    Norwegian."""
    second = ("在 Grafana dashboard 里面可以看到 kubelet 和 metrics-server 采集到的节点和 Pod "
              "的 CPU 和内存使用情况，也可以通过 kubectl top 命令查看")
    j = judge([Block(t) for t in (MOSTLY_HAN, *EN_TUTORIAL, second, *EN_TUTORIAL, ZH[0])])
    assert j.warning is None
    assert j.off == {}
