"""HTML mode in every script: the page's article is kept whole and its cruft goes.

Each ``fixtures/scripts/<lang>.html`` is a news page around the same article as ``<lang>.txt``
(its ``+`` lines): a header menu, a byline, a photo with a caption and credit, a "read also"
link, share buttons, a newsletter box, a related list, a comment form, a footer and a cookie
banner, all in the page's language. The page lists the lines that must go in a comment at its
top (``cruft: ...``), which the parser drops.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from lxml import html as lxml_html

from cleaner import cli
from cleaner.model import Doc, RawDoc, Source
from cleaner.ruleset import RuleSet, load_rules
from cleaner.run.pipeline import Summary, build_steps, clean_one, run

SCRIPTS = Path(__file__).parent.parent / "fixtures" / "scripts"
LANGS = ["ja", "zh", "ko", "th", "my", "ar", "hi", "ru", "el", "he", "es", "de", "fr", "pt"]
_SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def article(lang: str) -> list[str]:
    """The article's lines: the ``+`` lines of the text fixture."""
    lines = (SCRIPTS / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    return [norm(line[2:]) for line in lines if line.startswith("+ ")]


def page(lang: str) -> str:
    return (SCRIPTS / f"{lang}.html").read_text(encoding="utf-8")


def cruft(lang: str) -> list[str]:
    return [norm(m) for m in re.findall(r"(?m)^cruft: (.+)$", page(lang))]


@cache
def rules() -> RuleSet:
    return load_rules()


def clean(lang: str) -> Doc:
    raw = RawDoc(page(lang).encode("utf-8"), Source(f"{lang}.html"), kind="html")
    out = clean_one(raw, build_steps(rules(), None))
    assert isinstance(out, Doc), out
    return out


def test_every_text_fixture_has_a_page() -> None:
    assert sorted(p.stem for p in SCRIPTS.glob("*.html")) == sorted(LANGS)
    assert sorted(p.stem for p in SCRIPTS.glob("*.txt")) == sorted(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_shows_its_article_and_its_cruft(lang: str) -> None:
    """The fixture is what it claims: every article line and cruft line is on the page."""
    body = lxml_html.fromstring(page(lang)).find("body")
    shown = norm(body.text_content())
    assert [line for line in article(lang) if line not in shown] == []
    assert len(cruft(lang)) >= 15
    assert [line for line in cruft(lang) if line not in shown] == []


@pytest.mark.parametrize("lang", LANGS)
def test_html_mode_keeps_the_article_whole_and_drops_the_cruft(lang: str) -> None:
    out = clean(lang)
    text = norm(" ".join(b.text for b in out.blocks))
    assert [line for line in article(lang) if line not in text] == []
    # What is left of each block once the article's lines are taken out: no cruft in it. (A
    # menu label may be a word of the article, as 経済 is of 経済団体.)
    rest = []
    for block in out.blocks:
        left = norm(block.text)
        for line in article(lang):
            left = left.replace(line, "\n")
        rest.append(left)
    assert [c for c in cruft(lang) if any(c in r for r in rest)] == []
    assert not any(r.rule.startswith("fallback:") for r in out.removals)


@pytest.mark.parametrize("lang", LANGS)
def test_html_mode_finds_the_title(lang: str) -> None:
    lines = (SCRIPTS / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    title = next(norm(line[2:]) for line in lines if line.startswith("~ "))
    assert clean(lang).title == title


# --- HTML mode never empties an article -----------------------------------------------------------

# Site rules gone wrong, as a user's --rules directory may hold them: each would take every
# paragraph of the article that trafilatura extracted.
BROKEN_SITE_RULES = {
    # Meant for a one-sentence stub under the photos; a drop_line is not under the prose guard.
    "drop_line": "[[drop_line]]\nname = \"photo_stub\"\npattern = '\\S\\.$'\n",
    # Meant for the author box; the site said force = true, and the layout changed.
    "forced_truncation": "[[truncate_at]]\nname = \"author_box\"\npattern = '(?i)^die '\n"
                         "min_prose_before = 0\nforce = true\n",
}


def with_site_rules(tmp_path: Path, directives: str) -> RuleSet:
    (tmp_path / "news.example.toml").write_text(
        f'description = "A site rule gone wrong."\n\n[match]\nhosts = ["news.example"]\n\n'
        f"{directives}\n[[test]]\nname = \"stub\"\ninput = \"A stub.\"\n"
        'must_not_contain = ["A stub."]\n', encoding="utf-8")
    return load_rules([tmp_path])


@pytest.mark.parametrize("broken", sorted(BROKEN_SITE_RULES))
def test_rules_that_would_empty_the_article_fall_back_to_the_extraction(tmp_path, broken) -> None:
    rules_ = with_site_rules(tmp_path, BROKEN_SITE_RULES[broken])
    raw = RawDoc(page("de").encode("utf-8"), Source("de.html"), kind="html")
    summary = Summary()
    [out] = list(run([raw], build_steps(rules_, None), summary))
    assert isinstance(out, Doc), out
    text = norm(" ".join(b.text for b in out.blocks))
    assert [line for line in article("de") if line not in text] == []
    [fallback] = [r for r in out.removals if r.rule.startswith("fallback:")]
    assert fallback.rule == "fallback:extraction"
    assert not fallback.removed
    assert "news.example.toml" in fallback.reason
    assert [w for w in out.warnings if w.startswith("fallback:")] == [fallback.reason]
    assert summary.warnings["fallback"] == 1
    # What the fallback undid is not counted as removed.
    assert not any("news.example.toml" in rule for rule in summary.removed_by_rule)


def test_a_site_rule_that_takes_part_of_the_article_is_no_fallback(tmp_path) -> None:
    # The last paragraph only: most of the prose is kept, the rule stands.
    rules_ = with_site_rules(tmp_path, "[[drop_line]]\nname = \"closing_line\"\n"
                                       "pattern = '(?i)^die kosten'\n")
    raw = RawDoc(page("de").encode("utf-8"), Source("de.html"), kind="html")
    out = clean_one(raw, build_steps(rules_, None))
    assert isinstance(out, Doc), out
    assert not any(r.rule.startswith("fallback:") for r in out.removals)
    assert any(r.rule.endswith("closing_line") for r in out.removals)


# A page whose article is a list of short lines; its only sentence is a comment policy.
SCHEDULE = """<!DOCTYPE html><html lang="es"><head><meta charset="utf-8">
<title>Calendario de la Liga Regional 2024</title></head><body>
<nav><a href="/">Portada</a> <a href="/futbol">Fútbol</a> <a href="/baloncesto">Baloncesto</a></nav>
<article><h1>Calendario de la Liga Regional 2024</h1>
<p>lunes, 8 de enero de 2024</p>
<p>Jornada 1: 3 de febrero – Estadio Municipal</p>
<p>Jornada 2: 10 de febrero – Campo de La Vega</p>
<p>Jornada 3: 17 de febrero – Polideportivo Norte</p>
<p>Jornada 4: 24 de febrero – Estadio Municipal</p>
<p>Jornada 5: 2 de marzo – Campo del Río</p>
<p>Jornada 6: 9 de marzo – Ciudad Deportiva</p>
<p>Jornada 7: 16 de marzo – Campo de La Vega</p>
<p>Jornada 8: 23 de marzo – Polideportivo Norte</p>
<p>Jornada 9: 6 de abril – Estadio Municipal</p>
<p>Jornada 10: 13 de abril – Campo del Río</p>
<p>* Fechas sujetas a cambios de la federación</p>
<p>Los comentarios ofensivos o que falten al respeto a otros lectores no serán publicados
por el moderador.</p>
</article>
<footer>© 2024 Deportes del Valle</footer></body></html>
"""


def test_a_list_article_that_loses_its_only_sentence_is_no_fallback() -> None:
    raw = RawDoc(SCHEDULE.encode("utf-8"), Source("schedule.html"), kind="html")
    out = clean_one(raw, build_steps(rules(), None))
    assert isinstance(out, Doc), out
    assert not any(r.rule.startswith("fallback:") for r in out.removals)
    assert "no serán publicados" not in out.text
    assert "Jornada 10: 13 de abril – Campo del Río" in out.text


def test_the_cli_explains_and_counts_the_fallback(tmp_path, capsys) -> None:
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    with_site_rules(rules_dir, BROKEN_SITE_RULES["drop_line"])
    out, explain = tmp_path / "out.jsonl", tmp_path / "explain.jsonl"
    code = cli.main(["clean", str(SCRIPTS / "de.html"), "--rules", str(rules_dir),
                     "-o", str(out), "--explain", str(explain)])
    err = capsys.readouterr().err
    assert code == 0
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(line in norm(record["text"]) for line in article("de"))
    explained = [json.loads(line) for line in explain.read_text(encoding="utf-8").splitlines()]
    assert [e["rule"] for e in explained if e["rule"].startswith("fallback:")] == \
        ["fallback:extraction"]
    assert re.search(r"warning\s+1\s+fallback", err), err
    assert "news.example.toml" not in err.partition("removed")[2]
