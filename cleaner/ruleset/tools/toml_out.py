"""Generated rule files: the data written by ``tomli_w``, comments kept out of its way.

Values are written by a real TOML writer (``tomli_w``), never by hand: whatever a string
holds (quotes, backslashes, control characters copied from a site config), ``tomllib`` reads
back the same value. Comments, which ``tomli_w`` does not write, all go in a header above the
data; each comment line has its control characters escaped (``\\u0007``), because a TOML
comment may not hold one, and a file with one would not load.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import tomli_w

Path = tuple[str | int, ...]


def _visible(ch: str) -> str:
    code = ord(ch)
    if ch == "\t" or not (code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF):
        return ch
    return f"\\u{code:04X}"


def comment_lines(text: str) -> list[str]:
    """``# ...`` lines for ``text``: one per line of it, control characters escaped (a form
    feed too, which ``str.splitlines`` would take for a line break)."""
    return [f"# {''.join(map(_visible, line))}".rstrip() for line in text.split("\n")]


def path_name(path: Path) -> str:
    """``("html", "remove_xpath", 2)`` -> ``html.remove_xpath[2]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _has_cr(item: Any) -> bool:
    if isinstance(item, str):
        return "\r" in item
    if isinstance(item, Mapping):
        return any(_has_cr(v) for v in item.values())
    if isinstance(item, list | tuple):
        return any(_has_cr(v) for v in item)
    return False


def dumps(data: Mapping[str, Any], comments: Mapping[Path, str] | None = None) -> str:
    """Write ``data`` as a TOML document, with ``comments`` in a header above it.

    Args:
        data: tables are dicts, arrays of tables are lists of dicts; keys keep their order.
        comments: ``()`` is the file's header; other comments are about a key, table or array
            item, by its path (``("html", "remove_xpath", 2)``), and are listed after the
            header with that path (``html.remove_xpath[2]: ...``).

    Raises:
        ValueError: a string holds a lone surrogate, which TOML cannot hold.
        TypeError: a value of a kind TOML has no form for.
    """
    comments = comments or {}
    header = comment_lines(comments.get((), ""))
    for path, note in comments.items():
        if path:
            header += comment_lines(f"{path_name(path)}: {note}")
    # Multi-line strings read best (a test's page), but tomli_w writes "\r\n" in one as "\n".
    body = tomli_w.dumps(data, multiline_strings=not _has_cr(data))
    try:
        body.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("cannot write a lone surrogate to TOML") from None
    return "\n".join(header) + ("\n\n" if header else "") + body
