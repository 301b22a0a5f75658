"""``cleaner rules lint``: what loading a rule file cannot see.

Loading already refuses malformed files (R001 reports that and goes on). Lint then looks at
what the rules do: on the file's own test inputs, run through the real pipeline up to the text
directives (rules that remove nothing there are untested), at the patterns themselves
(impossible ones, ones that match every line), and across the whole set (the same pattern
twice, a host in two files, fingerprints that pick up another file's pages).
"""

from __future__ import annotations

import textwrap
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from lxml import etree

from cleaner.model import Block, Doc
from cleaner.ruleset import (
    DropBetween,
    DropLinkList,
    RuleFile,
    RuleSet,
    RuleTest,
    TextRule,
    TrimTail,
    TruncateAt,
    apply_html_rules,
    document_language,
    trafilatura_options,
)
from cleaner.ruleset.tools.context import RulesContext, TomlSource, problem_line
from cleaner.ruleset.tools.patterns import line_anchored, matches_everything, why_impossible
from cleaner.run.pipeline import Pipeline
from cleaner.steps.boilerplate import guess_stoplist
from cleaner.steps.core import IMPORTED_MIN_KEPT, kept_share
from cleaner.steps.extract import extract_html, parse_html

# code -> (name, what it means); README and --help list these.
CODES: dict[str, tuple[str, str]] = {
    "R001": ("does-not-load", "the file does not load (TOML syntax, unknown key, bad regex or "
             "XPath, no test): the loader's message"),
    "R101": ("untested", "a directive, selector or fingerprint that matches nothing in any of "
             "the file's own tests: untested, or it never matches"),
    "R102": ("impossible-pattern", "a pattern that can never match a line (needs a line "
             "break, text after $ or before ^, or an empty line)"),
    "R103": ("matches-every-line", "a pattern that matches every line (it matches the empty "
             "string): it would remove the whole text"),
    "R104": ("placeholder-test", "a generated placeholder test (import-ftr): replace it with a "
             "saved page of the site"),
    "R105": ("empties-its-tests", "the file's html rules keep under half of the article of an "
             "html test page it matches (the words extracted from the page without them): a "
             "body XPath that selects the wrong element, or a strip that takes the article"),
    "R201": ("duplicate-pattern", "two rules of the set with the same pattern or selector"),
    "R202": ("shadowed-by-truncate", "a rule whose every removal in the file's tests is "
             "already cut by a truncate_at of the same file"),
    "R203": ("repeats-default", "a site rule with the same pattern or selector as a rule of "
             "_default, which applies to every document"),
    "R204": ("hidden-file", "two rule directories hold a file of the same name: only the "
             "first is used"),
    "R301": ("host-in-two-files", "a host listed in two files (or twice in one)"),
    "R302": ("fingerprint-false-positive", "a file's fingerprints match another file's test "
             "page, so the file would apply to it too"),
    "R303": ("fingerprint-anchor", "a fingerprint regex with ^ or $ but no (?m): it matches "
             "only at the start or end of the whole page"),
    "R304": ("fingerprint-matches-all", "a fingerprint that every page contains"),
}


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One lint finding, printed as ``path:line: CODE message``."""

    path: str
    line: int
    code: str
    message: str
    # Another file the finding is also about: it is reported when either file is linted.
    also: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {self.message}"


def _short(rule: TextRule) -> str:
    """``drop_line.name`` from a rule id ``label:drop_line.name``."""
    return rule.rule.rsplit(":", 1)[1]


def _patterns(rule: TextRule) -> tuple[tuple[str, Any], ...]:
    """The (field, compiled regex) pairs of a text rule."""
    if isinstance(rule, DropBetween):
        return (("start", rule.start), ("end", rule.end))
    if isinstance(rule, DropLinkList):
        return (("heading", rule.heading),)
    return (("pattern", cast(Any, rule).pattern),)


# --- what the file's own tests show -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Probe:
    """A test input as the rules see it: the lines for text directives, the parsed page."""

    test: RuleTest
    blocks: tuple[Block, ...]
    tree: Any  # a fresh parse of an HTML test, for selectors; None for text
    lang: str | None = None  # the document's language, as rules with ``lang`` see it


def _probe(rules: RuleSet, file: RuleFile, test: RuleTest) -> _Probe:
    raw = test.raw_doc(file.label)
    result = Pipeline(rules).clean(raw, until="extract")
    tree = None
    if isinstance(result, Doc) and result.kind == "html":
        tree = parse_html(result.source_text)  # a fresh parse: extraction changes its tree
    blocks = result.blocks if isinstance(result, Doc) else ()
    return _Probe(test, blocks, tree,
                  document_language(blocks, guess_stoplist(blocks), raw.meta.get("lang")))


def _selected(xpath: etree.XPath, tree: Any) -> bool:
    try:
        found = cast(list[Any], xpath(tree))
    except etree.XPathError:
        return False
    return any(isinstance(el, etree._Element) for el in found)


class _FileLint:
    """The checks of one loaded file against its own tests."""

    def __init__(self, file: RuleFile, rules: RuleSet, source: TomlSource) -> None:
        self.file = file
        self.source = source
        self.probes = [_probe(rules, file, t) for t in file.tests]

    def finding(self, line: int, code: str, message: str) -> Finding:
        return Finding(self.file.label, line, code, message)

    def rule_line(self, rule: TextRule) -> int:
        directive, name = _short(rule).split(".", 1)
        return self.source.rule_line(directive, name)

    def run(self) -> Iterator[Finding]:
        yield from self.text_rules()
        yield from self.selectors()
        yield from self.fingerprints()
        yield from self.empties()
        for test in self.file.tests:
            if test.name.startswith("placeholder"):
                yield self.finding(self.source.test_line(test.name), "R104",
                                   f"test {test.name!r} is a generated placeholder, not a page "
                                   "of the site: replace it with a saved page (kind = \"html\") "
                                   "and lines its article must keep and lose")

    def hits(self, rule: TextRule) -> set[tuple[int, int]]:
        """The (test, line) pairs the rule acts on: lines it removes, or (``trim_tail``)
        lines it cuts a tail off, which stay."""
        return {(t, i) for t, p in enumerate(self.probes) if rule.applies_to(p.lang)
                for i in _acted_on(rule, p.blocks)}

    def text_rules(self) -> Iterator[Finding]:
        truncations = [r for r in self.file.text if isinstance(r, TruncateAt)]
        cut = {r.rule: self.hits(r) for r in truncations}
        for rule in self.file.text:
            line = self.rule_line(rule)
            for fname, regex in _patterns(rule):
                why = why_impossible(regex.pattern)
                if why:
                    yield self.finding(line, "R102", f"{_short(rule)}: {fname} "
                                       f"{regex.pattern!r} can never match a line: {why}")
                elif matches_everything(regex):
                    yield self.finding(line, "R103", f"{_short(rule)}: {fname} "
                                       f"{regex.pattern!r} matches every line")
            hits = self.hits(rule)
            if not hits:
                yield self.finding(line, "R101", f"{_short(rule)} removes {_what(rule)} "
                                   "in this file's tests (untested, or it never matches): add "
                                   "a test line it must remove, or remove the rule")
                continue
            if isinstance(rule, TruncateAt):
                continue
            by = [name for name, lines in cut.items() if hits <= lines]
            if by:
                yield self.finding(line, "R202", f"{_short(rule)}: every line it removes in "
                                   f"this file's tests is already cut by {_short_id(by[0])}: "
                                   "add a test where it does its own work, or remove it")

    def selectors(self) -> Iterator[Finding]:
        trees = [p.tree for p in self.probes if p.tree is not None]
        html = self.file.html
        checks = [(rule_id.rsplit(":", 1)[1], text, xp) for rule_id, text, xp in html.remove]
        checks += [(*named, xp) for named, xp in zip(self.body_selectors(), html.body,
                                                      strict=False)]
        for where, text, xpath in checks:
            if any(_selected(xpath, t) for t in trees):
                continue
            line = self.source.value_line("html", where.split("[", 1)[0], text)
            shown = f"html.{where} {text!r}"
            why = "selects nothing in this file's html tests" if trees else \
                "is untested: this file has no html test (kind = \"html\")"
            yield self.finding(line, "R101", f"{shown} {why}")

    def empties(self) -> Iterator[Finding]:
        """R105: html tests the file matches whose article its html rules (almost) empty."""
        if not (self.file.html.body or self.file.html.remove):
            return
        for test in self.file.tests:
            if test.kind != "html" or not self.file.match_reason(test.url, test.input):
                continue
            share = html_rules_kept_share(self.file, test)
            if share is not None and share < IMPORTED_MIN_KEPT:
                yield self.finding(self.source.test_line(test.name), "R105",
                                   f"the html rules keep {share:.0%} of the article of test "
                                   f"{test.name!r}: a body XPath selects the wrong element, or "
                                   "a strip takes the article")

    def body_selectors(self) -> list[tuple[str, str]]:
        """(key, selector) of the body choices, in the order the loader compiled them."""
        try:
            html = tomllib.loads("\n".join(self.source.lines)).get("html", {})
        except tomllib.TOMLDecodeError:
            return []
        return ([(f"body_xpath[{i}]", x) for i, x in enumerate(html.get("body_xpath", []))]
                + [(f"body_css[{i}]", x) for i, x in enumerate(html.get("body_css", []))])

    def fingerprints(self) -> Iterator[Finding]:
        line = self.source.key_line("match", "fingerprints")
        for fp in self.file.fingerprints:
            fline = self.source.value_line("match", "fingerprints", fp.text) or line
            if fp.regex is not None and line_anchored(fp.regex.pattern):
                yield self.finding(fline, "R303", f"fingerprint {fp.text!r} uses ^ or $ without "
                                   "(?m): it matches only at the start or end of the whole page;"
                                   " add (?m) to match lines")
            if (fp.regex is not None and matches_everything(fp.regex)) or not fp.text.strip():
                yield self.finding(fline, "R304", f"fingerprint {fp.text!r} is found in every "
                                   "page")
            elif not any(fp.found_in(p.test.input) for p in self.probes):
                yield self.finding(fline, "R101", f"fingerprint {fp.text!r} is found in none of "
                                   "this file's tests")


def html_rules_kept_share(file: RuleFile, test: RuleTest) -> float | None:
    """The share of the words of a test page's article (extracted without the file's html
    rules) that extraction with them keeps; None when the page has no article words."""
    bare, ruled = parse_html(test.input), parse_html(test.input)
    if bare is None or ruled is None:
        return None
    article = extract_html(bare, bare, test.url, {})
    body, _ = apply_html_rules([file], ruled)
    found = extract_html(ruled, body, test.url, trafilatura_options([file]))
    return kept_share(article.blocks, found.blocks)


def _acted_on(rule: TextRule, blocks: Sequence[Block]) -> list[int]:
    """The lines a rule removes, or for ``trim_tail`` also those it trims."""
    if isinstance(rule, TrimTail):
        return [i for i, b in enumerate(blocks) if rule.trim(b.text) is not None]
    return rule.apply(blocks)


def _what(rule: TextRule) -> str:
    what = "no line nor the tail of a line" if isinstance(rule, TrimTail) else "no line"
    return what + (f" of a page in {', '.join(sorted(rule.langs))}" if rule.langs else "")


def _short_id(rule_id: str) -> str:
    return rule_id.rsplit(":", 1)[1]


# --- across the set -----------------------------------------------------------------------------


def _duplicates(rules: RuleSet, sources: dict[str, TomlSource]) -> Iterator[Finding]:
    """R201 and R203: the same pattern or selector in two rules of the set."""
    seen: dict[tuple[str, ...], list[tuple[RuleFile, str, int]]] = defaultdict(list)
    for f in rules.files:
        src = sources[f.label]
        for rule in f.text:
            directive, name = _short(rule).split(".", 1)
            key = tuple(regex.pattern for _, regex in _patterns(rule))
            kind = "between" if isinstance(rule, DropBetween) else "pattern"
            seen[(kind, *key)].append((f, _short(rule), src.rule_line(directive, name)))
        for rule_id, text, _ in f.html.remove:
            where = rule_id.rsplit(":", 1)[1]
            line = src.value_line("html", where.split("[", 1)[0], text)
            seen[("remove", text)].append((f, f"html.{where}", line))
    for key, owners in seen.items():
        if len(owners) < 2:
            continue
        what = "selector" if key[0] == "remove" else "pattern"
        for f, where, line in owners:
            others = [(o, w) for o, w, _ in owners if (o, w) != (f, where)]
            default = next(((o, w) for o, w in others if o.is_default), None)
            if default and not f.is_default:
                yield Finding(f.label, line, "R203", f"{where} has the same {what} as "
                              f"{default[0].label} {default[1]}, which applies to every "
                              "document: remove this one")
            else:
                names = ", ".join(f"{o.label} {w}" if o is not f else w for o, w in others)
                yield Finding(f.label, line, "R201", f"{where} has the same {what} {key[1]!r} "
                              f"as {names}")


def _hosts(rules: RuleSet, sources: dict[str, TomlSource]) -> Iterator[Finding]:
    """R301: a host listed in two files, or twice in one (``=example.com``, that host alone,
    and ``example.com`` both list example.com)."""
    owners: dict[str, list[tuple[RuleFile, str]]] = defaultdict(list)
    for f in rules.files:
        for h in f.hosts:
            owners[h.removeprefix("=")].append((f, h))
    for entries in owners.values():
        files = [f for f, _ in entries]
        if len(files) < 2:
            continue
        for f, host in {o.label: (o, h) for o, h in entries}.values():
            others = [o.label for o in files if o is not f]
            where = ", ".join(dict.fromkeys(others)) if others else "this file, twice"
            line = sources[f.label].value_line("match", "hosts", host)
            yield Finding(f.label, line, "R301", f"host {host!r} is also listed in {where}: "
                          "both files apply to its pages; keep it in one")


def _false_positives(rules: RuleSet, sources: dict[str, TomlSource]) -> Iterator[Finding]:
    """R302: a file's fingerprints pick up another file's test page."""
    for f in rules.files:
        if not f.fingerprints or f.is_default:
            continue
        line = sources[f.label].key_line("match", "fingerprints")
        for other in rules.files:
            if other is f:
                continue
            for test in other.tests:
                why = f.match_reason(test.url, test.input)
                if why and why.startswith("fingerprints"):
                    yield Finding(f.label, line, "R302", f"fingerprints match the page of "
                                  f"{other.label} test {test.name!r} ({why.split(': ', 1)[1]}):"
                                  " this file would apply to it too; make them more specific or "
                                  "raise min_fingerprints", also=other.label)


# --- running ------------------------------------------------------------------------------------


def lint(ctx: RulesContext, ignore: Iterable[str] = ()) -> list[Finding]:
    """Every finding about the context's target files, sorted; ``ignore`` drops codes."""
    sources = {label: ctx.source(label) for label in ctx.paths}
    findings = [Finding(p.label, problem_line(sources[p.label], p), "R001",
                        f"does not load: {p.key + ': ' if p.key else ''}{p.message}")
                for p in ctx.problems]
    for f in ctx.rules.files:
        if f.label in ctx.targets:
            findings += _FileLint(f, ctx.rules, sources[f.label]).run()
    for kept, hidden in ctx.hidden:
        findings.append(Finding(hidden, 0, "R204", f"{kept} has the same file name and is used "
                                "instead: rename one"))
    findings += _duplicates(ctx.rules, sources)
    findings += _hosts(ctx.rules, sources)
    findings += _false_positives(ctx.rules, sources)
    return _filter(findings, ctx, sources, frozenset(ignore))


def _filter(findings: Sequence[Finding], ctx: RulesContext, sources: dict[str, TomlSource],
            ignore: frozenset[str]) -> list[Finding]:
    """Keep findings about target files, not ignored, not silenced by ``# noqa``; no repeats."""
    targets = set(ctx.targets)
    out = []
    for f in dict.fromkeys(findings):
        if (f.path not in targets and f.also not in targets) or f.code in ignore:
            continue
        src = sources.get(f.path)
        if src is not None and src.noqa(f.line, f.code):
            continue
        out.append(f)
    return sorted(out, key=lambda f: (f.path, f.line, f.code, f.message))


def codes_help() -> str:
    """The table of lint codes, for --help."""
    return "\n".join(textwrap.fill(f"{code}  {name}: {what}", 96, initial_indent="  ",
                                   subsequent_indent="        ")
                     for code, (name, what) in CODES.items())

