"""The sites benchmark's own parts: truth rendering, line matching, layout and scoring.

Two tiny hand-written pages of one made-up site stand in for the fetched set (no fetched data).
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path[:0] = [str(BENCH), str(BENCH / "sites")]

import choose  # noqa: E402
import fetch  # noqa: E402
import profiles  # noqa: E402
from match import score_lines  # noqa: E402
from truth import render_truth, strip_front_matter  # noqa: E402

POST = """---
title: "Harbour reopens"
tags: [port, news]
---
# Harbour reopens after storm

The **harbour** reopened on [Monday](https://example.org/monday) after
three days of repairs. ![crane](crane.jpg)

{{< figure src="quay.jpg" caption="The quay" >}}
{% include share.html %}

- Ferries run again
- Fishing boats *return*

<style>
td { border: 1px solid; }

tr { padding: 8px; }
</style>

<br>
### Tides ###
----------
```sh
tide --today
```

| day | boats |
|-----|-------|
| Mon | 12    |

[ref]: https://example.org/ref
"""

TEMPLATE = """<html><head><title>{title}</title><style>p {{}}</style></head><body>
<nav><a href="/">Home</a> <a href="/news/">News</a> <a href="/about/">About us</a></nav>
<article>{body}</article>
<aside><h3>Related stories</h3><ul><li>Council meets on budget</li></ul></aside>
<footer>Copyright the Coastal Gazette. Subscribe to our newsletter</footer>
</body></html>"""

PAGES = {
    "1": ("<h1>Harbour reopens after storm</h1><p>The <b>harbour</b> reopened on Monday "
          "after three days of repairs.</p><ul><li>Ferries run again</li></ul>",
          "Harbour reopens after storm\nThe harbour reopened on Monday after three days of "
          "repairs.\nFerries run again\n"),
    "2": ("<h1>Library extends hours</h1><p>The town library will stay open until nine on "
          "weekdays from March.</p>",
          "Library extends hours\nThe town library will stay open until nine on weekdays from "
          "March.\n"),
}


def test_markdown_truth_is_the_text_a_reader_sees():
    assert render_truth(POST, "markdown").splitlines() == [
        "Harbour reopens after storm",
        "The harbour reopened on Monday after three days of repairs.",
        "Ferries run again",
        "Fishing boats return",
        "Tides",
        "tide --today",
        "day boats",
        "Mon 12",
    ]


def test_html_source_truth_has_one_block_a_line():
    source = ("<p>First <a href='x'>para</a>.</p><pre><code>a = 1\nb = 2</code></pre>"
              "<ul><li>one<li>two</ul><script>var x;</script>")
    assert render_truth(source, "html").splitlines() == ["First para.", "a = 1", "b = 2",
                                                         "one", "two"]


@pytest.mark.parametrize(("source", "body"), [
    ("+++\ntitle = 'x'\n+++\nBody\n", "Body\n"),
    ("Title: Smoking on a plane\nDate: 2013-10-02\n\nBody\n", "Body\n"),
    ("Note: not metadata\n\nBody\n", "Note: not metadata\n\nBody\n"),
])
def test_front_matter_of_each_generator_is_stripped(source, body):
    assert strip_front_matter(source) == body


def test_unknown_source_kind_is_an_error():
    with pytest.raises(ValueError, match="rst"):
        render_truth("x", "rst")


def test_lines_are_matched_on_most_of_their_words_in_order():
    truth = ("The harbour reopened on Monday after three days of repairs.\n"
             "Ferries run again from the north quay\n"
             "Fishing boats return to the bay\n")
    output = ("Home News About us\n"
              "The harbour reopened on Monday after three days of repairs and a storm.\n"
              "Ferries run again from the quay\n"
              "bay the to return boats fishing\n")
    score = score_lines(truth, output)
    # line 3's words are all there, but in reverse order: lost; the menu is cruft, and so is
    # the reversed line (most of its words match nothing in order).
    assert (score.truth_lines, score.lost, score.output_lines, score.cruft) == (3, 1, 4, 2)


def test_case_and_punctuation_do_not_matter_and_empty_output_loses_everything():
    assert score_lines("Hello, World!", "hello world").lost == 0
    assert score_lines("One line\nTwo lines\n", "").lost == 2
    assert score_lines("", "Only cruft here").cruft == 1


def _lay_out(tmp_path: Path) -> Path:
    files: dict[tuple[str, str], bytes] = {}
    pages = []
    for n, (body, truth) in PAGES.items():
        files[("build", f"public/{n}/index.html")] = TEMPLATE.format(title=n, body=body).encode()
        files[("source", f"content/{n}.html")] = body.encode()
        pages.append({"html": f"public/{n}/index.html", "source": f"content/{n}.html",
                      "source_kind": "html", "url": f"https://gazette.example/{n}/"})
        assert render_truth(body, "html") == truth
    site = {"name": "gazette.example", "repository": "someone/gazette", "build_commit": "build",
            "source_commit": "source", "language": "en", "pages": pages}

    def read(repo: str, commit: str, path: str) -> bytes:
        try:
            return files[(commit, path)]
        except KeyError:
            raise fetch.FetchError(f"{repo}@{commit}:{path}: missing") from None

    rows, failures = fetch.lay_out_site(site, tmp_path, read)
    assert failures == []
    (tmp_path / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return tmp_path


def test_a_site_is_laid_out_with_pages_truths_and_a_manifest(tmp_path):
    root = _lay_out(tmp_path)
    assert sorted(p.name for p in (root / "gazette.example").iterdir()) == [
        "1.html", "1.truth.txt", "2.html", "2.truth.txt"]
    assert (root / "gazette.example" / "2.truth.txt").read_text() == PAGES["2"][1]
    pages = profiles.load_pages(root)
    assert [(p.id, p.path, p.url) for p in pages] == [
        ("gazette.example/1", "gazette.example/1.html", "https://gazette.example/1/"),
        ("gazette.example/2", "gazette.example/2.html", "https://gazette.example/2/")]


def test_a_page_that_cannot_be_read_is_named_and_skipped(tmp_path):
    site = {"name": "s", "repository": "o/s", "build_commit": "b", "source_commit": "s",
            "pages": [{"html": "a.html", "source": "a.md"}]}

    def read(repo: str, commit: str, path: str) -> bytes:
        raise fetch.FetchError(f"{path}: 404")

    rows, failures = fetch.lay_out_site(site, tmp_path, read)
    assert rows == []
    assert failures == ["s page 1: a.html: 404"]


def test_the_whole_page_keeps_the_article_and_all_the_template(tmp_path, capsys):
    root = _lay_out(tmp_path)
    pages = profiles.load_pages(root)
    outputs = profiles.page_as_is(root, pages)
    scores = {p.id: profiles.score_page((root / p.path).with_suffix(".truth.txt").read_text(),
                                        outputs[p.id]) for p in pages}
    assert [s.lost for s in scores.values()] == [0, 0]
    # title, menu, "Related stories", its item, and the footer's two sentences (one block)
    assert [s.cruft for s in scores.values()] == [5, 5]
    profiles.print_table(pages, {"page, uncleaned": scores})
    table = capsys.readouterr().out
    assert "gazette.example" in table
    which = profiles.half("gazette.example")
    assert f"-- {which} half: 1 sites" in table
    assert f"-- {'report' if which == 'tune' else 'tune'} half" not in table  # no empty half


def test_sites_split_in_two_halves_by_name():
    assert profiles.half("gazette.example") == profiles.half("gazette.example")
    names = [f"site{i}.example" for i in range(20)]
    assert {profiles.half(n) for n in names} == {"tune", "report"}


@pytest.mark.parametrize(("path", "text", "first"), [
    ("_posts/2019-01-02-harbour-reopens.md", "---\ntitle: x\n---\n", "harbour-reopens"),
    ("content/posts/harbour/index.md", "+++\ntitle = 'x'\n+++\n", "harbour"),
    ("content/a.md", "---\nslug: Harbour-Reopens\n---\n", "harbour-reopens"),
])
def test_a_post_is_paired_by_its_slug(path, text, first):
    assert choose.slug_candidates(path, text)[0] == first


def test_a_pelican_post_is_paired_by_its_title():
    text = "Title: Smoking on an Airplane\nDate: 2013-10-02\n\nBody\n"
    assert "smoking-on-an-airplane" in choose.slug_candidates("content/2013-10-02-Smoking.md",
                                                              text)
    assert choose.slug_of("2013/10/02/smoking-on-an-airplane/index.html") == \
        "smoking-on-an-airplane"


def test_a_page_holds_its_post_only_when_it_has_most_of_its_lines():
    page = TEMPLATE.format(title="1", body=PAGES["1"][0]).encode()
    assert choose.holds_its_post(PAGES["1"][1], page)
    other_post = PAGES["2"][1] + "Readers welcomed the change.\n"
    assert not choose.holds_its_post(other_post, page)
    assert not choose.holds_its_post("Harbour reopens after storm\n", page)  # too short to tell


def test_pages_are_read_from_github_at_the_exact_commit(monkeypatch):
    asked = []

    class Response:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self):
            return b"<html></html>"

    def urlopen(url, timeout):
        asked.append(url)
        return Response()

    monkeypatch.setattr(fetch.urllib.request, "urlopen", urlopen)
    read = fetch.https_reader()
    assert read("owner/blog", "abc123", "_posts/2017-11-22-C#-intro é.md") == b"<html></html>"
    assert asked == ["https://raw.githubusercontent.com/owner/blog/abc123/"
                     "_posts/2017-11-22-C%23-intro%20%C3%A9.md"]


def test_a_mirror_is_read_with_git(tmp_path):
    repo = tmp_path / "owner+blog" / "repo"
    run = partial(subprocess.run, check=True, capture_output=True, cwd=repo)
    repo.mkdir(parents=True)
    run(["git", "init", "-q"])
    (repo / "post.md").write_text("Hello\n")
    run(["git", "add", "post.md"])
    run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "x"])
    commit = run(["git", "rev-parse", "HEAD"]).stdout.decode().strip()
    read = fetch.mirror_reader(tmp_path)
    assert read("owner/blog", commit, "post.md") == b"Hello\n"
    with pytest.raises(fetch.FetchError, match=r"missing\.md"):
        read("owner/blog", commit, "missing.md")
    with pytest.raises(fetch.FetchError, match="no git directory for other/blog"):
        read("other/blog", commit, "post.md")
