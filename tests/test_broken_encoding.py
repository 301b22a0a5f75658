"""Bad or unusual encodings: legacy pages without a declaration, UTF-16 without a BOM,
control characters, and charset declarations (issue 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.inputs.encoding import decode, decode_raw
from cleaner.inputs.sniff import looks_binary
from cleaner.model import RawDoc, Reject, Source

LEGACY = Path(__file__).parent / "fixtures" / "broken" / "legacy"
BROKEN = LEGACY.parent

# Encodings that give the same text for these pages: WHATWG reads GB2312 as GBK (a
# superset, as is GB18030), EUC-KR as windows-949 and Shift_JIS as windows-31j.
_SAME = {
    "gb2312": {"gb2312", "gbk", "gb18030"},
    "euc_kr": {"euc_kr", "cp949"},
    "shift_jis": {"shift_jis", "cp932"},
    "koi8_r": {"koi8_r", "koi8_u"},
}


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text",
    [
        "<html><body><p>Plain English text in UTF-16, no byte order mark.</p></body></html>",
        "Grüße aus München: eine Straße, ein Café. " * 3,
        "Привет, мир! Hello, world! " * 3,
    ],
)
def test_utf16_without_bom_is_text(codec, text):
    data = text.encode(codec)
    assert not looks_binary(data)
    assert decode(data, None, "html") == (text, codec)
    assert decode_raw(RawDoc(data=data, source=Source("page.html"))) == (text, codec)


@pytest.mark.parametrize(
    "data",
    [
        # 16-bit samples: NULs in every other byte, but the other bytes are not text.
        bytes(b for i in range(400) for b in (i * 7 % 32, 0)),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06",
        bytes(1000),
    ],
)
def test_binary_with_nuls_is_still_binary(data):
    assert looks_binary(data)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\x1b[31mred\x1b[0m and \x1b[1;32mgreen\x1b[m", "red and green"),
        ("title\x1b]0;window title\x07 text", "title text"),
        ("a\x00b\x07c\x08d\x7fe", "abcde"),
        ("keep\ttabs\nand lines", "keep\ttabs\nand lines"),
        ("page one\fpage two\vline", "page one\npage two\nline"),
        # C1 controls are windows-1252 bytes decoded as ISO-8859-1: read them as browsers
        # read &#150; and ISO-8859-1 pages; the five bytes undefined there are dropped.
        ("caf\u00e9 \x96 \x93quoted\x94 it\x92s", "caf\u00e9 \u2013 \u201cquoted\u201d it\u2019s"),
        ("a\x81b\x8dc\x8fd\x90e\x9df", "abcdef"),
    ],
)
def test_control_characters_are_removed(raw, clean):
    assert decode(raw.encode("utf-8"), None, "text") == (clean, "utf-8")


def test_legitimate_text_is_untouched():
    text = "Ünïcödé — “quotes”, ½, ©, €, 東京, Привет, \u00a0nbsp, emoji \U0001f600\n\ttab"
    assert decode(text.encode("utf-8"), None, "text") == (text, "utf-8")


def test_iso_2022_jp_still_decodes_with_and_without_a_label():
    text = "東京の天気は晴れです。明日は雨が降るでしょう。"
    data = text.encode("iso-2022-jp")
    assert b"\x1b" in data
    assert decode(data, "iso-2022-jp", "text") == (text, "iso2022_jp")
    assert decode(data, None, "text") == (text, "iso2022_jp")
    assert decode(b"<p>" + data + b"</p>", None, "html") == (f"<p>{text}</p>", "iso2022_jp")


def test_decode_raw_of_utf16_without_bom_is_not_rejected():
    data = "A page of text.".encode("utf-16-le")
    assert not isinstance(decode_raw(RawDoc(data=data, source=Source("x.txt"))), Reject)


def test_broken_fixture_utf16_file():
    path = BROKEN / "encoding_utf16le_nobom.txt"
    assert decode(path.read_bytes(), None, "text")[0].startswith("Ein Text in UTF-16")
