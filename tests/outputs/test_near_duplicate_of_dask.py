"""``near_duplicate_of`` on a Dask cluster (--dask): the records a local run writes, against a
real LocalCluster of two worker processes (tox -e dask; where Dask is not installed it is
skipped, as the rest of the cluster tests are)."""

import json
import shutil

import pytest

from cleaner import cli
from cleaner.run import dask_runner
from conftest import FIXTURES


@pytest.fixture(scope="module")
def scheduler():
    """The address of one LocalCluster of two worker processes."""
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as local:
        yield local.scheduler_address


def test_a_cluster_marks_the_near_duplicates_a_local_run_marks(scheduler, tmp_path,
                                                                monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1762732800")
    monkeypatch.setattr(dask_runner, "SLICE_DOCS", 2)  # each copy in another slice
    folder = tmp_path / "in"
    folder.mkdir()
    for name, story in (("1-story", "story"), ("2-other", "other"), ("3-edited", "edited")):
        shutil.copy(FIXTURES / "neardup" / f"{story}.txt", folder / f"{name}.txt")
    outputs = {}
    for where, options in (("here", ["-j", "1"]), ("there", ["--dask", scheduler])):
        out = tmp_path / where
        out.mkdir()
        assert cli.main(["clean", str(folder), "-q", "--near-duplicates", "mark", *options,
                         "-o", str(out / "c.jsonl"), "-o", str(out / "c.warc.gz")]) == 0
        outputs[where] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert outputs["there"] == outputs["here"]
    records = [json.loads(line) for line in outputs["here"]["c.jsonl"].splitlines()]
    assert [r["near_duplicate_of"] for r in records] == ["", "", records[0]["id"]]
