"""Document language, off-language fragments, and how often langdetect is asked."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.model import Block, Doc, RawDoc, Reject, RejectReason, Source
from cleaner.steps import language
from cleaner.steps.language import LanguageFilter, base_lang, judge, script_counts

EN = [
    "US Treasury Secretary Scott Bessent expects backing from India and European nations to "
    "counter the tightening grip over the global rare earth supply chain.",
    "While he insisted the US does not wish to escalate tensions, he said Washington would "
    "respond collectively with partners in Europe, Australia, Canada, India and beyond.",
    "The restrictions come just weeks ahead of a possible meeting between the two presidents, "
    "adding a fresh layer of tension to an already fraught trade landscape.",
]
HINDI = "एलजी इलेक्ट्रॉनिक्स इंडिया, टाटा कैपिटल, जेएसडब्ल्यू सीमेंट और ऑल..."
SPANISH = ("El secretario del Tesoro de Estados Unidos dijo el miércoles que su país buscará "
           "el apoyo de sus aliados para responder a las restricciones de China.")


def doc_of(*texts: str) -> Doc:
    raw = RawDoc(b"", Source("t.txt"))
    return Doc(raw=raw, id="x", kind="text", source_text="",
               blocks=tuple(Block(t) for t in texts))


def test_other_script_line_is_dropped_and_named():
    out = LanguageFilter().apply(doc_of(*EN, HINDI))
    assert isinstance(out, Doc)
    assert out.lang == "en"
    assert HINDI not in out.text
    assert [r.rule for r in out.removals] == ["language:hi"]


@pytest.mark.parametrize("short", ["LEAVE A REPLY", "Share post:", "Subscribe", "Xi Jinping",
                                   "Ringgit rises near one-year high vs US$"])
def test_short_lines_are_not_judged_by_language(short):
    out = LanguageFilter().apply(doc_of(EN[0], short, EN[1], EN[2]))
    assert isinstance(out, Doc)
    assert short in out.text


def test_long_same_script_paragraph_in_another_language_is_dropped():
    out = LanguageFilter().apply(doc_of(*EN, SPANISH))
    assert isinstance(out, Doc)
    assert SPANISH not in out.text
    assert out.removals[0].rule == "language:es"


def test_short_latin_brand_line_kept_in_cyrillic_document():
    ru = ("Министр финансов США заявил в среду, что Вашингтон будет работать с союзниками, "
          "чтобы ответить на ограничения Китая на экспорт редкоземельных металлов.")
    out = LanguageFilter().apply(doc_of(ru, "Apple iPhone 15", ru + " Это важно."))
    assert isinstance(out, Doc)
    assert out.lang == "ru"
    assert "Apple iPhone 15" in out.text


@pytest.mark.parametrize("line", [
    "| 1 | Kyle Busch | 5040 | 5 | 1 | 17 | 27 | 2 | Martin Truex Jr. | 5035 | 7 | 0 | 15 |",
    "- стандартная скорость player.setav speedmult *х100",
])
def test_table_rows_and_code_are_not_judged(line):
    pt = ("Nesta página você terá sempre a classificação atualizada da corrida, com todos os "
          "pilotos e os pontos que cada um conquistou até a última etapa do campeonato.")
    out = LanguageFilter().apply(doc_of(pt, line, pt + " Confira."))
    assert isinstance(out, Doc)
    assert line in out.text


def test_japanese_line_with_a_brand_name_is_japanese():
    ja = "アップルは水曜日、新しいスマートフォンを発表したと明らかにしました。価格は据え置きです。"
    line = "※「iPhone」は、Apple Inc.の商標です。"
    out = LanguageFilter().apply(doc_of(ja, line, ja))
    assert isinstance(out, Doc)
    assert out.lang == "ja"
    assert line in out.text


def test_expected_language_rejects_others():
    out = LanguageFilter(expected="de").apply(doc_of(*EN))
    assert isinstance(out, Reject)
    assert out.reason is RejectReason.WRONG_LANGUAGE
    assert "'en'" in out.detail


def test_expected_language_matches_on_base_code():
    assert isinstance(LanguageFilter(expected="EN").apply(doc_of(*EN)), Doc)


def test_script_alone_names_korean_without_langdetect(monkeypatch):
    monkeypatch.setattr(language._Detector, "detect",
                        classmethod(lambda cls, t: pytest.fail("langdetect was asked")))
    ko = "대한민국 정부는 수요일 새로운 경제 정책을 발표했다고 밝혔다"
    assert judge([Block(ko)]).lang == "ko"


def test_langdetect_is_called_once_for_a_plain_document(langdetect_calls):
    calls = langdetect_calls
    judge([Block(t) for t in EN * 5])
    assert len(calls) == 1


def test_too_little_text_has_no_language():
    assert judge([Block("Hi")]).lang is None


def test_deterministic():
    blocks = [Block(t) for t in (*EN, SPANISH, HINDI)]
    assert judge(blocks) == judge(blocks)


def test_script_counts_and_base_lang():
    assert script_counts("ab 1 ж")["LATIN"] == 2
    assert base_lang("zh-cn") == "zh"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=80).map(str.strip).filter(bool), max_size=6))
def test_never_crashes_and_never_invents_text(texts):
    out = LanguageFilter().apply(doc_of(*texts))
    assert isinstance(out, Doc)
    assert {b.text for b in out.blocks} <= set(texts)
