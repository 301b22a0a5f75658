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


def whole_and_resumed(monkeypatch, tmp_path, argv, after: int = 1):
    """``cleaner`` ``argv`` run whole into ``tmp_path/whole``, and into ``tmp_path/parts``
    interrupted after ``after`` shards and resumed; the two directories, for the caller to
    compare."""
    from cleaner import cli

    whole, parts = tmp_path / "whole", tmp_path / "parts"
    for d in (whole, parts):
        d.mkdir()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert cli.main([*argv, "-o", str(whole / "c.jsonl")]) == 0
    interrupt_after_commits(monkeypatch, after)
    assert cli.main([*argv, "-o", str(parts / "c.jsonl")]) == 130
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert cli.main([*argv, "-o", str(parts / "c.jsonl"), "--resume"]) == 0
    return whole, parts


def clean_records(capsys, *argv):
    """``cleaner clean argv``'s records (from standard output) and its standard error; the run
    must succeed."""
    import json

    from cleaner import cli

    code = cli.main(["clean", *argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return [json.loads(x) for x in captured.out.splitlines()], captured.err


def near_duplicate_inputs(tmp_path):
    """A wire story, another story, the first with small edits, and the other with small edits:
    in this order (the input order is the order of the names), in ``tmp_path/in``."""
    import shutil

    stories = FIXTURES / "neardup"
    folder = tmp_path / "in"
    folder.mkdir()
    for name, source in (("1-story", "story"), ("2-other", "other"), ("3-edited", "edited")):
        shutil.copy(stories / f"{source}.txt", folder / f"{name}.txt")
    other = (stories / "other.txt").read_text(encoding="utf-8")
    (folder / "4-other-again.txt").write_text(
        other.replace("Thursday evening", "Thursday night") + "\nMore to follow.\n",
        encoding="utf-8")
    return folder


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


# A tech blog's page for the text classifier's tests: its menu, its footer and four paragraphs
# of a post (tests/steps/test_boilerplate_code.py, _gutter.py, _tail.py).
BLOG_MENU = ["Home", "About", "Archive", "Tags", "Projects", "Contact"]
BLOG_FOOTER = ["Ricky Blog", "Subscribe", "Powered by Hugo", "Theme Pretty", "Privacy", "RSS"]
BLOG_PARAGRAPHS = [
    "This is the first paragraph of the post, and it explains what we are going to build "
    "in the rest of the article with a few tools.",
    "The second paragraph says why the build matters to the people who run the service every "
    "day, and what went wrong before it.",
    "Then the third paragraph walks through the configuration file that we wrote for the "
    "cluster, one section after the other.",
    "The fourth paragraph shows how to run the whole thing and what you should see in the log "
    "when it works as it is meant to.",
]


def bridge_page(paragraphs) -> str:
    """An HTML news page: the bridge story's ``paragraphs`` in an article, and a sidebar of
    "Most read" links beside it."""
    return ("<html><head><title>Council approves the new bridge</title></head><body><main>"
            "<article><h1>Council approves the new bridge</h1>"
            + "".join(f"<p>{p}</p>" for p in paragraphs)
            + "</article><aside class='sidebar'><ul><li><a href='/a'>Most read: Weather warning"
            "</a></li><li><a href='/b'>Most read: Local team wins the cup</a></li></ul></aside>"
            "</main></body></html>")


def news_rule_file(tmp_path, html, page, must_contain, url="https://news.example/bridge",
                   imported=True):
    """``tmp_path/news.example.toml``: ``html`` rules for news.example (marked imported from
    FTR, or not) with one HTML test, ``page`` at ``url``, that must contain ``must_contain``."""
    import json

    mark = 'imported = "ftr"\n' if imported else ""
    text = (f'description = "news.example"\n{mark}\n[match]\nhosts = ["news.example"]\n\n'
            f"[html]\n{html}\n\n[[test]]\nname = \"saved_page\"\nkind = \"html\"\n"
            f"url = \"{url}\"\ninput = '''{page}'''\n"
            f"must_contain = {json.dumps(must_contain)}\n")
    path = tmp_path / "news.example.toml"
    path.write_text(text, encoding="utf-8")
    return path


def learned_removals(pages) -> set[str]:
    """Every line some rule ``propose`` learns from ``pages`` removes on some page."""
    from cleaner.learn.profile import propose

    found = propose(pages)
    gone: set[str] = set()
    for page in pages:
        for p in found.proposals:
            gone.update(page.texts[i] for i in p.rule.apply(page.blocks))
    return gone


@pytest.fixture
def langdetect_calls(monkeypatch) -> list[str]:
    """The texts the language step asks langdetect about, in order (it still answers)."""
    from cleaner.steps import language

    calls: list[str] = []
    real = language._Detector.detect.__func__

    def spy(cls, text):
        calls.append(text)
        return real(cls, text)

    monkeypatch.setattr(language._Detector, "detect", classmethod(spy))
    return calls
