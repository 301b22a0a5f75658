"""Archives read back: round trips, lookups, diffs, re-cleaning, damaged archives."""

import gzip
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import cli
from cleaner.corpus.replay import ArchivedDoc, find, read_archive
from cleaner.model import Block, Doc, RawDoc, Reject, Removal, Source
from cleaner.outputs import shards
from cleaner.outputs.index import index_path, read_index, surt
from cleaner.outputs.jsonl import to_record
from cleaner.outputs.warc import WarcSettings, WarcSink, part_path, stable_ids
from cleaner.ruleset import shipped_rules_dir
from conftest import FIXTURES, interrupt_after_commits

SEEDS = FIXTURES / "seeds" / "raw"
NDTV = ("https://www.ndtv.com/world-news/china-vs-world-us-seeks-group-response-to-beijings-"
        "rare-earth-move-9463372")


def clean(capsys, *argv):
    code = cli.main(["clean", *map(str, argv), "-q"])
    capsys.readouterr()
    assert code == 0


def replay(capsys, *argv):
    code = cli.main(["replay", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def archived(tmp_path, capsys, monkeypatch):
    """Seeds cleaned to JSONL and WARC in one pass, with a fixed clock."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1762732800")
    jsonl, warc = tmp_path / "c.jsonl", tmp_path / "c.warc.gz"
    clean(capsys, SEEDS, "-o", jsonl, "-o", warc)
    return jsonl, warc


def test_export_gives_back_the_jsonl_byte_for_byte(archived, tmp_path, capsys):
    jsonl, warc = archived
    out = tmp_path / "back.jsonl"
    code, _, _ = replay(capsys, "export", warc, "-o", out)
    assert code == 0
    assert out.read_bytes() == jsonl.read_bytes()


def test_uncompressed_and_rolled_over_archives_export_the_same(archived, tmp_path, capsys):
    jsonl, _ = archived
    plain = tmp_path / "p.warc"
    rolled = tmp_path / "r.warc.gz"
    clean(capsys, SEEDS, "-o", plain)
    clean(capsys, SEEDS, "-o", rolled, "--warc-max-size", "1K")
    parts = sorted(tmp_path.glob("r-*.warc.gz"))
    assert [p.name for p in parts] == [part_path(rolled, n).name for n in range(1, 6)]
    assert all(index_path(p).is_file() for p in parts)
    for archives in ([plain], parts):
        code, out, _ = replay(capsys, "export", *archives)
        assert code == 0
        assert [json.loads(x)["text"] for x in out.splitlines()] == [
            json.loads(x)["text"] for x in jsonl.read_text().splitlines()]


def test_list_shows_every_document(archived, capsys):
    code, out, _ = replay(capsys, "list", archived[1])
    assert code == 0
    rows = [line.split("\t") for line in out.splitlines()]
    assert len(rows) == 5
    assert rows[0][1] == NDTV
    assert rows[0][4] == "2025-11-10T00:00:00Z"


@pytest.mark.parametrize("by", ["url", "id"])
def test_show_by_url_or_id(archived, capsys, by):
    recs = [json.loads(x) for x in archived[0].read_text().splitlines()]
    target = NDTV if by == "url" else recs[0]["id"]
    code, out, _ = replay(capsys, "show", archived[1], target)
    assert code == 0
    assert out == recs[0]["text"] + "\n"


def test_show_raw_meta_and_diff(archived, capsys):
    warc = archived[1]
    _, raw, _ = replay(capsys, "show", warc, NDTV, "--raw")
    assert raw.encode() == (SEEDS / "000_afe2df786c992654.txt").read_bytes()
    _, meta, _ = replay(capsys, "show", warc, NDTV, "--meta")
    assert json.loads(meta)["removed"][0]["rule"] == "text:source_line"
    _, diff, _ = replay(capsys, "show", warc, NDTV, "--diff")
    lines = diff.splitlines()
    assert lines[0].startswith("T US Treasury Secretary Seeks Global Alliance")
    assert lines[-1] == f"- Source: {NDTV}   [text:source_line]"
    assert not [x for x in lines if x.startswith("? ")]


def test_show_works_without_the_index(archived, capsys):
    index_path(archived[1]).unlink()
    code, out, _ = replay(capsys, "show", archived[1], NDTV)
    assert code == 0
    assert out.startswith("US Treasury Secretary Scott Bessent calls")


def test_show_unknown_target_exits_1(archived, capsys):
    code, _, err = replay(capsys, "show", archived[1], "https://nowhere.example/")
    assert code == 1
    assert "no document with id or URL" in err


def test_missing_archive_is_a_usage_error(tmp_path, capsys):
    code, _, err = replay(capsys, "list", tmp_path / "nope.warc.gz")
    assert code == 2
    assert "no such archive" in err


def test_reclean_with_the_same_rules_changes_nothing(archived, capsys):
    code, out, err = replay(capsys, "reclean", archived[1])
    assert code == 0
    assert [line.split("\t")[2] for line in out.splitlines()] == ["same"] * 5
    assert "5 same" in err


def test_reclean_with_new_rules_reports_and_writes_the_change(archived, tmp_path, capsys):
    rules = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), rules)
    with (rules / "ndtv.com.toml").open("a") as fh:
        fh.write('\n[[drop_line]]\nname = "bessent_quotes"\npattern = \'^"\'\n')
    new = tmp_path / "v2.warc.gz"
    code, out, _ = replay(capsys, "reclean", archived[1], "--rules", rules, "-o", new)
    assert code == 1
    verdicts = dict(line.split("\t")[0::2] for line in out.splitlines())
    changed = [v for v in verdicts.values() if v.startswith("changed")]
    assert changed == ["changed: text -5 +0 paragraphs"]
    assert list(verdicts.values()).count("same") == 4
    _, back, _ = replay(capsys, "export", new)
    assert len(back.splitlines()) == 5


def test_reclean_rejects_exact_duplicates_as_clean_does(archived, tmp_path, capsys):
    again = tmp_path / "again.warc.gz"
    shutil.copy(archived[1], again)
    code, out, err = replay(capsys, "reclean", archived[1], again)
    verdicts = [line.split("\t")[2] for line in out.splitlines()]
    assert verdicts[:5] == ["same"] * 5
    assert all(v.startswith("rejected: duplicate: same clean text as ") for v in verdicts[5:])
    assert len(verdicts) == 10
    assert code == 1
    assert "5 rejected, 5 same" in err


def test_reclean_writes_the_same_archive_twice_under_a_fixed_clock(archived, tmp_path, capsys):
    # SOURCE_DATE_EPOCH fixes the dates and record ids of reclean's archive as of clean's.
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    # ... and with any number of worker processes.
    assert replay(capsys, "reclean", archived[1], "-j", "1", "-o", one / "c.warc.gz")[0] == 0
    assert replay(capsys, "reclean", archived[1], "-j", "2", "-o", two / "c.warc.gz")[0] == 0
    assert (one / "c.warc.gz").read_bytes() == (two / "c.warc.gz").read_bytes()
    assert (one / "c.warc.gz.cdxj").read_bytes() == (two / "c.warc.gz.cdxj").read_bytes()


def test_truncated_archive_is_read_up_to_the_last_whole_record(archived, tmp_path, capsys):
    data = archived[1].read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    items = list(read_archive(cut))
    docs = [i for i in items if isinstance(i, ArchivedDoc)]
    assert isinstance(items[-1], Reject)
    assert "offset" in items[-1].detail
    assert 0 < len(docs) < 5
    code, out, err = replay(capsys, "list", cut)
    assert code == 1
    assert len(out.splitlines()) == len(docs)
    assert "cut short or corrupt" in err


def test_crawler_warc_keeps_its_response_and_reexports(tmp_path, capsys):
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = (b"<html><head><title>Bridge</title></head><body><article><p>The city council voted "
            b"on Monday to approve a new bridge over the river after two years of debate, "
            b"ending a long dispute.</p><p>Construction will start in spring and take three "
            b"years, the council said in a statement on Tuesday.</p></article></body></html>")
    crawl = tmp_path / "crawl.warc.gz"
    with crawl.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                           ("Content-Encoding", "gzip")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record("https://news.example/bridge", "response",
                                            payload=io.BytesIO(gzip.compress(page)),
                                            http_headers=http))
    out_jsonl, out_warc = tmp_path / "o.jsonl", tmp_path / "o.warc.gz"
    clean(capsys, crawl, "-o", out_jsonl, "-o", out_warc)
    doc = find(out_warc, "https://news.example/bridge")
    assert doc is not None
    assert doc.raw is not None
    assert doc.raw.record_type == "response"
    assert doc.raw.payload == page
    _, back, _ = replay(capsys, "export", out_warc)
    assert back == out_jsonl.read_text()
    assert replay(capsys, "reclean", out_warc)[0] == 0


def test_index_keys_keep_text_and_metadata_off_the_page_url(archived):
    entries = list(read_index(index_path(archived[1])))
    page = [e for e in entries if e.key == surt(NDTV)]
    assert [e.fields["record"] for e in page] == ["raw"]
    roles = {e.fields["record"]: e.key for e in entries if e.fields["id"] == page[0].fields["id"]}
    assert roles == {"raw": surt(NDTV), "text": f"urn:text:{NDTV}", "meta": f"urn:meta:{NDTV}"}


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.Example.com/A/b?z=1&a=2#frag", "com,example)/a/b?a=2&z=1"),
        ("http://example.com", "com,example)/"),
        ("http://example.com:8080/x", "com,example:8080)/x"),
        ("https://www2.example.co.uk:443/", "uk,co,example)/"),
        ("urn:cleaner:doc:abc", "urn:cleaner:doc:abc"),
    ],
)
def test_surt(url, key):
    assert surt(url) == key


URLS = st.builds(
    lambda host, path, q: f"https://{host}.example/{path}" + (f"?q={q}" if q else ""),
    st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
    st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=20),
    st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=10),
)
TEXTS = st.lists(st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=60)
                 .map(lambda t: " ".join(t.split())).filter(bool), min_size=1, max_size=5)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(docs=st.lists(st.tuples(st.one_of(st.none(), URLS), TEXTS, st.binary(max_size=80)),
                     min_size=1, max_size=4))
def test_warc_round_trip_on_generated_documents(tmp_path_factory, docs):
    """Any unicode text and odd URLs: the archive gives back exactly the records written."""
    path = tmp_path_factory.mktemp("rt") / "g.warc.gz"
    fixed = datetime(2025, 1, 1, tzinfo=UTC)
    written = []
    with WarcSink(WarcSettings(path, {"software": "test"}, clock=lambda: fixed,
                               ids=stable_ids("t"))) as sink:
        for n, (url, texts, data) in enumerate(docs):
            raw = RawDoc(data, Source(f"in/{n}.txt"), kind="text", url=url, url_from="cli")
            doc = Doc(raw=raw, id=f"{n:016x}", kind="text", source_text="",
                      blocks=tuple(Block(t) for t in texts), url=url, lang="en",
                      removals=(Removal("x\u2028y", "rules/r.toml:drop_line.x", "why"),))
            record = to_record(doc, "v1")
            sink.write(doc, record)
            written.append((record, data))
    back = list(read_archive(path))
    assert [d.record for d in back] == [r for r, _ in written]
    assert [d.raw.payload for d in back] == [data for _, data in written]
    assert [d.raw_doc().url or "" for d in back] == [r["url"] for r, _ in written]


REPO = Path(__file__).resolve().parents[2]
EXAMPLE_FILES = ("corpus.jsonl", "corpus.warc.gz", "corpus.warc.gz.cdxj", "removed.jsonl")


def test_example_archive_is_reproduced_byte_for_byte(tmp_path, capsys, monkeypatch, request):
    """archive/ is what the README's first command builds from examples/ (fixed clock)."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1762732800")
    clean(capsys, "examples/", "-o", tmp_path / "corpus.jsonl", "-o",
          tmp_path / "corpus.warc.gz", "--explain", tmp_path / "removed.jsonl")
    if request.config.getoption("--update-golden"):
        for name in EXAMPLE_FILES:
            shutil.copy(tmp_path / name, REPO / "archive" / name)
    differ = [n for n in EXAMPLE_FILES
              if (tmp_path / n).read_bytes() != (REPO / "archive" / n).read_bytes()]
    assert differ == [], "archive/ is out of date: rebuild it with the README's first command " \
                         "(or pytest --update-golden) and review the diff"


def test_an_interrupted_reclean_resumes_to_the_outputs_of_one_never_stopped(
        archived, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    again = tmp_path / "again.warc.gz"
    shutil.copy(archived[1], again)
    whole, out = tmp_path / "whole", tmp_path / "out"
    whole.mkdir()
    out.mkdir()

    def outputs(folder):
        return ["-o", str(folder / "new.jsonl"), "-o", str(folder / "new.warc.gz"), "-j", "1"]

    _, said, _ = replay(capsys, "reclean", archived[1], again, *outputs(whole))
    monkeypatch.setattr(shards, "JOIN_SHARD", 3)
    real = shards.ShardedRun._commit
    interrupt_after_commits(monkeypatch, 2)
    assert cli.main(["replay", "reclean", str(archived[1]), str(again), *outputs(out)]) == 130
    first = capsys.readouterr()
    assert "6 inputs are done and kept in" in first.err
    assert not (out / "new.jsonl").exists()
    monkeypatch.setattr(shards.ShardedRun, "_commit", real)
    code, rest, err = replay(capsys, "reclean", archived[1], again, *outputs(out), "--resume")
    assert code == 1
    assert first.out + rest == said  # each verdict said once, in order
    assert "5 rejected, 5 same" in err
    for name in ("new.jsonl", "new.warc.gz", "new.warc.gz.cdxj"):
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name
