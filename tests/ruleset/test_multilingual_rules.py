"""The default rules' cruft patterns in the languages of the news: what they remove, what they keep.

The rule file's own ``cruft_<lang>`` tests run the whole pipeline; here the default rules alone
are applied, so that a cruft line is shown to go by a rule (not by the classifier) and a sentence
of an article that uses the same words is shown to stay.
"""

import pytest

from cleaner.ruleset import apply_text_rules, load_rules
from cleaner.steps.extract import split_blocks

DEFAULT = load_rules().by_name("_default")
LANG_TESTS = [t for t in DEFAULT.tests if t.name.startswith("cruft_") and t.kind != "html"]
LANGS = {t.name.removeprefix("cruft_") for t in DEFAULT.tests if t.name.startswith("cruft_")}


def by_rules(text):
    kept, removals = apply_text_rules([DEFAULT], split_blocks(text))
    return "\n".join(b.text for b in kept), [r for r in removals
                                              if not r.reason.startswith("suspended")]


def test_every_language_of_the_news_has_a_page():
    news = {"en", "es", "pt", "fr", "de", "it", "nl", "pl", "ru", "uk", "tr", "ar", "fa", "hi",
            "bn", "id", "vi", "th", "ja", "zh", "ko"}
    assert news <= LANGS


@pytest.mark.parametrize("case", LANG_TESTS, ids=[t.name for t in LANG_TESTS])
def test_the_rules_alone_remove_the_cruft_and_keep_the_article(case):
    kept, removals = by_rules(case.input)
    assert [s for s in case.must_contain if s not in kept] == []
    assert [s for s in case.must_not_contain if s in kept] == []
    assert all(r.rule.startswith("rules/_default.toml:") for r in removals)


# Article sentences that use a label's words as prose: no default rule may touch them.
PROSE = [
    "Leia também o relatório completo, pediu o ministro aos deputados durante a sessão de ontem.",
    "Foto e vídeo do acidente circularam nas redes sociais durante toda a manhã de domingo.",
    "Los comentarios del ministro sobre la reforma fueron criticados por la oposición.",
    "Compartir la responsabilidad es la única salida, dijo la alcaldesa a los vecinos reunidos.",
    "À lire aussi les rapports de la Cour des comptes, on comprend mieux le retard du chantier.",
    "Die Kommentare des Kanzlers wurden im Bundestag scharf kritisiert, auch von Freunden.",
    "Anzeige gegen den Bürgermeister wurde am Montag bei der Staatsanwaltschaft erstattet.",
    "Leggi anche tu il libro, ha detto lo scrittore ai ragazzi della scuola media di Bari.",
    "Czytaj też umowy, zanim je podpiszesz, radzą prawnicy z urzędu ochrony konsumentów.",
    "Комментарии экспертов о модернизации флота разошлись: одни хвалят проект, другие критикуют.",
    "Реклама на улицах города будет ограничена новым законом, который вступит в силу в марте.",
    "Yorumlar moderasyon ekibinin sayısı hakkında değildi, dedi şirketin sözcüsü gazetecilere.",
    "Comments are moderated by thousands of contractors around the world, the report found.",
    "We use cookies, the bakers said, only from the village mill, as our grandparents did.",
    "Follow the money, the prosecutor told the jury, to find who paid for the Facebook ads.",
    "Baca juga dokumen yang disebut dalam laporan itu, kata juru bicara kementerian.",
    "Theo dõi tình hình bão trên Facebook của đài khí tượng, người dân đã kịp thời sơ tán.",
    "广告行业协会今天发布报告说，去年全国广告市场规模同比增长百分之八。",
    "関連記事の多くは、事故の原因について専門家の見方を紹介していました。",
    "사진을 찍던 관광객들은 갑자기 쏟아진 비에 서둘러 건물 안으로 대피했다.",
    "التعليقات التي أدلى بها الوزير أثارت جدلا واسعا في البرلمان يوم الثلاثاء الماضي.",
]


@pytest.mark.parametrize("sentence", PROSE)
def test_a_sentence_using_a_labels_words_is_kept(sentence):
    kept, removals = by_rules(f"{sentence}\n\nA second line, as pages have more than one.")
    assert sentence in kept, removals


@pytest.mark.parametrize(("line", "rule"), [
    ("Leia também: Governo anuncia novo pacote", "also_read_link_other_languages"),
    ("【関連記事】円安で輸出企業の利益が過去最高に", "also_read_link_other_languages"),
    ("▶ 관련기사: 서울 지하철 파업 철회", "also_read_link_other_languages"),
    ("इसे भी पढ\u093cें: दिल्ली में बारिश", "also_read_link_other_languages"),  # ढ + nukta, decomposed
    ("यह भी प\u095dें: मुंबई में बारिश", "also_read_link_other_languages"),  # ढ़ precomposed
    ("Fot. Reuters", "photo_credit_other_languages"),
    ("(Foto: Divulgação)", "photo_credit_other_languages"),
    ("12 comentários", "comment_section_label_other_languages"),
    ("Комментарии (4)", "comment_section_label_other_languages"),
    ("Continua após a publicidade", "advertisement_label_other_languages"),
    ("Artikel geht nach der Anzeige weiter", "advertisement_label_other_languages"),
    ("Diese Website verwendet Cookies, um Ihnen ein besseres Erlebnis zu bieten.",
     "cookie_consent_banner"),
    ("Abonnez-vous", "subscribe_prompt_other_languages"),
    ("Receba nossa newsletter gratuita", "subscribe_prompt_other_languages"),
])
def test_variants_of_a_label(line, rule):
    _, removals = by_rules(f"An opening line of the page.\n\n{line}")
    assert [r.rule.rsplit(".", 1)[-1] for r in removals] == [rule]
