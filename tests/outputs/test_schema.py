"""The output record's schema: every key in every record, one JSON type each, in every run.

The fast tests validate records of runs over every input kind against
``cleaner/record.schema.json``; the ``datasets`` tests load two runs' files together with the
real Hugging Face ``datasets`` and with polars, as users do: one run marks a near-duplicate
(``near_duplicate_of`` names the kept document), the other has none (``""`` in every record).
"""

import io
import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner.cli import main
from cleaner.model import Source
from cleaner.outputs.jsonl import SCHEMA_FILE, read_jsonl, source_from_record
from conftest import FIXTURES

WORDS = ("The council met on Tuesday to discuss the {0} budget for the coming year, and members "
         "agreed that the {0} plan needs more money for schools, roads and parks in the city.")


def prose(topic: str) -> str:
    return "\n\n".join(f"{WORDS.format(topic)} Paragraph {i}." for i in range(4)) + "\n"


def page(topic: str, head: str = "") -> str:
    body = "".join(f"<p>{WORDS.format(topic)} Paragraph {i}.</p>" for i in range(4))
    return (f"<html><head><title>The {topic} budget</title>{head}</head><body><article>"
            f"<h1>The {topic} budget</h1>{body}</article></body></html>")


def write_warc(path: Path) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for topic in ("cedar", "maple"):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://news.example/{topic}", "response",
                payload=io.BytesIO(page(topic).encode()), http_headers=http))


def run_one(tmp_path: Path, name: str, make, *options: str) -> Path:
    """One ``cleaner clean`` run over what ``make(dir)`` puts in a fresh directory."""
    inputs = tmp_path / f"in-{name}"
    inputs.mkdir()
    make(inputs)
    out = tmp_path / f"{name}.jsonl"
    assert main(["clean", str(inputs), "-q", "-o", str(out), *options]) == 0
    return out


def html_and_text(folder: Path) -> None:
    """Pages and text scrapes, among them a wire story and the same story edited."""
    canonical = '<link rel="canonical" href="https://news.example/oak">'
    (folder / "oak.html").write_text(page("oak", canonical), encoding="utf-8")
    for name, story in (("wire-1.txt", "story.txt"), ("wire-2.txt", "edited.txt")):
        shutil.copy(FIXTURES / "neardup" / story, folder / name)
    (folder / "elm.txt").write_text(prose("elm"), encoding="utf-8")  # no URL at all
    (folder / "ash.txt").write_text(prose("ash") + "Source: https://news.example/ash\n",
                                    encoding="utf-8")


def jsonl_and_warc(folder: Path) -> None:
    lines = [{"url": "https://news.example/fir", "html": page("fir"), "author": "A. Writer",
              "date": "2025-01-02"},
             {"text": prose("yew")},  # no URL
             {"url": "https://news.example/pine", "text": prose("pine"), "site": "news"}]
    (folder / "export.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines),
                                         encoding="utf-8")
    write_warc(folder / "crawl.warc.gz")


@pytest.fixture
def two_runs(tmp_path):
    """The first run marks one near-duplicate; the second has none to mark."""
    return [run_one(tmp_path, "pages", html_and_text, "--near-duplicates", "mark"),
            run_one(tmp_path, "exports", jsonl_and_warc, "--near-duplicates", "mark")]


def marks(path: Path) -> list[str]:
    return [r["near_duplicate_of"] for r in read_jsonl(path) if r["near_duplicate_of"]]


def test_one_run_marks_a_near_duplicate_and_the_other_none(two_runs):
    by_name = {r["source"]["path"].rsplit("/", 1)[-1]: r["id"] for r in read_jsonl(two_runs[0])}
    assert marks(two_runs[0]) == [by_name["wire-1.txt"]]
    assert marks(two_runs[1]) == []


def json_type(value) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer",
            float: "number", type(None): "null"}[type(value)]


def types_of(record: dict, prefix: str = "") -> dict[str, str]:
    found = {}
    for key, value in record.items():
        found[prefix + key] = json_type(value)
        if isinstance(value, dict):
            found |= types_of(value, f"{prefix}{key}.")
    return found


def test_every_record_of_every_input_kind_validates(two_runs):
    validator = Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    Draft202012Validator.check_schema(validator.schema)
    records = [r for path in two_runs for r in read_jsonl(path)]
    assert len(records) == 10
    for record in records:
        errors = [e.message for e in validator.iter_errors(record)]
        assert errors == [], record
    kinds = {(r["source"]["line"] > 0, r["source"]["offset"] > 0) for r in records}
    assert kinds == {(False, False), (True, False), (False, True)}  # files, JSONL, WARC
    assert {r["url"] for r in records} >= {"", "https://news.example/oak"}


def test_each_key_has_one_json_type_in_every_record(two_runs):
    seen: dict[str, set[str]] = {}
    for path in two_runs:
        for record in read_jsonl(path):
            for key, kind in types_of(record).items():
                seen.setdefault(key, set()).add(kind)
    assert {k: v for k, v in seen.items() if len(v) > 1} == {}
    assert seen["source.line"] == seen["source.offset"] == {"integer"}
    assert seen["published"] == {"string"}
    assert seen["near_duplicate_of"] == {"string"}


def test_the_schema_names_the_keys_in_record_order():
    from cleaner.outputs.jsonl import RECORD_KEYS

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert tuple(schema["required"]) == RECORD_KEYS == tuple(schema["properties"])


def test_readme_gives_the_shipped_schema():
    """README's JSON Schema is the shipped one, descriptions aside."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "description"}
        return value

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("The record as JSON Schema", 1)[1].split("```json\n", 1)[1]
    shown = json.loads(block.split("```", 1)[0])
    assert shown == strip(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


@pytest.mark.parametrize(("stored", "expected"), [
    ({"path": "a.txt", "line": 0, "offset": 0}, Source("a.txt")),
    ({"path": "e.jsonl", "line": 3, "offset": 0}, Source("e.jsonl", line=3)),
    ({"path": "c.warc.gz", "line": 0, "offset": 912}, Source("c.warc.gz", offset=912)),
    ({"path": "old.jsonl", "line": 2, "offset": None}, Source("old.jsonl", line=2)),
])
def test_source_read_back_from_a_record(stored, expected):
    assert source_from_record(stored, "archive.warc.gz") == expected


STRING_KEYS = ("id", "url", "title", "text", "lang", "site", "published", "author", "digest",
               "tool", "rules", "near_duplicate_of")


@pytest.mark.datasets
@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_hugging_face_datasets_loads_two_runs_together(two_runs, tmp_path, monkeypatch, order):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    datasets = pytest.importorskip("datasets")
    datasets.disable_progress_bars()
    # Either run first: the one whose dates are all unknown and the one that marks no
    # near-duplicate must not make a null-typed column.
    loaded = datasets.load_dataset("json", data_files=[str(two_runs[i]) for i in order],
                                   split="train", cache_dir=str(tmp_path / "hf"))
    assert loaded.num_rows == 10
    features = loaded.features
    assert all(features[k] == datasets.Value("string") for k in STRING_KEYS)
    assert features["source"] == {"path": datasets.Value("string"),
                                  "line": datasets.Value("int64"),
                                  "offset": datasets.Value("int64")}
    # The first run knows no date at all; the second knows one: one string column still.
    assert sorted(loaded["published"]) == [""] * 9 + ["2025-01-02"]
    assert [m for m in loaded["near_duplicate_of"] if m] == marks(two_runs[0])


@pytest.mark.datasets
def test_polars_reads_each_run_and_both_together(two_runs):
    pl = pytest.importorskip("polars")
    frames = [pl.read_ndjson(p) for p in two_runs]
    assert frames[0].schema == frames[1].schema
    both = pl.concat(frames)
    assert both.height == 10
    assert both.schema["author"] == pl.String
    assert both.schema["near_duplicate_of"] == pl.String
    assert both.filter(pl.col("near_duplicate_of") != "")["near_duplicate_of"].to_list() == \
        marks(two_runs[0])
    assert both.schema["source"] == pl.Struct({"path": pl.String, "line": pl.Int64,
                                               "offset": pl.Int64})
