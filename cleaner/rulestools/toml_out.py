"""A small TOML writer for rule files: what it writes, ``tomllib`` reads back unchanged.

Strings are written as literal strings (``'...'``, no escapes) when they can be, so regexes
and XPaths read as they are meant; test inputs are written as multi-line strings. Tables come
after the plain keys of their parent, arrays of tables last, as TOML requires.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import re2

Path = tuple[str | int, ...]
_BARE_KEY = re2.compile(r"^[A-Za-z0-9_-]+$")
_SHORT_ARRAY = 80
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def _is_control(ch: str, allow: str = "") -> bool:
    return (ch < " " or ch == "\x7f") and ch not in allow


def _check_encodable(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"cannot write {value!r} to TOML: it holds a lone surrogate") from None


def _escape(value: str, keep: str = "") -> str:
    out = []
    for ch in value:
        if ch in keep:
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _is_control(ch):
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def string(value: str, literal: bool = False) -> str:
    """A TOML string for ``value``, multi-line when it has line breaks.

    A regex or XPath (``literal``), or any string with a backslash or a double quote, is
    written as a literal string when it can be, so that it reads without escapes; others as
    ``"..."`` like the hand-written rule files.
    """
    _check_encodable(value)
    if "\n" in value:
        if ("'''" not in value and not value.endswith("'")
                and not any(_is_control(ch, "\t\n") for ch in value)):
            return "'''\n" + value + "'''"
        # A basic multi-line string: escape every quote, so no run of three can close it.
        return '"""\n' + _escape(value, keep="\n") + '"""'
    plain = not any(_is_control(ch) for ch in value)
    if plain and not literal and "\\" not in value and '"' not in value:
        return f'"{value}"'
    if "'" not in value and not any(_is_control(ch, "\t") for ch in value):
        return f"'{value}'"
    return f'"{_escape(value)}"'


def key(name: str) -> str:
    """A TOML key: bare when it can be, else quoted."""
    if _BARE_KEY.search(name):
        return name
    _check_encodable(name)
    return f'"{_escape(name)}"'


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def value(item: Any, literal: bool = False) -> str:
    """A TOML value on one line: string, bool, int, float, array or inline table."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int | float):
        return repr(item)
    if isinstance(item, str):
        return string(item, literal)
    if isinstance(item, list | tuple):
        return "[" + ", ".join(value(v, literal) for v in item) + "]"
    if isinstance(item, dict):
        return "{ " + ", ".join(f"{key(k)} = {value(v)}" for k, v in item.items()) + " }" \
            if item else "{}"
    raise TypeError(f"cannot write a {type(item).__name__} to TOML")


def _comment(text: str | None, indent: str = "") -> list[str]:
    if not text:
        return []
    return [f"{indent}# {line}".rstrip() for line in text.splitlines()]


# Keys whose strings are regexes, XPaths or selectors: written as literal strings.
LITERAL_KEYS = frozenset({"pattern", "start", "end", "heading", "fingerprints", "remove_xpath",
                          "remove_css", "body_xpath", "body_css"})


class _Writer:
    def __init__(self, comments: Mapping[Path, str], literal_keys: frozenset[str]) -> None:
        self.comments = comments
        self.literal_keys = literal_keys
        self.lines: list[str] = []

    def array(self, path: Path, name: str, items: Sequence[Any]) -> None:
        notes = [self.comments.get((*path, i)) for i in range(len(items))]
        literal = name in self.literal_keys
        one_line = f"{key(name)} = {value(list(items), literal)}"
        if not any(notes) and len(one_line) <= _SHORT_ARRAY and "\n" not in one_line:
            self.lines.append(one_line)
            return
        self.lines.append(f"{key(name)} = [")
        for item, note in zip(items, notes, strict=True):
            self.lines += _comment(note, "    ")
            self.lines.append(f"    {value(item, literal)},")
        self.lines.append("]")

    def table(self, path: Path, data: Mapping[str, Any]) -> None:
        for name, item in data.items():
            if (isinstance(item, dict) and not _inline(item)) or _is_table_array(item):
                continue
            self.lines += _comment(self.comments.get((*path, name)))
            if isinstance(item, list | tuple):
                self.array((*path, name), name, item)
            else:
                self.lines.append(f"{key(name)} = {value(item, name in self.literal_keys)}")
        for name, item in data.items():
            sub = (*path, name)
            # Inside an array of tables, a header names the last entry: no index in it.
            dotted = ".".join(key(p) for p in sub if isinstance(p, str))
            if isinstance(item, dict) and not _inline(item):
                self._gap()
                self.lines += _comment(self.comments.get(sub))
                self.lines.append(f"[{dotted}]")
                self.table(sub, item)
            elif _is_table_array(item):
                for i, entry in enumerate(item):
                    self._gap()
                    self.lines += _comment(self.comments.get((*sub, i)))
                    self.lines.append(f"[[{dotted}]]")
                    self.table((*sub, i), entry)

    def _gap(self) -> None:
        if self.lines and self.lines[-1]:
            self.lines.append("")


def _inline(table: Mapping[str, Any]) -> bool:
    """Small tables of scalars (trafilatura options) are written inline."""
    return bool(table) and all(isinstance(v, bool | int | float) for v in table.values())


def dumps(
    data: Mapping[str, Any],
    comments: Mapping[Path, str] | None = None,
    literal_keys: frozenset[str] = LITERAL_KEYS,
) -> str:
    """Write ``data`` as a TOML document.

    Args:
        data: tables are dicts, arrays of tables are lists of dicts; keys keep their order.
        comments: comment text to put above a key, table or array item, by its path
            (``("html", "remove_xpath", 2)``, ``("test", 0)``); ``()`` is the file's header.
        literal_keys: keys whose strings are written as literal strings when they can be.

    Raises:
        ValueError: a string holds a lone surrogate, which TOML cannot hold.
        TypeError: a value of a kind TOML has no form for.
    """
    writer = _Writer(comments or {}, literal_keys)
    writer.lines += _comment(writer.comments.get(()))
    writer.table((), data)
    return "\n".join(writer.lines).strip("\n") + "\n"
