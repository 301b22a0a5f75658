"""``cleaner rules which``: which rule files apply to an input, and why."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cleaner.config import InputConfig
from cleaner.inputs import iter_inputs
from cleaner.model import Doc, Reject, Skipped
from cleaner.ruleset import RuleSet, document_language
from cleaner.run.pipeline import Pipeline
from cleaner.steps.boilerplate import guess_stoplist


@dataclass(frozen=True, slots=True)
class Which:
    """What ``which`` found for one document: the report lines, and whether it was read."""

    lines: tuple[str, ...]
    ok: bool


def _near_misses(rules: RuleSet, picked: set[str], text: str) -> Iterator[str]:
    """Files some of whose fingerprints are found, but too few: why they do not apply."""
    for f in rules.files:
        if f.label in picked or not f.fingerprints:
            continue
        found = [fp.text for fp in f.fingerprints if fp.found_in(text)]
        if found:
            yield (f"  not {f.label}: {len(found)} of the {f.min_fingerprints} fingerprints it "
                   f"needs ({', '.join(repr(x) for x in found)})")


def _language(pipeline: Pipeline, doc: Doc) -> str:
    """The document's language as rules with ``lang`` see it (HTML: of the extracted text)."""
    blocks = doc.blocks
    if doc.kind == "html":
        extracted = pipeline.clean(doc.raw, until="extract")
        blocks = extracted.blocks if isinstance(extracted, Doc) else ()
    lang = document_language(blocks, guess_stoplist(blocks), doc.raw.meta.get("lang"))
    return f"language {lang}" if lang else "language not known (no rule with lang applies)"


def which(inputs: InputConfig, rules: RuleSet) -> Iterator[Which]:
    """For every document of the inputs: its URL, the files that apply and why."""
    pipeline = Pipeline(rules)
    for item in iter_inputs(inputs):
        if isinstance(item, Skipped):
            continue
        # parsed: with the URL a canonical link or Source line states
        doc = item if isinstance(item, Reject) else pipeline.clean(item, until="parse")
        if isinstance(doc, Reject):
            source = doc.source or item.source
            yield Which((f"{source}: cannot be read: {doc.reason.value}: {doc.detail}",), False)
            continue
        selection = rules.select(doc.url, doc.source_text)
        url = f"url {doc.url} (from {doc.url_from})" if doc.url else "no url"
        lines = [f"{doc.raw.source}: {doc.kind}, {url}, {_language(pipeline, doc)}"]
        lines += [f"  {f.label}: {why}"
                  for f, why in zip(selection.files, selection.reasons, strict=True)]
        lines += _near_misses(rules, {f.label for f in selection.files}, doc.source_text)
        yield Which(tuple(lines), True)
