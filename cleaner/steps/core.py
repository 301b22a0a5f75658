"""The steps of ``cleaner clean``, in order: decode, parse, select rules, extract (HTML),
text rules, structure (text scrapes), keep the extraction, finish; and the time budget."""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar, Protocol

from cleaner.config import DEFAULT_TIMEOUT
from cleaner.inputs.encoding import decode_raw
from cleaner.inputs.sniff import SNIFF_BYTES, markup_in_text, sniff
from cleaner.model import Block, Doc, RawDoc, Reject, RejectReason, Removal, make_id
from cleaner.ruleset import (
    RuleFile,
    RuleSet,
    apply_html_rules,
    apply_text_rules,
    body_rule,
    document_language,
    prose_weight,
    rule_verdicts,
    trafilatura_options,
    trimmed_removal,
)
from cleaner.safetext import printable
from cleaner.steps import boilerplate
from cleaner.steps.extract import (
    Extracted,
    depth_limit_hit,
    drop_leading_title,
    extract_html,
    find_title,
    parse_html,
    split_blocks,
    take_source_lines,
    url_from_html,
)
from cleaner.steps.textstats import word_count
from cleaner.urls import UrlRefused, check_url


class Step(Protocol):
    """One record in, one record out; pure and configured at construction."""

    name: ClassVar[str]

    def apply(self, doc: Doc) -> Doc | Reject: ...


def to_doc(raw: RawDoc) -> Doc | Reject:
    """Decode a raw capture into a document: the first stage, before any step."""
    if not raw.data.strip():
        return Reject(RejectReason.EMPTY_INPUT, "input is empty or only whitespace", raw.source)
    decoded = decode_raw(raw)
    if isinstance(decoded, Reject):
        return decoded
    text, _encoding = decoded
    kind = raw.kind
    if kind != "html" and sniff(raw.data[:SNIFF_BYTES]) == "html":
        kind = "html"  # a .txt or JSONL 'text' that is really a page
    elif kind != "html" and (markup := markup_in_text(text)) is not None:
        kind, text = "html", markup  # an HTML fragment, or escaped HTML, in a text input
    return Doc(raw=raw, id=make_id(raw), kind=kind or "text", source_text=text, url=raw.url,
               url_from=raw.url_from)


@dataclass(frozen=True, slots=True)
class Parse:
    """Parse markup once, or split a text scrape into lines; find URLs the content states."""

    name: ClassVar[str] = "parse"

    def apply(self, doc: Doc) -> Doc | Reject:
        if doc.url is not None:  # given from outside: --url, manifest, the record's own
            doc = self.with_url(replace(doc, url=None, url_from=None), doc.url, doc.url_from)
        if doc.kind == "html":
            tree = parse_html(doc.source_text)
            if tree is None:
                return Reject(RejectReason.EMPTY_AFTER_CLEANING, "the HTML has no content to parse")
            found = None if doc.url else url_from_html(tree)
            if found:
                doc = self.with_url(doc, found[0], found[1])
            return replace(doc, tree=tree)
        blocks, url, removals = take_source_lines(split_blocks(doc.source_text))
        if url and not doc.url:
            doc = self.with_url(doc, url, "source_line")
        return replace(doc, blocks=blocks, removals=doc.removals + removals)

    @staticmethod
    def with_url(doc: Doc, url: str, url_from: str | None) -> Doc:
        """The document with this URL, normalised; or, when it is refused, with a warning.

        A refused URL does not cost the article: the next source of a URL may give one, else
        the document is kept with none.
        """
        try:
            return replace(doc, url=check_url(url), url_from=url_from)
        except UrlRefused as why:
            warning = f"url: refused {printable(url, limit=200)} ({url_from}): {why}"
            return replace(doc, warnings=(*doc.warnings, warning))


@dataclass(frozen=True, slots=True)
class SelectRules:
    """Pick the rule files that apply: by host, or by fingerprints in the content."""

    name: ClassVar[str] = "rules"
    rules: RuleSet

    def apply(self, doc: Doc) -> Doc | Reject:
        return replace(doc, sites=self.rules.select(doc.url, doc.source_text).names)


@dataclass(frozen=True, slots=True)
class ExtractHtml:
    """Site HTML rules, then trafilatura (comments off) with the sites' options, trimmed to
    the blocks readability agrees on unless a site chose the element (``steps.ensemble``).
    Imported files' html rules that would empty the article are suspended
    (:func:`guard_imported`)."""

    name: ClassVar[str] = "extract"
    rules: RuleSet

    def apply(self, doc: Doc) -> Doc | Reject:
        if doc.kind != "html":
            return doc
        files = [self.rules.by_name(n) for n in doc.sites]
        guarded = any(f.imported and (f.html.body or f.html.remove) for f in files)
        pristine = copy.deepcopy(doc.tree) if guarded else None
        body, removed = apply_html_rules(files, doc.tree)
        chosen = body_rule(files, doc.tree) if guarded else None
        found = extract_html(doc.tree, body, doc.url, trafilatura_options(files))
        if pristine is not None:
            found, removed = guard_imported(files, pristine, doc.url, found, removed, chosen)
        blocks, repeated = drop_leading_title(found.blocks, found.title)
        too_deep = depth_limit_hit(doc.tree)
        suspended = tuple(f"suspended: {r.rule} {r.reason.removeprefix('suspended: ')}"
                          for r in removed if r.reason.startswith("suspended: would"))
        done = replace(doc, tree=None, blocks=blocks, title=found.title, author=found.author,
                       published=found.published,
                       removals=doc.removals + removed + repeated + found.removals,
                       warnings=(*doc.warnings, *((too_deep,) if too_deep else ()),
                                 *found.warnings, *suspended))
        return replace(done, extracted=done)


# Imported html rules (a file with ``imported``) are suspended for a page when what they leave
# keeps under this share of the words of the article extracted without them.
IMPORTED_MIN_KEPT = 0.5
_WORD = re.compile(r"\w+")


def kept_share(article: Sequence[Block], result: Sequence[Block]) -> float | None:
    """The share of ``article``'s words (counted with repeats) that ``result`` also has; None
    when the article has no words."""
    want = Counter(_WORD.findall(" ".join(b.text for b in article).casefold()))
    total = sum(want.values())
    if not total:
        return None
    have = Counter(_WORD.findall(" ".join(b.text for b in result).casefold()))
    return sum((want & have).values()) / total


def guard_imported(files: Sequence[RuleFile], pristine: object, url: str | None,
                   found: Extracted, removed: tuple[Removal, ...],
                   chosen: tuple[RuleFile, str] | None) -> tuple[Extracted, tuple[Removal, ...]]:
    """Suspend the imported files' html rules for a page where they empty the article.

    ``found`` and ``removed`` are the extraction with every file's html rules and their
    removals; ``chosen`` the body rule that acted. When an imported file's rule acted, the page
    (``pristine``, an unchanged copy of the tree) is extracted again without the imported
    files' html rules (by the ensemble, when no other file chooses the body); when the first
    result keeps under ``IMPORTED_MIN_KEPT`` of that article's words, the second is used, with
    one ``suspended: would remove N% of the article`` record for each imported rule that acted.
    """
    imported = {f.label for f in files if f.imported}
    acting = [(r.text, r.rule) for r in removed if r.rule.rsplit(":", 1)[0] in imported]
    if chosen is not None and chosen[0].imported:
        acting.insert(0, ("", chosen[1]))
    if not acting:
        return found, removed
    own = [f for f in files if not f.imported]
    body, own_removed = apply_html_rules(own, pristine)
    base = extract_html(pristine, body, url, trafilatura_options(own))
    share = kept_share(base.blocks, found.blocks)
    if share is None or share >= IMPORTED_MIN_KEPT:
        return found, removed
    # The record's text: what the rule removed, or (a body choice) the article line it keeps
    # least of.
    left_out = min(base.blocks, key=lambda b: kept_share([b], found.blocks) or 0.0).text
    first: dict[str, str] = {}
    for text, rule in acting:
        first.setdefault(rule, text or left_out)
    reason = f"suspended: would remove {1 - share:.0%} of the article"
    return base, own_removed + tuple(Removal(text, rule, reason) for rule, text in first.items())


@dataclass(frozen=True, slots=True)
class TextRules:
    """The text directives of every applicable rule file, on paragraphs extracted from HTML."""

    name: ClassVar[str] = "text_rules"
    rules: RuleSet

    def apply(self, doc: Doc) -> Doc | Reject:
        if doc.kind != "html":
            return doc
        files = [self.rules.by_name(n) for n in doc.sites]
        lang = document_language(doc.blocks, boilerplate.guess_stoplist(doc.blocks),
                                 doc.raw.meta.get("lang"))
        kept, removed = apply_text_rules(files, doc.blocks, lang)
        suspended = tuple(f"suspended: {r.rule} {r.reason.removeprefix('suspended: ')}"
                          for r in removed if r.reason.startswith("suspended: would"))
        return replace(doc, blocks=kept, removals=doc.removals + removed,
                       warnings=(*doc.warnings, *suspended))


@dataclass(frozen=True, slots=True)
class TextScrape:
    """For text scrapes: text rules, the title line, and what the page structure says.

    The structural classifier judges every line as scraped, those the rules remove and the
    title included: a menu label a rule removes still tells the classifier it is in a menu.
    """

    name: ClassVar[str] = "structure"
    rules: RuleSet

    def apply(self, doc: Doc) -> Doc | Reject:
        if doc.kind != "text":
            return doc
        lines = doc.blocks
        stoplist = boilerplate.guess_stoplist(lines)
        lang = document_language(lines, stoplist, doc.raw.meta.get("lang"))
        v = rule_verdicts([self.rules.by_name(n) for n in doc.sites], lines, lang)
        title_at, repeats = find_title(lines, [i for i in range(len(lines)) if i not in v.removed])
        verdicts, listed = boilerplate.classify_with(
            lines, stoplist, boilerplate.DEFAULT_PARAMS, min(repeats, default=None), v.ends,
            frozenset(v.removed))
        fallback = _fallback(lines, [v.removed.get(i) is None and verdicts[i] is None
                                     and i != title_at for i in range(len(lines))],
                             {*v.removed, *repeats, title_at}, listed)
        if fallback is not None:
            verdicts = [None if i in fallback[0] else verdicts[i] for i in range(len(lines))]
        kept: list[Block] = []
        removals: list[Removal] = []
        for i, line in enumerate(lines):
            if i == title_at:
                continue
            if i in v.removed:
                removals.append(Removal(line.text, v.removed[i].rule, v.removed[i].reason))
            elif i in repeats:
                removals.append(Removal(line.text, "text:repeated_title", "the title, repeated"))
            elif (verdict := verdicts[i]) is not None:
                removals.append(Removal(line.text, f"structure:{verdict}",
                                        boilerplate.REASONS[verdict]))
            elif i in v.trimmed:
                block, removal = trimmed_removal(line, *v.trimmed[i])
                kept.append(block)
                removals.append(removal)
            else:
                kept.append(line)
        title = lines[title_at].text if title_at is not None else doc.title
        notes = (*v.suspended, *v.other_language, *((fallback[1],) if fallback else ()))
        return replace(doc, title=title, blocks=tuple(kept),
                       removals=doc.removals + tuple(removals) + notes,
                       warnings=(*doc.warnings, *v.warnings(),
                                 *((fallback[1].reason,) if fallback else ())))


# Cleaning that keeps less than this share of a text scrape's prose has lost the article: the
# scrape falls back to its lines that read as prose.
FALLBACK_PROSE_SHARE = 0.05


def _fallback(lines: Sequence[Block], keep: Sequence[bool], never: set[int | None],
              listed: frozenset[int] = frozenset()) -> tuple[set[int], Removal] | None:
    """When cleaning would keep (almost) none of a scrape's prose: the lines to keep instead
    (those kept, and every line that reads as prose which no rule removed, once), and the record.

    The items of a list or the cells of a table the article introduces (``listed``) are its
    text though they are not prose: kept, they count with their words.
    """
    weights = [prose_weight(b.text) for b in lines]
    total = sum(weights)
    kept = sum(w or (word_count(lines[i].text) if i in listed else 0)
               for i, (w, k) in enumerate(zip(weights, keep, strict=True)) if k)
    if total <= 0 or kept >= FALLBACK_PROSE_SHARE * total:
        return None
    # A paragraph repeated is kept once, as the classifier keeps it (a second cleaning drops
    # the repeat).
    seen = {lines[i].text for i, k in enumerate(keep) if k}
    restore = set()
    for i, w in enumerate(weights):
        if w > 0 and i not in never and lines[i].text not in seen:
            seen.add(lines[i].text)
            restore.add(i)
    if not restore:
        return None
    why = (f"fallback: cleaning would keep {kept / total:.0%} of the prose; kept the "
           f"{len(restore)} lines that read as prose")
    return restore | {i for i, k in enumerate(keep) if k}, Removal("", "fallback:prose_lines",
                                                                   why)


# ... and less than this share of its words: an article that is a list or a table of short lines
# (a schedule, results) has little prose, and losing its one sentence (a comment notice, a tag
# line) to a rule leaves the article, not an empty page.
FALLBACK_WORD_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class KeepExtraction:
    """HTML mode's fallback: when the text rules and the language step would keep (almost) none
    of the prose trafilatura extracted (and less than half of its words), the document keeps
    trafilatura's extraction.

    What they removed is undone: each removal stays in the explain record as ``suspended:``
    (neither counted nor credited), beside one ``fallback:extraction`` record and a warning.
    A page whose extraction has no prose at all (a stub, a menu) is left to :class:`Finish`.
    """

    name: ClassVar[str] = "fallback"

    def apply(self, doc: Doc) -> Doc | Reject:
        base = doc.extracted
        if doc.kind != "html" or base is None:
            return doc
        total = sum(prose_weight(b.text) for b in base.blocks)
        kept = sum(prose_weight(b.text) for b in doc.blocks)
        words = sum(word_count(b.text) for b in base.blocks)
        if total <= 0 or kept >= FALLBACK_PROSE_SHARE * total \
                or sum(word_count(b.text) for b in doc.blocks) >= FALLBACK_WORD_SHARE * words:
            return replace(doc, extracted=None)
        undone = doc.removals[len(base.removals):]
        by_rule = Counter(r.rule for r in undone if r.removed).most_common(3)
        why = (f"fallback: the text rules and the language step would keep {kept / total:.0%} "
               f"of the prose ({', '.join(f'{n} by {rule}' for rule, n in by_rule)}); kept "
               f"the {len(base.blocks)} blocks extraction found")
        suspended = tuple(replace(r, reason=f"suspended: {r.reason} (undone by the fallback)")
                          if r.removed else r for r in undone)
        return replace(doc, blocks=base.blocks, extracted=None,
                       removals=(*base.removals, *suspended,
                                 Removal("", "fallback:extraction", why)),
                       warnings=(*doc.warnings, why))


@dataclass(frozen=True, slots=True)
class Finish:
    """Reject empty documents; fill metadata a manifest gave."""

    name: ClassVar[str] = "finish"

    def apply(self, doc: Doc) -> Doc | Reject:
        if not doc.blocks:
            by_rule = Counter(r.rule for r in doc.removals).most_common(3)
            what = ", ".join(f"{n} by {rule}" for rule, n in by_rule) or "nothing was extracted"
            return Reject(RejectReason.EMPTY_AFTER_CLEANING,
                          f"no text left after cleaning ({what})")
        meta = doc.raw.meta
        return replace(doc, published=doc.published or meta.get("date"))


# No article page has this many elements; one that has takes minutes to extract.
MAX_ELEMENTS = 500_000


@dataclass(frozen=True, slots=True)
class Budget:
    """What one document may cost; the first step, so that workers get it with the steps.

    A page with more elements than ``max_elements`` is refused here, before it is parsed: such
    a page takes minutes in extraction, and no article has one. ``seconds`` is the time budget
    :func:`clean_one` gives each document (0: none).
    """

    name: ClassVar[str] = "budget"
    seconds: float = DEFAULT_TIMEOUT
    max_elements: int = MAX_ELEMENTS

    def apply(self, doc: Doc) -> Doc | Reject:
        if doc.kind != "html":
            return doc
        text = doc.source_text
        tags = text.count("<") - text.count("</") - text.count("<!")  # start tags, about
        if tags > self.max_elements:
            return Reject(RejectReason.TOO_LARGE,
                          f"the page has about {tags:,} elements, more than the "
                          f"{self.max_elements:,} cleaner extracts from (an article page has a "
                          "few thousand); it is not cleaned")
        return doc


