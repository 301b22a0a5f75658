"""The Python API: from cleaner import Cleaner; the same records as cleaner clean, anywhere."""

import json
import multiprocessing
import pickle

import pytest

from cleaner import Cleaner, cli
from cleaner.model import Reject, RejectReason
from conftest import FIXTURES

SEEDS = sorted((FIXTURES / "seeds" / "raw").glob("*.txt"))
PAGES = sorted((FIXTURES / "scripts").glob("*.html"))


def without_source(record):
    return {k: v for k, v in record.items() if k != "source"}


def clean_partition(args):
    """What a Spark ``mapPartitions`` function (or a Ray task) looks like: the Cleaner arrives
    pickled, as its options, and builds its steps in the worker."""
    cleaner, rows = args
    return list(cleaner.records(rows))


def test_records_are_those_of_cleaner_clean(tmp_path, capsys):
    out = tmp_path / "c.jsonl"
    assert cli.main(["clean", "-q", "-j", "1", *map(str, [*SEEDS, *PAGES]), "-o", str(out)]) == 0
    capsys.readouterr()
    expected = [without_source(json.loads(line)) for line in out.read_text().splitlines()]
    cleaner = Cleaner()
    rows = [{"text": p.read_text(encoding="utf-8"), "path": str(p)} for p in SEEDS]
    rows += [{"html": p.read_bytes(), "path": str(p)} for p in PAGES]
    got = [without_source(r) for r in cleaner.records(rows)]
    assert got == expected


def test_a_cleaner_is_shipped_to_workers_as_its_options(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "_default.toml").write_text(
        '[[drop_line]]\nname = "river_line"\npattern = "river"\n\n[[test]]\nname = "t"\n'
        'input = "The river rose."\nmust_not_contain = ["river"]\n', encoding="utf-8")
    cleaner = Cleaner(rules=[rules], lang="en")
    again = pickle.loads(pickle.dumps(cleaner))
    assert again.rules.version == cleaner.rules.version
    rows = [{"text": p.read_text(encoding="utf-8"), "url": f"https://example.com/{n}"}
            for n, p in enumerate(SEEDS)]
    partitions = [(cleaner, rows[:2]), (cleaner, rows[2:])]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        parts = pool.map(clean_partition, partitions)
    local = list(cleaner.records(rows))
    # Each partition numbers its rows from 1 (the record's source line); the rest is the same.
    assert [without_source(r) for part in parts for r in part] == \
        [without_source(r) for r in local]
    assert len(local) == len(SEEDS)
    assert all(r["url"].startswith("https://example.com/") for r in local)


def test_one_page_and_its_rejects():
    cleaner = Cleaner()
    record = cleaner.clean_html(PAGES[0].read_bytes(), url="https://example.com/a")
    assert isinstance(record, dict)
    assert record["url"] == "https://example.com/a"
    assert record["text"]
    empty = cleaner.clean_text("   \n\n")
    assert isinstance(empty, Reject)
    assert empty.reason is RejectReason.EMPTY_INPUT
    missing = cleaner.result({"url": "https://example.com/b"}, 4)
    assert isinstance(missing, Reject)
    assert missing.reason is RejectReason.MISSING_CONTENT
    assert missing.source.line == 5


def test_a_bad_option_is_an_error_at_once():
    with pytest.raises(Exception, match="english"):
        Cleaner(lang="english")
