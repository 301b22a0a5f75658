"""Shared fixtures and the --update-golden flag."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output (review the diff)")


@pytest.fixture
def golden(request):
    """Compare text with a golden file, or rewrite it under --update-golden."""
    update = request.config.getoption("--update-golden")

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
        assert path.exists(), f"no golden file {path}; run pytest --update-golden and review it"
        assert actual == path.read_text(encoding="utf-8"), f"output differs from {path}"

    return check


def interrupt_after_commits(monkeypatch, shards: int) -> None:
    """Ctrl-C right after a run has finished this many shards (see cleaner.outputs.shards)."""
    from cleaner.outputs.shards import ShardedRun

    real, done = ShardedRun._commit, []

    def commit_then_stop(self, *args):
        real(self, *args)
        done.append(1)
        if len(done) == shards:
            raise KeyboardInterrupt

    monkeypatch.setattr(ShardedRun, "_commit", commit_then_stop)


def pages_without_urls(tmp_path):
    """The suggest fixture's pages (one site) without their ``Source:`` lines: no URL."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for p in (FIXTURES / "suggest").glob("*.txt"):
        text = "\n".join(x for x in p.read_text(encoding="utf-8").splitlines()
                         if not x.startswith("Source:"))
        (pages / p.name).write_text(text, encoding="utf-8")
    return pages


# A short news story in paragraphs: the article of the guard's and lint's test pages.
BRIDGE_STORY = [
    "The city council voted on Monday to approve a new bridge over the river, ending two years "
    "of debate about the crossing that links the old town with the growing northern districts.",
    "Construction will start in the spring and is expected to take three years, the council "
    "said in a statement, and the old ferry will keep running until the bridge is open.",
    "Residents who spoke at the meeting welcomed the decision, although several asked the "
    "council to keep the riverside path open to walkers and cyclists while the work goes on.",
    "The engineers said the design leaves room for a tram line to be added later, should the "
    "region decide to extend its network across the river in the coming decade.",
]
