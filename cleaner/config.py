"""Run configuration: frozen dataclasses built once from the command line.

This is the only module that reads the environment or configuration files.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# Seconds one document may take to clean (--timeout); 0 is no limit.
DEFAULT_TIMEOUT = 60.0
# The estimated Jaccard similarity of two clean texts' word 5-grams from which the later is a
# near-duplicate (--near-threshold); chosen on labelled pairs, see benchmarks/neardup.py.
DEFAULT_NEAR_THRESHOLD = 0.7


class ConfigError(Exception):
    """A fatal problem with the configuration (bad rule file, bad manifest, bad option)."""


def fixed_time_from_env() -> datetime | None:
    """The reproducible-builds clock, ``SOURCE_DATE_EPOCH`` (seconds since 1970), if set."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError, OSError):
        raise ConfigError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds") from None


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """What a manifest says about one input path."""

    url: str | None = None
    date: str | None = None
    site: str | None = None


@dataclass(frozen=True, slots=True)
class InputConfig:
    """How inputs are found and read.

    Attributes:
        paths: files, directories (walked recursively, sorted) or ``-`` for stdin.
        url: source URL for a single input (``--url``).
        manifest: input path -> what the manifest says about it.
        url_key: JSONL key holding the source URL.
        html_key: JSONL key holding HTML.
        text_key: JSONL key holding a plain-text scrape.
        max_bytes: larger documents are rejected with ``too_large``.
    """

    paths: tuple[str, ...]
    url: str | None = None
    manifest: dict[str, ManifestEntry] = field(default_factory=dict)
    url_key: str = "url"
    html_key: str = "html"
    text_key: str = "text"
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True, slots=True)
class Config:
    """Everything one ``cleaner clean`` run needs.

    Attributes:
        inputs: how to find and read inputs.
        output: JSONL output path (``.jsonl`` or ``.jsonl.gz``).
        stdout: write JSONL to stdout (``-o -``, or no output given at all).
        warc: WARC output path (``.warc.gz`` or ``.warc``).
        warc_max_size: roll over to numbered WARC files at this size in bytes.
        fixed_time: the clock of a reproducible run (``SOURCE_DATE_EPOCH``): WARC dates and
            record ids are then the same on every run.
        explain: where to write one JSON line per removed fragment.
        rejects: where to write one JSON line per rejected or failed input.
        rules_dirs: directories of rule files added to the bundled ones, in order; a file named
            as an earlier one (bundled or not) replaces it.
        bundled_rules: load the bundled rules too (``--no-bundled-rules`` turns it off).
        lang: expected document languages, comma-separated; documents in another are rejected.
        timeout: seconds one document may take to clean (0: no limit); then ``timeout``.
        keep_duplicates: keep documents whose clean text was already written in this run.
        near_duplicates: what to do with a near-duplicate of a document kept in this run
            (``--near-duplicates``): ``reject`` it, ``mark`` it (kept, with a warning) or
            ``off``; off too when ``keep_duplicates``.
        near_threshold: the estimated Jaccard similarity from which a document is a
            near-duplicate (``--near-threshold``, 0 < t <= 1).
        jobs: worker processes that clean (1: clean in this process); the output is the same.
        dask: the Dask scheduler the map runs on (``--dask``: an address, or ``local`` for
            a local cluster of ``jobs`` processes); None: this machine, as ``jobs`` says.
        progress: show a progress bar on stderr.
        shard_size: inputs per output shard (``--shard-size``): every output is written as
            numbered files, each final when its shard is done.
        resume: go on with the interrupted run to the same outputs (``--resume``).
        learn: learn the template of every site with ``learn_min_pages`` pages or more in the
            run, and remove it (``--no-learn`` turns it off; see :mod:`cleaner.learn.sites`).
        learn_min_pages: the pages a site needs in the run for its profile to be learned.
    """

    inputs: InputConfig
    output: Path | None = None
    stdout: bool = False
    warc: Path | None = None
    warc_max_size: int | None = None
    fixed_time: datetime | None = None
    explain: Path | None = None
    rejects: Path | None = None
    rules_dirs: tuple[Path, ...] = ()
    bundled_rules: bool = True
    lang: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    keep_duplicates: bool = False
    near_duplicates: str = "reject"
    near_threshold: float = DEFAULT_NEAR_THRESHOLD
    jobs: int = 1
    dask: str | None = None
    progress: bool = False
    shard_size: int | None = None
    resume: bool = False
    learn: bool = True
    learn_min_pages: int = 5


def parse_count(text: str) -> int:
    """``10000``, ``10k`` or ``1M``: a whole number >= 1; argparse turns the ValueError into a
    usage error."""
    scale = {"k": 1000, "m": 1000**2}.get(text[-1:].lower(), 1)
    count = int(text[:-1] if scale > 1 else text) * scale
    if count < 1:
        raise ValueError(text)
    return count


def parse_jobs(text: str) -> int:
    """``-j N``: a whole number >= 1; argparse turns the ValueError into a usage error."""
    jobs = int(text)
    if jobs < 1:
        raise ValueError(text)
    return jobs


def parse_min_pages(text: str) -> int:
    """``--learn-min-pages N``: a whole number >= 2 (one page has nothing to compare with)."""
    pages = int(text)
    if pages < 2:
        raise ValueError(text)
    return pages


def parse_timeout(text: str) -> float:
    """``--timeout SECONDS``: a number >= 0 (0: no limit); argparse turns ValueError into a
    usage error."""
    seconds = float(text)
    if not 0 <= seconds < 10**6:  # also refuses nan and inf
        raise ValueError(text)
    return seconds


def parse_near_threshold(text: str) -> float:
    """``--near-threshold T``: a similarity with 0 < T <= 1."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 1:  # also refuses nan
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a similarity above 0 and at most 1 (e.g. 0.7: 70% of the word "
            "5-grams shared)")
    return value


def split_outputs(outputs: list[str] | None) -> tuple[str | None, Path | None]:
    """The JSONL output (a path or ``-``) and the WARC output among the ``-o`` values."""
    jsonl: str | None = None
    warc: Path | None = None
    for value in outputs or []:
        name = value.lower()
        if name.endswith((".warc", ".warc.gz")):
            if warc:
                raise ConfigError("-o: give at most one WARC output")
            warc = Path(value)
        elif name.endswith((".jsonl", ".jsonl.gz")) or value == "-":
            if jsonl:
                raise ConfigError("-o: give at most one JSONL output")
            jsonl = value
        else:
            raise ConfigError(f"-o {value}: unknown output kind; use .jsonl, .jsonl.gz, "
                              ".warc.gz or .warc")
    return jsonl, warc


def check_outputs(inputs: Sequence[str], outputs: Sequence[tuple[str, Path]],
                  warc: Path | None = None, rolling: bool = False) -> None:
    """Refuse outputs that would destroy an input, be read as one, or collide.

    Args:
        inputs: the input paths as given (``-`` is stdin).
        outputs: (option, path) of every output file: ``-o``, ``--explain``, ``--rejects``.
        warc: the WARC output among them: its CDXJ index (and with ``rolling``, its numbered
            parts and their indexes) are outputs too.
        rolling: the archive rolls over to numbered parts (``--warc-max-size``).

    Raises:
        ConfigError: an output is an input, lies in an input directory that is walked (the
            next run would read it), or is given twice (or is another output's index or part).
    """
    taken: dict[Path, str] = {}
    for option, path in outputs:
        _claim(taken, path, f"{option} {path}")
        if path == warc and not rolling:
            _claim(taken, path.with_name(path.name + ".cdxj"), f"the index of {option} {path}")
    if warc is not None and rolling:
        parts = re.compile(re.escape(_warc_stem(warc.name)) + r"-\d{5}"
                           + re.escape(warc.name[len(_warc_stem(warc.name)):]) + r"(\.cdxj)?")
        for resolved, label in taken.items():
            if resolved.parent == _resolved(warc).parent and parts.fullmatch(resolved.name):
                raise ConfigError(f"{label}: that name is taken by a part of the archive "
                                  f"{warc} (or its index); give the output another name")
    for given in inputs:
        if given != "-":
            _check_against_input(given, taken)


def _warc_stem(name: str) -> str:
    lower = name.lower()
    for suffix in (".warc.gz", ".warc"):
        if lower.endswith(suffix):
            return name[: len(name) - len(suffix)]
    return name


def _resolved(path: Path) -> Path:
    return path.resolve()


def _claim(taken: dict[Path, str], path: Path, label: str) -> None:
    resolved = _resolved(path)
    if resolved in taken:
        raise ConfigError(f"{label}: the same file as {taken[resolved]}; give each output "
                          "a file of its own")
    taken[resolved] = label


def _check_against_input(given: str, taken: dict[Path, str]) -> None:
    source = _resolved(Path(given))
    for resolved, label in taken.items():
        same = resolved == source
        if not same and resolved.exists() and source.exists():
            with contextlib.suppress(OSError):
                same = resolved.samefile(source)
        if same:
            raise ConfigError(f"{label}: it is the input {given}; writing it would destroy "
                              "the input: choose another output file")
        if source.is_dir() and resolved.is_relative_to(source):
            inside = resolved.relative_to(source).parts
            if not any(part.startswith(".") for part in inside):
                raise ConfigError(
                    f"{label}: it is inside the input directory {given}, which is walked, so "
                    "a later run would read it as an input; write it outside the directory "
                    "(or in a hidden directory in it)")


@dataclass(frozen=True, slots=True)
class CheckConfig:
    """``cleaner check`` settings from a config file; the command line overrides each key.

    Attributes:
        path: the file they came from (``cleaner.toml`` or ``pyproject.toml``), or None.
        select: code prefixes to enable; None keeps the default selection.
        ignore: code prefixes to disable.
        min_words: T001's threshold; None keeps the default.
        rules: rule directories, relative ones resolved against the file's directory.
        exclude: globs of files and directories to skip, matched against paths relative to
            the file's directory and against each name in the path.
    """

    path: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    min_words: int | None = None
    rules: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()

    @property
    def root(self) -> Path | None:
        """The directory the file's relative paths and globs are relative to."""
        return self.path.parent if self.path else None


_CHECK_KEYS = ("exclude", "ignore", "min-words", "rules", "select")


def load_check_config(start: Path) -> CheckConfig:
    """The ``cleaner check`` settings of the nearest config file at or above ``start``.

    In each directory, from ``start`` upward, a ``cleaner.toml`` (its ``[check]`` table) wins
    over a ``pyproject.toml``, which counts only when it has a ``[tool.cleaner.check]`` table;
    the first directory with either decides. No file: the defaults.

    Raises:
        ConfigError: the file is not valid TOML, or has an unknown key or a value of the
            wrong type (the message names the file and the key).
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        found = _check_table(folder)
        if found is not None:
            return _check_config(*found)
    return CheckConfig()


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def _check_table(folder: Path) -> tuple[Path, str, Any] | None:
    """(file, table name for messages, the table) of this directory's config, if any."""
    own = folder / "cleaner.toml"
    if own.is_file():
        return own, "[check]", _read_toml(own).get("check", {})
    project = folder / "pyproject.toml"
    if project.is_file():
        table = _read_toml(project).get("tool", {}).get("cleaner", {}).get("check")
        if table is not None:
            return project, "[tool.cleaner.check]", table
    return None


def _check_config(path: Path, name: str, table: Any) -> CheckConfig:
    where = f"{path}: {name}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    unknown = sorted(set(table) - set(_CHECK_KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} "
                          f"(allowed: {', '.join(_CHECK_KEYS)})")

    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: {key}: expected a list of strings")
        return tuple(value)

    min_words = table.get("min-words")
    if min_words is not None and (not isinstance(min_words, int) or isinstance(min_words, bool)
                                  or min_words < 0):
        raise ConfigError(f"{where}: min-words: expected a whole number >= 0")
    return CheckConfig(
        path=path,
        select=strings("select") if "select" in table else None,
        ignore=strings("ignore"),
        min_words=min_words,
        rules=tuple(path.parent / d for d in strings("rules")),
        exclude=strings("exclude"),
    )
