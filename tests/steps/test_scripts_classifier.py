"""The text-mode structure classifier in every script (cleaner.steps.boilerplate and
cleaner.steps.textstats).

Each fixture under ``fixtures/scripts`` is a scrape of a news page in one language whose lines
are marked: the article must be kept whole, the menus, related lists and footers must go.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.model import Block, Doc, RawDoc, Source
from cleaner.ruleset import load_rules
from cleaner.run.pipeline import build_steps, clean_one
from cleaner.steps import textstats
from cleaner.steps.boilerplate import classify, guess_stoplist

SCRIPTS = Path(__file__).parent.parent / "fixtures" / "scripts"
LANGS = ["ja", "zh", "ko", "th", "my", "ar", "hi", "ru", "el", "he", "es", "de", "fr", "pt"]


def load(lang: str) -> tuple[list[Block], list[str]]:
    """The scrape's blocks (gaps as the pipeline counts them) and each block's mark."""
    blocks: list[Block] = []
    marks: list[str] = []
    gap = 0
    for line in (SCRIPTS / f"{lang}.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            gap += 1
            continue
        mark, text = line[0], line[2:].strip()
        assert mark in "+-~", f"{lang}.txt: unmarked line {line!r}"
        assert text, f"{lang}.txt: a mark without text"
        blocks.append(Block(text, gap))
        marks.append(mark)
        gap = 0
    return blocks, marks


def scrape(lang: str) -> str:
    """The fixture as the scrape it stands for: marks stripped, blank lines kept."""
    lines = (SCRIPTS / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    return "".join(f"{line[2:]}\n" if line.strip() else "\n" for line in lines)


def test_every_fixture_is_listed() -> None:
    assert sorted(p.stem for p in SCRIPTS.glob("*.txt")) == sorted(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_article_kept_whole_and_cruft_gone(lang: str) -> None:
    blocks, marks = load(lang)
    verdicts = classify(blocks, guess_stoplist(blocks))
    lost = [b.text for b, m, v in zip(blocks, marks, verdicts, strict=True) if m == "+" and v]
    kept_cruft = [
        b.text for b, m, v in zip(blocks, marks, verdicts, strict=True) if m == "-" and v is None
    ]
    assert lost == []
    assert kept_cruft == []


@pytest.mark.parametrize("lang", LANGS)
def test_text_mode_keeps_the_article_and_drops_the_cruft(lang: str) -> None:
    """The whole text-mode pipeline (rules, title, classifier, language filter) agrees."""
    blocks, marks = load(lang)
    raw = RawDoc(scrape(lang).encode("utf-8"), Source(f"{lang}.txt"), kind="text")
    out = clean_one(raw, build_steps(load_rules(), None))
    assert isinstance(out, Doc), out
    kept = {b.text for b in out.blocks}
    article = [b.text for b, m in zip(blocks, marks, strict=True) if m == "+"]
    cruft = [b.text for b, m in zip(blocks, marks, strict=True) if m == "-"]
    assert [line for line in article if line not in kept] == []
    assert [line for line in cruft if line in kept] == []


@pytest.mark.parametrize("lang", LANGS)
def test_classifying_the_kept_lines_again_keeps_them(lang: str) -> None:
    blocks, _ = load(lang)
    stoplist = guess_stoplist(blocks)
    kept = [b for b, v in zip(blocks, classify(blocks, stoplist), strict=True) if v is None]
    assert kept
    assert classify(kept, stoplist) == [None] * len(kept)


# --- measures -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("The quick brown fox jumps over the lazy dog.", 9, 9),
        # Spaces separate words in Korean: one word per space-separated token.
        ("서울시는 내년부터 심야 버스 노선을 늘린다.", 6, 6),
        # 34 characters of Japanese: about two to a word.
        ("東京都は二十日、今夏の電力需給が厳しくなる見通しを受けて発表した。", 14, 18),
        # Latin words inside a Japanese token count as words.
        ("Kindleで読む", 2.5, 3.5),
        # A Thai clause of 42 code points and no space: about five to a word.
        ("กรมอุตุนิยมวิทยาออกประกาศเตือนว่าร่องมรสุม", 7, 10),
        # Burmese: about six code points to a word.
        ("ရန်ကုန်မြို့တွင် မိုးသည်းထန်စွာ ရွာသွန်းခဲ့သည်။", 5, 9),
    ],
)
def test_word_count_in_every_script(text: str, low: float, high: float) -> None:
    assert low <= textstats.word_count(text) <= high


@pytest.mark.parametrize(
    "text",
    [
        "It rained.",
        "Did it rain?\u201d",
        "雨が降った。",
        "雨了！",
        "बारिश हुई।",
        "هل أمطرت؟",
        "بارش ہوئی۔",
        "မိုးရွာသည်။",
        "Βρέχει;",
        "Βρέχει\u037e",
        "「雨が降った。」",
        "\u00abIl pleut.\u00bb",
    ],
)
def test_sentence_ends_of_every_script(text: str) -> None:
    assert textstats.sentence_end(text) is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Home", False),
        ("ข่าวที่เกี่ยวข้อง", None),  # Thai ends sentences with a space, not a mark
        ("ホーム", False),
        ("أخبار ذات صلة", False),
    ],
)
def test_lines_without_a_sentence_end(text: str, expected: bool | None) -> None:
    assert textstats.sentence_end(text) is expected


@pytest.mark.parametrize(
    ("line", "share"),
    [
        ("Stadt Plant Neue Radwege", 1.0),
        ("the city plans new paths", 0.0),
        ("Νέα Μέτρα Για Τον Τουρισμό", 1.0),
        # Scripts without case, even with a Latin word or two inside.
        ("עיריית חיפה תשיק קו רכבל חדש", None),
        ("Kindle書籍を読む場合は、一般的にスマホで読む。", None),
        ("राजधानी दिल्ली में Delhi गर्मी", None),
        ("", None),
    ],
)
def test_caps_share_only_where_letters_have_case(line: str, share: float | None) -> None:
    assert textstats.caps_share(line.split()) == share


@pytest.mark.parametrize(
    ("prose", "headline"),
    [
        (
            "知事は記者会見で、一人ひとりができることから取り組んでほしいと述べた",
            "東京都、夏の電力不足に備え節電要請へ　企業と家庭に協力呼びかけ",
        ),
        (
            "业内人士表示，新能源汽车的价格在过去一年里有所下降，不少消费者选择了购车",
            "多地出台新政支持新能源汽车消费",
        ),
        (
            "ประชาชนที่อาศัยอยู่ในที่ลุ่มและใกล้ทางน้ำควรระวังอันตรายจากน้ำท่วม",
            "ฝนถล่มหาดใหญ่ น้ำท่วมขังหลายจุด",
        ),
    ],
)
def test_function_words_tell_prose_from_headlines_without_spaces(prose: str, headline: str) -> None:
    prose_score = textstats.function_score(prose)
    headline_score = textstats.function_score(headline)
    assert prose_score is not None
    assert headline_score is not None
    assert prose_score > 0 > headline_score


def test_function_words_only_for_scripts_without_spaces() -> None:
    # Spaced scripts have stoplists; a Chinese name in an English line says nothing.
    assert textstats.function_score("The city plans new cycle paths along the river.") is None
    assert textstats.function_score("He quoted the proverb 花容月貌 in his speech today.") is None


# --- lists the article introduces ---------------------------------------------------------------

_OFFERS_INTRO = [
    "Il black Friday è arrivato anche in Italia: per una settimana i negozi online propongono "
    "sconti su migliaia di prodotti, e non tutti sono davvero convenienti come sembrano.",
    "Abbiamo passato al setaccio le offerte di quest'anno e ne abbiamo scelte alcune che ci "
    "sembrano interessanti per chi ama i giochi e i film degli anni Ottanta e Novanta.",
    "Ecco allora le offerte da non lasciarsi sfuggire:",
]
_OFFERS = [
    "1) Pista elettrica con due auto e giro della morte",
    "https://example.com/offerta/1",
    "2) Cofanetto con la trilogia completa in alta definizione",
    "https://example.com/offerta/2",
    "3) Modellino della macchina del tempo, scala 1:24",
    "https://example.com/offerta/3",
    "4) Giradischi portatile con altoparlanti integrati",
    "https://example.com/offerta/4",
]


def test_numbered_list_the_article_introduces_is_kept() -> None:
    lines = ["Home", "Offerte", "Cinema", "Giochi", *_OFFERS_INTRO, *_OFFERS]
    lines += ["Articoli correlati", "I migliori film del 1985", "Contatti", "Privacy"]
    blocks = [Block(line, 1) for line in lines]
    stoplist = guess_stoplist(blocks)
    verdicts = dict(zip(lines, classify(blocks, stoplist), strict=True))
    items = [line for line in _OFFERS if line[0].isdigit()]
    assert {line: verdicts[line] for line in items} == dict.fromkeys(items)
    assert verdicts["I migliori film del 1985"] is not None
    kept = [b for b in blocks if verdicts[b.text] is None]
    assert classify(kept, stoplist) == [None] * len(kept)


def test_numbering_alone_does_not_make_a_list_article_text() -> None:
    # A "most read" list is numbered too, but a heading, not the article, introduces it: its
    # lines fare as they would without their numbers.
    headlines = [
        "Il sindaco si dimette dopo la lite",
        "Apre al traffico il nuovo ponte sul fiume",
        "Allerta meteo per il fine settimana",
        "Scuole chiuse venerdì per lo sciopero",
    ]
    numbered = [f"{n}. {line}" for n, line in enumerate(headlines, 1)]

    def fates(items: list[str]) -> list[bool]:
        lines = ["Home", "Offerte", *_OFFERS_INTRO[:2], "I più letti", *items, "Contatti"]
        blocks = [Block(line, 1) for line in lines]
        return [v is None for v in classify(blocks, guess_stoplist(blocks))]

    assert fates(numbered) == fates(headlines)
    assert not any(fates(headlines)[5:])
