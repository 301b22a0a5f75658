"""Tests for the input side: finding inputs, telling their kind, reading them."""

from __future__ import annotations

import functools
import gzip
import io
import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner.config import ConfigError, InputConfig, ManifestEntry
from cleaner.inputs import decode_raw, iter_bytes, iter_inputs, load_manifest
from cleaner.inputs.sniff import resolve_kind
from cleaner.model import RawDoc, Reject, RejectReason, Source

BAD = Path(__file__).parent.parent / "fixtures" / "bad"
HTML = b"<!doctype html><html><head><title>T</title></head><body><p>Hi.</p></body></html>"


def read(*paths, **options):
    return list(iter_inputs(InputConfig(paths=tuple(str(p) for p in paths), **options)))


def summary(items):
    """Each item as (reason or kind, line or offset) for compact assertions."""
    out = []
    for item in items:
        where = item.source.line if item.source.line is not None else item.source.offset
        label = item.reason.value if isinstance(item, Reject) else item.kind
        out.append((label, where))
    return out


# --- the broken fixtures under tests/fixtures/bad/ --------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("binary.png", [("binary", None)]),
        ("empty.txt", [("empty_input", None)]),
        ("one_invalid_line.jsonl", [("html", 1), ("invalid_json", 2), ("text", 3)]),
        ("truncated.jsonl.gz", [("text", 1), ("text", 2), ("truncated", 3)]),
        ("truncated.warc.gz", [("html", 0), ("truncated", 323)]),
        ("html_named.txt", [("html", None)]),
        ("shift_jis.txt", [("text", None)]),
        ("undecodable.txt", [("text", None)]),
    ],
)
def test_bad_fixture_gets_its_reject_and_good_records_survive(name, expected):
    items = read(BAD / name)
    assert summary(items) == expected
    assert all(item.source.path == str(BAD / name) for item in items)


def test_invalid_json_line_detail_says_what_and_where():
    (_, bad, good) = read(BAD / "one_invalid_line.jsonl")
    assert bad.detail == (
        "not valid JSON at line 2: Expecting ',' delimiter (column 54); fix or remove the line"
    )
    assert good.url == "https://example.com/c"
    assert good.url_from == "record"
    assert good.data == b"Third good record."


def test_truncated_jsonl_gz_names_the_last_good_line():
    items = read(BAD / "truncated.jsonl.gz")
    assert [i.url for i in items[:2]] == ["https://example.com/1", "https://example.com/2"]
    assert "after line 2" in items[2].detail
    assert "download or export it again" in items[2].detail


def test_truncated_warc_gz_keeps_the_whole_record_before_the_cut():
    doc, cut = read(BAD / "truncated.warc.gz")
    assert doc.data == b"<html><body><p>One</p></body></html>"
    assert doc.url == "https://example.com/0"
    assert "offset 323" in cut.detail


@pytest.mark.parametrize(
    ("name", "reason"),
    [("undecodable.txt", RejectReason.DECODE_ERROR), ("binary.png", RejectReason.BINARY)],
)
def test_undecodable_fixtures_are_rejected_when_decoded(name, reason):
    raw = RawDoc(data=(BAD / name).read_bytes(), source=Source(name), kind="text")
    result = decode_raw(raw)
    assert isinstance(result, Reject)
    assert result.reason is reason


def test_shift_jis_fixture_decodes():
    (raw,) = read(BAD / "shift_jis.txt")
    text, _ = decode_raw(raw)
    assert text.startswith("東京の天気は晴れです。")


def test_walking_the_fixture_directory_reads_every_file_in_path_order():
    items = read(BAD)
    paths = [i.source.path for i in items]
    assert paths == sorted(paths)
    assert {Path(p).name for p in paths} == {p.name for p in BAD.iterdir()}


# --- finding inputs ---------------------------------------------------------------------


def test_directory_walk_is_sorted_recursive_and_skips_hidden(tmp_path):
    for rel in ["b.txt", "a/z.txt", "a/b/c.txt", ".hidden.txt", ".git/x.txt", "a/.y.txt", "c.txt"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"text of {rel}")
    items = read(tmp_path)
    assert [i.source.path for i in items] == [
        str(tmp_path / rel) for rel in ["a/b/c.txt", "a/z.txt", "b.txt", "c.txt"]
    ]


def test_walked_paths_keep_the_path_as_given(tmp_path, monkeypatch):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.txt").write_text("hello")
    monkeypatch.chdir(tmp_path)
    assert [i.source.path for i in read("d")] == [str(Path("d") / "x.txt")]
    assert [i.source.path for i in read("./d/x.txt")] == ["./d/x.txt"]


def test_missing_path_is_a_read_error_and_the_run_goes_on(tmp_path):
    (tmp_path / "ok.txt").write_text("fine")
    missing = tmp_path / "nope.txt"
    first, second = read(missing, tmp_path / "ok.txt")
    assert first.reason is RejectReason.READ_ERROR
    assert first.failed
    assert first.source == Source(str(missing))
    assert first.detail == "no such file or directory; check the path"
    assert second.data == b"fine"


def test_unreadable_file_is_a_read_error(tmp_path, monkeypatch):
    target = tmp_path / "locked.txt"
    target.write_text("secret")
    real_open = Path.open

    def fake_open(self, *args, **kwargs):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", fake_open)
    (item,) = read(target)
    assert item.reason is RejectReason.READ_ERROR
    assert "permission denied" in item.detail


def test_stdin_is_read_and_sniffed(monkeypatch):
    lines = b'{"url": "https://a/", "html": "<p>x</p>"}\n{"url": "https://b/", "text": "y"}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines)))
    items = read("-")
    assert summary(items) == [("html", 1), ("text", 2)]
    assert items[0].source == Source("-", line=1)


def test_empty_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert summary(read("-")) == [("empty_input", None)]


def test_empty_file_among_others(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"   \n\n")
    (tmp_path / "c.txt").write_bytes(b"text")
    assert summary(read(tmp_path)) == [("empty_input", None), ("empty_input", None), ("text", None)]


def test_too_large_file_is_rejected_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.html"
    big.write_bytes(HTML)
    (item,) = read(big, max_bytes=len(HTML) - 1)
    assert item.reason is RejectReason.TOO_LARGE
    assert f"{len(HTML)} bytes, over the limit of {len(HTML) - 1} bytes" in item.detail
    (item,) = read(big, max_bytes=len(HTML))
    assert item.kind == "html"


# --- telling the kind -------------------------------------------------------------------


def _warc_bytes(gz=False):
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(
        writer.create_warc_record(
            "https://example.com/",
            "resource",
            payload=io.BytesIO(b"<p>hi</p>"),
            warc_content_type="text/html",
        )
    )
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("page.txt", HTML, "html"),
        ("page.txt", b"\xef\xbb\xbf  \n<html><body>x</body></html>", "html"),
        ("page.txt", b"<?xml version='1.0'?>\n<html xmlns='x'><body>x</body></html>", "html"),
        ("page.dat", HTML, "html"),
        ("page", b"<body><p>x</p></body>", "html"),
        ("page.html", b"just words, no markup", "html"),
        ("notes.txt", b"just words, no markup", "text"),
        ("notes.md", b"# just words\n\nno markup", "text"),
        ("export.txt", b'{"url": "u", "text": "t"}\n', "jsonl"),
        ("export.dat", b'{"url": "u", "text": "t"}\n{"url": "v"}\n', "jsonl"),
        ("export.jsonl", b"{broken\n", "jsonl"),
        ("export.jsonl", b"<html><body>x</body></html>", "html"),
        ("export.jsonl.gz", gzip.compress(b'{"text": "t"}\n'), "jsonl"),
        ("export.gz", gzip.compress(b'{"text": "t"}\n'), "jsonl"),
        ("crawl.bin", _warc_bytes(), "warc"),
        ("crawl.gz", _warc_bytes(gz=True), "warc"),
        ("crawl.warc.gz", _warc_bytes(), "warc"),
        ("crawl.warc", b"not a warc at all", "warc"),
        ("notes.txt.gz", gzip.compress(b"plain text"), "binary"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("utf16.txt", "<html><body>x</body></html>".encode("utf-16"), "html"),
    ],
)
def test_kind_from_extension_and_sniffing(name, data, kind):
    assert resolve_kind(name, data) == kind


def test_txt_holding_html_is_read_as_html(tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes(HTML)
    (item,) = read(path)
    assert item.kind == "html"


def test_gzip_that_is_not_a_container_says_to_decompress(tmp_path):
    path = tmp_path / "notes.txt.gz"
    path.write_bytes(gzip.compress(b"plain text"))
    (item,) = read(path)
    assert item.reason is RejectReason.BINARY
    assert "gunzip" in item.detail


# --- URLs from outside the content ------------------------------------------------------


def test_cli_url_for_a_single_file(tmp_path):
    path = tmp_path / "a.html"
    path.write_bytes(HTML)
    (item,) = read(path, url="https://example.com/a")
    assert (item.url, item.url_from) == ("https://example.com/a", "cli")


@pytest.mark.parametrize("layout", ["two files", "directory"])
def test_cli_url_with_several_inputs_is_a_config_error_before_reading(tmp_path, layout):
    (tmp_path / "a.html").write_bytes(HTML)
    (tmp_path / "b.html").write_bytes(HTML)
    paths = (
        (str(tmp_path / "a.html"), str(tmp_path / "b.html"))
        if layout == "two files"
        else (str(tmp_path),)
    )
    with pytest.raises(ConfigError, match="--url gives the URL of one input file"):
        iter_inputs(InputConfig(paths=paths, url="https://example.com/"))


@pytest.mark.parametrize("key", ["as given", "absolute", "name"])
def test_manifest_url_date_and_site(tmp_path, monkeypatch, key):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_bytes(HTML)
    monkeypatch.chdir(tmp_path)
    manifest_key = {
        "as given": "pages/a.html",
        "absolute": str((tmp_path / "pages" / "a.html").resolve()),
        "name": "a.html",
    }[key]
    entry = ManifestEntry(url="https://example.com/a", date="2024-05-01", site="example")
    (item,) = read("pages", manifest={manifest_key: entry})
    assert (item.url, item.url_from) == ("https://example.com/a", "manifest")
    assert dict(item.meta) == {"date": "2024-05-01", "site": "example"}


def test_cli_url_beats_manifest_but_manifest_meta_stays(tmp_path):
    path = tmp_path / "a.html"
    path.write_bytes(HTML)
    manifest = {str(path): ManifestEntry(url="https://m/", date="2024-01-02")}
    (item,) = read(path, url="https://cli/", manifest=manifest)
    assert (item.url, item.url_from) == ("https://cli/", "cli")
    assert dict(item.meta) == {"date": "2024-01-02"}


def test_manifest_beats_record_url_for_a_jsonl_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"url": "https://r/1", "text": "a"}\n{"url": "https://r/2", "text": "b"}\n')
    manifest = {f"{path}:2": ManifestEntry(url="https://m/2")}
    items = read(path, manifest=manifest)
    assert [(i.url, i.url_from) for i in items] == [
        ("https://r/1", "record"),
        ("https://m/2", "manifest"),
    ]


def test_no_url_when_nothing_says_one(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("words")
    (item,) = read(path, manifest={"other.txt": ManifestEntry(url="https://x/")})
    assert (item.url, item.url_from) == (None, None)


# --- JSONL ------------------------------------------------------------------------------


def _jsonl(tmp_path, lines, name="x.jsonl", **options):
    path = tmp_path / name
    data = b"\n".join(line if isinstance(line, bytes) else line.encode() for line in lines)
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return read(path, **options)


def test_jsonl_records(tmp_path):
    items = _jsonl(
        tmp_path,
        [
            json.dumps({"url": "https://a/", "html": "<p>é</p>", "title": "T", "date": "2024"}),
            "",
            json.dumps({"url": "https://b/", "text": "plain", "html": None, "n": 3}),
        ],
    )
    first, second = items
    assert first == RawDoc(
        data="<p>é</p>".encode(),
        source=Source(first.source.path, line=1),
        kind="html",
        url="https://a/",
        url_from="record",
        charset="utf-8",
        meta={"title": "T", "date": "2024"},
    )
    assert (second.kind, second.data, second.source.line) == ("text", b"plain", 3)
    assert dict(second.meta) == {}


def test_jsonl_custom_keys(tmp_path):
    line = json.dumps({"link": "https://a/", "body": "<p>x</p>", "html": 1})
    (item,) = _jsonl(tmp_path, [line], url_key="link", html_key="body", text_key="content")
    assert (item.url, item.kind, item.data) == ("https://a/", "html", b"<p>x</p>")


@pytest.mark.parametrize(
    ("line", "reason", "detail"),
    [
        (b"[1, 2]", RejectReason.MISSING_CONTENT, "line 1 is a JSON array, not an object"),
        (b'"text"', RejectReason.MISSING_CONTENT, "line 1 is a JSON string, not an object"),
        (
            b'{"url": "u", "body": "x"}',
            RejectReason.MISSING_CONTENT,
            "line 1 has no string 'html' or 'text' field (keys found: body, url)",
        ),
        (b'{"html": 5}', RejectReason.MISSING_CONTENT, "keys found: html"),
        (b'{"html": "  "}', RejectReason.EMPTY_INPUT, "line 1 has empty content"),
        (
            b'{"html": "caf\xe9"}',
            RejectReason.DECODE_ERROR,
            "line 1 is not valid UTF-8 (byte 0xe9 at byte 14)",
        ),
        (b'{"html": "x",}', RejectReason.INVALID_JSON, "not valid JSON at line 1: Expecting"),
        (b"[" * 100000, RejectReason.INVALID_JSON, "not valid JSON at line 1"),
    ],
)
def test_jsonl_bad_line(tmp_path, line, reason, detail):
    good = b'{"text": "fine"}'
    items = _jsonl(tmp_path, [good, line, good])
    assert summary(items) == [("text", 1), (reason.value, 2), ("text", 3)]
    assert detail.replace("line 1", "line 2") in items[1].detail


def test_jsonl_bom_crlf_and_lone_surrogates(tmp_path):
    items = _jsonl(
        tmp_path, [b'\xef\xbb\xbf{"text": "a"}\r', b'{"text": "b\\ud800"}\r', b""], name="y.jsonl"
    )
    assert [i.data for i in items] == [b"a", "b\ud800".encode("utf-8", "surrogatepass")]


def test_jsonl_line_over_the_size_limit(tmp_path):
    items = _jsonl(
        tmp_path,
        [b'{"text": "ok"}', b'{"text": "' + b"x" * 200 + b'"}', b'{"text": "ok"}'],
        max_bytes=100,
    )
    assert summary(items) == [("text", 1), ("too_large", 2), ("text", 3)]
    assert "line 2 is larger than 100 bytes" in items[1].detail


def test_jsonl_gz_and_multi_member_gzip(tmp_path):
    path = tmp_path / "x.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "a"}\n') + gzip.compress(b'{"text": "b"}\n'))
    assert [i.data for i in read(path)] == [b"a", b"b"]


def test_jsonl_gz_with_garbage_after_a_member(tmp_path):
    path = tmp_path / "x.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "a"}\n{"text": "b"}\n') + b"\x1f\x8bgarbage")
    items = read(path)
    assert summary(items) == [("text", 1), ("text", 2), ("truncated", 3)]
    assert items[2].detail.startswith("corrupt compressed data")


def test_jsonl_is_streamed(tmp_path):
    # Lines come out before the reader has seen the end of a large file.
    path = tmp_path / "big.jsonl"
    with path.open("wb") as fh:
        for i in range(20000):
            fh.write(json.dumps({"text": f"record {i}"}).encode() + b"\n")
    iterator = iter_inputs(InputConfig(paths=(str(path),)))
    assert next(iterator).data == b"record 0"


def test_jsonl_truncated_gzip_cut_anywhere(tmp_path):
    lines = [json.dumps({"text": f"record number {i} " + "w" * (i * 7 % 50)}) for i in range(30)]
    data = gzip.compress("\n".join(lines).encode() + b"\n")
    for cut in range(10, len(data) - 8, 17):
        path = tmp_path / "cut.jsonl.gz"
        path.write_bytes(data[:cut])
        items = read(path)
        docs = [i for i in items if isinstance(i, RawDoc)]
        assert [d.data.decode() for d in docs] == [
            json.loads(x)["text"] for x in lines[: len(docs)]
        ]
        assert items[-1].reason is RejectReason.TRUNCATED
        assert items[-1].source.line == len(docs) + 1


# --- WARC ---------------------------------------------------------------------------------

EXPECTED_WARC = ["html", "html", "not_200", "not_html", "text", "html", "revisit", "text"]


def _http(status, content_type, *extra):
    headers = [("Content-Type", content_type), *extra] if content_type else list(extra)
    return StatusAndHeaders(status, headers, protocol="HTTP/1.1")


@functools.cache
def _warc_data(gz):
    """A WARC with one record of each interesting sort (see EXPECTED_WARC)."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)

    def record(url, rec_type, payload, **kwargs):
        writer.write_record(
            writer.create_warc_record(url, rec_type, payload=io.BytesIO(payload), **kwargs)
        )

    def response(url, payload, http):
        record(url, "response", payload, http_headers=http)

    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))
    request = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "example.com")], is_http_request=True)
    record("https://example.com/a", "request", b"", http_headers=request)
    cafe = "<p>café</p>".encode("cp1252")
    response("https://example.com/a", cafe, _http("200 OK", "text/html; charset=windows-1252"))
    body = gzip.compress(b"<html><body><p>chunked and gzipped</p></body></html>")
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    encodings = (("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip"))
    response("https://example.com/b", chunked, _http("200 OK", "text/html", *encodings))
    response("https://example.com/missing", b"not here", _http("404 Not Found", "text/html"))
    response("https://example.com/img.png", b"\x89PNG\r\n\x1a\n", _http("200 OK", "image/png"))
    response("https://example.com/notes", b"plain words", _http("200 OK", "text/plain"))
    response("https://example.com/untyped", b"<html><body>x</body></html>", _http("200 OK", ""))
    writer.write_record(
        writer.create_revisit_record(
            "https://example.com/a",
            digest="sha1:AAAA",
            refers_to_uri="https://example.com/a",
            refers_to_date="2024-01-01T00:00:00Z",
            http_headers=_http("200 OK", "text/html"),
        )
    )
    plain = "text/plain; charset=utf-8"
    record("https://example.com/r", "resource", b"resource text", warc_content_type=plain)
    fields = "application/warc-fields"
    record("https://example.com/m", "metadata", b"outlink: x", warc_content_type=fields)
    dns = b"example.com. 300 IN A 192.0.2.1"
    record("dns:example.com", "response", dns, warc_content_type="text/dns")
    return buf.getvalue()


def _document_offsets(data):
    """Offsets of the records the reader turns into documents or rejects, per warcio."""
    it = ArchiveIterator(io.BytesIO(data))
    offsets = []
    for record in it:
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        if record.rec_type in ("response", "resource", "revisit") and not uri.startswith("dns:"):
            offsets.append(it.get_record_offset())
    return offsets


@pytest.mark.parametrize("gz", [False, True])
def test_warc_records(tmp_path, gz):
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(_warc_data(gz))
    items = read(path)
    assert [label for label, _ in summary(items)] == EXPECTED_WARC
    assert [i.source for i in items] == [
        Source(str(path), offset=o) for o in _document_offsets(_warc_data(gz))
    ]
    a, b, missing, png, notes, untyped, revisit, resource = items
    assert (a.url, a.url_from, a.charset, a.data) == (
        "https://example.com/a",
        "record",
        "windows-1252",
        "<p>café</p>".encode("cp1252"),
    )
    assert a.http_headers.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"Content-Type: text/html; charset=windows-1252" in a.http_headers
    assert decode_raw(a) == ("<p>café</p>", "cp1252")
    assert b.data == b"<html><body><p>chunked and gzipped</p></body></html>"
    assert missing.detail.startswith("HTTP status 404 for https://example.com/missing")
    assert png.detail.startswith("content type image/png for https://example.com/img.png")
    assert (notes.kind, notes.data) == ("text", b"plain words")
    assert untyped.kind == "html"
    assert "revisit record for https://example.com/a" in revisit.detail
    assert (resource.url, resource.charset, resource.http_headers) == (
        "https://example.com/r",
        "utf-8",
        None,
    )


def test_warc_payload_over_the_size_limit(tmp_path):
    path = tmp_path / "crawl.warc"
    path.write_bytes(_warc_data(False))
    labels = [label for label, _ in summary(read(path, max_bytes=12))]
    assert labels == [
        "html",  # 11 bytes
        "too_large",
        "not_200",
        "not_html",
        "text",  # 11 bytes
        "too_large",
        "revisit",
        "too_large",
    ]


@pytest.mark.parametrize("gz", [False, True])
def test_warc_truncated_anywhere_keeps_whole_records(tmp_path, gz):
    data = _warc_data(gz)
    full = tmp_path / "full.warc"
    full.write_bytes(data)
    complete = read(full)
    path = tmp_path / "cut.warc"
    for cut in range(10, len(data), 23):
        path.write_bytes(data[:cut])
        items = read(path)
        last = items[-1] if items else None
        if isinstance(last, Reject) and last.reason is RejectReason.EMPTY_INPUT:
            # Cut at a record boundary before any capture: the file is still counted, once.
            assert len(items) == 1, cut
            continue
        truncated = isinstance(last, Reject) and last.reason is RejectReason.TRUNCATED
        before = items[:-1] if truncated else items
        assert [replace(i, source=None) for i in before] == [
            replace(i, source=None) for i in complete[: len(before)]
        ], cut
        assert [i.source.offset for i in before] == [
            i.source.offset for i in complete[: len(before)]
        ], cut
        if truncated:
            assert f"offset {items[-1].source.offset}" in items[-1].detail


def test_corrupt_warc_from_the_start(tmp_path):
    path = tmp_path / "x.warc"
    path.write_bytes(b"WARC/1.0\r\nnonsense\r\n\r\n")
    (item,) = read(path)
    assert item.reason is RejectReason.TRUNCATED
    assert item.source.offset == 0


# --- manifest ---------------------------------------------------------------------------


def test_manifest_csv(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(
        "\ufeffpath,url,date,site,extra\n./pages/a.html,https://a/,2024-01-01,ex,1\nb.txt,,,,\n",
        encoding="utf-8",
    )
    assert load_manifest(path) == {
        "pages/a.html": ManifestEntry(url="https://a/", date="2024-01-01", site="ex"),
        "b.txt": ManifestEntry(),
    }


def test_manifest_jsonl(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text(
        '{"path": "a.html", "url": "https://a/", "site": "ex"}\n\n{"path": "b.html", "url": null}\n'
    )
    assert load_manifest(path) == {
        "a.html": ManifestEntry(url="https://a/", site="ex"),
        "b.html": ManifestEntry(),
    }


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("m.csv", "file,url\na,b\n", "m.csv:1: the header must name the columns 'path' and 'url'"),
        ("m.csv", "path,url\na,b,c\n", "m.csv:2: more fields than the header has columns"),
        ("m.csv", "path,url\na,x\na,y\n", "m.csv:3: path 'a' is already listed on line 2"),
        ("m.csv", "path,url\n,x\n", "m.csv:2: the 'path' field is empty"),
        ("m.jsonl", '{"path": "a", "url": "x"}\n{"path": "b",\n', "m.jsonl:2: not valid JSON"),
        ("m.jsonl", "[1]\n", "m.jsonl:1: expected a JSON object with 'path' and 'url'"),
        ("m.jsonl", '{"path": "a", "url": 5}\n', "m.jsonl:1: 'url' must be a string, not int"),
        ("m.txt", "path,url\n", "a manifest must be a .csv or .jsonl file"),
    ],
)
def test_malformed_manifest(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ConfigError) as info:
        load_manifest(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("problem", ["missing", "not utf-8"])
def test_unreadable_manifest(tmp_path, problem):
    path = tmp_path / "m.csv"
    if problem == "not utf-8":
        path.write_bytes(b"path,url\ncaf\xe9,x\n")
    with pytest.raises(ConfigError, match=r"m\.csv: "):
        load_manifest(path)


# --- any bytes: no crash ----------------------------------------------------------------

NAMES = ["x.txt", "x.html", "x.jsonl", "x.jsonl.gz", "x.warc", "x.warc.gz", "x", "-"]


def _only_docs_and_rejects(items):
    assert all(isinstance(i, RawDoc | Reject) for i in items)
    return items


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), name=st.sampled_from(NAMES))
def test_any_bytes_into_the_readers(data, name):
    _only_docs_and_rejects(list(iter_bytes(data, name, InputConfig(paths=(name,)))))


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000), name=st.sampled_from(NAMES))
def test_any_bytes_gzipped_into_the_readers(data, name):
    packed = gzip.compress(data)
    _only_docs_and_rejects(list(iter_bytes(packed, name, InputConfig(paths=(name,)))))


@settings(max_examples=200, deadline=None)
@given(
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6),
    cut=st.integers(0, 10**6),
    gz=st.booleans(),
)
def test_damaged_warcs_never_crash(flips, cut, gz):
    data = bytearray(_warc_data(gz))
    for where, value in flips:
        data[where % len(data)] = value
    damaged = bytes(data[: cut % (len(data) + 1)])
    _only_docs_and_rejects(list(iter_bytes(damaged, "w.warc", InputConfig(paths=()))))


@settings(max_examples=100, deadline=None)
@given(
    lines=st.lists(
        st.one_of(
            st.binary(max_size=60), st.dictionaries(st.text(max_size=5), st.text(max_size=20))
        ),
        max_size=8,
    ),
    gz=st.booleans(),
    cut=st.one_of(st.none(), st.integers(0, 4000)),
)
def test_any_jsonl_lines(lines, gz, cut):
    data = b"\n".join(x if isinstance(x, bytes) else json.dumps(x).encode() for x in lines)
    if gz:
        data = gzip.compress(data)
    if cut is not None:
        data = data[:cut]
    items = _only_docs_and_rejects(list(iter_bytes(data, "x.jsonl", InputConfig(paths=()))))
    docs = [i for i in items if isinstance(i, RawDoc)]
    # Records carry their line; a .jsonl whose content is plainly a page is read as one page.
    assert all(d.source.line is not None for d in docs) or (
        len(items) == 1 and docs[0].kind == "html")
