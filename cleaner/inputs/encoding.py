"""Bytes to text: BOM, declared charset, the document's declaration, UTF-8, detection."""

from __future__ import annotations

import bisect
import codecs
import re
import unicodedata

import charset_normalizer
from bs4.dammit import EncodingDetector

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
_DECLARATION_WINDOW = 4096
# What detection may choose: the legacy encodings of WHATWG's Encoding Standard that pages
# use, without DOS and Mac code pages and the rare Latin ones (ISO-8859-3/4/10/13/14/16),
# which only a declaration selects. Order breaks ties after windows-1252.
_DETECTABLE = (
    "cp1252", "cp1250", "cp1251", "koi8_r", "koi8_u", "cp1253", "cp1254", "cp1255", "cp1256",
    "cp1257", "cp1258", "cp874", "iso8859_2", "iso8859_5", "iso8859_6", "iso8859_7",
    "iso8859_8", "iso8859_15", "shift_jis", "cp932", "euc_jp", "gb18030", "big5", "euc_kr",
    "cp949",
)  # fmt: skip
# WHATWG reads GB2312 and GBK as GB18030 and EUC-KR as windows-949 (supersets with the same
# mappings); its Shift_JIS maps like Python's shift_jis, with windows-31j's extensions.
_WHATWG_CODECS = {
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "euc_kr": ("cp949",),
    "cp932": ("shift_jis", "cp932"),
}
# Detection looks at the text around non-ASCII bytes: runs between tags and line ends
# (cut points that are never inside a character in the ASCII-compatible encodings).
_SEGMENT_END = re.compile(rb"[<>\n]")
_SAMPLE_BYTES = 8 * 1024
_SEGMENT_BYTES = 1024
_CANDIDATES = 4
# charset-normalizer's mess ratio a proposal may have: the dense sample of non-ASCII text
# looks messier to it than whole pages.
_MAX_CHAOS = 0.5
_MARGIN = 2
_MULTI_BYTE = ("shift_jis", "cp932", "euc_jp", "gb18030", "big5", "cp949")
# Signs that do follow words (Apple®, 20°), and punctuation that never does.
_AFTER_WORD = frozenset("©®™°")
_SIGNS_END = "\u2000"  # arrows, CJK punctuation, fullwidth forms (Ctrl+Alt) from here on
_NEVER_AFTER_LETTER = frozenset("¿¡¶§")
# Where scripts start, for telling a letter's script from the one before it.
_SCRIPT_STARTS = (0, 0x250, 0x370, 0x400, 0x530, 0x590, 0x600, 0x700, 0xE00, 0xE80, 0x1E00,
                  0x1F00, 0x2000)  # fmt: skip
_SCRIPTS = ("latin", "other", "greek", "cyrillic", "other", "hebrew", "arabic", "other",
            "thai", "other", "latin", "greek", "other")  # fmt: skip
_HIGH_BYTES = bytes(range(0x80, 0x100))
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
_C0_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])  # CR: a newline
_UTF8_C1 = re.compile(rb"\xc2[\x80-\x9f]")
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
    """Decode raw bytes to text with ``\\n`` newlines, no leading BOM and no control characters.

    Order: a byte order mark (or the NULs of UTF-16 without one); the declared charset;
    the document's own declaration in its first 4 KB (an XML declaration; for HTML also
    ``<meta charset>`` or ``http-equiv``); ISO-2022-JP escapes in 7-bit bytes; UTF-8;
    UTF-8 with a few damaged sequences; detection among the legacy encodings web pages
    use, windows-1252 winning ties; UTF-8 with replacement characters when fewer than 1%
    are needed. A declared charset loses to bytes that are valid non-ASCII UTF-8, since
    such bytes are almost never anything else, while labels are often wrong. Control
    characters other than tab and newline are removed (C1 ones read as windows-1252).

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
    return _normalise(text, controls=_has_controls(data, text, name)), name


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
        labels_or_jis = [declared, _declared_in(data, kind), "iso-2022-jp"]
        for label in labels_or_jis:
            found = _by_label(data, label)
            if found is not None:
                return found
    utf8 = _lenient_utf8(data)
    labels = [declared, _declared_in(data, kind)]
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


def _declared_in(data: bytes, kind: Kind) -> str | None:
    """The charset the document declares in its first 4 KB: an XML declaration, and for
    HTML a ``<meta charset>`` or ``http-equiv`` content type (beautifulsoup4's rules)."""
    return EncodingDetector.find_declared_encoding(
        data[:_DECLARATION_WINDOW], is_html=kind == "html", search_entire_document=True
    )


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
    """The text in the most plausible legacy encoding, windows-1252 winning ties.

    charset-normalizer proposes encodings from the text around non-ASCII bytes (its
    language statistics order the Cyrillic, Greek and CJK candidates); each must decode
    the whole input. The one whose text has the fewest implausible characters wins, but
    windows-1252 (what browsers read undeclared Western pages as) keeps the page unless
    a neighbour has clearly fewer: DOS and Mac code pages are never candidates.
    """
    sample = _sample(data)
    proposed = charset_normalizer.from_bytes(
        sample, cp_isolation=list(_DETECTABLE), threshold=_MAX_CHAOS
    )
    names = ["cp1252", *(name for m in proposed for name in _whatwg_codecs(m.encoding))]
    if not proposed:
        # Mixed or short text it finds no language in: multi-byte encodings still validate.
        names += _MULTI_BYTE
    decoded: dict[str, str] = {}
    for name in dict.fromkeys(names):
        text = _strict(data, name)
        if text is not None and text not in decoded.values():
            decoded[name] = text
        if len(decoded) == _CANDIDATES:
            break
    if not decoded:
        return None
    counts = {name: _implausible(sample.decode(name, "replace")) for name in decoded}
    best = min(decoded, key=counts.__getitem__)  # ties: windows-1252, then detection's order
    if "cp1252" in counts and not _clearly_fewer(counts[best], counts["cp1252"]):
        best = "cp1252"
    return decoded[best], codecs.lookup(best).name


def _clearly_fewer(count: int, cp1252_count: int) -> bool:
    """Whether a neighbour's implausible characters are clearly fewer than windows-1252's.

    Real pages hold some mojibake of their own (``nÃ£o``), read oddly in every encoding;
    evidence against windows-1252 is at most half as many and at least two fewer.
    """
    return count * 2 + _MARGIN <= cp1252_count


def _whatwg_codecs(encoding: str) -> tuple[str, ...]:
    """The codecs to read a detected encoding with, WHATWG's mappings first."""
    return _WHATWG_CODECS.get(encoding, (encoding,))


def _sample(data: bytes) -> bytes:
    """The text segments of the input that hold non-ASCII bytes, up to 8 KB."""
    segments = []
    size = 0
    for segment in _SEGMENT_END.split(data):
        if segment.isascii():
            continue
        if len(segment) > _SEGMENT_BYTES:
            segment = segment[:_SEGMENT_BYTES].rpartition(b" ")[0]
        segments.append(segment)
        size += len(segment) + 1
        if size >= _SAMPLE_BYTES:
            break
    return b"\n".join(segments)


def _implausible(text: str) -> int:
    """How many characters of a decoded text look like a wrong encoding.

    Counted only at non-ASCII characters: replacement and C1 control characters; a
    symbol, number or inverted mark right after a letter (``Wa³êsa``: Polish read as
    windows-1252); a letter of another alphabet than the letter before it (``cafй``;
    CJK beside Latin is normal); a Latin letter after two non-ASCII Latin letters
    (``Ïðèâåò``: Cyrillic read as windows-1252; Western words never run to three accented
    letters); a capital after a small letter (``пРИВЕТ``: KOI8-R read as windows-1251).
    """
    count = 0
    prev2, prev = " ", " "
    for char in text:
        if char >= "\x80":
            count += _odd(prev2, prev, char)
        prev2, prev = prev, char
    return count


def _odd(prev2: str, prev: str, char: str) -> int:
    if char == "\ufffd" or char <= "\x9f":
        return 3
    if not prev.isalpha() or _script(prev) == "other":
        return 0  # CJK text mixes symbols, Latin and ideographs freely
    if not char.isalpha():
        return int(char < _SIGNS_END and _out_of_word(char))
    script = _script(char)
    if _script(prev) != script and script != "other":
        return 1
    if script == "latin" and prev >= "\x80" and prev2 >= "\x80" and prev2.isalpha():
        return 1
    return int(char.isupper() and prev.islower())


def _out_of_word(char: str) -> bool:
    """A symbol, number or inverted mark that never follows a letter (``³``, ``±``, ``¿``)."""
    return char in _NEVER_AFTER_LETTER or (
        unicodedata.category(char)[0] in "SN" and char not in _AFTER_WORD
    )


def _script(char: str) -> str:
    return _SCRIPTS[bisect.bisect_right(_SCRIPT_STARTS, ord(char)) - 1]


def _by_replacement(data: bytes) -> tuple[str, str] | None:
    text, bad = _utf8_replacing(data)
    return (text, "utf-8") if bad < _REPLACEMENT_SHARE * len(data) else None


def _utf8_replacing(data: bytes) -> tuple[str, int]:
    """UTF-8 text with one U+FFFD per invalid byte, and the number of invalid bytes."""
    try:  # valid UTF-8, the common case: nothing to look for
        return data.decode("utf-8"), 0
    except UnicodeDecodeError:
        pass
    escaped = data.decode("utf-8", "surrogateescape")
    return _ESCAPED.subn("\ufffd", escaped)


def _failure_detail(data: bytes) -> str:
    _, bad = _utf8_replacing(data)
    return (
        f"not decodable as text: {bad} of {len(data)} bytes invalid as UTF-8 and no "
        "encoding detected; convert the file to UTF-8 or re-scrape it"
    )


def _has_controls(data: bytes, text: str, name: str) -> bool:
    """Whether the text holds control characters to remove; for UTF-8, read on the bytes,
    which is several times faster than on the text."""
    if name not in ("utf-8", "utf-8-sig"):
        return _CONTROLS.search(text) is not None
    if len(data.translate(None, _C0_BYTES)) != len(data):
        return True
    return _UTF8_C1.search(data) is not None


def _normalise(text: str, *, controls: bool) -> str:
    """No BOM, ``\\n`` newlines, and no control characters but tab and newline."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not controls:
        return text
    return _ESCAPE_SEQUENCE.sub("", text).translate(_CONTROL_TABLE)
