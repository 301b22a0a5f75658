"""A site's profile, learned from many pages of it: the rule file ``cleaner rules learn`` and
``cleaner rules suggest`` write, and ``cleaner clean`` learns during a run.

Pages of one site share their navigation, prompts, "Related" headings and footers, and little
else. The pages are read like ``cleaner clean`` reads them (text scrapes line by line, HTML
through the site's existing rules and trafilatura), and a line that recurs on at least half of
them (at least 2) and is not long prose is boilerplate:

- a recurring line after which every page that has it holds only boilerplate (recurring lines
  and short non-prose lines, such as varying headlines) becomes a ``truncate_at``: on each page
  the earliest such line is the marker;
- a recurring heading, not cut by those, followed by short link-like lines that vary from page
  to page becomes a ``drop_link_list``;
- every other recurring line that is still left becomes a ``drop_line`` (``^...$``, escaped);
  three or more that come one after another make one rule.

Lines the existing rules (``_default``, a theme) already remove get no rule. ``match.hosts``
come from the pages' URLs (``rules learn`` and a run's profiles: exact, ``"=HOST"``, the hosts
the pages were on and not their subdomains); pages without one are matched by fingerprints, the
most distinctive lines all of them share. Tests are real pages (their lines as the rules see
them), picked until every proposed rule removes something in one; each must keep a line unique
to its page and lose recurring ones. The file is checked with the loader and its tests before
it is written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import math
import re
import textwrap
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import re2

from cleaner.config import ConfigError, InputConfig, ManifestEntry
from cleaner.inputs import iter_inputs
from cleaner.learn.themes import SmallSites, Theme, public_host, shared_marks
from cleaner.model import Block, Doc, RawDoc, Reject, Skipped, Source
from cleaner.ruleset import (
    LINK_LIST_MAX_WORDS,
    DropLine,
    DropLinkList,
    RuleError,
    RuleFile,
    RuleSet,
    TextRule,
    TruncateAt,
    compile_regex,
    document_language,
    host_of,
    is_link_like,
    is_prose,
    parse_rule_file,
    text_rule_verdicts,
)
from cleaner.ruleset.selftest import run_rule_test
from cleaner.ruleset.tools.context import with_file
from cleaner.ruleset.tools.patterns import escape
from cleaner.ruleset.tools.toml_out import dumps
from cleaner.run.pipeline import Pipeline
from cleaner.steps.boilerplate import guess_stoplist

MAX_WORDS = 25  # a recurring line longer than this is long prose: reported, not ruled
HEADING_MAX_WORDS = 8
GROUP_MIN = 3  # this many recurring lines in a row make one drop_line
MAX_TESTS = 3
TEST_CANDIDATES = 20
MAX_TEST_CHARS = 8000
MAX_FINGERPRINTS = 3
_NAME = re2.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class Page:
    """One scraped page: its lines as the text directives see them."""

    source: str
    url: str | None
    source_text: str
    blocks: tuple[Block, ...]
    existing: dict[int, TextRule]  # line -> the existing rule that removes it
    texts: tuple[str, ...] = ()

    @classmethod
    def of(cls, doc: Doc, existing: dict[int, TextRule]) -> Page:
        return cls(str(doc.raw.source), doc.url, doc.source_text, doc.blocks, existing,
                   tuple(b.text for b in doc.blocks))


def read_pages(paths: Sequence[str], rules: RuleSet) -> tuple[list[Page], list[str]]:
    """The pages of the inputs, and a note for each input that could not be used."""
    pages: list[Page] = []
    skipped: list[str] = []
    reader = _PageReader(rules)
    for item in iter_inputs(InputConfig(paths=tuple(paths))):
        page = reader.read(item, skipped)
        if page is not None:
            pages.append(page)
    return pages, skipped


def read_sites(paths: Sequence[str], rules: RuleSet, max_pages: int,
               manifest: Mapping[str, ManifestEntry] | None = None
               ) -> tuple[dict[str, list[Page]], list[str]]:
    """The pages of the inputs by site (the host of their URL), at most ``max_pages`` a site
    (the first ones), and a note for each input that could not be used. A page without a URL
    belongs to no site and is noted. ``manifest``: input path -> its URL, as ``cleaner clean
    --manifest`` reads it (a site built to files has no URL in its pages, or a localhost one)."""
    sites: dict[str, list[Page]] = {}
    skipped: list[str] = []
    reader = _PageReader(rules)
    for item in iter_inputs(InputConfig(paths=tuple(paths), manifest=dict(manifest or {}))):
        page = reader.read(item, skipped, by_site=True)
        if page is None:
            continue
        host = host_of(page.url)
        if host is None:
            skipped.append(f"{page.source}: skipped: no URL, so no site (give the site's pages "
                           "to `cleaner rules suggest --host HOST`)")
            continue
        if public_host(host) is None:
            skipped.append(f"{page.source}: skipped: its URL's host {host} is no public site's "
                           "(a site built locally?): give the pages their URLs (a manifest)")
            continue
        site = sites.setdefault(host, [])
        if len(site) < max_pages:
            site.append(page)
    return sites, skipped


# A page that shares at least this share of its prose lines with pages read before it is a
# copy of a story (the same article at a second URL, a print or AMP version, the same wire
# story again): left out, or its article's lines would recur and look like the template.
COPY_SHARE = 0.5


class _PageReader:
    """Inputs to pages, through the pipeline up to extraction; copies are left out (a copy
    would make its article look like boilerplate)."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.pipeline = Pipeline(rules)
        # per site, a digest of a page's lines -> the page
        self.seen: dict[str | None, dict[bytes, str]] = {}
        # per site, a prose line -> the first page it was on
        self.prose: dict[str | None, dict[str, str]] = {}

    def read(self, item: RawDoc | Reject | Skipped, skipped: list[str], by_site: bool = False
             ) -> Page | None:
        """The page of an input (None, with a note, when it cannot be used); ``by_site``: a
        copy is looked for among the pages of its own site (the host of its URL) only."""
        if isinstance(item, Skipped):
            skipped.append(f"{item.source}: skipped: {item.detail}")
            return None
        doc = item if isinstance(item, Reject) else self.pipeline.clean(item, until="extract")
        if isinstance(doc, Reject):
            source = doc.source or item.source
            skipped.append(f"{source}: skipped: {doc.reason.value}: {doc.detail}")
            return None
        if not doc.blocks:
            skipped.append(f"{doc.raw.source}: skipped: no text")
            return None
        return self.page(doc, skipped, host_of(doc.url) if by_site else None)

    def page(self, doc: Doc, skipped: list[str], site: str | None = None) -> Page | None:
        files = [self.rules.by_name(n) for n in doc.sites]
        lang = document_language(doc.blocks, guess_stoplist(doc.blocks), doc.raw.meta.get("lang"))
        page = Page.of(doc, text_rule_verdicts(files, doc.blocks, lang))
        same = self.seen.setdefault(site, {})
        digest = hashlib.blake2b("\n".join(page.texts).encode("utf-8", "surrogatepass"),
                                 digest_size=16).digest()
        if digest in same:
            skipped.append(f"{page.source}: skipped: the same text as {same[digest]}")
            return None
        seen = self.prose.setdefault(site, {})
        copy = _copy_of(page, seen)
        if copy is not None:
            skipped.append(f"{page.source}: skipped: most of its prose is on {copy} too (a "
                           "copy of the same story)")
            return None
        same[digest] = page.source
        for text in page.texts:
            if is_prose(text):
                seen.setdefault(text, page.source)
        return page

    def forget(self, site: str | None) -> None:
        """Let what was kept of a site's pages go (its profile is learned)."""
        self.prose.pop(site, None)
        self.seen.pop(site, None)


def _copy_of(page: Page, seen: dict[str, str]) -> str | None:
    """The page read before that holds most of this page's prose lines, if any."""
    prose = [t for t in dict.fromkeys(page.texts) if is_prose(t)]
    found = Counter(seen[t] for t in prose if t in seen)
    if not found:
        return None
    source, n = found.most_common(1)[0]
    return source if n >= COPY_SHARE * len(prose) else None


# --- finding the boilerplate --------------------------------------------------------------------


@dataclass
class Proposal:
    """A proposed rule: its table in the rule file, and why, for the report."""

    directive: str
    table: dict[str, Any]
    why: str
    rule: TextRule


@dataclass
class Analysis:
    """What recurs across the pages, and what is proposed."""

    pages: list[Page]
    threshold: int
    df: Counter[str]
    headlines: dict[str, str] = field(default_factory=dict)  # line -> page it heads
    inside: dict[str, str] = field(default_factory=dict)  # line -> a page it is inside of
    first: dict[str, tuple[int, int]] = field(default_factory=dict)  # line -> (page, index)
    _covered: dict[int, tuple[int, set[int]]] = field(default_factory=dict)
    proposals: list[Proposal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    # A theme's line must be on the pages of this many sites (else it is one site's own).
    min_hosts: int = 1
    sites: Counter[str] = field(default_factory=Counter)  # line -> on pages of how many hosts

    def recurring(self, text: str) -> bool:
        return (self.df[text] >= self.threshold and len(text.split()) <= MAX_WORDS
                and any(ch.isalnum() for ch in text) and text not in self.headlines
                and (self.min_hosts <= 1 or self.sites[text] >= self.min_hosts))

    def template(self, text: str) -> bool:
        """A recurring line that is never inside a page's own article (see :func:`_inside`)."""
        return self.recurring(text) and text not in self.inside

    def on(self, text: str) -> str:
        if self.min_hosts > 1:
            return f"on {self.df[text]} of {len(self.pages)} pages of {self.sites[text]} sites"
        return f"on {self.df[text]} of {len(self.pages)} pages"

    def covered(self, page: Page) -> set[int]:
        """Lines of a page that existing or proposed rules remove."""
        n, out = self._covered.get(id(page), (0, set(page.existing)))
        for p in self.proposals[n:]:
            out.update(p.rule.apply(page.blocks))
        self._covered[id(page)] = (len(self.proposals), out)
        return out

    def name(self, base: str) -> str:
        name, n = base, 2
        while name in self.names:
            name, n = f"{base}_{n}", n + 1
        self.names.add(name)
        return name


def slug(text: str, words: int = 5) -> str:
    """A rule name from a line (or a line's shape: its numbers are left out): its first ASCII
    words, lower case."""
    text = text.replace(_NUMBER, " ")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    parts = re2.findall(r"[a-z0-9]+", ascii_text)[:words]
    return "_".join(parts)[:40].strip("_") or "line"


_DIGITS = re.compile(r"[0-9]+")
_NUMBER = "\x00"


def shape(text: str) -> str:
    """A short line (not prose) with its numbers as one placeholder (``( 6 min read )`` and
    ``( 12 min read )`` are one line of the template), when words are left besides them; else
    the line itself: prose, a line of numbers alone."""
    if not any("0" <= ch <= "9" for ch in text) or is_prose(text):
        return text
    shaped = _DIGITS.sub(_NUMBER, text)
    return shaped if any(ch.isalpha() for ch in shaped) else text


def _body(text: str) -> str:
    """A pattern for the line's shape, without anchors: its numbers match any number."""
    return "[0-9]+".join(escape(part) for part in shape(text).split(_NUMBER))


def shape_pattern(text: str) -> str:
    """A pattern matching exactly the lines of ``text``'s shape."""
    return "^" + _body(text) + "$"


def analyse(pages: list[Page], min_hosts: int = 1) -> Analysis:
    """Count in how many pages each line (each shape: see :func:`shape`) occurs, and find the
    headlines among them; ``min_hosts``: a line must be on the pages of this many sites (the
    hosts of their URLs) to recur (a theme's template)."""
    shapes: Counter[str] = Counter()
    hosts: dict[str, set[str | None]] = {}
    first: dict[str, tuple[int, int]] = {}
    for n, page in enumerate(pages):
        shaped = {shape(t) for t in page.texts}
        shapes.update(shaped)
        if min_hosts > 1:
            host = host_of(page.url)
            for s in shaped:
                hosts.setdefault(s, set()).add(host)
        for i, text in enumerate(page.texts):
            first.setdefault(text, (n, i))
    df: Counter[str] = Counter({t: shapes[shape(t)] for t in first})
    a = Analysis(pages, max(2, math.ceil(len(pages) / 2)), df, first=first, min_hosts=min_hosts)
    if min_hosts > 1:
        a.sites = Counter({t: len(hosts[shape(t)] - {None}) for t in first})
    a.headlines = _headlines(a)
    a.inside = _inside(a)
    return a


def _inside(a: Analysis) -> dict[str, str]:
    """Recurring lines that sit inside a page's own article: with prose of the page's own (no
    other page has it) before and after them. They are the article's structure (a
    "Conclusion" heading, a newsletter's recurring sections), not the site's template, which
    keeps to the page's top and bottom; a box in the middle of articles is learned only as a
    heading with a list under it (``drop_link_list``)."""
    inside: dict[str, str] = {}
    for page in a.pages:
        texts = page.texts
        own = [i for i, t in enumerate(texts) if a.df[t] < a.threshold and is_prose(t)]
        if len(own) < 2:
            continue
        for t in texts[own[0] + 1:own[-1]]:
            if a.df[t] >= a.threshold:
                inside.setdefault(t, page.source)
    return inside


def _headlines(a: Analysis) -> dict[str, str]:
    """Recurring lines that are one page's headline and other pages' links to it.

    A page's own article starts at its first prose line that no other page shares. Boilerplate
    keeps its place, above that line on every page (a menu) or below it (a footer); a line
    that is above it on one page and below it on others is that page's title, linked from the
    others: content, not boilerplate. Pages with no prose of their own say nothing.
    """
    above: dict[str, set[str]] = {}
    below: set[str] = set()
    for page in a.pages:
        texts = page.texts
        start = next((i for i, t in enumerate(texts)
                      if is_prose(t) and a.df[t] < a.threshold), None)
        if start is None:
            continue
        for i, t in enumerate(texts):
            if a.df[t] >= a.threshold:
                if i < start:
                    above.setdefault(t, set()).add(page.source)
                else:
                    below.add(t)
    return {t: sorted(src)[0] for t, src in above.items() if t in below}


def _ends_in_boilerplate(a: Analysis, page: Page, i: int) -> bool:
    """After line ``i``, only recurring lines, short lines and headline-like links follow."""
    texts = page.texts
    if not any(is_prose(t) for t in texts[:i]):
        return False
    return all(a.recurring(t) or not is_prose(t) or is_link_like(t, LINK_LIST_MAX_WORDS)
               for t in texts[i + 1:])


def _propose_truncations(a: Analysis) -> None:
    markers: dict[str, str] = {}
    good: dict[str, bool] = {}
    for page in a.pages:
        for i, text in enumerate(page.texts):
            if not a.recurring(text) or i in page.existing:
                continue
            if text not in good:
                good[text] = all(_ends_in_boilerplate(a, p, j) for p in a.pages
                                 for j, t in enumerate(p.texts) if shape(t) == shape(text))
            if good[text]:
                markers.setdefault(shape(text), text)
                break
    for text in markers.values():
        _propose_at_line(a, "truncate_at", text, "and_after",
                         f"'{text}' ({a.on(text)}) and the boilerplate after it",
                         f"{a.on(text)}; every page that has it holds only boilerplate after it")


def _propose_at_line(a: Analysis, directive: str, text: str, suffix: str, reason: str,
                     why: str) -> None:
    """A truncation or a link list at the lines of ``text``'s shape."""
    name = a.name(f"{slug(shape(text))}_{suffix}")
    pattern = shape_pattern(text)
    compiled = re2.compile(pattern)
    rule: TextRule
    if directive == "truncate_at":
        key, rule = "pattern", TruncateAt(rule=name, reason="", pattern=compiled)
    else:
        key, rule = "heading", DropLinkList(rule=name, reason="", heading=compiled)
    a.proposals.append(Proposal(directive, {"name": name, key: pattern, "reason": reason}, why,
                                rule))


def _link_list_ok(a: Analysis, heading: str) -> bool:
    """A heading whose uncovered occurrences are each followed by a run of link-like lines,
    some of which vary from page to page, none of them the page's first own line (its title),
    and not by the heading again (see :func:`_series`)."""
    varying = False
    seen = False
    for page in a.pages:
        covered = a.covered(page)
        texts = page.texts
        own = [t for t in texts if a.df[t] == 1]
        for i, t in enumerate(texts):
            if shape(t) != shape(heading) or i in covered:
                continue
            seen = True
            run = []
            for nxt in texts[i + 1:]:
                if not is_link_like(nxt, LINK_LIST_MAX_WORDS):
                    break
                run.append(nxt)
            # A list is two lines or more: one short line after a heading is a section's
            # sub-heading, or its first line.
            if len(run) < 2 or (own and own[0] in run) or _series(texts, i + 1 + len(run),
                                                                  heading):
                return False
            varying = varying or any(not a.recurring(x) for x in run)
    return seen and varying


def _series(texts: Sequence[str], end: int, heading: str) -> bool:
    """The line that ends a heading's run is the heading again, numbered on (``Example 2:``
    after ``Example 1:``'s lines): the heading is one of a series of the article's own
    sections, each with its short lines, not a list's title. A list's heading does not
    come back right under its links."""
    return end < len(texts) and shape(texts[end]) == shape(heading)


# A line of numbers and punctuation alone ("6", "2.", "10:30") is no list's heading: a code
# listing's gutter of line numbers recurs on every page with varying short lines under it.
_NUMBERS_ONLY = re.compile(r"[\d\W_]*\d[\d\W_]*")


def _propose_link_lists(a: Analysis) -> None:
    headings: dict[str, str] = {}
    for t in sorted(a.df, key=lambda t: _first_seen(a, t)):
        if (a.recurring(t) and len(t.split()) <= HEADING_MAX_WORDS and not t.endswith(".")
                and not _NUMBERS_ONLY.fullmatch(t)):
            headings.setdefault(shape(t), t)
    for text in headings.values():
        if _link_list_ok(a, text):
            _propose_at_line(a, "drop_link_list", text, "list",
                             f"'{text}' and the short link lines under it ({a.on(text)})",
                             f"{a.on(text)}; followed by short link-like lines that vary by "
                             "page")


def _first_seen(a: Analysis, text: str) -> tuple[int, int]:
    return a.first.get(text, (len(a.pages), 0))


def _leftover(a: Analysis) -> list[str]:
    """Recurring lines that no existing or proposed rule removes on some page."""
    left: dict[str, str] = {}  # shape -> its first line
    covered = {id(p): a.covered(p) for p in a.pages}
    for page in a.pages:
        for i, text in enumerate(page.texts):
            if a.template(text) and i not in covered[id(page)]:
                left.setdefault(shape(text), text)
    return sorted(left.values(), key=lambda t: _first_seen(a, t))


def _groups(a: Analysis, lines: list[str]) -> list[list[str]]:
    """Split lines (in order of first appearance) into runs that sit one after another."""
    groups: list[list[str]] = []
    for text in lines:
        n, i = _first_seen(a, text)
        if groups:
            pn, pi = _first_seen(a, groups[-1][-1])
            if (pn, pi + 1) == (n, i):
                groups[-1].append(text)
                continue
        groups.append([text])
    out: list[list[str]] = []
    for g in groups:
        out += [g] if len(g) >= GROUP_MIN else [[t] for t in g]
    return out


def _propose_drop_lines(a: Analysis) -> None:
    for group in _groups(a, _leftover(a)):
        text = group[0]
        if len(group) == 1:
            pattern = shape_pattern(text)
            name = a.name(slug(shape(text)))
            reason = f"line {a.on(text)}"
            why = a.on(text)
        else:
            pattern = "^(?:" + "|".join(_body(t) for t in group) + ")$"
            name = a.name(f"{slug(shape(text), 3)}_block")
            reason = f"{len(group)} lines that recur together ({a.on(text)})"
            why = f"{len(group)} lines in a row, {a.on(text)}: " + ", ".join(map(repr, group))
        try:
            compiled = compile_regex(pattern, "suggest", name)
        except RuleError as exc:
            a.notes.append(f"{text!r}: no rule: {exc}")
            continue
        a.proposals.append(Proposal("drop_line", {"name": name, "pattern": pattern,
                                                  "reason": reason}, why,
                                    DropLine(rule=name, reason="", pattern=compiled)))


def _note_skipped(a: Analysis) -> None:
    covered = {id(p): a.covered(p) for p in a.pages}
    for text in sorted(a.df, key=lambda t: _first_seen(a, t)):
        if a.df[text] >= a.threshold:
            note = _why_no_rule(a, text, covered)
            if note:
                a.notes.append(note)


def _why_no_rule(a: Analysis, text: str, covered: dict[int, set[int]]) -> str | None:
    if text in a.headlines:
        return (f"no rule for {text!r} ({a.on(text)}): the headline of {a.headlines[text]}, "
                "linked from other pages")
    if a.min_hosts > 1 and a.sites[text] < a.min_hosts:
        return f"no rule for {text!r} ({a.on(text)}): one site's line, not the theme's"
    if len(text.split()) > MAX_WORDS:
        return (f"skipped {text[:60]!r}...: {a.on(text)} but long prose "
                f"({len(text.split())} words); review by hand")
    seen = [(p, i) for p in a.pages for i, t in enumerate(p.texts) if t == text]
    if all(i in p.existing for p, i in seen):
        removers = {p.existing[i].rule for p, i in seen}
        return (f"no rule for {text!r} ({a.on(text)}): already removed by "
                f"{', '.join(sorted(removers))}")
    if text in a.inside and not all(i in covered[id(p)] for p, i in seen):
        return (f"no rule for {text!r} ({a.on(text)}): inside the article of "
                f"{a.inside[text]} (its own prose before and after it)")
    return None


def propose(pages: list[Page], min_hosts: int = 1) -> Analysis:
    """Analyse the pages and propose truncations, link lists and dropped lines; a line must
    be on the pages of ``min_hosts`` sites (a theme's template)."""
    a = analyse(pages, min_hosts)
    _propose_truncations(a)
    _propose_link_lists(a)
    _propose_drop_lines(a)
    _note_skipped(a)
    return a


# --- matching -----------------------------------------------------------------------------------


def _fingerprints(a: Analysis, rules: RuleSet, pages: list[Page]) -> list[str]:
    """Distinctive lines on every page in ``pages``, found verbatim in their raw text, that no
    other rule file's test page contains."""
    common = set(pages[0].texts)
    for p in pages[1:]:
        common &= set(p.texts)
    others = [t.input for f in rules.files for t in f.tests]
    picked = [t for t in common
              if a.recurring(t) and len(t.split()) >= 2 and len(t) >= 12
              and all(t in p.source_text for p in pages)
              and not any(t in other for other in others)]
    picked.sort(key=lambda t: (-len(t), t))
    return picked[:MAX_FINGERPRINTS]


def match_table(a: Analysis, rules: RuleSet, hosts: Sequence[str],
                marks: Sequence[str] = (), exact: bool = False) -> dict[str, Any]:
    """``[match]``: hosts from the URLs (or --host), fingerprints for pages without a URL; a
    theme's ``marks`` found in all its pages are fingerprints too (new sites of the theme).
    ``exact``: the hosts as ``=HOST``, that host alone, not its subdomains (whose pages the
    rules never saw)."""
    found = sorted({h for p in a.pages if (h := host_of(p.url))} | set(hosts))
    table: dict[str, Any] = {}
    if found:
        table["hosts"] = [f"={h}" for h in found] if exact else found
    fps = [m for m in marks if all(m in p.source_text for p in a.pages)][:MAX_FINGERPRINTS]
    if fps:
        table["fingerprints"] = fps
        table["min_fingerprints"] = min(2, len(fps))
        a.notes.append(f"the theme's marks, for its other sites: {', '.join(map(repr, fps))}")
    unmatched = [p for p in a.pages if not hosts and not host_of(p.url)]
    if unmatched:
        fps = _fingerprints(a, rules, unmatched)
        if fps:
            table["fingerprints"] = fps
            table["min_fingerprints"] = min(2, len(fps))
            a.notes.append(f"{len(unmatched)} pages have no URL: matched by fingerprints "
                           f"{', '.join(map(repr, fps))}")
        elif not found:
            raise ConfigError("the pages have no URL and share no distinctive line to use as a "
                              "fingerprint: give the site's host with --host")
        else:
            a.notes.append(f"{len(unmatched)} pages have no URL and no fingerprint fits: the "
                           "file applies to them only by host")
    return table


# --- tests --------------------------------------------------------------------------------------


def page_input(page: Page, a: Analysis) -> str:
    """A page's lines as a text scrape, blank lines kept; long pages lose middle prose."""
    blocks = list(page.blocks)
    text = _join(blocks)
    if len(text) <= MAX_TEST_CHARS:
        return text
    own = [i for i, b in enumerate(blocks) if a.df[b.text] == 1 and is_prose(b.text)]
    drop = set(own[3:-2])
    return _join([b for i, b in enumerate(blocks) if i not in drop])


def _join(blocks: Sequence[Block]) -> str:
    out = ""
    for i, b in enumerate(blocks):
        if i:
            out += "\n" * (1 + max(b.gap, 0))
        out += b.text
    return out + "\n"


def _clean(rules: RuleSet, text: str, url: str | None) -> Doc | Reject:
    raw = RawDoc(data=text.encode("utf-8"), source=Source("suggest"), kind="text", url=url,
                 url_from="test" if url else None)
    return Pipeline(rules).clean(raw)


def _prefix(text: str, chars: int = 60) -> str:
    """The start of a line, cut at a word, for a must_contain check."""
    if len(text) <= chars:
        return text
    return text[:chars].rsplit(" ", 1)[0]


@dataclass
class _TestCase:
    page: Page
    table: dict[str, Any]
    rules_hit: set[str]


def _test_case(a: Analysis, rules: RuleSet, label: str, page: Page, name: str,
               host: str | None) -> _TestCase | None:
    text = page_input(page, a)
    # A page without a URL is tested at the site's host (--host), so that the file applies.
    url = page.url or (f"https://{host}/" if host else None)
    result = _clean(rules, text, url)
    if not isinstance(result, Doc):
        return None
    kept = result.text
    kept_lines = {b.text for b in result.blocks}
    must = [_prefix(t) for t in page.texts
            if a.df[t] == 1 and is_prose(t) and t in kept_lines]
    mine = [r for r in result.removals if r.removed and r.rule.startswith(label + ":")]
    gone: dict[str, list[str]] = {}  # rule -> recurring lines it removed, longest first
    for r in mine:
        if a.recurring(r.text) and len(r.text) >= 6 and r.text not in kept:
            gone.setdefault(r.rule, []).append(r.text)
    if not must:
        return None
    by_length = [sorted(lines, key=len, reverse=True) for lines in gone.values()]
    must_not = list(dict.fromkeys([lines[0] for lines in by_length]
                                  + sorted((t for ls in by_length for t in ls), key=len,
                                           reverse=True)))
    table: dict[str, Any] = {"name": name}
    if url:
        table["url"] = url
    table["input"] = text
    table["must_contain"] = list(dict.fromkeys([must[0], must[-1]]))
    if must_not:
        table["must_not_contain"] = must_not[:4]
    return _TestCase(page, table, {r.rule.rsplit(":", 1)[1] for r in mine})


def pick_tests(a: Analysis, rules: RuleSet, label: str, host: str | None
               ) -> list[_TestCase]:
    """Pages as tests, greedily, until every proposed rule removes something in one."""
    # Only the pages most rules hit are run through the pipeline: that is what costs.
    hits = [sum(bool(p.rule.apply(page.blocks)) for p in a.proposals) for page in a.pages]
    order = sorted(range(len(a.pages)), key=lambda n: -hits[n])[:TEST_CANDIDATES]
    cases = []
    for n in sorted(order):
        page = a.pages[n]
        base = slug(Path(page.source).stem, 4)
        name = a.name(base if base.startswith("page") else f"page_{base}")
        case = _test_case(a, rules, label, page, name, host)
        if case:
            cases.append(case)
    wanted = {f"{p.directive}.{p.table['name']}" for p in a.proposals}
    chosen: list[_TestCase] = []
    while cases and len(chosen) < MAX_TESTS:
        best = max(cases, key=lambda c: (len(c.rules_hit & wanted), "must_not_contain" in
                                         c.table))
        if chosen and not best.rules_hit & wanted:
            break
        chosen.append(best)
        cases.remove(best)
        wanted -= best.rules_hit
    return chosen


# --- the rule file ------------------------------------------------------------------------------


def _data(name: str, a: Analysis, match: dict[str, Any], tests: list[dict[str, Any]]
          ) -> dict[str, Any]:
    of = "the site" if a.min_hosts <= 1 else f"{len(match.get('hosts', []))} sites of one theme"
    data: dict[str, Any] = {
        "description": f"{name}: learned by cleaner from {len(a.pages)} pages of {of}; "
        "review before use.", "match": match}
    for directive in ("truncate_at", "drop_link_list", "drop_line"):
        tables = [p.table for p in a.proposals if p.directive == directive]
        if tables:
            data[directive] = tables
    data["test"] = tests
    return data


def _header(a: Analysis) -> str:
    return "\n".join(textwrap.wrap(
        f"Learned by cleaner (rules learn, rules suggest) from {len(a.pages)} pages: a line is "
        "boilerplate "
        f"when it recurs on at least {a.threshold} of them"
        + (f" (of {a.min_hosts} sites or more)" if a.min_hosts > 1 else "")
        + " and is not long prose. Review every "
        "rule (is it boilerplate on the site's other pages too?), rename rules by what they "
        "remove, then run `cleaner rules check` on the file.", 96))


@dataclass
class Suggestion:
    """The result: the file name, the TOML text, the report, and whether its tests pass."""

    name: str
    toml: str
    report: list[str]
    passed: bool
    rules: RuleFile | None = None  # the file as loaded
    proposed: int = 0  # how many rules it holds


def suggest(paths: Sequence[str], rules: RuleSet, name: str | None,
            hosts: Sequence[str] = ()) -> Suggestion:
    """Read the pages of one site, propose rules and tests, and check the file with the
    loader."""
    pages, skipped = read_pages(paths, rules)
    if len(pages) < 2:
        raise ConfigError(f"suggest needs at least 2 pages of the site; {len(pages)} read from "
                          f"{', '.join(paths)}" + (f" ({skipped[0]})" if skipped else ""))
    return learn_site(pages, rules, name, hosts, skipped)


def learn_site(pages: list[Page], rules: RuleSet, name: str | None,
               hosts: Sequence[str] = (), skipped: Sequence[str] = (),
               label: str | None = None, theme: Sequence[str] | None = None,
               exact: bool = False) -> Suggestion:
    """Propose a rule file from the pages of one site (at least 2), with tests taken from the
    pages, and check it with the loader and its tests.

    ``label`` names the file in rule ids (default ``NAME.toml``): a profile learned during a run
    is ``profile:HOST``, so that what it removes says so. ``theme``: the pages are of several
    sites of one theme (``hosts``); a line must recur on the pages of two of them, and these
    marks of the theme, where all the pages have them, are the file's fingerprints. ``exact``:
    the file applies to the hosts of its pages alone (``=HOST``), not to their subdomains.
    """
    a = propose(pages, 1 if theme is None else 2)
    match = match_table(a, rules, hosts, theme or (), exact)
    if not name and not match.get("hosts"):
        a.notes.append("no host to name the file after: named 'site'; give --name")
    name = name or (match.get("hosts") or ["site"])[0].removeprefix("=")
    if not _NAME.search(name):
        raise ConfigError(f"--name {name!r}: use lower-case letters, digits, '.', '-' and '_'")
    label = label or f"{name}.toml"
    draft = _load(name, label, a, match, [{"name": "draft", "input": "x",
                                           "must_contain": ["x"]}])
    context = with_file(rules, draft)
    tests = pick_tests(a, context, label, hosts[0] if hosts else None)
    if not tests:
        raise ConfigError("no page keeps a line of its own after cleaning: no test can be built")
    tables = [c.table for c in tests]
    if match.get("fingerprints"):
        tables.append(_marks_test(tables[0], match["fingerprints"]))
    text = dumps(_data(name, a, match, tables), {(): _header(a)})
    final = parse_rule_file(text.encode("utf-8"), name, label)
    results = [run_rule_test(with_file(rules, final), final, t) for t in final.tests]
    report = _report(a, tests, list(skipped))
    report += [f"test {r.test.name!r} FAILED: {'; '.join(r.problems)}"
               for r in results if not r.passed]
    return Suggestion(name, text, report, all(r.passed for r in results), final,
                      len(a.proposals))


def _marks_test(table: dict[str, Any], marks: Sequence[str]) -> dict[str, Any]:
    """A test page of a new site of the theme, with no URL, so that the file applies by its
    fingerprints: a test's lines as an HTML page that loads the theme's scripts and
    stylesheets (its marks), or as they are (a text scrape's marks are its lines)."""
    if not all(m.endswith(("/", ".js", ".css")) for m in marks):
        return {k: v for k, v in table.items() if k != "url"} | {
            "name": f"{table['name']}_by_its_marks"}
    head = []
    for mark in marks:
        path = "/" + mark.lstrip("/") + ("" if mark.endswith((".js", ".css")) else "style.css")
        head.append(f'<script src="{html.escape(path)}"></script>' if path.endswith(".js")
                    else f'<link rel="stylesheet" href="{html.escape(path)}">')
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in table["input"].splitlines()
                   if line.strip())
    page = (f"<html><head>{''.join(dict.fromkeys(head))}</head><body><article>\n{body}"
            "</article></body></html>\n")
    out = {"name": f"{table['name']}_by_its_marks", "kind": "html", "input": page,
           "must_contain": table["must_contain"]}
    if "must_not_contain" in table:
        out["must_not_contain"] = table["must_not_contain"]
    return out


def _load(name: str, label: str, a: Analysis, match: dict[str, Any],
          tests: list[dict[str, Any]]) -> RuleFile:
    return parse_rule_file(dumps(_data(name, a, match, tests)).encode("utf-8"), name, label)


def _report(a: Analysis, tests: list[_TestCase], skipped: list[str]) -> list[str]:
    lines = [f"{len(a.pages)} pages; a line recurs when it is on at least {a.threshold} of them"]
    lines += skipped
    for p in a.proposals:
        lines.append(f"{p.directive}.{p.table['name']}: {p.why}")
    if not a.proposals:
        lines.append("no recurring lines that existing rules leave: no rule proposed")
    lines += a.notes
    for c in tests:
        hit = ", ".join(sorted(c.rules_hit)) or "no rule of this file"
        lines.append(f"test {c.table['name']!r} from {c.page.source} (exercises {hit})")
    return lines


# --- many sites ---------------------------------------------------------------------------------

# A site needs this many pages before its profile is learned: a line then has to recur on at
# least 3 different pages (half of them), which a lede shared by two stories or a correction
# repeated once does not, and prose of more than MAX_WORDS words never becomes a rule.
MIN_PAGES = 5
# The first pages of a site that its profile is learned from: enough to see its template,
# while the pages held and the analysis (which compares pages with each other) stay bounded.
MAX_PAGES = 100


@dataclass
class Learned:
    """What ``learn`` found: a rule file for each site that had enough pages and recurring
    lines, and a report of every site and input."""

    files: list[Suggestion]
    report: list[str]


def learn(paths: Sequence[str], rules: RuleSet, min_pages: int = MIN_PAGES,
          max_pages: int = MAX_PAGES, manifest: Mapping[str, ManifestEntry] | None = None
          ) -> Learned:
    """Learn the profile of every site with at least ``min_pages`` pages in the inputs, and of
    every theme (see :mod:`cleaner.learn.themes`) whose smaller sites have as many together;
    ``manifest`` gives the inputs' URLs (see :func:`read_sites`)."""
    sites, skipped = read_sites(paths, rules, max_pages, manifest)
    learned = Learned([], list(skipped))
    small: dict[str, list[Page]] = {}
    for host in sorted(sites):
        if len(sites[host]) < max(2, min_pages):
            small[host] = sites[host]
        else:
            _learn_one(learned, host, sites[host], rules, _file_name(host))
    marks = SmallSites()
    for host, pages in small.items():
        for page in pages:
            marks.add(host, _bytes(page), None)
    themes = [t for t in marks.themes()
              if sum(len(small[h]) for h in t.hosts) >= max(2, min_pages)]
    theme_of = {h: t.key for t in themes for h in t.hosts}
    for host, pages in small.items():
        learned.report.append(f"{host}: {len(pages)} page(s), fewer than {min_pages}: nothing "
                              "learned" + (f" alone (see {theme_of[host]})"
                                           if host in theme_of else ""))
    for theme in themes:
        pages = [p for h in theme.hosts for p in small[h]][:max_pages]
        learned.report.append(f"{theme.key}: the theme of {', '.join(theme.hosts)}")
        fps = shared_marks({h: [_bytes(p) for p in small[h]] for h in theme.hosts})
        _learn_one(learned, theme.key, pages, rules, f"theme-{theme.name}",
                   dataclasses.replace(theme, marks=fps))
    return learned


def _bytes(page: Page) -> bytes:
    return page.source_text.encode("utf-8", "surrogatepass")


def _learn_one(learned: Learned, key: str, pages: list[Page], rules: RuleSet, name: str,
               theme: Theme | None = None) -> None:
    """Learn one site's (or theme's) file into ``learned``, or say why not."""
    try:
        # Exact hosts: the file was tested on these hosts' pages, not their subdomains'.
        found = learn_site(pages, rules, name, theme.hosts if theme else (),
                           theme=theme.marks if theme else None, exact=True)
    except ConfigError as exc:
        learned.report.append(f"{key}: nothing learned: {exc}")
        return
    if not found.proposed:
        learned.report.append(f"{key}: {len(pages)} pages, no recurring lines that the "
                              "existing rules leave: nothing learned")
        return
    learned.files.append(found)
    learned.report += [f"{key}: {line}" for line in found.report]


def _file_name(host: str) -> str:
    """A rule file name for a host: the host, in ASCII (IDNA) and with ``-`` for what a
    file name may not hold."""
    try:
        name = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        name = host.lower()
    name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "-" for c in name)
    return name.strip("-._") or "site"
