"""Records that flow through the pipeline: raw inputs, documents, removals and rejects."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

Kind = Literal["html", "text"]


class Meta(Mapping[str, str]):
    """A read-only mapping of a raw capture's extra fields (``date``, ``site``, ``lang``).

    Unlike ``types.MappingProxyType`` it pickles, so a raw document and what cleaning makes of
    it can cross a process boundary (a worker pool, a cluster).
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, str] | None = None) -> None:
        self._data: dict[str, str] = dict(data or {})

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Meta({self._data!r})"

    def __reduce__(self) -> tuple[type[Meta], tuple[dict[str, str]]]:
        return Meta, (self._data,)


_EMPTY: Mapping[str, str] = Meta()


class RejectReason(StrEnum):
    """Closed set of reasons a document is dropped; the run summary counts each."""

    EMPTY_INPUT = "empty_input"
    BINARY = "binary"
    DECODE_ERROR = "decode_error"
    TOO_LARGE = "too_large"
    INVALID_JSON = "invalid_json"
    MISSING_CONTENT = "missing_content"
    TRUNCATED = "truncated"
    NOT_HTML = "not_html"
    NOT_200 = "not_200"
    REVISIT = "revisit"
    EMPTY_AFTER_CLEANING = "empty_after_cleaning"
    WRONG_LANGUAGE = "wrong_language"
    DUPLICATE = "duplicate"
    NEAR_DUPLICATE = "near_duplicate"
    NOT_HTTP = "not_http"
    TIMEOUT = "timeout"
    # The two below are failures, not rejects: the exit code is 1 when any occurs.
    READ_ERROR = "read_error"
    INTERNAL_ERROR = "internal_error"


FAILURE_REASONS = frozenset({RejectReason.READ_ERROR, RejectReason.INTERNAL_ERROR})


@dataclass(frozen=True, slots=True)
class Source:
    """Where a raw document came from.

    Attributes:
        path: the input path as given or walked (``-`` for stdin).
        line: 1-based line of the record in a JSONL container.
        offset: byte offset of the record in a WARC container.
    """

    path: str
    line: int | None = None
    offset: int | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.path}:{self.line}"
        if self.offset is not None:
            return f"{self.path}@{self.offset}"
        return self.path

    def as_dict(self) -> dict[str, Any]:
        """The JSON form used in output records."""
        return {"path": self.path, "line": self.line, "offset": self.offset}


@dataclass(frozen=True, slots=True)
class RawDoc:
    """One raw capture as a reader found it, before any decoding or cleaning.

    Attributes:
        data: the bytes as scraped (for containers holding text, its UTF-8 encoding).
        source: where it came from.
        kind: what the reader believes it is; ``None`` lets the decoder sniff.
        url: source URL known from outside the content (CLI, manifest, container record).
        url_from: which of those gave ``url``.
        charset: charset declared outside the content (HTTP header, container).
        meta: extra fields from a manifest (``date``, ``site``).
        http_headers: the HTTP response head, for captures read from WARC ``response`` records.
        warc_record: the original WARC record, uncompressed, byte for byte (WARC input only),
            so that an output archive keeps the crawler's own record.
        captured: when the capture was made (ISO 8601), when the input says so (WARC-Date).
    """

    data: bytes
    source: Source
    kind: Kind | None = None
    url: str | None = None
    url_from: str | None = None
    charset: str | None = None
    meta: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    http_headers: bytes | None = None
    warc_record: bytes | None = None
    captured: str | None = None

    @property
    def digest(self) -> str:
        """SHA-256 of the raw bytes, as ``sha256:<hex>``."""
        return "sha256:" + hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class Block:
    """One line or paragraph of text.

    Attributes:
        text: the text, stripped, never empty.
        gap: blank lines before it in the input (0: it directly follows the previous line).
    """

    text: str
    gap: int = 1


@dataclass(frozen=True, slots=True)
class Removal:
    """A fragment that cleaning removed, and who removed it.

    Attributes:
        text: the removed text.
        rule: the rule (``rules/ndtv.com.toml:drop_line.source_line``) or step
            (``trafilatura``, ``language:hi``, ``structure:comments_after_wide_gap``).
        reason: a short human explanation.
    """

    text: str
    rule: str
    reason: str

    @property
    def removed(self) -> bool:
        """False for a record of what was *not* removed: a rule the prose guard suspended
        (reason ``suspended: ...``) or a fallback (rule ``fallback:...``); shown by
        ``--explain``, but neither counted nor credited as a removal."""
        return not (self.reason.startswith("suspended:") or self.rule.startswith("fallback:"))


@dataclass(frozen=True, slots=True)
class Reject:
    """A document (or input) that produced no output record, with a closed reason.

    Attributes:
        reason: why, from a closed set.
        detail: what exactly, and what to do, for a person.
        source: the input it came from.
        doc_id: the document id, when the input got as far as being decoded.
        removals: what cleaning removed before the document was rejected.
    """

    reason: RejectReason
    detail: str
    source: Source | None = None
    doc_id: str | None = None
    removals: tuple[Removal, ...] = ()

    @property
    def failed(self) -> bool:
        """True for failures (unreadable input, bug) as opposed to rejects of bad input."""
        return self.reason in FAILURE_REASONS


@dataclass(frozen=True, slots=True)
class Skipped:
    """A path found while walking an input directory that is not an input, and why.

    Skipped paths are not documents: they are not counted as read, but they are reported
    (a directory of scrapes holding ``app.js`` says so instead of cleaning it as an article).

    Attributes:
        source: the path.
        what: a short category for the summary (``unknown kind .js``, ``not a regular file``).
        detail: a sentence for a person.
    """

    source: Source
    what: str
    detail: str


@dataclass(frozen=True, slots=True)
class Doc:
    """A document being cleaned; steps return modified copies (``dataclasses.replace``).

    Attributes:
        raw: the raw capture.
        id: stable id: same raw bytes and external URL, same id.
        kind: ``html`` or ``text`` once decoded.
        source_text: the decoded input (markup or text scrape).
        blocks: the current clean body.
        tree: the parsed HTML tree, until extraction consumes it.
        sites: names of the rule files that apply, ``_default`` first.
        removals: everything removed so far.
        warnings: problems that did not cost the document (a refused URL, failed metadata
            extraction), each ``"<kind>: <detail>"``; counted in the summary by kind.
        extracted: an HTML document as extraction left it, for HTML mode's fallback.
        near_duplicate_of: the id of the kept document this one nearly duplicates, when the
            run keeps near-duplicates marked (``--near-duplicates mark``); ``""`` otherwise.
    """

    raw: RawDoc
    id: str
    kind: Kind
    source_text: str
    blocks: tuple[Block, ...] = ()
    url: str | None = None
    url_from: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    lang: str | None = None
    sites: tuple[str, ...] = ()
    tree: Any = None
    removals: tuple[Removal, ...] = ()
    warnings: tuple[str, ...] = ()
    extracted: Doc | None = None
    near_duplicate_of: str = ""

    @property
    def text(self) -> str:
        """The clean body: paragraphs separated by one blank line."""
        return "\n\n".join(b.text for b in self.blocks)

    @property
    def site(self) -> str | None:
        """The most specific rule file that matched (not ``_default``, not a profile learned
        during the run, whose name starts with ``profile:``), if any."""
        named = [s for s in self.sites if s != "_default" and not s.startswith(LEARNED)]
        return named[-1] if named else None


# The names of the site profiles a run learns start with this (see cleaner.learn.sites).
LEARNED = "profile:"


def make_id(raw: RawDoc) -> str:
    """Stable document id from the raw bytes and the externally given URL."""
    h = hashlib.sha256(raw.data)
    h.update(b"\0" + (raw.url or "").encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]
