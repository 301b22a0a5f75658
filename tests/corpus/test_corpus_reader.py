"""cleaner.corpus: the one reader of our own outputs (JSONL records, WARC archives, .txt)."""

import gzip
import io
import json
import shutil

import pytest
from warcio.warcwriter import WARCWriter

from cleaner import check, cli
from cleaner.corpus import (
    CorpusDoc,
    CorpusFile,
    CorpusProblem,
    file_kind,
    read_archive,
    read_corpus,
    replay,
    walk,
)
from cleaner.ruleset import load_rules
from conftest import FIXTURES

ARCHIVE = FIXTURES.parent.parent / "archive"


def docs(items):
    return [i for i in items if isinstance(i, CorpusDoc)]


def problems(items):
    return [i for i in items if isinstance(i, CorpusProblem)]


# --- JSONL --------------------------------------------------------------------------------------


def test_jsonl_records_come_with_their_line(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"id": "a", "text": "One."}\n\n{"id": "b", "url": 5}\n')
    items = list(read_corpus(path))
    assert [(d.kind, d.line, d.offset, d.record) for d in items] == [
        ("jsonl", 1, None, {"id": "a", "text": "One."}), ("jsonl", 3, None, {"id": "b", "url": 5})]
    assert [d.where for d in items] == [f"{path}:1", f"{path}:3"]
    assert (items[0].text, items[1].text, items[1].url) == ("One.", None, None)


def test_jsonl_lines_that_are_not_records_are_problems_with_their_place(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"id": "a", "text": "x"}\n{"id": \n[1, 2]\n{"text": "caf\xe9"}\n')
    found = problems(read_corpus(path, shown="shown.jsonl"))
    assert [(p.path, p.line, p.col, p.what, p.message) for p in found] == [
        ("shown.jsonl", 2, 1, "invalid_json", "invalid JSON: Expecting value"),
        ("shown.jsonl", 3, None, "invalid_json", "not a JSON object: a list"),
        ("shown.jsonl", 4, 14, "invalid_utf8", "invalid UTF-8 at byte 14: b'\\xe9'"),
    ]
    assert found[0].where == "shown.jsonl:2"


def test_a_gzip_cut_short_yields_its_whole_lines_then_where_it_stops(tmp_path):
    data = gzip.compress(b"".join(b'{"id": "%d", "text": "%s"}\n' % (i, b"word " * 200)
                                  for i in range(50)))
    path = tmp_path / "c.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_corpus(path))
    *whole, last = items
    assert whole
    assert [d.line for d in whole] == list(range(1, len(whole) + 1))
    assert isinstance(last, CorpusProblem)
    assert last.what == "unreadable"
    assert last.message.startswith(f"cannot read after line {len(whole)}: ")


# --- WARC ---------------------------------------------------------------------------------------


def test_an_archive_gives_the_records_its_jsonl_twin_holds():
    """``clean -o corpus.jsonl -o corpus.warc.gz`` wrote each document twice: read back, the
    records are the same, key for key."""
    warc = docs(read_corpus(ARCHIVE / "corpus.warc.gz"))
    jsonl = docs(read_corpus(ARCHIVE / "corpus.jsonl"))
    assert len(warc) == len(jsonl) > 1
    assert [d.record for d in warc] == [d.record for d in jsonl]
    for d in warc:
        assert d.kind == "warc"
        assert d.line == 0
        assert d.offset == d.archived.offset
        assert d.where == f"{ARCHIVE / 'corpus.warc.gz'}@{d.offset}"
        assert d.archived.raw is not None


def test_a_cut_archive_yields_its_whole_documents_then_a_problem_at_the_cut(tmp_path):
    data = (ARCHIVE / "corpus.warc.gz").read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    items = list(read_corpus(cut))
    *whole, last = items
    assert whole
    assert all(isinstance(d, CorpusDoc) for d in whole)
    assert isinstance(last, CorpusProblem)
    assert (last.what, last.line) == ("unreadable", 0)
    assert last.offset is not None
    assert last.offset >= whole[-1].offset
    assert last.where == f"{cut}@{last.offset}"
    # the same documents as read_archive gives, which replay's random access shares
    assert [d.archived for d in whole] == [d for d in read_archive(cut) if not hasattr(d, "reason")]


def _metadata_only_warc(path, meta):
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        record = writer.create_warc_record(
            "urn:cleaner:x", "metadata", payload=io.BytesIO(json.dumps(meta).encode()),
            warc_content_type="application/json",
            warc_headers_dict={"WARC-Record-ID": "<urn:uuid:1>"})
        writer.write_record(record)


def test_a_metadata_record_without_its_record_object_is_a_problem(tmp_path):
    path = tmp_path / "odd.warc.gz"
    _metadata_only_warc(path, {"id": "abc"})
    [problem] = list(read_corpus(path))
    assert (problem.what, problem.offset, problem.line) == ("no_record", 0, 0)
    assert problem.message == "the metadata record has no 'record' object"


def test_replay_says_where_a_record_is_missing_instead_of_failing(tmp_path, capsys):
    path = tmp_path / "odd.warc.gz"
    _metadata_only_warc(path, {"id": "abc"})
    assert cli.main(["replay", "list", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"cleaner: {path}@0: the metadata record has no 'record' object" in err
    assert replay.find(path, "abc") is None


def test_a_file_read_as_another_kind_than_its_name_says(tmp_path):
    path = tmp_path / "archive.bin"
    shutil.copy(ARCHIVE / "corpus.warc.gz", path)
    [problem] = list(read_corpus(path))
    assert (problem.what, problem.message) == (
        "not_corpus", "not a corpus file: expected .jsonl, .jsonl.gz, .warc, .warc.gz or .txt")
    assert docs(read_corpus(path, kind="warc"))


# --- .txt ---------------------------------------------------------------------------------------


def test_a_text_takes_its_facts_from_front_matter(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("---\nurl: https://example.com/a\nlang: 'en'\nid:\n---\nFirst.\n\nSecond.\n")
    [doc] = list(read_corpus(path))
    assert (doc.kind, doc.line, doc.offset) == ("txt", 6, None)
    assert doc.record == {"id": None, "url": "https://example.com/a", "lang": "en",
                          "site": None, "text": "First.\n\nSecond.\n"}


def test_a_text_takes_its_facts_from_a_sidecar_front_matter_first(tmp_path):
    (tmp_path / "a.txt").write_text("---\nlang: de\n---\nErster.\n")
    (tmp_path / "a.json").write_text('{"URL": "https://example.com/a", "lang": "en", "id": 5}')
    [doc] = list(read_corpus(tmp_path / "a.txt"))
    assert (doc.url, doc.lang, doc.id) == ("https://example.com/a", "de", None)


def test_a_broken_sidecar_is_a_problem_in_the_sidecar_then_the_text_is_read(tmp_path):
    (tmp_path / "a.txt").write_text("Text.\n")
    (tmp_path / "a.json").write_text('{"url": ')
    problem, doc = list(read_corpus(tmp_path / "a.txt"))
    assert (problem.path, problem.what, problem.line) == (
        str(tmp_path / "a.json"), "invalid_json", 1)
    assert problem.message.startswith(f"invalid JSON in the sidecar of {tmp_path / 'a.txt'}: ")
    assert (doc.text, doc.url) == ("Text.\n", None)


def test_a_text_that_is_not_utf8_is_a_problem_at_its_line_and_column(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"One.\nTw\xff.\n")
    [problem] = list(read_corpus(tmp_path / "a.txt"))
    assert (problem.what, problem.line, problem.col) == ("invalid_utf8", 2, 3)


# --- walking ------------------------------------------------------------------------------------


def test_walk_finds_corpus_files_once_sorted_without_hidden_ones(tmp_path):
    for name in ("b/2.jsonl", "b/1.warc.gz", "a.txt", ".hidden/x.jsonl", "b/.x.jsonl",
                 "notes.md", "skip/y.jsonl"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    found = list(walk([str(tmp_path), str(tmp_path / "a.txt"), str(tmp_path / "notes.md"),
                       str(tmp_path / "gone")], skip=lambda p: p.name == "skip"))
    files = [(f.path.relative_to(tmp_path).as_posix(), f.kind) for f in found
             if isinstance(f, CorpusFile)]
    assert files == [("a.txt", "txt"), ("b/1.warc.gz", "warc"), ("b/2.jsonl", "jsonl")]
    assert [(p.what, p.path) for p in problems(found)] == [
        ("not_corpus", str(tmp_path / "notes.md")), ("missing", str(tmp_path / "gone"))]


@pytest.mark.parametrize(("name", "kind"), [
    ("a.jsonl", "jsonl"), ("A.JSONL.GZ", "jsonl"), ("a.warc", "warc"), ("a.warc.gz", "warc"),
    ("a.txt", "txt"), ("a.json", None), ("a.cdxj", None), ("a.warc.gz.cdxj", None)])
def test_file_kind_by_name(name, kind, tmp_path):
    assert file_kind(tmp_path / name) == kind


# --- check reads through it ----------------------------------------------------------------------


def test_check_reads_every_file_through_the_corpus_reader(monkeypatch):
    seen = []
    real = check.read_corpus

    def spy(path, shown=None, kind=None):
        seen.append((path.name, kind))
        return real(path, shown, kind)

    monkeypatch.setattr(check, "read_corpus", spy)
    settings = check.CheckSettings(enabled=check.resolve_codes(None, []))
    list(check.Checker(settings, load_rules()).check_paths([str(ARCHIVE)]))
    assert seen == [("corpus.jsonl", "jsonl"), ("corpus.warc.gz", "warc"),
                    ("removed.jsonl", "jsonl")]
