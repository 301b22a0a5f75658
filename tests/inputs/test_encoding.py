"""Tests for bytes -> text decoding and binary detection."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.inputs.encoding import DecodeFailure, decode, decode_raw
from cleaner.inputs.sniff import looks_binary
from cleaner.model import RawDoc, Reject, RejectReason, Source

CAFE = "café \u2013 naïve"  # the en dash is 0x96 in windows-1252


def test_windows_1252_text_from_an_old_site_decodes_right():
    assert decode(CAFE.encode("cp1252"), None, "text") == (CAFE, "cp1252")


@pytest.mark.parametrize("label", ["iso-8859-1", "latin-1", "ISO-8859-1", "us-ascii"])
def test_latin1_label_is_read_as_windows_1252(label):
    # Browsers read these labels as windows-1252, where 0x96 is an en dash.
    assert decode(CAFE.encode("cp1252"), label, "text") == (CAFE, "cp1252")


@pytest.mark.parametrize("kind", ["text", "html"])
def test_latin1_declared_but_actually_utf8(kind):
    assert decode(CAFE.encode("utf-8"), "iso-8859-1", kind) == (CAFE, "utf-8")


def test_latin1_meta_but_actually_utf8():
    html = f'<meta charset="iso-8859-1"><p>{CAFE}</p>'
    assert decode(html.encode("utf-8"), None, "html") == (html, "utf-8")


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Привет, как дела?", "koi8-r"),
        ("Привет, как дела?", "windows-1251"),
        ("東京の天気は晴れです。", "shift_jis"),
        ("Příliš žluťoučký kůň", "windows-1250"),
    ],
)
def test_declared_charset_is_used(text, label):
    found, name = decode(text.encode(label), label, "text")
    assert found == text
    assert name == codecs.lookup(label).name


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="koi8-r">',
        "<meta charset=koi8-r>",
        '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=KOI8-R">',
    ],
)
def test_meta_charset_in_html(meta):
    html = f"<html><head>{meta}</head><body>Привет мир</body></html>"
    assert decode(html.encode("koi8-r"), None, "html") == (html, "koi8-r")


def test_meta_charset_is_ignored_for_text():
    data = '<meta charset="koi8-r"> café'.encode("cp1252")
    assert decode(data, None, "text")[1] == "cp1252"


def test_meta_charset_only_in_first_4kb():
    html = "<p>" + "x" * 5000 + '</p><meta charset="koi8-r"><p>café, naïve</p>'
    assert decode(html.encode("cp1252"), None, "html") == (html, "cp1252")


def test_declared_charset_beats_meta():
    html = '<meta charset="windows-1252"><p>Привет мир</p>'
    assert decode(html.encode("koi8-r"), "koi8-r", "html") == (html, "koi8-r")


def test_declared_charset_that_does_not_fit_falls_through():
    # 0x81 is undefined in windows-1252; the bytes are Shift-JIS.
    text = "東京の天気は晴れです。明日は雨が降るでしょう。"
    assert decode(text.encode("shift_jis"), "windows-1252", "text")[0] == text


@pytest.mark.parametrize("label", ["no-such-charset", "base64", "utf-7", "rot13", "x" * 60, ""])
def test_unknown_or_unsafe_labels_are_ignored(label):
    assert decode(b"plain <p>text</p>", label, "html") == ("plain <p>text</p>", "utf-8")


def test_utf16_label_on_bytes_without_nuls_is_ignored():
    assert decode(b"plain text", "utf-16", "text") == ("plain text", "utf-8")


def test_seven_bit_encoding_with_a_label_is_honoured():
    text = "こんにちは"
    assert decode(text.encode("iso-2022-jp"), "iso-2022-jp", "text") == (text, "iso2022_jp")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (codecs.BOM_UTF8 + "héllo".encode(), "utf-8-sig"),
        ("héllo".encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + "héllo".encode("utf-16-be"), "utf-16"),
        ("héllo".encode("utf-32"), "utf-32"),
    ],
)
def test_bom_wins_and_is_stripped(data, name):
    assert decode(data, "koi8-r", "text") == ("héllo", name)


def test_newlines_are_normalised():
    assert decode(b"a\r\nb\rc\nd", None, "text") == ("a\nb\nc\nd", "utf-8")


def test_shift_jis_without_label_is_detected():
    text = "東京の天気は晴れです。明日は雨が降るでしょう。気温は二十度まで上がります。"
    assert decode(text.encode("shift_jis"), None, "text")[0] == text


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("El niño comió en el café. ¿Qué pasó?", "cp1252"),
        ("Grüße aus München, schöne Straße", "cp1252"),
        ("Привет, как дела? Это тест русского текста.", "cp1251"),
        ("Καλημέρα κόσμε, αυτό είναι ένα τεστ.", "cp1253"),
        ("Příliš žluťoučký kůň úpěl ďábelské ódy.", "cp1250"),
    ],
)
def test_legacy_single_byte_text_is_detected(text, codec):
    assert decode(text.encode(codec), None, "text")[0] == text


def test_short_western_text_is_not_taken_for_utf16():
    assert decode(b"abc\xe9", None, "text") == ("abcé", "cp1252")


def test_utf8_cut_mid_character_keeps_utf8():
    data = "Grüße aus München".encode()[:-1] + b"\xc3"
    assert decode(data, None, "text") == ("Grüße aus Münche\ufffd", "utf-8")


def test_utf8_with_a_stray_byte_keeps_utf8_even_with_a_latin1_label():
    data = ("Long text about the été season. " * 10).encode() + b"\xff"
    text, name = decode(data, "iso-8859-1", "text")
    assert name == "utf-8"
    assert text.endswith("season. \ufffd")
    assert "été" in text


def test_undecodable_bytes_raise_decode_failure():
    data = bytes(range(0x80, 0x100)) * 2
    with pytest.raises(DecodeFailure) as info:
        decode(data, None, "text")
    assert info.value.detail.startswith("not decodable as text: 256 of 256 bytes invalid as UTF-8")
    assert "no encoding detected" in info.value.detail


def test_empty_bytes_decode_to_empty_text():
    assert decode(b"", None, "html") == ("", "utf-8")


@pytest.mark.parametrize(
    ("data", "binary"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", True),
        (b"GIF89a\x01\x00\x01\x00\x80\x00\x00", True),
        (b"text with a \x00 NUL", True),
        (bytes(range(1, 32)) * 4, True),
        (b"plain text\twith tabs\r\nand lines\f", False),
        ("東京".encode("shift_jis"), False),
        ("Привет".encode("koi8-r"), False),
        ("hello".encode("utf-16"), False),
        (b"\x1b$B$3$s\x1b(B", False),
        (b"", False),
    ],
)
def test_looks_binary(data, binary):
    assert looks_binary(data) is binary


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", RejectReason.BINARY),
        (bytes(range(0x80, 0x100)) * 2, RejectReason.DECODE_ERROR),
    ],
)
def test_decode_raw_rejects(data, expected):
    source = Source("x.txt")
    result = decode_raw(RawDoc(data=data, source=source, kind="text"))
    assert isinstance(result, Reject)
    assert result.reason is expected
    assert result.source == source


def test_decode_raw_uses_the_declared_charset_and_kind():
    raw = RawDoc(data="Привет".encode("koi8-r"), source=Source("x"), charset="koi8-r")
    assert decode_raw(raw) == ("Привет", "koi8-r")


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=2000),
    declared=st.one_of(
        st.none(), st.sampled_from(["utf-8", "latin-1", "utf-16", "koi8-r"]), st.text(max_size=20)
    ),
    kind=st.sampled_from(["html", "text"]),
)
def test_any_bytes_decode_or_fail_cleanly(data, declared, kind):
    try:
        text, name = decode(data, declared, kind)
    except DecodeFailure as exc:
        failure = exc.detail
    else:
        failure = None
    if failure is not None:
        assert failure.startswith("not decodable as text")
        return
    assert "\r" not in text
    assert not text.startswith("\ufeff")
    assert codecs.lookup(name)


# Control characters other than tab and newlines are removed (tests/test_broken_encoding.py).
_TEXT = st.characters(blacklist_categories=("Cs",)).filter(
    lambda c: c in "\t\n\r" or not ("\x00" <= c < " " or "\x7f" <= c <= "\x9f")
)


@settings(max_examples=100, deadline=None)
@given(st.text(_TEXT, max_size=500).filter(lambda t: not t.startswith("\ufeff")))
def test_utf8_text_round_trips(text):
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert decode(text.encode("utf-8"), None, "text") == (expected, "utf-8")
