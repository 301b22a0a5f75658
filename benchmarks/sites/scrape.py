"""Naive text scrapes of the sites set's pages: the input cleaner's text mode gets.

usage: python benchmarks/sites/scrape.py DIR

DIR is laid out by ``benchmarks/sites/fetch.py``. Next to each page ``<site>/<n>.html`` this
writes ``<site>/<n>.scrape.txt``: the page's whole visible text as a naive scraper (a browser's
``innerText``, a copy from the screen) gives it, like the development set's ``*.scrape.txt``. The
title comes first; then one block element a line (scripts, styles and templates dropped, a
``<pre>`` a line per line of code), with a blank line around the blocks a browser sets apart by
their margins (paragraphs, headings, lists, tables, code, quotes, figures) and none between the
lines of one list; a table row is a line, its cells apart. A page always gives the same
bytes.

Exit status: 0 every page scraped, 1 some page could not be parsed (each is named), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parent))

from truth import _BLOCK_TAGS  # the block elements the truths are rendered by

_HIDDEN = frozenset(("script", "style", "noscript", "template", "head"))
# Blocks a browser shows with a margin above and below: a blank line in a scrape.
_SPACED = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "pre",
                     "blockquote", "figure", "hr"))
_LINE_TAGS = _BLOCK_TAGS | {"caption", "figcaption", "li", "dt", "dd"}
# A table row is a line, its cells apart (a browser's innerText separates them by tabs).
_CELLS = frozenset(("td", "th"))
_SPACE = re.compile(r"\s+")
_BLANK = "\x00"  # a blank line wanted here; runs collapse to one


class _Out:
    """Lines being written: the current line's pieces and the finished lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []

    def flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.current)).strip()
        if text:
            self.lines.append(text)
        self.current.clear()

    def blank(self) -> None:
        self.flush()
        if self.lines and self.lines[-1] != _BLANK:
            self.lines.append(_BLANK)


def _open(tag: str, out: _Out) -> None:
    """Before or after an element: a blank line around a spaced block, a break at a block."""
    if tag in _SPACED:
        out.blank()
    elif tag in _LINE_TAGS:
        out.flush()


def _walk(node: etree._Element, out: _Out) -> None:
    tag = node.tag.lower() if isinstance(node.tag, str) else ""
    if tag and tag not in _HIDDEN:
        _open(tag, out)
        if tag == "pre":
            out.lines.extend(s.strip() for s in node.text_content().split("\n") if s.strip())
        else:
            out.current.append(node.text or "")
            for child in node:
                _walk(child, out)
        _open(tag, out)
        if tag in _CELLS:
            out.current.append(" ")
    out.current.append(node.tail or "")


def scrape(page: bytes) -> str:
    """The naive text scrape of a page (see the module docstring); empty when it cannot be
    parsed."""
    try:
        root = lxml_html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return ""
    out = _Out()
    title = root.findtext(".//title")
    if title and title.strip():
        out.lines.append(_SPACE.sub(" ", title).strip())
        out.blank()
    body = root.find("body")
    _walk(body if body is not None else root, out)
    out.flush()
    lines = out.lines
    while lines and lines[-1] == _BLANK:
        lines.pop()
    return "".join("\n" if s == _BLANK else s + "\n" for s in lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", type=Path, help="directory laid out by benchmarks/sites/fetch.py")
    args = ap.parse_args(argv)
    manifest = args.dir / "manifest.jsonl"
    if not manifest.is_file():
        print(f"scrape: {args.dir}: no manifest.jsonl here; lay the set out with "
              "benchmarks/sites/fetch.py", file=sys.stderr)
        return 2
    failed = 0
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        page = args.dir / json.loads(line)["path"]
        text = scrape(page.read_bytes())
        if not text:
            print(f"scrape: {page}: no text (not parsable as HTML)", file=sys.stderr)
            failed += 1
        page.with_suffix(".scrape.txt").write_text(text, encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
