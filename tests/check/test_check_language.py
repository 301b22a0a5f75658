"""`cleaner check` C002/C003: the language step (language.judge, by the record's language)
decides which paragraphs are off-language; check's cheap screens only choose the documents it
is asked about."""

import json

import pytest

from cleaner import check, cli
from cleaner.model import Block
from cleaner.steps import language
from cleaner.steps.language import judge
from conftest import FIXTURES

LANG = FIXTURES / "lang"
# Each fixture, the language a record of it states (what `cleaner clean` wrote: judge's main
# language), and the paragraphs (1-based) the language step removes.
REMOVED = {
    "de_russian_quote.txt": ("de", [7]),  # the subscribe line; not the quotation it introduces
    "en_hindi_ticker.txt": ("en", [4]),
    "en_table.txt": ("en", []),
    "ja_code.txt": ("ja", []),  # the pip install line is code
    "letter_four_languages.txt": ("de", []),  # every paragraph is in one of its languages
}
ENGLISH = ("The harbour council met on Tuesday to discuss the new bridge over the river, and "
           "members agreed that work should start in the spring after a long winter of debate.")
GERMAN = ("Der Gemeinderat hat am Dienstag beschlossen, die alte Brücke über den Fluss im "
          "nächsten Frühjahr abzureißen und durch einen modernen Neubau zu ersetzen.")


def blocks_of(name):
    return [Block(s.strip()) for s in (LANG / name).read_text().split("\n") if s.strip()]


def text_of(name):
    return "\n\n".join(b.text for b in blocks_of(name))


def write_records(path, *records):
    lines = []
    for n, (text, lang) in enumerate(records, 1):
        lines.append(json.dumps({
            "id": f"{n:016x}", "url": f"https://example.com/news/{n}", "title": "A title",
            "text": text, "lang": lang, "site": None, "published": None, "author": None,
            "source": {"path": "raw", "line": n, "offset": None}, "digest": "sha256:00",
            "tool": "article-cleaner 0", "rules": "000000000000"}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_check(path, capsys, select="C002,C003"):
    code = cli.main(["check", str(path), "--select", select, "-q"])
    out = capsys.readouterr().out.splitlines()
    return code, [line.removeprefix(f"{path}:") for line in out]


# --- judge with the document's languages as stated ------------------------------------------------


@pytest.mark.parametrize("name", sorted(REMOVED))
def test_judge_without_stated_languages_finds_what_it_found(name):
    lang, removed = REMOVED[name]
    j = judge(blocks_of(name))
    assert (j.lang, sorted(i + 1 for i in j.off)) == (lang, removed)


@pytest.mark.parametrize("name", sorted(REMOVED))
def test_judge_with_the_languages_it_would_find_answers_the_same(name):
    blocks = blocks_of(name)
    j = judge(blocks)
    assert judge(blocks, langs=(j.lang,)) == j
    assert judge(blocks, langs=j.langs) == j
    assert judge(blocks, langs=None) == j


def test_judge_with_stated_languages_does_not_detect_the_main_one(monkeypatch):
    def no_detection(*args):
        raise AssertionError("the main language was detected again")

    monkeypatch.setattr(language, "_doc_lang", no_detection)
    j = judge(blocks_of("de_russian_quote.txt"), langs=("de",))
    assert (j.lang, sorted(j.off)) == ("de", [6])


def test_judge_takes_the_stated_main_language_and_the_text_adds_the_others():
    # A record states one language; the letter's others are still its own.
    j = judge(blocks_of("letter_four_languages.txt"), langs=("en",))
    assert j.lang == "en"
    assert set(j.langs) == {"en", "de", "fr", "el"}
    assert j.off == {}


def test_judge_measures_same_script_paragraphs_against_the_stated_language():
    blocks = [Block(ENGLISH), Block(ENGLISH.replace("Tuesday", "Monday")), Block(GERMAN)]
    assert {i: f.lang for i, f in judge(blocks, langs=("en",)).off.items()} == {2: "de"}
    # stated German, the English (in two paragraphs, most of the text) is the document's too
    assert judge(blocks, langs=("de",)) == language.Judgement("de", {}, ("de", "en"))


# --- check names what the language step removes ---------------------------------------------------


@pytest.mark.parametrize("name", sorted(REMOVED))
def test_check_on_a_text_names_only_what_the_language_step_removes(name, capsys):
    path = LANG / name
    code, out = run_check(path, capsys)
    _, removed = REMOVED[name]
    assert code == (1 if removed else 0)
    assert [line.split(":", 2)[1].split()[1:3] for line in out] == [
        ["paragraph", f"{n}"] for n in removed]


@pytest.mark.parametrize(("name", "lang"), [
    *((name, lang) for name, (lang, _) in sorted(REMOVED.items())),
    ("letter_four_languages.txt", "en"), ("letter_four_languages.txt", "fr")])
def test_check_on_a_record_names_only_what_the_language_step_removes(name, lang, tmp_path,
                                                                     capsys):
    # Records of the fixtures, stated in their own language (as clean writes them) or, for
    # the letter, in another of its four: check's screens alone named the quotation, the
    # command line, the letter's Greek and (by its stated language) its other paragraphs.
    path = write_records(tmp_path / "corpus.jsonl", (text_of(name), lang))
    code, out = run_check(path, capsys)
    blocks = [Block(p) for p in text_of(name).split("\n\n")]
    removed = sorted(judge(blocks, langs=(lang,)).off)
    assert [line.split(": ", 2)[1] for line in out] == [
        f"C002 paragraph {i + 1}" for i in removed]
    assert code == (1 if removed else 0)


def test_check_words_an_off_script_paragraph_as_before(tmp_path, capsys):
    path = write_records(tmp_path / "corpus.jsonl", (text_of("de_russian_quote.txt"), "de"))
    assert run_check(path, capsys) == (1, [
        "1: C002 paragraph 7: in Cyrillic script, the document is in de (Latin script): "
        "'Подпишитесь на наш канал в Телеграме, чтобы первыми узнават…'"])


def test_check_words_a_same_script_paragraph_as_before(tmp_path, capsys):
    text = "\n\n".join([ENGLISH, ENGLISH.replace("Tuesday", "Monday"), GERMAN])
    path = write_records(tmp_path / "corpus.jsonl", (text, "en"))
    assert run_check(path, capsys) == (1, [
        "1: C003 paragraph 3: in de, the document is in en: "
        "'Der Gemeinderat hat am Dienstag beschlossen, die alte Brück…'"])
    # stated German (the record's word): the English, most of the text, is its own too
    path = write_records(tmp_path / "corpus.jsonl", (text, "de"))
    assert run_check(path, capsys) == (0, [])


def test_check_reports_only_the_selected_code(tmp_path, capsys):
    text = "\n\n".join([ENGLISH, ENGLISH.replace("Tuesday", "Monday"), GERMAN,
                        ENGLISH.replace("Tuesday", "Friday"), ENGLISH.replace("river", "bay"),
                        "मुंबई में आज भारी बारिश हुई और कई इलाकों में पानी भर गया है"])
    path = write_records(tmp_path / "corpus.jsonl", (text, "en"))
    assert [line.split(":")[1] for line in run_check(path, capsys)[1]] == [
        " C002 paragraph 6", " C003 paragraph 3"]
    assert [line.split(":")[1] for line in run_check(path, capsys, "C002")[1]] == [
        " C002 paragraph 6"]
    assert [line.split(":")[1] for line in run_check(path, capsys, "C003")[1]] == [
        " C003 paragraph 3"]


def test_check_asks_the_language_step_only_about_a_document_with_a_suspect(tmp_path, capsys,
                                                                             monkeypatch):
    asked = []

    def counting_judge(blocks, langs=None):
        asked.append(langs)
        return judge(blocks, langs)

    monkeypatch.setattr(check, "judge", counting_judge)
    path = write_records(tmp_path / "corpus.jsonl",
                         (ENGLISH + "\n\n" + ENGLISH.replace("Tuesday", "Monday"), "en"),
                         (text_of("en_hindi_ticker.txt"), "en"),
                         ("\n\n".join(text_of("ja_code.txt").split("\n\n")[:3]), "ja"))
    code, out = run_check(path, capsys)
    assert code == 1
    assert [line.split(":")[0] for line in out] == ["2"]
    assert asked == [("en",)]  # the ticker's Devanagari line is the one suspect


def test_check_fixes_what_the_language_step_removes(tmp_path, capsys):
    path = write_records(tmp_path / "corpus.jsonl", (text_of("de_russian_quote.txt"), "de"))
    assert cli.main(["check", str(path), "--select", "C002,C003", "--fix", "-q"]) == 0
    capsys.readouterr()
    text = json.loads(path.read_text(encoding="utf-8"))["text"]
    assert "Подпишитесь" not in text
    assert "«Здесь всё очень чисто" in text
