"""Run configuration: frozen dataclasses built once from the command line.

This is the only module that reads the environment or configuration files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


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
        rules_dirs: directories of rule files, in order; later files override nothing, all apply.
        lang: expected document language; documents in another are rejected.
        keep_duplicates: keep documents whose clean text was already written in this run.
        progress: show a progress bar on stderr.
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
    lang: str | None = None
    keep_duplicates: bool = False
    progress: bool = False


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
