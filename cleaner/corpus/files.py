"""The corpus files under some paths: which files are ours, found once each, in order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from cleaner.corpus.records import CorpusProblem, FileKind


class CorpusFile(NamedTuple):
    """A corpus file to read, and its kind."""

    path: Path
    kind: FileKind


def file_kind(path: Path) -> FileKind | None:
    """The kind of corpus file by name, None for anything else."""
    name = path.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz")):
        return "jsonl"
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    if name.endswith(".txt"):
        return "txt"
    return None


def _never(path: Path) -> bool:
    return False


def walk(paths: Iterable[str],
         skip: Callable[[Path], bool] = _never) -> Iterator[CorpusFile | CorpusProblem]:
    """The corpus files under the paths, in order, each once: directories are walked sorted,
    leaving out hidden entries, files of other kinds and what ``skip`` says; a path that is not
    there, or a file of another kind named outright, is a problem (a file read twice would be
    its own duplicate)."""
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if skip(path):
            continue
        if not path.exists():
            yield CorpusProblem(given, 0, None, "missing", "no such file or directory")
        elif path.is_dir():
            yield from (item for item in _walk_dir(path, skip) if _first(item.path, seen))
        elif (kind := file_kind(path)) is None:
            yield CorpusProblem(given, 0, None, "not_corpus", "not a corpus file: expected "
                                ".jsonl, .jsonl.gz, .warc, .warc.gz or .txt")
        elif _first(path, seen):
            yield CorpusFile(path, kind)


def _first(path: Path, seen: set[Path]) -> bool:
    real = path.resolve()
    if real in seen:
        return False
    seen.add(real)
    return True


def _walk_dir(root: Path, skip: Callable[[Path], bool]) -> Iterator[CorpusFile]:
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not skip(here / d))
        for name in sorted(filenames):
            path = here / name
            kind = file_kind(path)
            if kind and not name.startswith(".") and not skip(path):
                yield CorpusFile(path, kind)
