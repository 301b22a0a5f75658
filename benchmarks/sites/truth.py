"""A post's source (Markdown, or an HTML fragment) rendered to the plain text a reader sees.

The truth of a page in the sites set is the text of the post its site was built from: front
matter, Markdown syntax, Liquid tags and Hugo shortcodes stripped, one paragraph (heading, list
item, table row, code line) per line. Images and reference definitions leave nothing: they are not
text a reader reads.
"""

from __future__ import annotations

import html
import re

from lxml import etree
from lxml import html as lxml_html

_FRONT_MATTER = re.compile(r"\A\ufeff?\s*(?:---\s*\n.*?\n(?:---|\.\.\.)\s*(?:\n|\Z)"
                           r"|\+\+\+\s*\n.*?\n\+\+\+\s*(?:\n|\Z))", re.S)
_META_FIRST = re.compile(r"^(?i:title|date|author|slug)\s*:\s*\S")
_META_LINE = re.compile(r"^(?:[A-Za-z][\w-]*\s*:\s*.*|\s+\S.*)$")
_COMMENT = re.compile(r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_LIQUID_RAW = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")
# Hugo shortcodes and Liquid tags leave their inner text; a tag alone leaves nothing.
_TEMPLATE_TAG = re.compile(r"\{\{[<%].*?[%>]\}\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_FENCE = re.compile(r"^\s{0,3}(```+|~~~+)")
_HEADING_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_ATX = re.compile(r"^\s{0,3}#{1,6}\s")
_ATX_CLOSE = re.compile(r"\s+#+\s*$")
_BLOCK_START = re.compile(r"^\s{0,3}(#{1,6}\s|>|[-*+]\s|\d{1,9}[.)]\s|\|)")
_MARKERS = re.compile(r"^\s*(?:>\s*)*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)?")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)|!\[([^\]]*)\]\[[^\]]*\]")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)|\[([^\]]+)\]\[[^\]]*\]")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]]+\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_STRIKE = re.compile(r"~~(.+?)~~")
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_SPACE = re.compile(r"\s+")
_HTML_BLOCK = re.compile(r"^\s{0,3}</?([a-zA-Z][a-zA-Z0-9]*)[\s/>]")
_HTML_ONLY_BLOCKS = frozenset(("center", "details", "summary", "form", "iframe", "video", "audio",
                               "figure", "picture", "dl"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "table", "tbody", "td", "th", "thead", "tr", "ul", "br"))


def strip_front_matter(source: str) -> str:
    """The post without its front matter: YAML (``---``), TOML (``+++``), or the ``Key: value``
    lines up to the first blank line that Pelican and MultiMarkdown read (when the first is a
    title, date or author)."""
    stripped = _FRONT_MATTER.sub("", source, count=1)
    if stripped == source:
        head, _, rest = source.lstrip("\ufeff").partition("\n\n")
        lines = head.split("\n")
        if _META_FIRST.match(lines[0]) and all(_META_LINE.match(ln) for ln in lines if ln.strip()):
            return rest
    return stripped


def _inline(text: str) -> str:
    """One block's Markdown inline syntax reduced to its text."""
    text = _IMAGE.sub("", text)
    text = _FOOTNOTE_REF.sub("", text)
    for _ in range(3):  # links inside emphasis inside links
        text = _LINK.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _CODE_SPAN.sub(lambda m: m.group(2).strip(), text)
    for _ in range(2):
        text = _EMPHASIS.sub(r"\2", text)
    text = _STRIKE.sub(r"\1", text)
    if "<" in text and _TAG.search(text):
        text = " ".join(html_to_lines(text))
    return _SPACE.sub(" ", html.unescape(text)).strip()


def _table_row(line: str) -> str:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return " ".join(c for c in cells if c)


def _blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Markdown lines grouped into ('code', lines) and ('text', lines) blocks."""
    blocks: list[tuple[str, list[str]]] = []
    para: list[str] = []
    fence: str | None = None
    code: list[str] = []
    for line in lines:
        if fence is not None:
            if line.strip().startswith(fence):
                blocks.append(("code", code))
                fence, code = None, []
            else:
                code.append(line)
            continue
        m = _FENCE.match(line)
        if m:
            if para:
                blocks.append(("text", para))
            para, fence = [], m.group(1)
            continue
        if not line.strip():
            if para:
                blocks.append(("text", para))
            para = []
            continue
        para.append(line)
    if code:
        blocks.append(("code", code))
    if para:
        blocks.append(("text", para))
    return blocks


def _text_block(lines: list[str]) -> list[str]:
    """A paragraph's lines joined; headings, list items, quotes and table rows stay apart."""
    first = _HTML_BLOCK.match(lines[0]) if lines else None
    if first and first.group(1).lower() in (_BLOCK_TAGS - {"br"}) | _HTML_ONLY_BLOCKS:
        return html_to_lines("\n".join(lines))
    out: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            out.append(" ".join(current))
            current.clear()

    for line in lines:
        if any(rx.match(line) for rx in (_HEADING_UNDERLINE, _RULE, _REF_DEF, _TABLE_SEP)):
            flush()  # a setext heading's underline ends the heading; rules and refs leave nothing
        elif _ATX.match(line):
            flush()
            out.append(_MARKERS.sub("", _ATX_CLOSE.sub("", line), count=1).strip())
        elif line.strip().startswith("|") or (line.count("|") >= 2 and not current):
            flush()
            out.append(_table_row(line.strip()))
        else:
            if _BLOCK_START.match(line):
                flush()
            current.append(_MARKERS.sub("", line, count=1).strip())
    flush()
    return [t for t in (_inline(o) for o in out) if t]


def markdown_to_lines(source: str) -> list[str]:
    """A Markdown post as the lines of text a reader sees, one paragraph a line."""
    text = strip_front_matter(source.replace("\r\n", "\n").replace("\r", "\n"))
    text = _COMMENT.sub("", text)
    text = _LIQUID_RAW.sub("", text)
    text = _TEMPLATE_TAG.sub("", text)
    out: list[str] = []
    for kind, lines in _blocks(text.split("\n")):
        if kind == "code":
            out.extend(s for s in (line.strip() for line in lines) if s)
        else:
            out.extend(_text_block(lines))
    return out


def _walk(node: etree._Element, out: list[str], current: list[str]) -> None:
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag in {"script", "style", "noscript", "template"}:
        if node.tail:
            current.append(node.tail)
        return
    block = tag.lower() in _BLOCK_TAGS
    if block:
        _flush(out, current)
    if tag == "pre":
        out.extend(s.strip() for s in node.text_content().split("\n") if s.strip())
    else:
        if node.text and tag:
            current.append(node.text)
        for child in node:
            _walk(child, out, current)
    if block:
        _flush(out, current)
    if node.tail:
        current.append(node.tail)


def _flush(out: list[str], current: list[str]) -> None:
    text = _SPACE.sub(" ", "".join(current)).strip()
    if text:
        out.append(text)
    current.clear()


def html_to_lines(fragment: str) -> list[str]:
    """An HTML fragment (a post written in HTML) as lines of text, one block a line."""
    if not fragment.strip():
        return []
    try:
        root = lxml_html.fragment_fromstring(_CONTROL.sub("", fragment), create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    return _lines(root)


def _lines(root: etree._Element) -> list[str]:
    """The text of an element, one block a line."""
    out: list[str] = []
    current: list[str] = []
    _walk(root, out, current)
    _flush(out, current)
    return out


def render_truth(source: str, kind: str) -> str:
    """The truth text of a post: ``kind`` is 'markdown' or 'html'; one paragraph a line."""
    if kind == "html":
        lines = html_to_lines(strip_front_matter(source))
    elif kind == "markdown":
        lines = markdown_to_lines(source)
    else:
        raise ValueError(f"unknown source kind {kind!r}: use 'markdown' or 'html'")
    return "\n".join(lines) + ("\n" if lines else "")


def page_to_lines(page: bytes) -> list[str]:
    """A whole built page as lines of text, one block a line (scripts and styles dropped)."""
    try:
        root = lxml_html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return []
    return _lines(root)
