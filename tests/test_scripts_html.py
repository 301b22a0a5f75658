"""HTML mode in every script: the page's article is kept whole and its cruft goes.

Each ``fixtures/scripts/<lang>.html`` is a news page around the same article as ``<lang>.txt``
(its ``+`` lines): a header menu, a byline, a photo with a caption and credit, a "read also"
link, share buttons, a newsletter box, a related list, a comment form, a footer and a cookie
banner, all in the page's language. The page lists the lines that must go in a comment at its
top (``cruft: ...``), which the parser drops.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from lxml import html as lxml_html

from cleaner.model import Doc, RawDoc, Source
from cleaner.pipeline import build_steps, clean_one
from cleaner.ruleset import RuleSet, load_rules

SCRIPTS = Path(__file__).parent / "fixtures" / "scripts"
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
