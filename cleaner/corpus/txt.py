"""Plain clean texts (``.txt``) with their facts (url, id, lang, site) in a sidecar
``<name>.json`` or in front matter (``---``, ``key: value`` lines, ``---``)."""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from cleaner.corpus.records import CorpusDoc, CorpusProblem, reason

_FRONT_MATTER_MAX_LINES = 50
_FRONT_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")


def read_txt(path: Path, shown: str) -> Iterator[CorpusDoc | CorpusProblem]:
    """The text as one document (its ``line``: where the text starts, after front matter), after
    the problems of its sidecar; or why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield CorpusProblem(shown, 0, None, "unreadable", f"cannot read: {reason(exc)}")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        yield CorpusProblem(shown, line, col, "invalid_utf8", f"invalid UTF-8 at byte "
                            f"{exc.start + 1}: {data[exc.start:exc.end]!r}")
        return
    lines = text.split("\n")
    facts, body_at = _front_matter(lines)
    sidecar = _sidecar(path)
    if sidecar is not None:
        found = yield from _read_sidecar(sidecar, shown, path)
        facts = {**found, **facts}
    record = {"id": _str_or_none(facts.get("id")), "url": facts.get("url"),
              "lang": _str_or_none(facts.get("lang")), "site": _str_or_none(facts.get("site")),
              "text": "\n".join(lines[body_at:])}
    yield CorpusDoc(shown, "txt", body_at + 1, None, record)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _front_matter(lines: list[str]) -> tuple[dict[str, Any], int]:
    """``---`` / ``key: value`` lines / ``---`` at the top: the keys, and the body's index."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    facts: dict[str, Any] = {}
    for i, line in enumerate(lines[1:_FRONT_MATTER_MAX_LINES], 1):
        if line.strip() == "---":
            return facts, i + 1
        m = _FRONT_KEY.match(line)
        if m:
            facts[m.group(1).lower()] = m.group(2).strip("'\"") or None
    return {}, 0  # never closed: not front matter


def _sidecar(path: Path) -> Path | None:
    for candidate in (path.with_suffix(".json"), path.with_name(path.name + ".json")):
        if candidate.is_file():
            return candidate
    return None


def _read_sidecar(sidecar: Path, shown: str, path: Path) -> \
        Generator[CorpusProblem, None, dict[str, Any]]:
    """The sidecar's problems; returns its keys (lower case)."""
    side = str(sidecar) if shown == str(path) else str(Path(shown).with_name(sidecar.name))
    try:
        data = json.loads(sidecar.read_bytes())
    except OSError as exc:
        yield CorpusProblem(side, 0, None, "unreadable", f"cannot read: {reason(exc)}")
        return {}
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line, col = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else (1, None)
        yield CorpusProblem(side, line, col, "invalid_json",
                            f"invalid JSON in the sidecar of {shown}: {exc}")
        return {}
    if not isinstance(data, dict):
        yield CorpusProblem(side, 1, None, "invalid_json",
                            f"the sidecar of {shown} is not a JSON object")
        return {}
    return {k.lower(): v for k, v in data.items()}
