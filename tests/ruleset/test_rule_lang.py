"""Rules that apply by the document's language (``lang``), and lint that sees ``trim_tail``."""

import json

import pytest
from test_rules_cli import DEFAULT  # a minimal _default.toml with one tested rule

from cleaner import cli
from cleaner.learn.profile import read_pages
from cleaner.model import Block, Doc, RawDoc, Source
from cleaner.ruleset import (
    RuleError,
    RuleSet,
    apply_text_rules,
    document_language,
    load_rules,
    parse_rule_file,
    rule_verdicts,
)
from cleaner.ruleset.tools.context import build_context
from cleaner.ruleset.tools.lint import lint
from cleaner.run.pipeline import build_steps, clean_one
from cleaner.steps.boilerplate import guess_stoplist

ARTICLE = [
    "Council approves the new bridge",
    "The city council voted on Monday to approve a new bridge over the river after two years.",
    "Construction will start in spring and take three years, the council said in a statement.",
]


def page(lines):
    """An HTML page whose article holds ``lines``."""
    body = "".join(f"<p>{t}</p>" for t in lines)
    return f"<html><body><article><h1>{lines[0]}</h1>{body}</article></body></html>"


def site_file(rules, lines, must_contain, must_not_contain=(), lang=None, kind="text"):
    """A rule file for a.com with the given rules and one test of ``lines``."""
    test_lang = f'lang = "{lang}"\n' if lang else ""
    text = chr(10).join(lines) + chr(10) if kind == "text" else page(lines)
    return (f'description = "a.com"\n\n[match]\nhosts = ["a.com"]\n\n{rules}\n\n'
            f'[[test]]\nname = "page"\nurl = "https://www.a.com/story"\n{test_lang}'
            f'kind = "{kind}"\ninput = {json.dumps(text)}\n'
            f"must_contain = {json.dumps(list(must_contain))}\n"
            f"must_not_contain = {json.dumps(list(must_not_contain))}\n")


def rules_dir(tmp_path, files):
    d = tmp_path / "rules"
    d.mkdir()
    (d / "_default.toml").write_text(DEFAULT, encoding="utf-8")
    for name, text in files.items():
        (d / f"{name}.toml").write_text(text, encoding="utf-8")
    return d


def lint_file(d, name):
    return lint(build_context([str(d / f"{name}.toml")]))


# --- lint R101 and trim_tail ---------------------------------------------------------------------

TRIM = "[[trim_tail]]\nname = \"agency_credit\"\npattern = '\\s+\\(agency: \\w+\\)$'\n"


def test_r101_trim_tail_that_trims_a_tail_in_its_tests_is_tested(tmp_path):
    # The credit goes and the sentence stays: the rule removes no whole line, yet it works.
    lines = [*ARTICLE, "Work on the approach roads begins first, the council said on Monday "
             "evening. (agency: AFP)"]
    d = rules_dir(tmp_path, {"a.com": site_file(TRIM, lines, ["Work on the approach roads"],
                                                ["(agency: AFP)"])})
    assert lint_file(d, "a.com") == []


def test_r101_trim_tail_that_trims_nothing_in_its_tests_is_untested(tmp_path):
    d = rules_dir(tmp_path, {"a.com": site_file(TRIM, ARTICLE, ["The city council voted"])})
    (f,) = lint_file(d, "a.com")
    assert f.code == "R101"
    assert "trim_tail.agency_credit" in f.message
    assert (d / "a.com.toml").read_text().splitlines()[f.line - 1] == 'name = "agency_credit"'


# --- the lang key: loading ------------------------------------------------------------------------

DE_ARTICLE = [
    "Stadtrat beschließt Ausbau des Radwegenetzes",
    "Der Stadtrat hat am Donnerstag mit großer Mehrheit beschlossen, das Radwegenetz in den "
    "kommenden fünf Jahren um rund vierzig Kilometer zu erweitern.",
    "Die Kosten von etwa 28 Millionen Euro sollen zur Hälfte aus Fördermitteln des Landes "
    "kommen, und die Arbeiten beginnen im Frühjahr.",
]
EN_ARTICLE = [
    "Council approves the new bridge",
    "The city council voted on Monday to approve a new bridge over the river after two years "
    "of debate, and the work will start in the spring.",
    "Construction will take three years, the council said in a statement, and it will cost "
    "about twenty million pounds in all.",
]
PROMO = "[[drop_line]]\nname = \"promo_label\"\npattern = '^Promo$'\nlang = [\"de\", \"nl\"]\n"


@pytest.mark.parametrize(("lang", "message"), [
    ('["deu"]', "'deu' is not an ISO 639-1 language code"),
    ('["DE"]', "'DE' is not an ISO 639-1 language code"),
    ('[]', "expected a non-empty list of ISO 639-1 language codes"),
    ('"de"', "expected a non-empty list of ISO 639-1 language codes"),
])
def test_lang_is_validated_on_load_naming_file_and_rule(lang, message):
    text = site_file(f"[[drop_line]]\nname = \"promo_label\"\npattern = '^Promo$'\nlang = {lang}\n",
                     DE_ARTICLE, ["Der Stadtrat"])
    with pytest.raises(RuleError) as exc:
        parse_rule_file(text.encode(), "a.com", "rules/a.com.toml")
    assert str(exc.value).startswith("rules/a.com.toml: drop_line[0].lang (rule 'promo_label')")
    assert message in str(exc.value)


def test_a_test_table_language_is_validated():
    text = site_file(PROMO, DE_ARTICLE, ["Der Stadtrat"], lang="german")
    with pytest.raises(RuleError, match=r"test\[0\]\.lang: 'german' is not an ISO 639-1"):
        parse_rule_file(text.encode(), "a.com", "rules/a.com.toml")


def test_every_directive_takes_lang():
    rules = (PROMO + "[[truncate_at]]\nname = \"cut\"\npattern = '^Cut$'\nlang = [\"de\"]\n"
             "[[drop_between]]\nname = \"box\"\nstart = '^A$'\nend = '^B$'\nlang = [\"de\"]\n"
             "[[drop_link_list]]\nname = \"list\"\nheading = '^L$'\nlang = [\"de\"]\n"
             "[[trim_tail]]\nname = \"tail\"\npattern = ' T$'\nlang = [\"de\"]\n")
    f = parse_rule_file(site_file(rules, DE_ARTICLE, ["Der Stadtrat"]).encode(), "a.com", "x")
    assert {r.rule.rsplit(".", 1)[1]: sorted(r.langs) for r in f.text} == {
        "cut": ["de"], "box": ["de"], "list": ["de"], "promo_label": ["de", "nl"], "tail": ["de"]}


# --- the document's language ----------------------------------------------------------------------

def lang_of(lines):
    blocks = [Block(t) for t in lines]
    return document_language(blocks, guess_stoplist(blocks))


@pytest.mark.parametrize(("lines", "code"), [
    (DE_ARTICLE, "de"),
    (EN_ARTICLE, "en"),
    (["Gemeenteraad keurt nieuwe brug goed", "De gemeenteraad heeft maandag ingestemd met de "
      "bouw van een nieuwe brug over de rivier, na twee jaar van discussie in de raad."], "nl"),
    (["市議会は月曜日、川に新しい橋を架ける計画を承認した。工事は春に始まり、三年かかる見込みだ。"],
     "ja"),
    (["市议会周一批准了在河上修建一座新桥的计划。工程将于春季开始，预计需要三年时间。"], "zh"),
    (["시의회는 월요일 강에 새 다리를 건설하는 계획을 승인했다. 공사는 봄에 시작된다."], "ko"),
    (["สภาเมืองอนุมัติแผนการสร้างสะพานแห่งใหม่ข้ามแม่น้ำเมื่อวันจันทร์ที่ผ่านมา"], "th"),
    (["12 34 56", "2019"], None),
])
def test_document_language_from_the_stoplist_or_the_script(lines, code):
    assert lang_of(lines) == code


@pytest.mark.parametrize(("declared", "code"), [
    ("de", "de"), ("de-AT", "de"), ("pt_BR", "pt"), ("NL", "nl"), ("german", "en"), ("", "en")])
def test_a_declared_language_wins_when_it_is_a_code(declared, code):
    blocks = [Block(t) for t in EN_ARTICLE]
    assert document_language(blocks, guess_stoplist(blocks), declared) == code


# --- applying ---------------------------------------------------------------------------------

def promo_file():
    return parse_rule_file(site_file(PROMO, DE_ARTICLE, ["Der Stadtrat"]).encode(), "a.com",
                           "rules/a.com.toml")


def test_a_lang_rule_applies_only_to_documents_in_its_languages():
    f = promo_file()
    blocks = [Block(t) for t in [*DE_ARTICLE, "Promo"]]
    kept, removed = apply_text_rules([f], blocks, "de")
    assert "Promo" not in [b.text for b in kept]
    assert [r.removed for r in removed] == [True]
    for lang in ("en", None):
        kept, removed = apply_text_rules([f], blocks, lang)
        assert [b.text for b in kept] == [b.text for b in blocks]
        (note,) = removed
        assert not note.removed
        assert note.text == "Promo"
        assert note.rule == "rules/a.com.toml:drop_line.promo_label"
    assert removed[0].reason == "suspended: a rule for de, nl; the document's language is not known"
    assert apply_text_rules([f], blocks, "en")[1][0].reason == \
        "suspended: a rule for de, nl; the document is in en"


def test_without_a_language_a_lang_rule_does_not_apply_and_others_do():
    default = parse_rule_file(DEFAULT.encode(), "_default", "rules/_default.toml")
    blocks = [Block(t) for t in [*DE_ARTICLE, "Promo", "Share"]]
    verdicts = rule_verdicts([default, promo_file()], blocks)
    assert {blocks[i].text for i in verdicts.removed} == {"Share"}
    assert verdicts.warnings() == ()  # a rule for another language is not a warning


def test_a_rule_for_another_language_explained_only_when_it_would_act():
    blocks = [Block(t) for t in EN_ARTICLE]
    assert apply_text_rules([promo_file()], blocks, "en")[1] == ()


def test_html_mode_applies_lang_rules_by_the_extracted_text():
    f = promo_file()
    rules = RuleSet((parse_rule_file(DEFAULT.encode(), "_default", "rules/_default.toml"), f))
    steps = build_steps(rules, None)

    def clean(lines):
        raw = RawDoc(page(lines).encode(), Source("x.html"), kind="html", url="https://a.com/x")
        out = clean_one(raw, steps)
        assert isinstance(out, Doc)
        return out

    de = clean([*DE_ARTICLE[:2], "Promo", DE_ARTICLE[2]])
    assert "Promo" not in de.text
    assert "Die Kosten" in de.text
    en = clean([*EN_ARTICLE[:2], "Promo", EN_ARTICLE[2]])
    assert "Promo" in en.text
    assert not en.warnings
    assert any(r.reason.startswith("suspended: a rule for de, nl") for r in en.removals)


# --- rules test, which ------------------------------------------------------------------------

def run(argv, capsys):
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_test_table_gives_the_document_language(tmp_path, capsys):
    # The page is English, but the test says it is German: the rule for German applies.
    lines = [*EN_ARTICLE[:2], "Promo", EN_ARTICLE[2]]
    d = rules_dir(tmp_path, {"a.com": site_file(PROMO, lines, ["The city council"], ["Promo"],
                                                lang="de", kind="html")})
    code, out, _ = run(["rules", "test", str(d / "a.com.toml")], capsys)
    assert (code, out.splitlines()[-1]) == (0, f"{d}/a.com.toml: 1 test passed")


def test_rules_test_says_a_rule_was_left_out_for_the_language(tmp_path, capsys):
    lines = [*EN_ARTICLE[:2], "Promo", EN_ARTICLE[2]]
    d = rules_dir(tmp_path, {"a.com": site_file(PROMO, lines, ["The city council"], ["Promo"],
                                                kind="html")})
    code, out, _ = run(["rules", "test", str(d / "a.com.toml")], capsys)
    assert code == 1
    assert (f"leaked 'Promo' (must_not_contain) ({d}/a.com.toml:drop_line.promo_label "
            "suspended: a rule for de, nl; the document is in en)") in out


def test_which_shows_the_document_language(tmp_path, capsys):
    de, unknown = tmp_path / "de.txt", tmp_path / "n.txt"
    de.write_text("\n\n".join(DE_ARTICLE), encoding="utf-8")
    unknown.write_text("12 34\n\n2019\n", encoding="utf-8")
    _, out, _ = run(["rules", "which", str(de)], capsys)
    assert f"{de}: text, no url, language de" in out
    _, out, _ = run(["rules", "which", str(unknown)], capsys)
    assert f"{unknown}: text, no url, language not known (no rule with lang applies)" in out


# --- the shipped rules for some languages only -----------------------------------------------

SHIPPED = load_rules().by_name("_default")


@pytest.mark.parametrize(("lang", "line", "removed"), [
    ("da", "Del", True), ("nb", "Del på Facebook", True), ("sv", "Dela artikeln", True),
    ("es", "del", False), ("pt", "Dela", False), ("it", "Del", False), (None, "Del", False),
    ("da", "Annonce", True), ("sv", "Annons", True), ("no", "Annonse", True),
    ("fr", "Annonce", False),
    ("fr", "PUB", True), ("fr", "- PUB -", True), ("en", "Pub", False), ("de", "Pub", False),
    ("da", "Læs også: Ny buslinje mellem station og sygehus", True),
    ("sv", "Läs också: Ny busslinje till sjukhuset", True),
    ("fr", "Les mer: le port et ses marins", False),
    ("es", "Se también: la guía", False),
])
def test_shipped_labels_apply_by_language(lang, line, removed):
    blocks = [Block(t) for t in [*DE_ARTICLE[1:], line]]
    kept, _ = apply_text_rules([SHIPPED], blocks, lang)
    assert (line not in [b.text for b in kept]) is removed


def test_a_nordic_related_heading_takes_its_list_not_the_article():
    lines = ["Mest læste", "Parkering i centrum bliver dyrere", "Nye lyskryds på Banegårdsgade",
             "Byrådet har torsdag aften med et stort flertal vedtaget at bygge en ny cykelsti "
             "langs havnen, som skal forbinde bydelene."]
    kept, _ = apply_text_rules([SHIPPED], [Block(t) for t in lines], "da")
    assert [b.text for b in kept] == lines[3:]
    assert len(apply_text_rules([SHIPPED], [Block(t) for t in lines], "de")[0]) == 4


def test_r101_a_lang_rule_counts_only_tests_in_its_languages(tmp_path):
    # The line is there, but the test page is English: the rule for German never runs on it.
    lines = [*EN_ARTICLE[:2], "Promo", EN_ARTICLE[2]]
    d = rules_dir(tmp_path, {"a.com": site_file(PROMO, lines, ["The city council"], kind="html")})
    (f,) = lint_file(d, "a.com")
    assert f.code == "R101"
    assert "drop_line.promo_label" in f.message
    assert "in de, nl" in f.message
    d2 = tmp_path / "declared"
    d2.mkdir()
    (d2 / "_default.toml").write_text(DEFAULT, encoding="utf-8")
    (d2 / "a.com.toml").write_text(site_file(PROMO, lines, ["The city council"], ["Promo"],
                                             lang="de", kind="html"), encoding="utf-8")
    assert lint_file(d2, "a.com") == []


@pytest.mark.parametrize(("lang", "line", "removed"), [
    ("en", "Tags: bridges, city council, transport", True),
    ("en", "Tag: digitimes.com", True),
    ("it", "Tag: Cavalieri dello Zodiaco, Netflix", True),
    ("id", "Tag: banjir, Jakarta", True),
    ("de", "Tag: Samstag, 3. Mai", False),
    ("da", "Tag: bussen til stationen", False),
    (None, "Tag: riverside", False),
    ("de", "Schlagwörter: Radwege, Stadtrat", True),
    ("ja", "タグ: ソフトウェア", True),
    ("en", "Tags are sold at the counter: two pounds each for the harbour car park.", False),
])
def test_shipped_tag_lines(lang, line, removed):
    blocks = [Block(t) for t in [*DE_ARTICLE[1:], line]]
    kept, _ = apply_text_rules([SHIPPED], blocks, lang)
    assert (line not in [b.text for b in kept]) is removed


def test_a_tag_heading_takes_its_short_links_not_the_article():
    lines = ["Tags", "Bridges", "City council", EN_ARTICLE[1]]
    kept, _ = apply_text_rules([SHIPPED], [Block(t) for t in lines], "en")
    assert [b.text for b in kept] == [EN_ARTICLE[1]]


@pytest.mark.parametrize(("lang", "lines", "gone"), [
    ("en", ["You may also like...", "Bridge builders win award", EN_ARTICLE[1]], 2),
    ("pt", ["Você pode gostar\u2026", "Mensagens de amizade para o fim de semana",
            "O conselho municipal aprovou na segunda-feira uma nova ponte sobre o rio, depois "
            "de dois anos de debate."], 2),
    ("ja", ["スポンサードリンク",
            "市議会は月曜日、川に新しい橋を架ける計画を承認した。工事は春に始まる。"], 1),
    ("it", ["(Leggi anche: I Cavalieri dello Zodiaco arrivano su Netflix)",
            "Il consiglio comunale ha approvato lunedì un nuovo ponte sul fiume dopo due anni "
            "di discussione."], 1),
    ("it", ["(Leggi anche il rapporto del comune, che spiega come saranno spesi i soldi.)"], 0),
])
def test_headings_with_an_ellipsis_and_bracketed_read_also_links(lang, lines, gone):
    kept, _ = apply_text_rules([SHIPPED], [Block(t) for t in lines], lang)
    assert [b.text for b in kept] == lines[gone:]


def test_suggest_sees_the_default_rules_for_the_pages_language(tmp_path):
    # A Danish site: 'Del' and 'Annonce' are already removed by defaults for Danish, so they
    # are no lines of the site for suggest to read (nor rules to propose).
    stories = [
        ("Byrådet vedtager ny cykelsti langs havnen", "Byrådet har torsdag aften med et stort "
         "flertal vedtaget at bygge en ny cykelsti langs havnen, som skal forbinde bydelene."),
        ("Ny buslinje mellem station og sygehus", "Fra næste måned kører en ny buslinje hver "
         "tiende minut mellem stationen og sygehuset, oplyser trafikselskabet i en meddelelse."),
        ("Skolerne åbner igen efter oversvømmelsen", "Alle skoler i den nedre bydel åbner igen "
         "på mandag, efter at vandet er trukket tilbage fra gaderne, siger borgmesteren."),
    ]
    for n, (title, text) in enumerate(stories):
        (tmp_path / f"p{n}.txt").write_text(f"{title}\n\n{text}\n\nDel\n\nAnnonce\n\nMere fra "
                                            "Lokalavisen om byen og dens mennesker hver dag\n",
                                            encoding="utf-8")
    pages, _ = read_pages([str(tmp_path)], load_rules())
    for page in pages:
        removed = {page.blocks[i].text: r.rule for i, r in page.existing.items()}
        assert removed["Del"].endswith("drop_line.share_prompt_nordic")
        assert removed["Annonce"].endswith("drop_line.advertisement_label_nordic")


@pytest.mark.parametrize(("rule_langs", "doc_lang", "applies"), [
    (["no"], "nb", True), (["no"], "nn", True), (["nb"], "no", True), (["nn"], "nb", False),
    (["sh"], "hr", True), (["sr"], "sh", True), (["hr"], "sr", False), (["de"], "da", False),
])
def test_a_macrolanguage_covers_its_members(rule_langs, doc_lang, applies):
    rules = f"[[drop_line]]\nname = \"p\"\npattern = '^Promo$'\nlang = {json.dumps(rule_langs)}\n"
    f = parse_rule_file(site_file(rules, DE_ARTICLE, ["Der"]).encode(), "a", "x")
    assert f.text[0].applies_to(doc_lang) is applies


def test_a_page_in_an_unspaced_script_is_in_its_language_whatever_its_latin_words():
    # The product names fit some stoplist (the guess picked Igbo): the script knows better.
    lines = ["Kindle for PCのショートカットキーを無効にする方法",
             "さて、このKindle for PC、操作性などあまり良くない印象があります。",
             "Adobe Acrobatを新しいパソコンにインストールしたら認証できない",
             "FTP client for PC"]
    assert lang_of(lines) == "ja"
    # A page that is mostly English with a line of Japanese stays English.
    assert lang_of([*EN_ARTICLE, "市議会は月曜日、新しい橋を承認した。"]) == "en"
