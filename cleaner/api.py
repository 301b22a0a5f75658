"""The Python API: clean documents from another engine (Spark, Ray, Dask, a datatrove step).

::

    from cleaner import Cleaner

    cleaner = Cleaner()                      # the bundled rules; or Cleaner(rules=["my_rules"])
    record = cleaner.clean_html(html, url="https://example.com/a")   # a dict, or a Reject
    for record in cleaner.records(rows):     # rows: dicts with url and html or text
        ...

A :class:`Cleaner` runs the same steps as ``cleaner clean`` and gives the same records (the
JSON Schema in the README). It pickles as its options and builds its steps again where it is
unpickled, so one made on a driver can be shipped to workers (Spark's ``mapPartitions``, Ray
tasks). What needs the whole corpus (exact duplicates across partitions, site profiles) is
not done here: that is the corpus stage of ``cleaner clean``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from cleaner.config import DEFAULT_TIMEOUT
from cleaner.model import Doc, Kind, Meta, RawDoc, Reject, RejectReason, Source
from cleaner.outputs.jsonl import to_record
from cleaner.ruleset import load_rules
from cleaner.run.pipeline import Pipeline
from cleaner.steps.core import Step
from cleaner.steps.language import expected_languages

Record = dict[str, Any]


class Cleaner:
    """Cleans one document at a time, as ``cleaner clean`` does.

    Args:
        rules: rule directories added to the bundled rules (as ``--rules``).
        bundled_rules: use the bundled rules too (``False``: ``--no-bundled-rules``).
        lang: expected languages, comma-separated (as ``--lang``); others are rejected.
        timeout: seconds one document may take (0: no limit).

    Raises:
        RuleError: a rule file does not load.
        ConfigError: ``lang`` holds an unknown code.
    """

    def __init__(self, rules: Sequence[str | Path] = (), bundled_rules: bool = True,
                 lang: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._options = (tuple(Path(r) for r in rules), bundled_rules, lang, timeout)
        self.rules = load_rules(self._options[0], bundled_rules)
        self.pipeline = Pipeline(self.rules, expected_languages(lang), timeout)
        self.steps: tuple[Step, ...] = self.pipeline.steps

    def __reduce__(self) -> tuple[type[Cleaner], tuple[Any, ...]]:
        return Cleaner, self._options

    def clean(self, raw: RawDoc) -> Doc | Reject:
        """Clean one raw document: the document, or why it was rejected."""
        return self.pipeline.clean(raw)

    def clean_html(self, html: str | bytes, url: str | None = None,
                   source: str = "<api>") -> Record | Reject:
        """Clean an HTML page: its output record, or why it was rejected."""
        return self._record(html, "html", url, source)

    def clean_text(self, text: str | bytes, url: str | None = None,
                   source: str = "<api>") -> Record | Reject:
        """Clean a plain-text scrape: its output record, or why it was rejected."""
        return self._record(text, "text", url, source)

    def records(self, rows: Iterable[Mapping[str, Any]]) -> Iterator[Record]:
        """The output record of every row that is kept, in order (for ``mapPartitions``).

        A row has ``html`` or ``text``, and optionally ``url``, ``date``, ``site`` and
        ``path`` (shown as the record's source); rejected rows are left out.
        """
        for n, row in enumerate(rows):
            found = self.result(row, n)
            if not isinstance(found, Reject):
                yield found

    def result(self, row: Mapping[str, Any], n: int = 0) -> Record | Reject:
        """One row's output record, or why it was rejected (see :meth:`records`)."""
        kind: Kind = "html" if row.get("html") is not None else "text"
        content = row.get(kind)
        source = Source(str(row.get("path") or "<api>"), line=n + 1)
        if not isinstance(content, str | bytes):
            return Reject(RejectReason.MISSING_CONTENT, "the row has neither html nor text "
                          "(a string)", source)
        meta = Meta({k: v for k in ("date", "site") if isinstance(v := row.get(k), str)})
        url = row.get("url")
        return self._record(content, kind, url if isinstance(url, str) else None, source, meta)

    def _record(self, content: str | bytes, kind: Kind, url: str | None,
                source: str | Source, meta: Meta | None = None) -> Record | Reject:
        data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
        where = source if isinstance(source, Source) else Source(source)
        raw = RawDoc(data, where, kind=kind, url=url or None,
                     url_from="record" if url else None,
                     charset="utf-8" if isinstance(content, str) else None,
                     meta=meta or Meta())
        result = self.pipeline.clean(raw)
        return result if isinstance(result, Reject) else to_record(result, self.rules.version)
