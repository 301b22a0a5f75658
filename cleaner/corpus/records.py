"""What the corpus reader yields: a document of our own output, or a problem at a place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from cleaner.corpus.warc import ArchivedDoc

FileKind = Literal["jsonl", "warc", "txt"]
ProblemKind = Literal["missing", "not_corpus", "unreadable", "invalid_utf8", "invalid_json",
                      "no_record"]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class CorpusDoc:
    """One document of a corpus file, with its place for messages.

    Attributes:
        path: the file as given or walked.
        kind: the kind of file it was read from.
        line: JSONL: the record's line (1-based); .txt: the line its text starts on; WARC: 0.
        offset: WARC: byte offset of the document's raw capture (or metadata record).
        record: the record as stored: the JSONL object (any keys, any types); for WARC the JSONL
            record ``cleaner clean`` wrote, key for key; for .txt ``id``, ``url``, ``lang``,
            ``site`` (from the sidecar or front matter) and ``text``.
        archived: WARC: the archived document (raw capture, metadata, text).
    """

    path: str
    kind: FileKind
    line: int
    offset: int | None
    record: dict[str, Any]
    archived: ArchivedDoc | None = None

    @property
    def where(self) -> str:
        """``path@offset`` for an archived document, ``path:line`` otherwise."""
        return f"{self.path}@{self.offset}" if self.offset is not None else \
            f"{self.path}:{self.line}"

    @property
    def text(self) -> str | None:
        """The clean text; None when the record's is missing or not a string."""
        return _str(self.record.get("text"))

    @property
    def id(self) -> str | None:
        return _str(self.record.get("id"))

    @property
    def url(self) -> str | None:
        return _str(self.record.get("url"))

    @property
    def lang(self) -> str | None:
        return _str(self.record.get("lang"))

    @property
    def site(self) -> str | None:
        return _str(self.record.get("site"))

    @property
    def digest(self) -> str | None:
        """The raw capture's digest, as the record gives it."""
        return _str(self.record.get("digest"))


@dataclass(frozen=True, slots=True)
class CorpusProblem:
    """Why a file, a line or a record cannot be read as a document.

    Attributes:
        path: the file the problem is in (a .txt file's sidecar for the sidecar's problems).
        line: the line (1-based) when known; 0 for a whole file or a WARC record.
        col: the column (1-based) when known.
        what: the kind of problem.
        message: what is wrong and where, without the WARC offset (see ``offset``).
        offset: WARC: the byte offset where the archive stops or the record is.
    """

    path: str
    line: int
    col: int | None
    what: ProblemKind
    message: str
    offset: int | None = None

    @property
    def where(self) -> str:
        """``path@offset``, ``path:line`` or ``path``."""
        if self.offset is not None:
            return f"{self.path}@{self.offset}"
        return f"{self.path}:{self.line}" if self.line else self.path


def reason(exc: BaseException) -> str:
    """An exception as a message says it: the OS's words, or its type and text."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
