"""The one reader of our own outputs: JSONL records, WARC archives and clean .txt files.

``replay`` and ``check`` read corpus files through it::

    for item in read_corpus(Path("corpus.warc.gz")):
        if isinstance(item, CorpusProblem):   # where a file stops, a line that is not a record
            print(f"{item.where}: {item.message}")
        else:                                 # a CorpusDoc: its record, file and line/offset
            print(item.where, item.record["url"])
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cleaner.corpus.files import CorpusFile, file_kind, walk
from cleaner.corpus.jsonl import open_lines, read_jsonl
from cleaner.corpus.records import CorpusDoc, CorpusProblem, FileKind, ProblemKind, reason
from cleaner.corpus.txt import read_txt
from cleaner.corpus.warc import READ_ERRORS, ArchivedDoc, RawCapture, read_archive, read_warc

__all__ = [
    "READ_ERRORS", "ArchivedDoc", "CorpusDoc", "CorpusFile", "CorpusProblem", "FileKind",
    "ProblemKind", "RawCapture", "file_kind", "open_lines", "read_archive", "read_corpus",
    "reason", "walk",
]

_READERS = {"jsonl": read_jsonl, "warc": read_warc, "txt": read_txt}


def read_corpus(path: Path, shown: str | None = None,
                kind: FileKind | None = None) -> Iterator[CorpusDoc | CorpusProblem]:
    """Every document of one corpus file, in order, and a problem for each line, record or
    stretch of the file that cannot be read as one.

    Args:
        path: the file.
        shown: how messages name it (default: the path as given).
        kind: how to read it (default: by its name, see :func:`file_kind`; a file of no known
            kind is one ``not_corpus`` problem).
    """
    name = str(path) if shown is None else shown
    kind = kind or file_kind(path)
    if kind is None:
        yield CorpusProblem(name, 0, None, "not_corpus", "not a corpus file: expected .jsonl, "
                            ".jsonl.gz, .warc, .warc.gz or .txt")
        return
    yield from _READERS[kind](path, name)
