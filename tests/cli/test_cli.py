"""`cleaner clean` end to end: seeds acceptance, golden output, exit codes, files written."""

import gzip
import io
import json
import re
import shutil

import pytest

from cleaner import cli
from cleaner.outputs.jsonl import read_jsonl
from cleaner.run import pipeline
from conftest import FIXTURES

SEEDS = FIXTURES / "seeds"
EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))


def norm(s):
    return re.sub(r"\s+", " ", (s or "").replace("\u00a0", " ")).strip()


def run(argv, capsys):
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def seeds_out(tmp_path, monkeypatch, capsys):
    """Clean the seed copies from inside the fixtures dir, so source paths are relative."""
    monkeypatch.chdir(SEEDS)
    out, explain = tmp_path / "out.jsonl", tmp_path / "removed.jsonl"
    code, _, err = run(["clean", "raw", "-o", str(out), "--explain", str(explain)], capsys)
    assert code == 0, err
    return records(out), records(explain), err


def test_seeds_acceptance(seeds_out):
    """Every keep line kept, every drop line gone, titles and the Source-line URL right."""
    recs = {r["source"]["path"].split("/")[-1]: r for r in seeds_out[0]}
    assert sorted(recs) == sorted(EXPECTED)
    for name, exp in EXPECTED.items():
        rec = recs[name]
        text = norm(rec["text"])
        lines = {norm(x) for x in re.split(r"\n+", rec["text"])}
        assert [k for k in exp["keep"] if norm(k) not in text] == [], name
        leaked = [d for d in exp["drop"]
                  if (norm(d) in lines if len(norm(d)) < 30 else norm(d) in text)]
        assert leaked == [], name
        if exp["title"]:
            assert norm(rec["title"]) == norm(exp["title"]), name
        if exp["url"]:
            assert rec["url"] == exp["url"], name
        assert rec["lang"] == exp["lang"], name


def test_seeds_golden(seeds_out, golden):
    recs, explain, _ = seeds_out
    golden("seeds.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs))
    golden("seeds.explain.jsonl",
           "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in explain))


def test_record_schema_and_key_order(seeds_out):
    for rec in seeds_out[0]:
        assert list(rec) == ["id", "url", "title", "text", "lang", "site", "published", "author",
                             "source", "digest", "tool", "rules", "near_duplicate_of"]
        assert rec["near_duplicate_of"] == ""  # the seeds hold no near-duplicate
        assert "\n\n\n" not in rec["text"]
        assert not rec["title"] or not rec["text"].startswith(rec["title"])
        assert rec["digest"].startswith("sha256:")


def test_explain_names_rules_and_steps(seeds_out):
    recs, explain, _ = seeds_out
    ids = {r["id"] for r in recs}
    assert {e["id"] for e in explain} <= ids
    rules = {e["rule"] for e in explain}
    assert "rules/thestar.com.my.toml:drop_link_list.next_in_section_list" in rules
    assert "text:source_line" in rules
    assert "structure:comments_after_wide_gap" in rules
    assert all(set(e) == {"id", "source", "rule", "reason", "text"} for e in explain)


def test_summary_on_stderr(seeds_out):
    err = seeds_out[2]
    assert "5 read, 5 kept, 0 rejected, 0 failed" in err
    assert "4 kept without a source URL" in err
    assert "rules/thestar.com.my.toml:drop_link_list.next_in_section_list" in err


def test_same_input_same_id(tmp_path, capsys):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for out in (a, b):
        assert run(["clean", str(SEEDS / "raw"), "-o", str(out), "-q"], capsys)[0] == 0
    assert [r["id"] for r in records(a)] == [r["id"] for r in records(b)]
    assert a.read_bytes() == b.read_bytes()


def test_no_output_option_writes_stdout(capsys):
    code, out, _ = run(["clean", str(SEEDS / "raw" / "000_afe2df786c992654.txt")], capsys)
    assert code == 0
    rec = json.loads(out)
    assert rec["url"].startswith("https://www.ndtv.com/")
    assert rec["site"] == "ndtv.com"


def test_gzip_output_reads_back_the_same(tmp_path, capsys):
    gz, plain = tmp_path / "c.jsonl.gz", tmp_path / "c.jsonl"
    for out in (gz, plain):
        assert run(["clean", str(SEEDS / "raw"), "-o", str(out), "-q"], capsys)[0] == 0
    assert gzip.decompress(gz.read_bytes()) == plain.read_bytes()
    assert list(read_jsonl(gz)) == list(read_jsonl(plain)) == records(plain)


def test_bad_inputs_are_counted_and_the_run_goes_on(tmp_path, capsys):
    rejects = tmp_path / "rejects.jsonl"
    code, _, err = run(["clean", str(FIXTURES / "bad"), str(FIXTURES / "bad" / "binary.png"),
                        str(SEEDS / "raw"), "-o",
                        str(tmp_path / "o.jsonl"), "--rejects", str(rejects)], capsys)
    assert code == 0
    reasons = {r["reason"] for r in records(rejects)}
    assert {"binary", "empty_input", "invalid_json", "truncated", "decode_error"} <= reasons
    # A walk reads recognised kinds only: the .png is skipped there, and read when named.
    assert "binary.png: skipped" in err
    assert "binary.png: rejected (binary)" in err
    assert "one_invalid_line.jsonl:2: rejected (invalid_json)" in err
    assert len(records(tmp_path / "o.jsonl")) >= 5


def test_missing_input_fails_with_exit_1(tmp_path, capsys):
    code, _, err = run(["clean", str(tmp_path / "nope.txt"), str(SEEDS / "raw"), "-o",
                        str(tmp_path / "o.jsonl")], capsys)
    assert code == 1
    assert "nope.txt: failed: no such file" in err
    assert len(records(tmp_path / "o.jsonl")) == 5


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["clean", "raw", "--url", "https://x.com/a"], "is a directory"),
        (["clean", "raw", "--rules", "/nonexistent"], "rules directory does not exist"),
        (["clean", "raw", "-o", "/nonexistent/dir/o.jsonl"], "does not exist"),
        (["clean", "raw", "--manifest", "/nonexistent.csv"], "nonexistent.csv"),
        (["clean", "raw", "--max-bytes", "0"], "--max-bytes must be positive"),
    ],
)
def test_configuration_errors_exit_2(argv, message, monkeypatch, capsys):
    monkeypatch.chdir(SEEDS)
    code, _, err = run(argv, capsys)
    assert code == 2
    assert message in err


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["clean"])
    assert info.value.code == 2


def test_url_option_and_manifest(tmp_path, capsys):
    src = SEEDS / "raw" / "004_db1027bf0bae1ffa.txt"
    code, out, _ = run(["clean", str(src), "--url", "https://example.org/story"], capsys)
    assert code == 0
    assert json.loads(out)["url"] == "https://example.org/story"
    manifest = tmp_path / "m.csv"
    manifest.write_text(f"path,url,date,site\n{src},https://example.org/m,2025-11-01,Epoch\n")
    code, out, _ = run(["clean", str(src), "--manifest", str(manifest)], capsys)
    rec = json.loads(out)
    assert (rec["url"], rec["published"], rec["site"]) == ("https://example.org/m", "2025-11-01",
                                                            "Epoch")


def test_stdin_input(monkeypatch, capsys):
    data = (SEEDS / "raw" / "004_db1027bf0bae1ffa.txt").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run(["clean", "-"], capsys)
    assert code == 0
    assert json.loads(out)["source"]["path"] == "-"


def test_wrong_language_is_rejected_and_explained(tmp_path, capsys):
    rejects, explain = tmp_path / "r.jsonl", tmp_path / "e.jsonl"
    code, out, _ = run(["clean", str(SEEDS / "raw" / "003_1dc8f56cb09fc03a.txt"), "--lang",
                        "de", "--rejects", str(rejects), "--explain", str(explain)], capsys)
    assert code == 0
    assert out == ""
    rejected = records(rejects)[0]
    assert rejected["reason"] == "wrong_language"
    removed = records(explain)
    assert removed
    assert {e["id"] for e in removed} == {rejected["id"]}


def test_duplicates_rejected_unless_kept(tmp_path, capsys):
    d = tmp_path / "in"
    d.mkdir()
    for name in ("a.txt", "b.txt"):
        shutil.copy(SEEDS / "raw" / "004_db1027bf0bae1ffa.txt", d / name)
    _, out, err = run(["clean", str(d)], capsys)
    assert len(out.splitlines()) == 1
    assert "rejected (duplicate): same clean text as" in err
    _, out, _ = run(["clean", str(d), "--keep-duplicates"], capsys)
    assert len(out.splitlines()) == 2


def test_interrupted_run_leaves_no_output(tmp_path, monkeypatch, capsys):
    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "clean_one", boom)
    out = tmp_path / "o.jsonl"
    code, _, err = run(["clean", str(SEEDS / "raw"), "-o", str(out), "--explain",
                        str(tmp_path / "e.jsonl")], capsys)
    assert code == 130
    assert "interrupted; no output file was written" in err
    assert list(tmp_path.iterdir()) == []


def test_a_bug_in_a_step_becomes_a_failure_not_a_crash(tmp_path, monkeypatch, capsys):
    def broken(self, doc):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(pipeline.TextRules, "apply", broken)
    code, _, err = run(["clean", str(SEEDS / "raw"), "-o", str(tmp_path / "o.jsonl")], capsys)
    assert code == 1
    assert "failed: step text_rules: ZeroDivisionError: oops" in err


def test_help_explains_inputs_and_exit_codes(capsys):
    with pytest.raises(SystemExit):
        cli.main(["clean", "--help"])
    out = capsys.readouterr().out
    assert "Source: <url>" in out
    assert "exit status" in out


def test_progress_line_when_asked(tmp_path, capsys):
    code, _, err = run(["clean", str(SEEDS / "raw"), "-o", str(tmp_path / "o.jsonl"),
                        "--progress"], capsys)
    assert code == 0
    assert "\r1 read, 1 kept, 0 rejected, 0 failed" in err
    assert "\r\x1b[K" in err  # the line is cleared before the summary


def test_no_progress_line_when_not_a_terminal(tmp_path, capsys):
    _, _, err = run(["clean", str(SEEDS / "raw"), "-o", str(tmp_path / "o.jsonl")], capsys)
    assert "\r" not in err


ARTICLE_HTML = """<!doctype html><html><head><title>Bridge approved</title>
<meta name="author" content="Jane Roe"></head><body><nav><a href="/">Home</a></nav><article>
<p>The city council voted on Monday to approve a new bridge over the river after two years of
debate, ending one of the longest planning disputes the town has seen.</p>
<p>Construction will start in spring and take three years, the council said in a statement,
and the old ferry will run until the bridge opens to traffic.</p>
<p>Follow us on Telegram for breaking news</p></article></body></html>"""


def test_jsonl_export_with_custom_keys(tmp_path, capsys):
    export = tmp_path / "export.jsonl"
    lines = [{"link": "https://news.example/bridge", "body": ARTICLE_HTML},
             {"link": "https://news.example/empty", "body": ""}]
    export.write_text("".join(json.dumps(x) + "\n" for x in lines))
    code, out, err = run(["clean", str(export), "--url-key", "link", "--html-key", "body"], capsys)
    assert code == 0
    rec = json.loads(out)
    assert rec["url"] == "https://news.example/bridge"
    assert rec["source"] == {"path": str(export), "line": 1, "offset": 0}
    assert rec["author"] == "Jane Roe"
    assert "The city council voted" in rec["text"]
    assert "Telegram" not in rec["text"]
    assert "export.jsonl:2: rejected (empty_input)" in err


def test_warc_from_a_crawler(tmp_path, capsys):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "https://news.example/bridge", "response",
            payload=io.BytesIO(ARTICLE_HTML.encode()), http_headers=http))
        img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "https://news.example/logo.png", "response", payload=io.BytesIO(b"\x89PNG"),
            http_headers=img))
    code, out, err = run(["clean", str(path)], capsys)
    assert code == 0
    rec = json.loads(out)
    assert rec["url"] == "https://news.example/bridge"
    assert rec["source"]["path"] == str(path)
    assert rec["source"]["offset"] == 0
    assert "Construction will start in spring" in rec["text"]
    assert "rejected (not_html)" in err


def test_version_help_and_usage_errors_do_not_load_the_cleaning_machinery():
    # `cleaner --version` answered in 0.9 s when it imported trafilatura, lxml and the rules.
    import subprocess
    import sys

    probe = ("import sys\nfrom cleaner import cli\n"
             "for argv in (['--version'], ['--help'], ['clean', '--help'], ['clean']):\n"
             "    try:\n        cli.main(argv)\n    except SystemExit:\n        pass\n"
             "heavy = {'trafilatura', 'lxml', 'cleaner.run.pipeline', 'cleaner.ruleset',\n"
             "         'warcio'}\n"
             "print(sorted(heavy & set(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_subcommand_builds_its_own_parser_when_it_runs(capsys):
    for argv, option in ((["check", "--help"], "--fix"), (["rules", "lint", "--help"], "--rules"),
                         (["replay", "reclean", "--help"], "--jobs")):
        with pytest.raises(SystemExit) as exit_:
            cli.main(argv)
        assert exit_.value.code == 0
        assert option in capsys.readouterr().out
