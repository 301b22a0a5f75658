"""Bytes to text: BOM, declared charset, ``<meta charset>``, UTF-8, detection, in that order."""

from __future__ import annotations

import codecs
import re

import charset_normalizer
from charset_normalizer import CharsetMatch

from cleaner.inputs.sniff import looks_binary, sniff, utf16_without_bom
from cleaner.inputs.text import binary_detail
from cleaner.model import Kind, RawDoc, Reject, RejectReason


class DecodeFailure(Exception):
    """The bytes are not text in any encoding we can find.

    Attributes:
        detail: what is wrong and what to do, for the reject record.
    """

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LABEL = re.compile(r"[a-z0-9][a-z0-9._:\-]{0,39}")
# Labels browsers read as windows-1252 (WHATWG Encoding); Python reads them strictly.
_WINDOWS_1252_LABELS = frozenset({"iso8859-1", "ascii", "cp1252"})
_ALIASES = {"x-sjis": "shift_jis", "windows-31j": "cp932", "x-mac-roman": "mac-roman"}
# Codecs that are text encodings to Python but turn markup into something else.
_UNSAFE = frozenset({"utf-7", "unicode-escape", "raw-unicode-escape", "idna", "punycode"})
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})""", re.IGNORECASE
)
_META_WINDOW = 4096
_HIGH_BYTES = bytes(range(0x80, 0x100))
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
# surrogateescape maps each byte that is invalid as UTF-8 to one of these.
_ESCAPED = re.compile("[\udc80-\udcff]")
_REPLACEMENT_SHARE = 0.01
# Terminal escape sequences (CSI such as colours, OSC such as window titles, two-byte
# escapes) and stray ESC: junk from captured terminal output, never text.
_ESCAPE_SEQUENCE = re.compile(
    "\x1b(?:\\[[0-?]*[ -/]*[@-~]|\\][^\x07\x1b]*(?:\x07|\x1b\\\\)?|[ -/]*[0-~])?"
)
# C0 controls but tab and newline, DEL, and C1 controls (U+0080-U+009F).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e"


def _control_replacement(code: int) -> str:
    """What a control character becomes in clean text.

    A newline for vertical tab, form feed and the separators. For a C1 control its
    windows-1252 character, as browsers read ``&#150;`` and ISO-8859-1 pages: C1 in
    decoded text is windows-1252 that was read as ISO-8859-1. Otherwise nothing.
    """
    if chr(code) in _LINE_BREAKS:
        return "\n"
    if 0x80 <= code <= 0x9F:
        return bytes([code]).decode("cp1252", "ignore")
    return ""


_CONTROL_TABLE = {c: _control_replacement(c) for c in [*range(0x20), *range(0x7F, 0xA0)]}
del _CONTROL_TABLE[ord("\t")], _CONTROL_TABLE[ord("\n")]
# ISO-2022-JP is 7-bit: only its escape sequences tell it from ASCII.
_ISO_2022_JP = re.compile(rb"\x1b(?:\$[@B]|\([BJ])")


def decode(data: bytes, declared: str | None, kind: Kind) -> tuple[str, str]:
    """Decode raw bytes to text with newlines normalised to ``\\n`` and no leading BOM.

    Order: a byte order mark (or the NULs of UTF-16 without one); the declared charset;
    for HTML a ``<meta>`` charset in the first 4 KB; UTF-8; UTF-8 with a few damaged
    sequences; charset detection (ties go to windows-1252); UTF-8 with replacement
    characters when fewer than 1% are needed.
    A declared or ``<meta>`` charset loses to bytes that are valid non-ASCII UTF-8,
    since such bytes are almost never anything else, while labels are often wrong.

    Args:
        data: the raw bytes.
        declared: charset declared outside the content (HTTP header, container), if any.
        kind: ``html`` also looks for a ``<meta>`` charset.

    Returns:
        The text and the Python name of the encoding used (``utf-8``, ``cp1252``, ...).

    Raises:
        DecodeFailure: nothing decodes the bytes without many replacement characters.
    """
    found = _decode(data, declared, kind)
    if found is None:
        raise DecodeFailure(_failure_detail(data))
    text, name = found
    return _normalise(text), name


def decode_raw(raw: RawDoc) -> tuple[str, str] | Reject:
    """Decode a raw document, or reject it as ``binary`` or ``decode_error``."""
    if looks_binary(raw.data):
        return Reject(RejectReason.BINARY, binary_detail(raw.data), raw.source)
    kind: Kind = raw.kind or ("html" if sniff(raw.data[:4096]) == "html" else "text")
    try:
        return decode(raw.data, raw.charset, kind)
    except DecodeFailure as exc:
        return Reject(RejectReason.DECODE_ERROR, exc.detail, raw.source)


def _decode(data: bytes, declared: str | None, kind: Kind) -> tuple[str, str] | None:
    bom = _by_bom(data) or _by_nul_pattern(data)
    if bom is not None:
        return bom
    if data.isascii() and _ISO_2022_JP.search(data):
        labels_or_jis = [declared, _meta_charset(data) if kind == "html" else None, "iso-2022-jp"]
        for label in labels_or_jis:
            found = _by_label(data, label)
            if found is not None:
                return found
    utf8 = _lenient_utf8(data)
    labels = [declared, _meta_charset(data) if kind == "html" else None]
    if utf8 is None or data.isascii():
        for label in labels:
            found = _by_label(data, label)
            if found is not None:
                return found
    if utf8 is not None:
        return utf8, "utf-8"
    return _by_detection(data) or _by_replacement(data)


def _by_bom(data: bytes) -> tuple[str, str] | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data, codec)
            return None if text is None else (text, codecs.lookup(codec).name)
    return None


def _by_nul_pattern(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a byte order mark, told by its NULs (a cut last byte is dropped)."""
    order = utf16_without_bom(data) if b"\0" in data else None
    if order is None:
        return None
    text = _strict(data[: len(data) - len(data) % 2], order)
    return None if text is None else (text, order)


def _by_label(data: bytes, label: str | None) -> tuple[str, str] | None:
    codec = _codec_for(label)
    if codec is None:
        return None
    if codec.startswith(("utf-16", "utf-32")) and b"\0" not in data:
        # A UTF-16 label on bytes without NULs is a wrong label (WHATWG reads it as UTF-8).
        return None
    text = _strict(data, codec)
    return None if text is None else (text, codec)


def _codec_for(label: str | None) -> str | None:
    """The Python codec for a charset label, or None if Python does not know it."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if not _LABEL.fullmatch(name):
        return None
    try:
        info = codecs.lookup(_ALIASES.get(name, name))
    except LookupError:
        return None
    if not info._is_text_encoding or info.name in _UNSAFE:
        return None
    # Real ISO-8859-1 text has no C1 controls, so reading it as windows-1252 loses nothing;
    # bytes undefined in windows-1252 mean the label is wrong, and detection takes over.
    return "cp1252" if info.name in _WINDOWS_1252_LABELS else str(info.name)


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_META_WINDOW])
    return match.group(1).decode("ascii") if match else None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError, ValueError):
        return None


def _lenient_utf8(data: bytes) -> str | None:
    """UTF-8 text if the bytes are UTF-8, allowing a few damaged sequences.

    Damage is allowed when under 1% of the characters are replaced and clearly valid
    multi-byte sequences outnumber the damaged ones (a UTF-8 page cut mid-character);
    legacy single-byte text, where every accented letter is damage, fails this.
    """
    text, bad = _utf8_replacing(data)
    if bad == 0:
        return text
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    # One damaged character is allowed even in a short text (a page cut mid-character).
    if bad <= max(1, _REPLACEMENT_SHARE * len(data)) and high - bad > 2 * bad:
        return text
    return None


def _by_detection(data: bytes) -> tuple[str, str] | None:
    results = [m for m in charset_normalizer.from_bytes(data) if _plausible(m.encoding, data)]
    if not results:
        return None
    best = results[0]
    text = str(best)
    cp1252 = _strict(data, "cp1252")
    if cp1252 is not None and (cp1252 == text or _prefer_cp1252(data, text, results)):
        return cp1252, "cp1252"
    return text, codecs.lookup(best.encoding).name


def _prefer_cp1252(data: bytes, text: str, results: list[CharsetMatch]) -> bool:
    """Whether windows-1252 beats the detected encoding.

    Detection cannot tell windows-1252 from its single-byte neighbours on short texts
    and picks one at random (``café`` as Ukrainian DOS), while old Western news sites
    are overwhelmingly windows-1252. It wins a tie, and beats a single-byte guess made
    without language evidence when accented bytes stand alone as in Western languages
    (Cyrillic or Greek in a single-byte encoding come in runs: whole words).
    """
    best = results[0]
    if any(m.encoding == "cp1252" and m.chaos <= best.chaos for m in results):
        return True
    single_byte = len(text) == len(data)
    return single_byte and best.coherence == 0 and _mean_high_run(data) < 2


def _mean_high_run(data: bytes) -> float:
    runs = _HIGH_RUN.findall(data)
    return sum(map(len, runs)) / len(runs) if runs else 0.0


def _plausible(encoding: str, data: bytes) -> bool:
    """False for a detected UTF-16/32 without NUL bytes: short Western texts get this guess."""
    return not encoding.startswith(("utf_16", "utf_32")) or b"\0" in data


def _by_replacement(data: bytes) -> tuple[str, str] | None:
    text, bad = _utf8_replacing(data)
    return (text, "utf-8") if bad < _REPLACEMENT_SHARE * len(data) else None


def _utf8_replacing(data: bytes) -> tuple[str, int]:
    """UTF-8 text with one U+FFFD per invalid byte, and the number of invalid bytes."""
    escaped = data.decode("utf-8", "surrogateescape")
    return _ESCAPED.subn("\ufffd", escaped)


def _failure_detail(data: bytes) -> str:
    _, bad = _utf8_replacing(data)
    return (
        f"not decodable as text: {bad} of {len(data)} bytes invalid as UTF-8 and no "
        "encoding detected; convert the file to UTF-8 or re-scrape it"
    )


def _normalise(text: str) -> str:
    """No BOM, ``\\n`` newlines, and no control characters but tab and newline."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROLS.search(text) is None:
        return text
    return _ESCAPE_SEQUENCE.sub("", text).translate(_CONTROL_TABLE)
