"""Manifests: what the scraper knew about each input file (URL, date, site)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePath

from cleaner.config import ConfigError, ManifestEntry

_REQUIRED = ("path", "url")
_FIELDS = ("path", "url", "date", "site")


def load_manifest(path: Path) -> dict[str, ManifestEntry]:
    """Read a manifest: CSV with a header, or JSONL with one object per line.

    Both carry ``path`` and ``url`` (``url`` may be empty or null), optionally ``date``
    and ``site``; other columns are ignored. Keys are the paths as written, with ``./``
    and doubled slashes removed.

    Raises:
        ConfigError: the file cannot be read, has an unknown extension, or a malformed
            line (the message names the file and line).
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise ConfigError(f"{path}: a manifest must be a .csv or .jsonl file, not {suffix!r}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = _csv_rows(fh, path) if suffix == ".csv" else _jsonl_rows(fh, path)
            return _collect(rows, path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the manifest: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        detail = f"the manifest is not UTF-8 ({exc.reason}); save it as UTF-8"
        raise ConfigError(f"{path}: {detail}") from exc


def _collect(
    rows: Iterator[tuple[int, Mapping[str, object]]], path: Path
) -> dict[str, ManifestEntry]:
    entries: dict[str, ManifestEntry] = {}
    first_seen: dict[str, int] = {}
    for line, row in rows:
        key, entry = _entry(row, path, line)
        if key in entries:
            raise ConfigError(
                f"{path}:{line}: path {key!r} is already listed on line {first_seen[key]}; "
                "keep one entry per path"
            )
        entries[key] = entry
        first_seen[key] = line
    return entries


def _csv_rows(fh: Iterator[str], path: Path) -> Iterator[tuple[int, Mapping[str, object]]]:
    reader = csv.DictReader(fh)
    header = reader.fieldnames or []
    missing = [name for name in _REQUIRED if name not in header]
    if missing:
        raise ConfigError(
            f"{path}:1: the header must name the columns 'path' and 'url' (missing: "
            f"{', '.join(missing)}; found: {', '.join(header) or 'nothing'})"
        )
    try:
        for row in reader:
            if None in row:
                raise ConfigError(
                    f"{path}:{reader.line_num}: more fields than the header has columns; "
                    "quote fields that contain commas"
                )
            yield reader.line_num, row
    except csv.Error as exc:
        raise ConfigError(f"{path}:{reader.line_num}: malformed CSV: {exc}") from exc


def _jsonl_rows(fh: Iterator[str], path: Path) -> Iterator[tuple[int, Mapping[str, object]]]:
    for line, text in enumerate(fh, start=1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise ConfigError(f"{path}:{line}: not valid JSON: {exc}; fix the line") from exc
        if not isinstance(row, dict):
            raise ConfigError(
                f"{path}:{line}: expected a JSON object with 'path' and 'url', "
                f"found a {type(row).__name__}"
            )
        yield line, row


def _entry(row: Mapping[str, object], path: Path, line: int) -> tuple[str, ManifestEntry]:
    values: dict[str, str | None] = {}
    for name in _FIELDS:
        value = row.get(name)
        if value is not None and not isinstance(value, str):
            raise ConfigError(
                f"{path}:{line}: {name!r} must be a string, not {type(value).__name__}"
            )
        values[name] = (value.strip() or None) if value is not None else None
    key = values["path"]
    if key is None:
        raise ConfigError(f"{path}:{line}: the 'path' field is empty; give the input's path")
    entry = ManifestEntry(url=values["url"], date=values["date"], site=values["site"])
    return normalise_key(key), entry


def normalise_key(key: str) -> str:
    """A path as manifests and lookups compare it: ``./`` and doubled slashes removed."""
    return str(PurePath(key))
