"""Korean tutorials keep their short sentences (cleaner.steps.boilerplate): a short line mostly
in Hangul that ends like a sentence (합니다.) is how those posts explain a listing, and is
neutral in the region score as a short Chinese or Japanese sentence is; a Korean menu label or
heading ends with no sentence mark."""

from __future__ import annotations

import pytest

from cleaner.model import Block
from cleaner.steps import textstats
from cleaner.steps.boilerplate import DEFAULT_PARAMS, _features, classify

MENU = ["홈", "소개", "카테고리", "검색", "연습", "보관함"]
FOOTER = ["도움이 되셨다면", "다음 글", "이전 글", "저작권 2017", "메일 보내기", "맨 위로"]
PARAGRAPHS = [
    "영상이나 이미지를 대칭시켜 띄울 수 있습니다. 상하대칭, 좌우대칭, 상하좌우대칭 세 가지 "
    "방법이 있으며 원본 이미지를 그대로 사용하면 됩니다.",
    "symm에 메모리 확보를 위하여 선언합니다. 크기와 정밀도와 채널을 원본과 같게 설정하여 "
    "새로운 이미지를 만들고 결과를 저장합니다.",
    "결과 화면에서 원본과 상하대칭, 좌우대칭, 상하좌우대칭 이미지를 차례대로 확인할 수 "
    "있습니다. 대칭 방향은 마지막 인수로 정합니다.",
]
SHORT = ["Symmetry()에서 영상을 대칭하게 됩니다.", "대칭된 결과인 symm을 반환하여 출력하게 합니다.",
         "Dispose()에서 이미지의 메모리 할당을 해제합니다."]


def test_short_korean_sentences_between_listings_are_kept() -> None:
    article = [PARAGRAPHS[0], "Class Code", "Cv.Flip(src, symm, FlipMode.X);", SHORT[0],
               "Main Code", "return symm;", SHORT[1], "결과 화면",
               "Cv.Flip(src, symm, FlipMode.Y);", SHORT[2], *PARAGRAPHS[1:]]
    lines = [*MENU, *article, *FOOTER]
    blocks = [Block(text, 1) for text in lines]
    found = dict(zip(lines, classify(blocks), strict=True))
    assert [line for line in [*PARAGRAPHS, *SHORT] if found[line] is not None] == []
    assert [line for line in [*MENU, *FOOTER] if found[line] is None] == []


@pytest.mark.parametrize("text", SHORT)
def test_a_short_korean_sentence_is_neutral(text: str) -> None:
    assert _features(text, None, DEFAULT_PARAMS).neutral


@pytest.mark.parametrize("text", ["대칭 (Flip, Symmetry)", "이미지 사용하기 : 4강 바로가기 링크",
                                  "All rights reserved by the author.", "저작권 2017 윤대희"])
def test_korean_labels_and_other_short_sentences_are_not(text: str) -> None:
    assert not _features(text, None, DEFAULT_PARAMS).neutral


def test_hangul_share() -> None:
    assert textstats.mostly_hangul("대칭된 결과인 symm을 반환하여 출력하게 합니다.")
    assert not textstats.mostly_hangul("Console.WriteLine(value); // 출력")
    assert not textstats.mostly_hangul("今日は晴れです。")
