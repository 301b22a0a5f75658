"""Tell what an input is from its name and its first bytes."""

from __future__ import annotations

import html
import json
import re
import zlib
from typing import Literal

InputKind = Literal["text", "html", "jsonl", "warc", "binary"]

#: How many leading bytes the sniffers look at; a shorter head is the whole input.
SNIFF_BYTES = 64 * 1024

GZIP_MAGIC = b"\x1f\x8b"
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_BOMS_UTF16_32 = tuple(bom for bom, _ in _WIDE_BOMS)
_UTF8_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n\f\v"

# C0 controls that never occur in text; tab, newlines, form feed, backspace and ESC
# (ISO-2022 encodings) are allowed.
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\b\x1b") + b"\x7f"
_BINARY_SAMPLE = 8192
_BINARY_SHARE = 0.05
# UTF-16 without BOM: at least this many code units, this share of them ASCII-range (NUL
# high byte), and NULs on the other side at most 1 for this many.
_UTF16_MIN_UNITS = 4
_UTF16_NUL_SHARE = 0.3
_UTF16_STRAY = 50

_HTML_STARTS = (b"<!doctype", b"<html", b"<head", b"<body")
_HTML_NEAR_START = (b"<!doctype html", b"<html", b"<head", b"<body")
_HTML_WINDOW = 1024

# Markup in text inputs: tags that article fragments are made of.
_FRAGMENT_TAGS = (
    r"(p|div|br|span|a|li|ul|ol|h[1-6]|table|thead|tbody|tr|td|th|img|strong|em|b|i|u|"
    r"blockquote|section|article|figure|figcaption|header|footer|nav|pre|code|hr|dl|dt|dd)"
)
_OPEN_TAG = re.compile(rf"<{_FRAGMENT_TAGS}(?:\s[^<>]{{0,2000}})?/?>", re.IGNORECASE)
_CLOSE_TAG = re.compile(rf"</{_FRAGMENT_TAGS}\s*>", re.IGNORECASE)
_ESCAPED_TAG = re.compile(
    rf"&lt;/?(?:{_FRAGMENT_TAGS}|html|head|body|title)(?:\s[^<>]{{0,300}}?)?/?&gt;",
    re.IGNORECASE,
)
_MIN_TAGS = 2
# A fragment has at least one closing tag (or <br>) per this many non-blank lines.
_LINES_PER_TAG = 4

_EXTENSIONS: tuple[tuple[str, InputKind], ...] = (
    (".jsonl.gz", "jsonl"),
    (".jsonl", "jsonl"),
    (".warc.gz", "warc"),
    (".warc", "warc"),
    (".html", "html"),
    (".htm", "html"),
    (".txt", "text"),
)


def looks_binary(data: bytes) -> bool:
    """True if the bytes are not text in any encoding: NUL bytes or many control bytes.

    UTF-16 and UTF-32 with a byte order mark contain NULs but are text, and so is
    UTF-16 without one (see ``utf16_without_bom``).
    """
    sample = data[:_BINARY_SAMPLE]
    if not sample or sample.startswith(_BOMS_UTF16_32):
        return False
    if b"\0" in sample:
        return utf16_without_bom(sample) is None
    return _control_share(sample) > _BINARY_SHARE


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` if the bytes are UTF-16 text without a byte order mark.

    Text in UTF-16 has a NUL in every other byte wherever it is in the ASCII range (markup,
    digits, spaces), always on the same side; the other side's NULs come only from the rare
    characters U+xx00. Binary data with NULs has them on both sides, or, like 16-bit
    numbers, control bytes on the other side.
    """
    sample = data[: min(len(data), _BINARY_SAMPLE) // 2 * 2]  # whole code units only
    units = len(sample) // 2
    if units < _UTF16_MIN_UNITS:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= units * _UTF16_NUL_SHARE and even * _UTF16_STRAY <= odd:
        order, low = "utf-16-le", sample[0::2]
    elif even >= units * _UTF16_NUL_SHARE and odd * _UTF16_STRAY <= even:
        order, low = "utf-16-be", sample[1::2]
    else:
        return None
    # The ASCII-range characters are the low bytes of code units whose high byte is NUL.
    high = sample[1::2] if order == "utf-16-le" else sample[0::2]
    ascii_range = bytes(b for b, h in zip(low, high, strict=True) if h == 0)
    return order if _control_share(ascii_range) <= _BINARY_SHARE else None


def _control_share(sample: bytes) -> float:
    return (len(sample) - len(sample.translate(None, _CONTROL))) / len(sample)


def kind_from_name(name: str) -> InputKind | None:
    """The kind an input's file name claims, or None for an unknown extension."""
    lower = name.lower()
    for suffix, kind in _EXTENSIONS:
        if lower.endswith(suffix):
            return kind
    return None


def sniff(head: bytes) -> InputKind:
    """The kind of an input from its first bytes alone; ``text`` when nothing else fits.

    Args:
        head: the first ``SNIFF_BYTES`` bytes (fewer when the input is shorter).
    """
    complete = len(head) < SNIFF_BYTES
    if head.startswith(GZIP_MAGIC):
        return _sniff_gzip(head)
    if head.startswith(b"WARC/"):
        return "warc"
    if looks_binary(head):
        return "binary"
    body = _ascii_view(head)
    if _looks_jsonl(body, complete=complete):
        return "jsonl"
    if _looks_html(body):
        return "html"
    return "text"


def resolve_kind(name: str, head: bytes) -> InputKind:
    """The kind to read an input as: its extension unless the content says otherwise.

    A container extension (``.jsonl``, ``.warc``) is trusted when the content could be
    one, so that a JSONL file with a broken first line is still read line by line and
    its lines rejected one by one; a ``.warc`` whose head is binary is read as a damaged
    archive. Otherwise sniffing wins over the extension (a
    ``.txt`` holding HTML is HTML), and the extension decides between text-like kinds.
    """
    claimed = kind_from_name(name)
    if claimed in ("jsonl", "warc") and _could_be(claimed, head):
        return claimed
    found = sniff(head)
    if found == "text" and claimed is not None:
        return claimed
    if found == "binary" and claimed == "warc":
        # A damaged first record (a broken gzip header): the WARC reader rejects it with its
        # offset and reads the records after it, where "binary" would lose them all.
        return claimed
    return found


def is_gzip(head: bytes) -> bool:
    """True if the bytes start like a gzip member."""
    return head.startswith(GZIP_MAGIC)


def _could_be(kind: InputKind, head: bytes) -> bool:
    if is_gzip(head):
        return True
    start = head.removeprefix(_UTF8_BOM).lstrip(_WHITESPACE)
    if kind == "jsonl":
        # "[": a JSON array saved as .jsonl, which the JSONL reader rejects with advice.
        return start.startswith((b"{", b"["))
    return start.startswith(b"WARC/")


def _sniff_gzip(head: bytes) -> InputKind:
    try:
        inner = zlib.decompressobj(wbits=31).decompress(head, SNIFF_BYTES)
    except zlib.error:
        return "binary"
    if inner.startswith(b"WARC/"):
        return "warc"
    # The compressed head is not the whole decompressed input, so the first line may be cut.
    if _looks_jsonl(_ascii_view(inner), complete=False):
        return "jsonl"
    return "binary"


def _ascii_view(head: bytes) -> bytes:
    """The head without BOM or leading whitespace; UTF-16/32 text re-encoded as ASCII."""
    for bom, codec in _WIDE_BOMS:
        if head.startswith(bom):
            text = head[:4096].decode(codec, "ignore")
            return text.encode("ascii", "ignore").lstrip(_WHITESPACE)
    return head.removeprefix(_UTF8_BOM).lstrip(_WHITESPACE)


def _looks_jsonl(body: bytes, *, complete: bool) -> bool:
    if _looks_json_array(body):
        return True  # read as JSONL only to be rejected with advice, never as one document
    if not body.startswith(b"{"):
        return False
    line, newline, _ = body.partition(b"\n")
    if not newline and not complete:
        # The first line goes on past the head: a long record, typical of HTML exports.
        return body.startswith((b'{"', b"{ "))
    try:
        return isinstance(json.loads(line.decode("utf-8", "replace")), dict)
    except (ValueError, RecursionError):
        return False


def _looks_json_array(body: bytes) -> bool:
    """True for a JSON array of objects: ``[`` then ``{"`` after optional whitespace."""
    if not body.startswith(b"["):
        return False
    return body[1:].lstrip(_WHITESPACE).startswith(b'{"')


def _looks_html(body: bytes) -> bool:
    window = body[:_HTML_WINDOW].lower()
    return window.startswith(_HTML_STARTS) or any(tag in window for tag in _HTML_NEAR_START)


def markup_in_text(text: str) -> str | None:
    """The HTML to clean when a text input really holds markup, else None.

    Scrapers often store an HTML fragment (``<p>..</p><div>..``, no ``<html>``) in a
    ``text`` field or a ``.txt`` file, or that fragment entity-escaped
    (``&lt;p&gt;Text&lt;/p&gt;``). Cleaned as text, the tags would end up in the clean
    text. A fragment has several real tags, closed (or ``<br>``), densely enough for the
    lines it spans; a text that mentions ``<b>`` once or says "a < b" is not one. Escaped
    markup (more escaped tags than real ones) is unescaped once and returned if it then
    reads as HTML.

    Args:
        text: the decoded text input; only its first ``SNIFF_BYTES`` characters are looked at.
    """
    window = text[:SNIFF_BYTES]
    if _is_fragment(window):
        return text
    escaped = len(_ESCAPED_TAG.findall(window))
    if escaped >= _MIN_TAGS and escaped > len(_OPEN_TAG.findall(window)):
        unescaped = html.unescape(text)
        head = unescaped[:SNIFF_BYTES]
        if _is_fragment(head) or _looks_html(_ascii_view(head[:_HTML_WINDOW].encode())):
            return unescaped
    return None


def _is_fragment(window: str) -> bool:
    opened = _OPEN_TAG.findall(window)
    breaks = sum(1 for name in opened if name.lower() == "br")
    closed = len(_CLOSE_TAG.findall(window)) + breaks
    lines = sum(1 for line in window.splitlines() if line.strip())
    return (
        len(opened) >= _MIN_TAGS
        and closed >= _MIN_TAGS
        and closed * _LINES_PER_TAG >= lines
    )
