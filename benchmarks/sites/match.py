"""Lines of an output matched against the lines of a truth, on normalised words, in order.

A truth line is kept when most of its words (more than half) appear, in order, in the output; an
output line is cruft when most of its words match no truth word. The alignment is one in-order
alignment of the two texts' word sequences (difflib's matching blocks), so a word of a truth line
counts only where the output has it in the same order as the truth has, not anywhere on the page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

_WORD = re.compile(r"\w+")
MOST = 0.5


def words(text: str) -> list[str]:
    """Normalised words: NFKC, case-folded ``\\w+`` runs."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _line_words(text: str) -> list[list[str]]:
    return [w for w in (words(line) for line in text.splitlines()) if w]


def _matched_flags(a: list[str], b: list[str]) -> tuple[list[bool], list[bool]]:
    """Which words of ``a`` and of ``b`` the in-order alignment of the two pairs up."""
    fa, fb = [False] * len(a), [False] * len(b)
    for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            fa[block.a + k] = True
            fb[block.b + k] = True
    return fa, fb


def _kept(lines: list[list[str]], flags: list[bool]) -> list[bool]:
    """Per line: whether more than MOST of its words are flagged."""
    out, i = [], 0
    for line in lines:
        hit = sum(flags[i:i + len(line)])
        out.append(hit > MOST * len(line))
        i += len(line)
    return out


@dataclass(frozen=True)
class LineScore:
    """How one output fares against one truth, in lines."""

    truth_lines: int
    lost: int
    output_lines: int
    cruft: int


def score_lines(truth: str, output: str) -> LineScore:
    """Truth lines lost and output lines that are cruft (lines without a word count for neither)."""
    t_lines, o_lines = _line_words(truth), _line_words(output)
    t_flags, o_flags = _matched_flags([w for ln in t_lines for w in ln],
                                      [w for ln in o_lines for w in ln])
    kept = _kept(t_lines, t_flags)
    matched = _kept(o_lines, o_flags)
    return LineScore(len(t_lines), kept.count(False), len(o_lines), matched.count(False))
