"""The language step on documents in several languages and scripts: it drops only what is
really foreign, never code, tables or names, never more than a small share of the document."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.model import Block, Doc, RawDoc, Source
from cleaner.steps import language
from cleaner.steps.language import (
    MAX_DROP_SHARE,
    LanguageFilter,
    char_script,
    judge,
    not_prose,
    script_counts,
    weighed_letters,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "lang"


def lines_of(name: str) -> list[str]:
    """A fixture as a text scrape: one block per non-empty line."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def doc_of(*texts: str) -> Doc:
    raw = RawDoc(b"", Source("t.txt"))
    return Doc(raw=raw, id="x", kind="text", source_text="",
               blocks=tuple(Block(t) for t in texts))


def clean(*texts: str) -> Doc:
    out = LanguageFilter().apply(doc_of(*texts))
    assert isinstance(out, Doc)
    return out


def kept(out: Doc) -> list[str]:
    return [b.text for b in out.blocks]


EN = [
    "The city council voted on Tuesday to extend the tram line to the harbour district, "
    "ending a debate that has divided residents for almost ten years.",
    "Supporters say the extension will cut traffic on the coast road and bring visitors to "
    "the shops and cafes that opened along the quay after the old warehouses closed.",
    "Opponents had argued that the money would be better spent on buses, which can reach the "
    "villages in the hills where many of the city's workers now live.",
]
SPANISH = ("El ayuntamiento aprobó el martes la ampliación de la línea de tranvía hasta el "
           "barrio del puerto, tras un debate que ha dividido a los vecinos durante casi diez "
           "años.")


def test_a_letter_in_four_languages_keeps_every_version():
    lines = lines_of("letter_four_languages.txt")
    out = clean(*lines)
    assert kept(out) == lines
    assert out.removals == ()
    assert {"en", "de", "fr", "el"} <= set(judge([Block(t) for t in lines]).langs)


def test_a_japanese_page_keeps_its_code_lines():
    lines = lines_of("ja_code.txt")
    out = clean(*lines)
    assert out.lang == "ja"
    assert kept(out) == lines
    assert "pip install --upgrade pandas numpy matplotlib seaborn" in kept(out)


# A Chinese tutorial around the English output of the commands it shows: by letters, the output
# outweighs the article four to one; a Han character carries what three Latin letters do.
ZH_TUTORIAL = [
    "我们可以看到已经自动拉起了很多新的副本，最后定格在了我们上面设置的十个副本，同时查看资源对象的副本数量。",
    "然后打开另外一个终端观察资源对象的变化情况，可以看到内存使用已经超过了我们设定的阈值，已经触发了自动扩容。",
    "可以看到副本数量已经由十变为一，当前我们只是演示了使用率这一个指标，在后面的课程中我们还会学习到更多的内容。",
    "等一小会儿，安装完成后，可以使用下面的命令来检测是否生效了，如果请求数超过每秒十个，则将对应用进行扩容。",
]
COMMAND_OUTPUT = [
    "AbleToScale True ReadyForNewScale recommended size matches current size and no scale is "
    "needed right now",
    "ScalingActive True ValidMetricFound the autoscaler was able to successfully calculate a "
    "replica count from pods metric requests per second",
    "ScalingLimited False DesiredWithinRange the desired count is within the acceptable range "
    "of replicas for the deployment",
    "Normal SuccessfulRescale horizontal pod autoscaler New size reason pods metric above the "
    "target value for the deployment",
] * 3


def test_a_chinese_article_around_english_command_output_keeps_its_paragraphs():
    texts = [ZH_TUTORIAL[0], *COMMAND_OUTPUT[:4], ZH_TUTORIAL[1], *COMMAND_OUTPUT[4:8],
             ZH_TUTORIAL[2], *COMMAND_OUTPUT[8:], ZH_TUTORIAL[3]]
    han = sum(script_counts(t)["HAN"] for t in texts)
    latin = sum(script_counts(t)["LATIN"] for t in texts)
    assert latin > 4 * han  # a fifth of the letters, letter for letter
    out = clean(*texts)
    assert kept(out) == texts
    assert "zh" in " ".join(judge([Block(t) for t in texts]).langs)


def test_an_english_page_keeps_its_table_rows():
    lines = lines_of("en_table.txt")
    out = clean(*lines)
    assert out.lang == "en"
    assert kept(out) == lines


def test_a_hindi_ticker_under_an_english_article_is_dropped_and_explained():
    lines = lines_of("en_hindi_ticker.txt")
    out = clean(*lines)
    ticker = next(t for t in lines if script_counts(t)["DEVANAGARI"])
    assert kept(out) == [t for t in lines if t != ticker]
    (removal,) = out.removals
    assert removal.text == ticker
    assert removal.rule == "language:hi"
    assert re.fullmatch(r"fragment in hi \(p=[01]\.\d\d\), document in en", removal.reason)


def test_a_russian_quote_stays_in_a_german_article_and_a_russian_widget_goes():
    """A quotation the article introduces (a colon before it, or quotation marks around it) is
    part of the article; a Russian line nobody introduces is a widget of the site's."""
    lines = lines_of("de_russian_quote.txt")
    quote = next(t for t in lines if t.startswith("\u00ab"))
    widget = next(t for t in lines if t.startswith("\u041f\u043e\u0434\u043f"))  # "Подп"
    out = clean(*lines)
    assert out.lang == "de"
    assert quote in kept(out)
    assert widget not in kept(out)
    assert [r.rule for r in out.removals] == ["language:ru"]


def test_a_quote_introduced_by_a_colon_stays_without_quotation_marks():
    lines = lines_of("de_russian_quote.txt")
    bare = [t.strip("\u00ab\u00bb") for t in lines]
    quote = next(t for t in bare if t.startswith("\u0417"))  # "Здесь", after "im Original:"
    assert quote in kept(clean(*bare))


def test_a_quote_inside_a_german_paragraph_is_never_judged():
    de = ("Tschechow schrieb seiner Schwester, hier sei alles \u00ab\u043e\u0447\u0435\u043d\u044c "
          "\u0447\u0438\u0441\u0442\u043e\u00bb, und er f\u00fchle sich viel besser als in Moskau, "
          "wie die \u00dcbersetzerin am Freitag im Kurhaus erkl\u00e4rte.")
    lines = lines_of("de_russian_quote.txt")
    assert de in kept(clean(*lines[:3], de, *lines[4:]))


def test_the_same_line_without_the_colon_before_it_goes():
    lines = lines_of("de_russian_quote.txt")
    i = next(i for i, t in enumerate(lines) if t.startswith("\u00ab"))
    unintroduced = [*lines[:i - 1], lines[i - 1].rstrip(":") + ".", lines[i].strip("\u00ab\u00bb"),
                    *lines[i + 1:]]
    out = clean(*unintroduced)
    assert unintroduced[i] not in kept(out)


def test_a_spanish_paragraph_is_dropped_with_its_probability():
    out = clean(*EN, SPANISH)
    assert kept(out) == EN
    (removal,) = out.removals
    assert removal.rule == "language:es"
    assert re.fullmatch(r"fragment in es \(p=[01]\.\d\d\), document in en", removal.reason)


def test_a_second_language_in_several_paragraphs_is_the_documents_too():
    es = [SPANISH, SPANISH.replace("martes", "jueves"), SPANISH.replace("diez", "doce")]
    out = clean(*EN, *es)
    assert kept(out) == [*EN, *es]
    assert set(judge([Block(t) for t in (*EN, *es)]).langs) == {"en", "es"}


def test_never_more_than_a_small_share_is_dropped_and_the_warning_says_why():
    """One Spanish block (one block is not a language of the document) holding 40% of it."""
    long_es = " ".join([SPANISH] * 2)
    out = clean(EN[0], long_es, *EN[1:])
    assert kept(out) == [EN[0], long_es, *EN[1:]]
    assert out.removals == ()
    (warning,) = out.warnings
    assert warning.startswith("language: kept 1 fragment(s) in es")
    assert "more than the 33%" in warning


@pytest.mark.parametrize(("line", "why"), [
    ("git clone https://github.com/example/tram-data.git && cd tram-data && make install", "url"),
    ("python -m venv .venv && source .venv/bin/activate && pip install -r requirements.txt",
     "code"),
    ("const total = items.reduce((sum, item) => sum + item.price, 0);", "code"),
    ("https://www.example.org/news/2023/10/12/the-harbour-tram-line-extension-approved", "url"),
    ("2019 2020 2021 2022 2023 12.4 13.9 15.2 17.8 19.1 +4.3% -1.2%", "numbers"),
    ("Jawa Barat\tBandung\t48.274.160\tRidwan Kamil\tKota Bandung", "table"),
    ("| 1 | Kyle Busch | 5040 | 5 | 1 | 17 | 27 |", "code"),
    ("Angela Merkel, Emmanuel Macron, Justin Trudeau, Jacinda Ardern, Olaf Scholz", "names"),
])
def test_code_urls_numbers_tables_and_names_are_not_judged(line, why):
    assert not_prose(line) == why
    ru = ("\u0413\u043e\u0440\u043e\u0434\u0441\u043a\u043e\u0439 \u0441\u043e\u0432\u0435\u0442 "
          "\u0432\u043e \u0432\u0442\u043e\u0440\u043d\u0438\u043a \u043f\u0440\u043e\u0433\u043e"
          "\u043b\u043e\u0441\u043e\u0432\u0430\u043b \u0437\u0430 \u043f\u0440\u043e\u0434\u043b"
          "\u0435\u043d\u0438\u0435 \u0442\u0440\u0430\u043c\u0432\u0430\u0439\u043d\u043e\u0439 "
          "\u043b\u0438\u043d\u0438\u0438 \u0434\u043e \u043f\u043e\u0440\u0442\u0430.")
    assert line in kept(clean(ru, line, ru + " " + ru))


@pytest.mark.parametrize("line", [EN[0], SPANISH, lines_of("letter_four_languages.txt")[-5]])
def test_prose_is_prose(line):
    assert not_prose(line) is None


def test_a_japanese_line_set_in_half_width_katakana_is_japanese():
    """The "fragment in ja, document is in ja" case: half-width and full-width forms are the
    script they are typeset from, not another one."""
    lines = lines_of("ja_code.txt")
    promo = "ｽﾏﾎ ｹｰｽ ﾌﾟﾚｾﾞﾝﾄ ｷｬﾝﾍﾟｰﾝ ｵｽｽﾒ ｼﾞｮｳﾎｳ"  # half-width Katakana
    out = clean(*lines[:3], promo, *lines[3:])
    assert promo in kept(out)
    assert out.removals == ()


@pytest.mark.parametrize(("ch", "script"), [
    ("\uff71", "KANA"), ("\u30fc", "KANA"), ("\u3005", "HAN"), ("\uff21", "LATIN"),
    ("\ufe8e", "ARABIC"), ("\u02bc", None), ("a", "LATIN"), ("7", None),
])
def test_width_and_presentation_forms_count_as_their_script(ch, script):
    assert char_script(ch) == script


def test_regional_codes_compare_by_base_code():
    assert language._is_doc_lang("zh-tw", ("en", "zh-cn"))
    assert not language._is_doc_lang("ja", ("en", "zh-cn"))


def test_a_japanese_page_with_code_does_not_ask_langdetect(monkeypatch):
    monkeypatch.setattr(language._Detector, "detect",
                        classmethod(lambda cls, t: pytest.fail(f"langdetect was asked: {t}")))
    assert judge([Block(t) for t in lines_of("ja_code.txt")]).lang == "ja"


def test_expected_language_accepts_any_language_of_the_document():
    es = [SPANISH, SPANISH.replace("martes", "jueves"), SPANISH.replace("diez", "doce")]
    assert isinstance(LanguageFilter(expected="es").apply(doc_of(*EN, *es)), Doc)


PARAGRAPHS = [t for name in sorted(p.name for p in FIXTURES.glob("*.txt"))
              for t in lines_of(name)] + EN + [SPANISH]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=12))
def test_the_step_never_drops_more_than_its_share(texts):
    out = clean(*texts)
    # letters weighed by what a letter of each script carries (a Han character: a word)
    total = sum(weighed_letters(script_counts(t)) for t in texts)
    dropped = sum(weighed_letters(script_counts(r.text)) for r in out.removals)
    assert dropped <= MAX_DROP_SHARE * total
    assert len(out.blocks) + len(out.removals) == len(texts)
