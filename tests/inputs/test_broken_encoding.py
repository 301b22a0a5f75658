"""Bad or unusual encodings: legacy pages without a declaration, UTF-16 without a BOM,
control characters, and charset declarations (issue 7)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from cleaner.inputs.encoding import decode, decode_raw
from cleaner.inputs.sniff import looks_binary, utf16_without_bom
from cleaner.model import RawDoc, Reject, Source

LEGACY = Path(__file__).parent.parent / "fixtures" / "broken" / "legacy"
BROKEN = LEGACY.parent

# Encodings that give the same text for these pages: WHATWG reads GB2312 as GBK (a
# superset, as is GB18030), EUC-KR as windows-949 and Shift_JIS as windows-31j.
_SAME = {
    "gb2312": {"gb2312", "gbk", "gb18030"},
    "euc_kr": {"euc_kr", "cp949"},
    "shift_jis": {"shift_jis", "cp932"},
    "koi8_r": {"koi8_r", "koi8_u"},
}


def _truth(path: Path) -> str:
    """The encoding a fixture is in, from its name: ``ru-koi8-r-<id>.html`` -> ``koi8_r``."""
    parts = path.stem.split("-")
    return codecs.lookup("-".join(parts[1:-1])).name.replace("-", "_")


@pytest.mark.parametrize("path", sorted(LEGACY.glob("*.html")), ids=lambda p: p.stem)
def test_real_legacy_page_without_a_declaration_decodes_right(path):
    data = path.read_bytes()
    truth = _truth(path)
    text, name = decode(data, None, "html")
    assert text == data.decode(truth).replace("\r\n", "\n").replace("\r", "\n")
    assert name.replace("-", "_") in _SAME.get(truth, {truth})


def test_legacy_fixtures_cover_the_encodings_real_pages_use():
    found = {_truth(path) for path in LEGACY.glob("*.html")}
    expected = {"cp1252", "cp1251", "koi8_r", "iso8859_2", "shift_jis", "euc_jp"}
    assert expected | {"gb2312", "euc_kr"} <= found


@pytest.mark.parametrize(
    "text",
    [
        "The \u201cquick\u201d fox \u2013 it\u2019s here.",
        "Le caf\u00e9 \u00e0 c\u00f4t\u00e9, d\u00e9j\u00e0 ferm\u00e9.",
    ],
)
def test_short_windows_1252_text_is_not_read_as_a_dos_or_mac_code_page(text):
    assert decode(text.encode("cp1252"), None, "html") == (text, "cp1252")


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


@pytest.mark.parametrize("kind", ["html", "text"])
def test_xml_declaration_is_a_charset_declaration(kind):
    # Undeclared, 0xA4 is the currency sign of windows-1252; ISO-8859-15 makes it the euro.
    xml = '<?xml version="1.0" encoding="iso-8859-15"?>\n<rss><title>Prix : 10 €</title></rss>'
    assert decode(xml.encode("iso-8859-15"), None, kind) == (xml, "iso8859-15")


@pytest.mark.parametrize(
    "meta",
    [
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-2">',
        "<meta http-equiv=content-type content='text/html;charset=ISO-8859-2'>",
        '<meta charset="iso-8859-2" />',
    ],
)
def test_meta_declaration_forms(meta):
    html = f"<html><head>{meta}</head><body><p>Zażółć gęślą jaźń</p></body></html>"
    assert decode(html.encode("iso-8859-2"), None, "html") == (html, "iso8859-2")


def test_decode_raw_of_utf16_without_bom_is_not_rejected():
    data = "A page of text.".encode("utf-16-le")
    assert not isinstance(decode_raw(RawDoc(data=data, source=Source("x.txt"))), Reject)


def test_broken_fixture_utf16_file():
    path = BROKEN / "encoding_utf16le_nobom.txt"
    assert decode(path.read_bytes(), None, "text")[0].startswith("Ein Text in UTF-16")


@pytest.mark.parametrize("tail", [b"", b"x", b"\x00"])
def test_utf16_sniff_of_an_odd_number_of_bytes(tail):
    """A cut-off last byte is no reason to fail: the whole code units decide."""
    text = "Plain words in UTF-16 without a byte order mark. " * 3
    assert utf16_without_bom(text.encode("utf-16-le") + tail) == "utf-16-le"
    assert utf16_without_bom(b"\x00\x01" * 5 + b"\x00") is None
