"""Strings made safe to write: valid UTF-8 in outputs, printable text in messages.

Python strings can hold what UTF-8 cannot encode: a lone surrogate from JSON (``"\\ud800"``),
or a file name that is not UTF-8 (``os`` carries its bad bytes as surrogate escapes,
U+DC80..U+DCFF). One such string must not cost a run its outputs, so every string is made
safe where it leaves the program: in output files a lone surrogate becomes U+FFFD, in file
names a bad byte is shown as ``\\xNN`` (as ``ls -b`` shows it), and in messages control
characters are escaped too, so that no raw binary or terminal escape reaches a terminal.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
# C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def utf8_safe(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD: always encodable as UTF-8."""
    if text.isascii():
        return text
    return _SURROGATE.sub("\ufffd", text)


def path_text(path: str) -> str:
    """A path as text: the bytes a non-UTF-8 name carries as surrogate escapes as ``\\xNN``."""
    if path.isascii():
        return path
    path = _ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", path)
    return utf8_safe(path)


def printable(text: str, limit: int | None = None) -> str:
    """``text`` for a message: a path's bad bytes as ``\\xNN``, lone surrogates as ``\\uXXXX``
    and control characters escaped (``\\n``, ``\\x1b``): printable, and encodable anywhere.

    Args:
        text: anything, from anywhere.
        limit: cut the result to about this many characters, marking the cut with ``...``.
    """
    shown = _ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)
    shown = _CONTROL.sub(_escape_control, _SURROGATE.sub(_escape_control, shown))
    if limit is not None and len(shown) > limit:
        shown = shown[:limit] + "..."
    return shown


def _escape_control(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
