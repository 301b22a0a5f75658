"""A table scraped one cell per line is the article's (cleaner.steps.boilerplate), though no colon
line introduces it: a header of N short labels, then rows of N cells whose columns keep their
kind (numbers, words, another script) where the header's differ. A menu, a list of headlines with
their dates, or a list of numbered headlines under two labels is no table, and still goes."""

from __future__ import annotations

import justext

from cleaner.model import Block
from cleaner.steps.boilerplate import DEFAULT_PARAMS, _all_features, _tables, classify
from conftest import BLOG_FOOTER, BLOG_MENU, BLOG_PARAGRAPHS

ENGLISH = frozenset(justext.get_stoplist("English"))
MENU, FOOTER, PARAGRAPHS = BLOG_MENU, BLOG_FOOTER, BLOG_PARAGRAPHS
RESULTS = ["Benchmark", "Before", "After", "Speedup",
           "chaos", "21.82", "17.80", "1.23",
           "django", "13.43", "11.16", "1.20",
           "float", "5.22", "6.00", "0.87",
           "telco", "14.28", "9.36", "1.53"]
# A reference table of a Korean tutorial: the names are code, what they mean is Korean.
METHODS = ["이름", "의미", "select()", "체크 상태", "deselect()", "해제 상태",
           "invoke()", "체크 버튼 실행", "flash()", "깜빡임"]


def blocks_of(parts: list[list[str]]) -> list[Block]:
    """Lines of a scrape: a blank line between the parts, none inside one (a table, a list)."""
    return [Block(text, 0 if k else 1) for part in parts for k, text in enumerate(part)]


def kept(blocks: list[Block]) -> list[str]:
    return [b.text for b, v in zip(blocks, classify(blocks, ENGLISH), strict=True) if v is None]


def test_a_table_of_results_between_paragraphs_is_kept() -> None:
    blocks = blocks_of([MENU, *([p] for p in PARAGRAPHS[:2]), RESULTS,
                        *([p] for p in PARAGRAPHS[2:]), FOOTER])
    assert kept(blocks) == [*PARAGRAPHS[:2], *RESULTS, *PARAGRAPHS[2:]]


def test_a_table_whose_columns_differ_by_script_is_kept() -> None:
    blocks = blocks_of([MENU, *([p] for p in PARAGRAPHS[:2]), METHODS,
                        *([p] for p in PARAGRAPHS[2:]), FOOTER])
    assert kept(blocks) == [*PARAGRAPHS[:2], *METHODS, *PARAGRAPHS[2:]]


def test_the_table_is_kept_again_in_the_clean_text() -> None:
    # The clean text sets every line a blank line apart: the cells are still a table.
    blocks = blocks_of([MENU, *([p] for p in PARAGRAPHS[:2]), RESULTS,
                        *([p] for p in PARAGRAPHS[2:]), FOOTER])
    again = [Block(text, 1) for text in kept(blocks)]
    assert kept(again) == [b.text for b in again]


def test_headlines_with_their_dates_are_no_table() -> None:
    teasers = ["Latest", "Most read",
               "Council approves the budget", "2024-03-01",
               "Bridge opens to traffic", "2024-03-02",
               "Storm closes the harbour", "2024-03-03",
               "Schools reopen on Monday", "2024-03-04"]
    blocks = blocks_of([MENU, *([p] for p in PARAGRAPHS[:2]), teasers,
                        *([p] for p in PARAGRAPHS[2:]), FOOTER])
    assert not set(teasers) & set(kept(blocks))


def test_a_menu_is_no_table() -> None:
    menu = ["Home", "News", "Sport", "Business", "Culture", "Travel", "Weather", "Video"]
    blocks = blocks_of([*([p] for p in PARAGRAPHS[:2]), menu, *([p] for p in PARAGRAPHS[2:])])
    assert not set(menu) & set(kept(blocks))


def test_a_calendar_of_numbers_only_is_no_table() -> None:
    calendar = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su",
                *map(str, range(1, 22))]
    blocks = blocks_of([*([p] for p in PARAGRAPHS[:2]), calendar, *([p] for p in PARAGRAPHS[2:])])
    assert not set(calendar) & set(kept(blocks))


def test_a_table_a_cell_short_is_still_a_table() -> None:
    # A rule removed one cell (a benchmark named like a share button): the rows after it are
    # still the table's.
    short = [*RESULTS[:12], *RESULTS[13:]]
    blocks = blocks_of([MENU, *([p] for p in PARAGRAPHS[:2]), short,
                        *([p] for p in PARAGRAPHS[2:]), FOOTER])
    assert kept(blocks) == [*PARAGRAPHS[:2], *short, *PARAGRAPHS[2:]]


def test_long_lines_in_two_scripts_are_no_table() -> None:
    # Readers' names and their comments under two labels: a comment is a sentence, no cell
    # of a column that the script of its words would set apart.
    comment = "三年的时光总是这样短暂，转眼间老师已经要和我们分别了，感谢您的陪伴与教诲。"
    names = ["zlx", "srh", "gax", "zzh", "zxy", "pyy"]
    blocks = blocks_of([["About", "Posts", *(x for name in names for x in (name, comment))]])
    assert _tables(blocks, _all_features(blocks, None, DEFAULT_PARAMS), DEFAULT_PARAMS) == set()


def test_a_heading_over_a_table_is_no_header_cell_in_the_clean_text() -> None:
    # The clean text sets the heading as far from the header as the cells are from each
    # other; read from the heading on, the table would lose its last cell.
    table = ["이름", "의미", "설명",
             "mark_set(mark, index)", "마크 위치 설정", "해당 마크의 위치 재설정",
             "mark_unset(mark)", "마크 위치 제거", "해당 마크의 표시 제거",
             "index(mark)", "마크 위치 반환", "해당 마크 위치 반환",
             "mark_names()", "모든 마크 반환", "텍스트에서 사용된 모든 마크를 반환"]
    blocks = [Block(text, 1) for text in [*PARAGRAPHS[:2], "텍스트 마크 메소드", *table]]
    assert _tables(blocks, _all_features(blocks, None, DEFAULT_PARAMS),
                   DEFAULT_PARAMS) == set(range(3, len(blocks)))
