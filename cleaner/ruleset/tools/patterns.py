"""What can be told about an RE2 pattern from its text: escaping, anchors, impossible matches.

Text directives see one line at a time: a line is never empty, holds no line break and has
no surrounding whitespace. A pattern that needs a line break, text after ``$`` or text before
``^`` can never match such a line. :func:`why_impossible` finds those cases by reading the
pattern's structure; it is conservative (it says nothing about alternatives it cannot follow).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import re2

_META = frozenset("\\.+*?()|[]{}^$")
_NEWLINES = frozenset({"\n", "\r"})
_ESCAPED_CHARS = {"n": "\n", "r": "\r", "t": "\t", "f": "\f", "v": "\v", "a": "\a"}
_ZERO_WIDTH_ESCAPES = frozenset("bB")
_BEGIN_ESCAPES = frozenset("A")
_END_ESCAPES = frozenset("z")
_MULTILINE_FLAG = re2.compile(r"\(\?[a-zA-Z]*m[a-zA-Z]*(-[a-zA-Z]*)?[:)]")


def escape(text: str) -> str:
    """``text`` as an RE2 pattern that matches it literally; only metacharacters are escaped."""
    return "".join("\\" + ch if ch in _META else ch for ch in text)


def line_pattern(text: str) -> str:
    """A pattern matching exactly the line ``text``."""
    return "^" + escape(text) + "$"


# --- a small parser: just enough structure to follow anchors and required characters --------


@dataclass
class _Item:
    """One atom of a pattern: kind is char, class, begin, end, zero or group."""

    kind: str
    chars: frozenset[str] | None = None  # the characters a char item matches, when known
    branches: list[list[_Item]] = field(default_factory=list)  # a group's alternatives
    optional: bool = False  # a quantifier lets it match zero times


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.anchors: list[str] = []

    def peek(self) -> str:
        return self.p[self.i] if self.i < len(self.p) else ""

    def alternation(self) -> list[list[_Item]]:
        branches: list[list[_Item]] = [[]]
        while self.i < len(self.p) and self.peek() != ")":
            if self.peek() == "|":
                self.i += 1
                branches.append([])
                continue
            item = self.atom()
            if item is not None:
                self.quantifier(item)
                branches[-1].append(item)
        return branches

    def quantifier(self, item: _Item) -> None:
        ch = self.peek()
        if ch in ("*", "?"):
            item.optional = True
            self.i += 1
        elif ch == "+":
            self.i += 1
        elif ch == "{":
            end = self.p.find("}", self.i)
            body = self.p[self.i + 1:end] if end > 0 else ""
            low = body.split(",", 1)[0]
            if not low.isdigit():
                return  # a literal brace
            item.optional = int(low) == 0
            self.i = end + 1
        else:
            return
        if self.peek() == "?":  # lazy
            self.i += 1

    def atom(self) -> _Item | None:
        ch = self.peek()
        self.i += 1
        if ch == "(":
            return self.group()
        if ch == "[":
            return self.char_class()
        if ch == "\\":
            return self.escape_item()
        if ch in ("^", "$"):
            self.anchors.append(ch)
            return _Item("begin" if ch == "^" else "end")
        if ch == ".":
            return _Item("class")
        return _Item("char", frozenset(ch))

    def group(self) -> _Item | None:
        if self.p.startswith("?", self.i):
            close = self.p.find(")", self.i)
            colon = self.p.find(":", self.i)
            if self.p.startswith("?P<", self.i) or self.p.startswith("?<", self.i):
                self.i = self.p.find(">", self.i) + 1
            elif 0 <= colon < close or close < 0:
                self.i = colon + 1
            else:  # (?flags): zero width
                self.i = close + 1
                return None
        branches = self.alternation()
        self.i += 1  # the closing parenthesis
        return _Item("group", branches=branches)

    def escape_item(self) -> _Item:
        ch = self.peek()
        self.i += 1
        if ch in _ESCAPED_CHARS:
            return _Item("char", frozenset(_ESCAPED_CHARS[ch]))
        if ch == "x":
            return _Item("char", frozenset(self.hex_char()))
        if ch in _ZERO_WIDTH_ESCAPES:
            return _Item("zero")
        if ch in _BEGIN_ESCAPES:
            return _Item("begin")
        if ch in _END_ESCAPES:
            return _Item("end")
        if ch in "pP" and self.peek() == "{":
            self.i = self.p.find("}", self.i) + 1
            return _Item("class")
        if ch in "pP":
            self.i += 1
            return _Item("class")
        if ch == "Q":
            end = self.p.find("\\E", self.i)
            text = self.p[self.i:end if end >= 0 else len(self.p)]
            self.i = end + 2 if end >= 0 else len(self.p)
            return _Item("group", branches=[[_Item("char", frozenset(c)) for c in text]])
        if ch.isalnum():
            return _Item("class")  # \d \s \w \C and octal: some character, not known here
        return _Item("char", frozenset(ch))

    def hex_char(self) -> str:
        if self.peek() == "{":
            end = self.p.find("}", self.i)
            digits, self.i = self.p[self.i + 1:end], end + 1
        else:
            digits, self.i = self.p[self.i:self.i + 2], self.i + 2
        try:
            return chr(int(digits, 16))
        except ValueError:
            return "?"

    def char_class(self) -> _Item:
        negated = self.peek() == "^"
        self.i += negated
        chars: set[str] = set()
        known = True
        first = True
        while self.i < len(self.p) and (self.peek() != "]" or first):
            first = False
            ch = self.peek()
            self.i += 1
            if ch == "[" and self.peek() == ":":
                self.i = self.p.find(":]", self.i) + 2
                known = False
            elif ch == "\\":
                esc = self.peek()
                self.i += 1
                if esc in _ESCAPED_CHARS:
                    chars.add(_ESCAPED_CHARS[esc])
                elif esc == "x":
                    chars.add(self.hex_char())
                elif esc.isalnum():
                    known = False
                    if esc in "pP" and self.peek() == "{":
                        self.i = self.p.find("}", self.i) + 1
                else:
                    chars.add(esc)
            elif ch == "-" and chars and self.peek() not in ("]", ""):
                known = False  # a range: more than we track
            else:
                chars.add(ch)
        self.i += 1
        if negated or not known:
            return _Item("class")
        return _Item("char", frozenset(chars))


def _group_tokens(item: _Item) -> list[str] | None:
    """A group's required tokens: its own when it has one alternative, else O (unknown)."""
    live = [b for b in item.branches if _why_branch(b) is None]
    if not live:
        return [] if item.optional else None
    if len(item.branches) == 1 and not item.optional:
        return _flatten(item.branches[0])
    return ["O"]


def _flatten(branch: list[_Item]) -> list[str] | None:
    """The branch as required tokens: C (a character), NL (a line break), B, E, O (unknown).

    Returns None when the branch holds an impossible group (every alternative impossible).
    """
    out: list[str] = []
    for item in branch:
        if item.kind == "group":
            inner = _group_tokens(item)
            if inner is None:
                return None
            out += inner
        elif item.kind in ("begin", "end"):
            if not item.optional:
                out.append("B" if item.kind == "begin" else "E")
        elif item.kind == "zero":
            continue
        elif item.optional:
            out.append("O")
        elif item.kind == "char" and item.chars is not None and item.chars <= _NEWLINES:
            out.append("NL")
        else:
            out.append("C")
    return out


def _why_branch(branch: list[_Item]) -> str | None:
    tokens = _flatten(branch)
    if tokens is None:
        return "no alternative of one of its groups can match a line"
    if "NL" in tokens:
        return "it needs a line break, and a line never holds one"
    if "E" in tokens and "C" in tokens[tokens.index("E"):]:
        return "it needs text after the end of the line ($)"
    if "B" in tokens:
        last_begin = len(tokens) - 1 - tokens[::-1].index("B")
        if "C" in tokens[:last_begin]:
            return "it needs text before the start of the line (^)"
    if "B" in tokens and "E" in tokens and tokens.index("B") < tokens.index("E"):
        between = tokens[tokens.index("B"):tokens.index("E")]
        if not any(t in ("C", "O") for t in between):
            return "it matches only an empty line, and lines are never empty"
    return None


def why_impossible(pattern: str) -> str | None:
    """Why ``pattern`` can never match a line of text, or None when it might."""
    parser = _Parser(pattern)
    try:
        branches = parser.alternation()
    except (IndexError, ValueError):  # a construct this reader does not follow: say nothing
        return None
    reasons = [_why_branch(b) for b in branches]
    if all(reasons):
        return reasons[0]
    return None


def line_anchored(pattern: str) -> bool:
    """True when ``pattern`` uses ``^`` or ``$`` without the multi-line flag ``(?m)``.

    Searched in a whole page (a fingerprint), such a pattern matches only at the very start or
    end of the page, not at the start or end of a line.
    """
    parser = _Parser(pattern)
    try:
        parser.alternation()
    except (IndexError, ValueError):
        return False
    return bool(parser.anchors) and _MULTILINE_FLAG.search(pattern) is None


def matches_everything(compiled: Any) -> bool:
    """True when a compiled pattern matches any line (it matches the empty string anywhere)."""
    probes = ("", "x", "A line of ordinary article text, ending with a full stop.")
    return all(compiled.search(p) is not None for p in probes)
