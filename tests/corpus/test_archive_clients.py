"""Our WARC archives read by other clients: real `warcio check`, FastWARC, and the CDXJ index.

The archives are written by `cleaner clean` itself (seeds, and a crawler WARC made here), as
gzipped and uncompressed files, in one file and rolled over by size. Everything a client reads
is compared with what the same run wrote to JSONL.
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
import re
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastwarc.warc import ArchiveIterator, WarcRecordType
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner.cli import main
from conftest import FIXTURES

SEEDS = FIXTURES / "seeds" / "raw"
EPOCH = "1700000000"
ROLE_TYPES = {"raw": {"resource", "response"}, "text": {"conversion"}, "meta": {"metadata"}}
TYPES = ("warcinfo", "request", "response", "resource", "conversion", "metadata")

# name of the -o archive, --warc-max-size ("1": one document per file; "12K": one or two)
VARIANTS = {
    "gz": ("corpus.warc.gz", None),
    "plain": ("corpus.warc", None),
    "gz-rolled": ("corpus.warc.gz", "1"),
    "plain-rolled": ("corpus.warc", "12K"),
}


def type_name(record_type: WarcRecordType) -> str:
    """FastWARC's record type by name (the enum is not hashable)."""
    return next(name for name in TYPES if record_type == getattr(WarcRecordType, name))


@dataclass(frozen=True)
class Rec:
    """One record as FastWARC reads it."""

    type: str
    offset: int
    headers: dict[str, str]
    payload: bytes  # the HTTP body (still transfer- and content-encoded) or the whole block
    block_ok: bool
    payload_ok: bool | None  # FastWARC checks payload digests of HTTP records only
    status: int | None


@dataclass(frozen=True)
class Run:
    """What one `cleaner clean` run wrote."""

    dir: Path
    archives: list[Path]
    records: list[dict]


def fastwarc_records(source: Path | bytes) -> list[Rec]:
    """Every record of an archive (a file or its bytes), digests checked by FastWARC."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")
    out = []
    with stream:
        for r in ArchiveIterator(stream, parse_http=False):
            block_ok = r.verify_block_digest()  # before parse_http, which consumes the headers
            payload_ok = status = None
            if r.is_http:
                r.parse_http()
                payload_ok = r.verify_payload_digest()
                status = r.http_headers.status_code
            headers = dict(r.headers.items())
            assert type_name(r.record_type) == headers["WARC-Type"]
            out.append(Rec(headers["WARC-Type"], r.stream_pos, headers, r.reader.read(),
                           block_ok, payload_ok, status))
    return out


def clean(tmp_path: Path, inputs: list[Path], archive: str, *extra: str) -> Run:
    """Run `cleaner clean` to JSONL and an archive in tmp_path; the environment is the caller's."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    jsonl = tmp_path / "out.jsonl"
    code = main(["clean", *map(str, inputs), "-q", "-o", str(jsonl),
                 "-o", str(tmp_path / archive), *extra])
    assert code == 0
    archives = sorted(p for p in tmp_path.iterdir() if p.name.endswith((".warc", ".warc.gz")))
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    return Run(tmp_path, archives, records)


def cdxj(archive: Path) -> list[tuple[str, str, dict]]:
    lines = archive.with_name(archive.name + ".cdxj").read_text(encoding="utf-8").splitlines()
    return [(key, ts, json.loads(rest)) for key, ts, rest in (ln.split(" ", 2) for ln in lines)]


def record_bytes(archive: Path, offset: int, length: int) -> bytes:
    """A record as stored, decompressed when the archive is gzipped (one member per record)."""
    with archive.open("rb") as fh:
        fh.seek(offset)
        data = fh.read(length)
    if archive.name.endswith(".gz"):
        inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
        data = inflate.decompress(data)
        assert inflate.eof, "a record is not one whole gzip member"
        assert not inflate.unused_data, "a gzip member runs past the record"
    return data


def warcio_check(*paths: Path) -> tuple[int, str]:
    """`warcio check -v` as a user runs it: exit status and report."""
    done = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", *map(str, paths)],
                          capture_output=True, text=True, check=False, timeout=60)
    return done.returncode, done.stdout + done.stderr


def verdicts(report: str) -> list[str]:
    """The per-record lines of a verbose `warcio check` report (everything but headers)."""
    return [ln.strip() for ln in report.splitlines() if ln.startswith("    ")]


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def run(request, tmp_path_factory) -> Run:
    """The seeds cleaned to JSONL and to one archive variant, reproducibly."""
    name, max_size = VARIANTS[request.param]
    extra = ["--warc-max-size", max_size] if max_size else []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return clean(tmp_path_factory.mktemp(request.param), [SEEDS], name, *extra)


# -- warcio check ---------------------------------------------------------------------------------

def test_archive_names_and_rollover(run):
    name = run.archives[0].name
    if len(run.archives) == 1:
        assert name in ("corpus.warc.gz", "corpus.warc")
        return
    suffix = ".warc.gz" if name.endswith(".gz") else ".warc"
    assert [p.name for p in run.archives] == [
        f"corpus-{n:05d}{suffix}" for n in range(1, len(run.archives) + 1)]
    assert all(p.with_name(p.name + ".cdxj").is_file() for p in run.archives)
    assert len(run.archives) >= 3


def test_warcio_check_passes_every_record(run):
    code, report = warcio_check(*run.archives)
    assert code == 0, report
    records = sum(len(cdxj(p)) + 1 for p in run.archives)  # indexed records and a warcinfo
    assert verdicts(report) == ["digest pass"] * records, report


@pytest.mark.parametrize("variant", ["gz", "plain"])
def test_warcio_check_fails_a_corrupted_copy(variant, tmp_path, monkeypatch):
    """One changed byte in a clean text fails the check; so the checks above can fail."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    archive = clean(tmp_path, [SEEDS], VARIANTS[variant][0]).archives[0]
    _, _, text = next(e for e in cdxj(archive) if e[2]["record"] == "text")
    offset, length = int(text["offset"]), int(text["length"])
    record = bytearray(record_bytes(archive, offset, length))
    assert record.endswith(b"\r\n\r\n")
    record[-5] ^= 0x01  # the last byte of the payload
    stored = gzip.compress(bytes(record), mtime=0) if variant == "gz" else bytes(record)
    data = archive.read_bytes()
    bad = tmp_path / f"bad-{archive.name}"
    bad.write_bytes(data[:offset] + stored + data[offset + length:])
    code, report = warcio_check(bad)
    assert code == 1, report
    assert "digest failed" in report


def test_warcio_check_exit_status_misses_a_cut_archive(tmp_path, monkeypatch):
    """`warcio check` exits 0 on an archive cut inside a record; only -v shows the cut record.

    That is why the test above counts one "digest pass" per record, not just the exit status.
    """
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    archive = clean(tmp_path, [SEEDS], "corpus.warc.gz").archives[0]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    code, report = warcio_check(cut)
    assert code == 0
    assert verdicts(report)[-1] != "digest pass"
    assert not fastwarc_records(cut)[-1].block_ok  # FastWARC's block digest does catch it


# -- FastWARC ------------------------------------------------------------------------------------

def test_fastwarc_reads_warcinfo_then_raw_text_meta(run):
    for archive in run.archives:
        recs = fastwarc_records(archive)
        assert recs[0].type == "warcinfo"
        assert recs[0].headers["WARC-Filename"] == archive.name
        assert b"software: article-cleaner " in recs[0].payload
        assert len(recs) % 3 == 1
        for raw, text, meta in zip(recs[1::3], recs[2::3], recs[3::3], strict=True):
            assert (raw.type, text.type, meta.type) == ("resource", "conversion", "metadata")
            assert text.headers["WARC-Refers-To"] == raw.headers["WARC-Record-ID"]
            assert meta.headers["WARC-Refers-To"] == text.headers["WARC-Record-ID"]
            assert text.headers["WARC-Target-URI"] == raw.headers["WARC-Target-URI"]
            assert meta.headers["WARC-Target-URI"] == "urn:meta:" + raw.headers["WARC-Target-URI"]
            date = raw.headers["WARC-Date"]
            assert text.headers["WARC-Date"] == meta.headers["WARC-Date"] == date
            assert text.headers["Content-Type"] == "text/plain; charset=utf-8"
            assert meta.headers["Content-Type"] == "application/json"
            linked = json.loads(meta.payload)
            assert linked["raw_record_id"] == raw.headers["WARC-Record-ID"]
            assert linked["text_record_id"] == text.headers["WARC-Record-ID"]


def test_fastwarc_verifies_every_digest(run):
    for archive in run.archives:
        for rec in fastwarc_records(archive):
            assert rec.block_ok, (archive.name, rec.offset)
            if rec.payload_ok is None:
                # Not HTTP: the payload is the block, and so must be its digest.
                assert rec.headers.get("WARC-Payload-Digest", rec.headers["WARC-Block-Digest"]) \
                    == rec.headers["WARC-Block-Digest"]
            else:
                assert rec.payload_ok, (archive.name, rec.offset)


def test_fastwarc_clean_texts_are_the_jsonl_texts(run):
    recs = [r for archive in run.archives for r in fastwarc_records(archive)]
    texts = [r for r in recs if r.type == "conversion"]
    metas = [json.loads(r.payload) for r in recs if r.type == "metadata"]
    assert len(run.records) == 5
    assert [r.payload.decode("utf-8") for r in texts] == [r["text"] for r in run.records]
    assert [r.headers.get("WARC-Identified-Content-Language") for r in texts] == [
        r["lang"] for r in run.records]
    assert [m["record"] for m in metas] == [
        {k: v for k, v in r.items() if k != "text"} for r in run.records]
    urls = [r.headers["WARC-Target-URI"] for r in texts]
    assert urls == [r["url"] or f"urn:cleaner:doc:{r['id']}" for r in run.records]


# -- the CDXJ index ------------------------------------------------------------------------------

def test_cdxj_is_sorted_and_names_its_archive(run):
    for archive in run.archives:
        lines = archive.with_name(archive.name + ".cdxj").read_text(encoding="utf-8")
        assert lines.splitlines() == sorted(lines.splitlines())
        entries = cdxj(archive)
        assert {e[2]["filename"] for e in entries} == {archive.name}
        assert all(re.fullmatch(r"\d{14}", ts) for _, ts, _ in entries)
    ids = [e[2]["id"] for archive in run.archives for e in cdxj(archive)]
    assert sorted(ids) == sorted(r["id"] for r in run.records for _ in range(3))


def test_cdxj_offsets_point_at_records_of_their_role(run):
    for archive in run.archives:
        for key, _, fields in cdxj(archive):
            offset, length = int(fields["offset"]), int(fields["length"])
            with archive.open("rb") as fh:
                fh.seek(offset)
                (rec,) = fastwarc_records(fh.read(length))
            assert rec.type in ROLE_TYPES[fields["record"]], key
            assert rec.headers["WARC-Target-URI"] == fields["url"], key
            assert rec.headers["WARC-Payload-Digest"] == "sha1:" + fields["digest"], key
            assert fields["mime"] == rec.headers["Content-Type"].partition(";")[0], key
            prefix = {"text": "urn:text:", "meta": "urn:meta:"}.get(fields["record"])
            if prefix:
                assert key == prefix + fields["url"].removeprefix("urn:meta:")


def test_cdxj_records_tile_the_archive(run):
    """Offsets and lengths are exact: after the warcinfo, the indexed records fill the file."""
    for archive in run.archives:
        spans = sorted((int(f["offset"]), int(f["length"])) for _, _, f in cdxj(archive))
        assert spans[0][0] == fastwarc_records(archive)[1].offset
        for (offset, length), (following, _) in itertools.pairwise(spans):
            assert offset + length == following
        assert spans[-1][0] + spans[-1][1] == archive.stat().st_size


# -- a crawler's WARC as input --------------------------------------------------------------------

ARTICLE_URL = "https://news.example.com/2025/11/council-park"
CAPTURED = "2025-11-10T08:30:00Z"
PARAGRAPHS = [
    "The city council voted on Tuesday to expand the riverside park by twelve hectares, ending "
    "a dispute that had lasted for more than a decade between residents and developers.",
    "Council members said the new land would be planted with native trees and opened to the "
    "public within two years, with a cycle path linking the park to the old railway station.",
    "Residents who had campaigned for the expansion gathered outside the town hall after the "
    "vote, and several of them said they had not expected the proposal to pass so easily.",
    "The developer that owned part of the land will receive a plot near the industrial estate "
    "in exchange, under an agreement that was published alongside the council papers.",
]


def chunked(data: bytes, size: int = 100) -> bytes:
    """HTTP/1.1 chunked transfer encoding."""
    chunks = (data[i:i + size] for i in range(0, len(data), size))
    return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"


def write_crawl(path: Path) -> None:
    """A crawler's WARC: request and response (chunked, gzip-encoded HTML), a 404, an image."""
    html = ("<!doctype html><html><head><meta charset='utf-8'><title>Council expands riverside "
            "park</title></head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            "<article><h1>Council expands riverside park</h1>"
            + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
            + "</article><footer>Copyright 2025 Example News</footer></body></html>")

    def http(status: str, *headers: tuple[str, str]) -> StatusAndHeaders:
        return StatusAndHeaders(status, list(headers), protocol="HTTP/1.1")

    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        request = w.create_warc_record(
            ARTICLE_URL, "request", payload=io.BytesIO(b""),
            warc_headers_dict={"WARC-Date": CAPTURED},
            http_headers=StatusAndHeaders("GET /2025/11/council-park HTTP/1.1", [
                ("Host", "news.example.com"), ("Accept-Encoding", "gzip")], is_http_request=True))
        w.write_record(request)
        body = chunked(gzip.compress(html.encode("utf-8"), mtime=0))
        w.write_record(w.create_warc_record(
            ARTICLE_URL, "response", payload=io.BytesIO(body),
            warc_headers_dict={"WARC-Date": CAPTURED, "WARC-Concurrent-To":
                               request.rec_headers.get_header("WARC-Record-ID")},
            http_headers=http("200 OK", ("Content-Type", "text/html; charset=utf-8"),
                              ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked"))))
        w.write_record(w.create_warc_record(
            ARTICLE_URL + "-gone", "response", payload=io.BytesIO(b"<p>Not found</p>"),
            warc_headers_dict={"WARC-Date": CAPTURED},
            http_headers=http("404 Not Found", ("Content-Type", "text/html"))))
        w.write_record(w.create_warc_record(
            "https://news.example.com/park.png", "response",
            payload=io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(range(256))),
            warc_headers_dict={"WARC-Date": CAPTURED},
            http_headers=http("200 OK", ("Content-Type", "image/png"))))


@pytest.mark.parametrize("archive", ["out.warc.gz", "out.warc"])
def test_crawler_response_is_kept_byte_for_byte(archive, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    crawl = tmp_path / "in" / "crawl.warc.gz"
    crawl.parent.mkdir()
    write_crawl(crawl)
    inputs = fastwarc_records(crawl)
    assert [(r.type, r.status) for r in inputs] == [
        ("request", None), ("response", 200), ("response", 404), ("response", 200)]
    data = crawl.read_bytes()
    original = zlib.decompress(data[inputs[1].offset:inputs[2].offset], zlib.MAX_WBITS | 16)

    out = clean(tmp_path / "out", [crawl], archive, "--rejects", str(tmp_path / "rejects.jsonl"))
    rejects = (tmp_path / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(line)["reason"] for line in rejects) == ["not_200", "not_html"]
    (written,) = out.archives
    (record,) = out.records
    assert all(p in record["text"] for p in PARAGRAPHS)

    raw_line = next(f for key, _, f in cdxj(written) if f["record"] == "raw")
    assert raw_line["status"] == "200"
    assert raw_line["mime"] == "text/html"
    assert "sha1:" + raw_line["digest"] == inputs[1].headers["WARC-Payload-Digest"]
    assert record_bytes(written, int(raw_line["offset"]), int(raw_line["length"])) == original

    recs = fastwarc_records(written)
    assert [r.type for r in recs] == ["warcinfo", "response", "conversion", "metadata"]
    response, text = recs[1], recs[2]
    assert response.headers == inputs[1].headers
    assert response.payload == inputs[1].payload  # still chunked and gzip-encoded
    assert response.block_ok
    assert response.payload_ok
    assert text.headers["WARC-Refers-To"] == inputs[1].headers["WARC-Record-ID"]
    assert text.headers["WARC-Target-URI"] == ARTICLE_URL
    assert text.headers["WARC-Date"] == CAPTURED
    assert text.payload == record["text"].encode("utf-8")
    code, report = warcio_check(written)
    assert code == 0, report
    assert verdicts(report) == ["digest pass"] * 4, report


# -- reproducibility -----------------------------------------------------------------------------

def record_ids(archive: Path) -> set[str]:
    return {r.headers["WARC-Record-ID"] for r in fastwarc_records(archive)}


def test_same_source_date_epoch_gives_identical_archives(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first = clean(tmp_path / "a", [SEEDS], "corpus.warc.gz").archives[0]
    second = clean(tmp_path / "b", [SEEDS], "corpus.warc.gz").archives[0]
    assert first.read_bytes() == second.read_bytes()
    index = "corpus.warc.gz.cdxj"
    assert (first.parent / index).read_bytes() == (second.parent / index).read_bytes()


def test_without_source_date_epoch_record_ids_differ(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = record_ids(clean(tmp_path / "a", [SEEDS], "corpus.warc.gz").archives[0])
    second = record_ids(clean(tmp_path / "b", [SEEDS], "corpus.warc.gz").archives[0])
    assert len(first) == len(second) == 16
    assert not first & second
