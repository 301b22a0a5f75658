"""Damaged and unusual WARC input: every record is kept or rejected with its offset, none lost.

Archives are built with warcio's own writer, then damaged byte-wise as a disk, a network or a
careless tool would: a cut, a flipped byte, a wrong Content-Length, a missing header, junk.
"""

from __future__ import annotations

import gzip
import io
import logging
import re
import tracemalloc
import zlib
from pathlib import Path

import brotli
import pytest
import zstandard
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner.config import InputConfig
from cleaner.inputs import iter_bytes, iter_inputs
from cleaner.model import RawDoc, Reject, RejectReason

BROKEN = Path(__file__).parent.parent / "fixtures" / "broken"
PAGES = [b"<html><body><p>Article number %d, whole.</p></body></html>" % i for i in range(3)]


def _record(url, payload, *extra, content_type="text/html", rec_type="response"):
    """One uncompressed WARC record as warcio writes it."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    http = None
    if rec_type == "response":
        headers = [("Content-Type", content_type), *extra]
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    kwargs = {} if http else {"warc_content_type": content_type}
    writer.write_record(writer.create_warc_record(
        url, rec_type, payload=io.BytesIO(payload), http_headers=http, **kwargs))
    return buf.getvalue()


def _records():
    return [_record(f"https://example.com/{i}", page) for i, page in enumerate(PAGES)]


def _join(records, gz):
    """The archive and the offset of each record in it (one gzip member per record)."""
    parts = [gzip.compress(r, mtime=0) for r in records] if gz else records
    offsets = [sum(len(p) for p in parts[:i]) for i in range(len(parts))]
    return b"".join(parts), offsets


def read_bytes(data, name="crawl.warc", **options):
    return list(iter_bytes(data, name, InputConfig(paths=(), **options)))


def labels(items):
    return [(i.reason.value if isinstance(i, Reject) else i.kind, i.source.offset) for i in items]


def _printable(items):
    for item in items:
        if isinstance(item, Reject):
            assert item.detail.isprintable(), item.detail
            assert "Traceback" not in item.detail


def _set_length(record, delta):
    head, sep, rest = record.partition(b"\r\n\r\n")
    found = re.search(rb"Content-Length: (\d+)", head)
    assert found is not None
    new = b"Content-Length: %d" % (int(found.group(1)) + delta)
    return head.replace(found.group(0), new) + sep + rest


# --- defect 1: a wrong Content-Length --------------------------------------------------


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
@pytest.mark.parametrize("delta", [-10, -1, 1, 60], ids=["short10", "short1", "long1", "long60"])
def test_wrong_content_length_is_one_reject_and_the_others_are_kept(gz, delta):
    records = _records()
    records[1] = _set_length(records[1], delta)
    data, offsets = _join(records, gz)
    items = read_bytes(data, "crawl.warc.gz" if gz else "crawl.warc")
    assert labels(items) == [("html", offsets[0]), ("truncated", offsets[1]),
                             ("html", offsets[2])]
    assert [items[0].data, items[2].data] == [PAGES[0], PAGES[2]]
    assert f"offset {offsets[1]}" in items[1].detail
    assert "Content-Length" in items[1].detail
    _printable(items)


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_kept_records_are_the_crawlers_bytes(gz):
    records = _records()
    records[1] = _set_length(records[1], -5)
    data, _ = _join(records, gz)
    first, _, last = read_bytes(data, "crawl.warc.gz" if gz else "crawl.warc")
    assert (first.warc_record, last.warc_record) == (records[0], records[2])


def test_fixture_short_content_length():
    path = BROKEN / "warc_short_content_length.warc"
    items = list(iter_inputs(InputConfig(paths=(str(path),))))
    assert labels(items) == [("html", 0), ("truncated", 465), ("html", 929)]


def test_archive_cut_inside_the_next_header_keeps_the_record_before():
    records = _records()
    data, offsets = _join(records, False)
    items = read_bytes(data[: offsets[2] + 3])
    assert labels(items) == [("html", 0), ("html", offsets[1]), ("truncated", offsets[2])]


# --- defect 2: no WARC-Target-URI ------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_record_without_target_uri_is_one_reject(gz):
    records = _records()
    records[1] = re.sub(rb"WARC-Target-URI: [^\r]*\r\n", b"", records[1])
    data, offsets = _join(records, gz)
    items = read_bytes(data, "crawl.warc.gz" if gz else "crawl.warc")
    assert labels(items) == [("html", offsets[0]), ("truncated", offsets[1]),
                             ("html", offsets[2])]
    assert "WARC-Target-URI" in items[1].detail


def test_fixture_no_target_uri():
    path = BROKEN / "warc_no_target_uri.warc"
    items = list(iter_inputs(InputConfig(paths=(str(path),))))
    assert [label for label, _ in labels(items)] == ["html", "truncated", "html"]


# --- defect 3: damaged gzip members ----------------------------------------------------


def _damage_member(member, how):
    data = bytearray(member)
    if how == "crc":
        data[-8] ^= 0xFF  # the CRC-32 in the member's trailer
    elif how == "size":
        data[-1] ^= 0x01  # ISIZE in the trailer
    elif how == "deflate":
        data[len(data) // 2] ^= 0xFF
    elif how == "magic":
        data[0] = 0x00
    elif how == "cut":
        del data[len(data) // 2:]
    return bytes(data)


@pytest.mark.parametrize("how", ["crc", "size", "deflate", "magic", "cut"])
@pytest.mark.parametrize("where", [0, 1, 2])
def test_damaged_gzip_member_is_one_reject_and_the_others_are_kept(how, where):
    members = [gzip.compress(r, mtime=0) for r in _records()]
    members[where] = _damage_member(members[where], how)
    offsets = [sum(len(m) for m in members[:i]) for i in range(3)]
    # Read as a file named .warc.gz is: a broken first gzip header is no reason to call the
    # whole archive binary.
    items = read_bytes(b"".join(members), "crawl.warc.gz")
    expected = [("html", o) for o in offsets]
    expected[where] = ("truncated", offsets[where])
    assert labels(items) == expected
    assert [i.data for i in items if isinstance(i, RawDoc)] == [
        p for i, p in enumerate(PAGES) if i != where]
    _printable(items)


def test_fixture_crc_error():
    path = BROKEN / "warc_crc_error.warc.gz"
    items = list(iter_inputs(InputConfig(paths=(str(path),))))
    assert [label for label, _ in labels(items)] == ["html", "truncated", "html"]
    assert "gzip" in items[1].detail


def test_whole_file_one_gzip_stream_is_read():
    plain, _ = _join(_records(), False)
    items = read_bytes(gzip.compress(plain), "crawl.warc.gz")
    assert [i.data for i in items] == PAGES
    assert [i.source.offset for i in items] == [0, 0, 0]


def test_junk_after_a_record_is_one_reject():
    records = _records()
    data = records[0] + b"\x00\xffjunk\x1b[31m" * 10 + records[1] + records[2]
    items = read_bytes(data)
    # The record before the junk is not followed by the next record: it may be cut.
    assert labels(items) == [("truncated", 0), ("html", len(data) - len(records[1] + records[2])),
                             ("html", len(data) - len(records[2]))]
    _printable(items)


# --- defect 4: bounded memory ----------------------------------------------------------


def _peak(data, name, **options):
    tracemalloc.start()
    try:
        items = read_bytes(data, name, **options)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return items, peak


def test_gzip_member_of_endless_header_is_read_in_bounded_memory():
    records = _records()
    junk = zlib.compressobj(1, zlib.DEFLATED, 31)
    member = junk.compress(b"WARC/1.0\r\nX-Junk: " + b"x" * (24 << 20)) + junk.flush()
    data = gzip.compress(records[0]) + member + gzip.compress(records[1])
    items, peak = _peak(data, "crawl.warc.gz")
    assert [label for label, _ in labels(items)] == ["html", "truncated", "html"]
    assert "1 MiB" in items[1].detail
    assert peak < 8 << 20


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_record_over_the_size_limit_is_too_large_in_bounded_memory(gz):
    records = _records()
    records[1] = _record("https://example.com/big", b"<p>" + b"a" * (20 << 20) + b"</p>")
    data, offsets = _join(records, gz)
    items, peak = _peak(data, "crawl.warc.gz" if gz else "crawl.warc", max_bytes=1 << 20)
    assert labels(items) == [("html", offsets[0]), ("too_large", offsets[1]),
                             ("html", offsets[2])]
    assert peak < 8 << 20 if gz else peak < 28 << 20


# --- defect 5: content encodings --------------------------------------------------------


def _encoded(coding, body):
    if coding == "br":
        return brotli.compress(body, quality=1)
    if coding == "zstd":
        return zstandard.ZstdCompressor().compress(body)
    return gzip.compress(body, compresslevel=1)


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip", "x-gzip", "BR"])
def test_content_encodings_are_decoded(coding):
    body = _encoded(coding.lower().removeprefix("x-"), PAGES[0])
    data = _record("https://example.com/e", body, ("Content-Encoding", coding))
    (doc,) = read_bytes(data)
    assert doc.data == PAGES[0]


def test_chunked_brotli_is_decoded():
    body = brotli.compress(PAGES[1])
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    extra = (("Transfer-Encoding", "chunked"), ("Content-Encoding", "br"))
    (doc,) = read_bytes(_record("https://example.com/c", chunked, *extra))
    assert doc.data == PAGES[1]


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip"])
@pytest.mark.parametrize("damage", ["garbage", "cut"])
def test_undecodable_content_encoding_is_a_decode_error(coding, damage):
    good = _encoded(coding, PAGES[0] * 50)
    garbage = bytes((i * 73 + 11) % 256 for i in range(300))
    body = garbage if damage == "garbage" else good[: len(good) // 2]
    data = _record("https://example.com/e", body, ("Content-Encoding", coding))
    (item,) = read_bytes(data)
    assert item.reason is RejectReason.DECODE_ERROR
    assert coding in item.detail
    assert "https://example.com/e" in item.detail
    _printable([item])


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip"])
def test_content_encoding_bomb_is_too_large_in_bounded_memory(coding):
    body = _encoded(coding, b"<p>" + b" " * (32 << 20))
    data = _record("https://example.com/bomb", body, ("Content-Encoding", coding))
    items, peak = _peak(data, "crawl.warc", max_bytes=1 << 20)
    assert [i.reason for i in items] == [RejectReason.TOO_LARGE]
    assert peak < 12 << 20


def test_plain_payload_declared_gzip_is_read_as_is():
    """What warcio and browsers tolerate: a capture stored decoded, its header kept."""
    data = _record("https://example.com/p", PAGES[0], ("Content-Encoding", "gzip"))
    (doc,) = read_bytes(data)
    assert doc.data == PAGES[0]


def test_fixture_brotli():
    items = list(iter_inputs(InputConfig(paths=(str(BROKEN / "warc_brotli.warc.gz"),))))
    assert [(i.kind, i.data) for i in items] == [("html", PAGES[0])]


# --- defect 6: records that are not HTTP(S) --------------------------------------------


@pytest.mark.parametrize(
    ("url", "rec_type", "scheme"),
    [
        ("metadata://gnu.org/software/wget/warc/MANIFEST.txt", "resource", "metadata"),
        ("metadata://gnu.org/software/wget/warc/wget_arguments.txt", "resource", "metadata"),
        ("urn:pageinfo:https://example.com/", "resource", "urn"),
        ("ftp://example.com/readme.txt", "response", "ftp"),
        ("file:///home/me/page.html", "resource", "file"),
    ],
)
def test_non_http_records_are_not_http_rejects(url, rec_type, scheme):
    records = _records()
    odd = _record(url, b"some words\n", content_type="text/plain", rec_type=rec_type)
    data = records[0] + odd + records[1]
    items = read_bytes(data)
    assert labels(items) == [("html", 0), ("not_http", len(records[0])),
                             ("html", len(records[0]) + len(odd))]
    assert f"'{scheme}'" in items[1].detail


def test_dns_records_stay_skipped():
    dns = _record("dns:example.com", b"example.com. 300 IN A 192.0.2.1",
                  content_type="text/dns", rec_type="resource")
    items = read_bytes(dns + _records()[0])
    assert labels(items) == [("html", len(dns))]


def test_fixture_wget_metadata():
    items = list(iter_inputs(InputConfig(paths=(str(BROKEN / "warc_wget_metadata.warc"),))))
    assert [label for label, _ in labels(items)] == ["html", "not_http", "not_http"]


# --- defect 7: nothing leaks onto stderr, every message is printable text -------------


def test_warcio_says_nothing_on_stderr(capfd, caplog):
    records = _records()
    spaced = _record("https://example.com/a b", PAGES[0])
    with caplog.at_level(logging.DEBUG):
        items = read_bytes(records[0] + spaced + _set_length(records[1], 3) + b"\r\n\x00junk")
    assert [label for label, _ in labels(items)][:2] == ["html", "html"]
    assert [r for r in caplog.records if r.name.startswith("warcio")] == []
    assert capfd.readouterr().err == ""


def test_warcio_logs_again_after_our_read(caplog):
    """Silenced for our reads only: warcio's logger is left as it was."""
    with caplog.at_level(logging.WARNING):
        read_bytes(_record("https://example.com/a b", PAGES[0]))
        caplog.clear()
        logging.getLogger("warcio.recordloader").warning("still here")
    assert [r.message for r in caplog.records] == ["still here"]


@pytest.mark.parametrize("junk", [b"\x1b]0;pwned\x07\x00\xff", b"HTTP/1.1 \x1b[2J\x00 OK\r\n"])
def test_messages_are_printable(junk):
    records = _records()
    bad = records[1].replace(b"HTTP/1.1 200 OK", junk)
    items = read_bytes(records[0] + bad + records[2])
    assert len(items) == 3
    _printable(items)
