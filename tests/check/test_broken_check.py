"""`cleaner check` with what users pair it with: the output of `cleaner clean` (short documents,
one run written as JSONL and WARC), and `--fix` on symlinked files."""

import json

import pytest

from cleaner import check, cli
from conftest import FIXTURES

BROKEN = FIXTURES / "broken"
SHORT = sorted(BROKEN.glob("check_short_*.html"))
EXAMPLES = FIXTURES.parent.parent / "examples"

PROSE = ("The harbour council met on Tuesday to discuss the new bridge over the river, and "
         "members agreed that work should start in the spring.\n\nOfficials said the project "
         "would cost more than expected, but they hoped that the regional government would "
         "help with the budget.")


def run(argv, capsys):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A working directory with no config file above it that could change the defaults."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def short_run(work, capsys):
    """The short fixture documents cleaned in one run to JSONL and WARC."""
    assert len(SHORT) == 2
    code, _, err = run(["clean", *SHORT, "-o", "short.jsonl", "-o", "short.warc.gz"], capsys)
    assert code == 0, err
    assert "2 kept" in err
    return work


def test_check_short_clean_output_passes_check_by_default(short_run, capsys):
    code, out, err = run(["check", "short.jsonl", "short.warc.gz"], capsys)
    assert (code, out) == (0, "")
    assert "no findings" in err


def test_check_examples_and_short_documents_pass_check_by_default(work, capsys):
    code, _, err = run(["clean", EXAMPLES, *SHORT, "-o", "all.jsonl", "-o", "all.warc.gz"],
                       capsys)
    assert code == 0, err
    for paths in (["all.jsonl"], ["all.warc.gz"], ["all.jsonl", "all.warc.gz"], ["."]):
        assert run(["check", *paths], capsys)[:2] == (0, "")


def test_check_empty_text_is_still_t001_by_default(work, capsys):
    rec = {"id": "0000000000000001", "url": "https://example.com/a", "text": " \n\n ",
           "lang": "en"}
    (work / "empty.jsonl").write_text(json.dumps(rec) + "\n")
    code, out, _ = run(["check", "empty.jsonl"], capsys)
    assert code == 1
    assert out == "empty.jsonl:1: T001 empty text\n"


def test_check_min_words_when_configured_flags_short_texts(short_run, capsys):
    code, out, _ = run(["check", "short.jsonl", "--min-words", "13"], capsys)
    assert code == 1
    assert out == "short.jsonl:1: T001 text has 12 words, fewer than the minimum 13\n"
    (short_run / "cleaner.toml").write_text("[check]\nmin-words = 17\n")
    code, out, _ = run(["check", "short.jsonl"], capsys)
    assert [row.split(": ")[1].split()[0] for row in out.splitlines()] == ["T001", "T001"]


def test_check_jsonl_and_warc_of_one_run_report_each_finding_once(short_run, capsys):
    code, out, err = run(["check", "short.jsonl", "short.warc.gz", "--min-words", "20",
                          "--format", "json"], capsys)
    assert code == 1
    rows = [json.loads(x) for x in out.splitlines()]
    assert [(r["path"], r["line"], r["code"]) for r in rows] == [
        ("short.jsonl", 1, "T001"), ("short.jsonl", 2, "T001")]
    assert "2 documents (and 2 copies of them in short.warc.gz, checked once)" in err


def test_check_warc_first_still_reports_each_document_once(short_run, capsys):
    code, out, _ = run(["check", "short.warc.gz", "short.jsonl", "--min-words", "20"], capsys)
    assert code == 1
    assert [row.split(":")[0] for row in out.splitlines()] == ["short.warc.gz"] * 2


def test_check_a_copy_whose_text_differs_is_checked(short_run, capsys):
    """Same id, other text: not the same document (a hand edit); its findings are its own."""
    lines = (short_run / "short.jsonl").read_text().splitlines()
    rec = json.loads(lines[0])
    rec["text"] += "\n\nShare post:"
    lines[0] = json.dumps(rec)
    (short_run / "short.jsonl").write_text("\n".join(lines) + "\n")
    code, out, _ = run(["check", "short.jsonl", "short.warc.gz"], capsys)
    assert code == 1
    assert [row.split(": ")[1].split()[0] for row in out.splitlines()] == ["C001"]


def test_check_the_same_document_twice_in_one_kind_is_still_d003(short_run, capsys):
    (short_run / "again.jsonl").write_bytes((short_run / "short.jsonl").read_bytes())
    code, out, _ = run(["check", "short.jsonl", "again.jsonl"], capsys)
    assert code == 1
    assert [row.split(": ")[1].split()[0] for row in out.splitlines()] == ["D003", "D003"]


def _cruft_jsonl(path):
    rec = {"id": "0000000000000001", "url": "https://example.com/a", "text": PROSE +
           "\n\nShare post:", "lang": "en"}
    path.write_text(json.dumps(rec) + "\n")


@pytest.mark.parametrize("relative", [True, False])
def test_check_fix_writes_through_a_symlink(work, capsys, relative):
    (work / "data").mkdir()
    (work / "links").mkdir()
    target = work / "data" / "corpus.jsonl"
    _cruft_jsonl(target)
    target.chmod(0o640)
    link = work / "links" / "corpus.jsonl"
    link.symlink_to("../data/corpus.jsonl" if relative else target)
    code, out, _ = run(["check", "--fix", "--select", "C", link], capsys)
    assert code == 0
    assert "C001" in out
    assert "(fixed)" in out
    assert link.is_symlink()
    assert link.resolve() == target.resolve()
    assert "Share post" not in target.read_text()
    assert json.loads(target.read_text())["text"] == PROSE
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in work.rglob("*")) == ["corpus.jsonl", "corpus.jsonl", "data",
                                                       "links"]


def test_check_fix_that_cannot_write_is_e003_and_the_run_goes_on(work, capsys, monkeypatch):
    first, second = work / "a.jsonl", work / "b.jsonl"
    _cruft_jsonl(first)
    _cruft_jsonl(second)
    before = first.read_bytes()
    real = check.rewrite_lines

    def full_disk(path, fixes):
        if path.name == "a.jsonl":
            raise OSError(28, "No space left on device", str(path))
        real(path, fixes)

    monkeypatch.setattr(check, "rewrite_lines", full_disk)
    code, out, _ = run(["check", "--fix", "--select", "C", first, second], capsys)
    assert code == 1
    assert "E003 cannot write the fixes (No space left on device); the file is unchanged" in out
    assert first.read_bytes() == before
    assert "Share post" not in second.read_text()  # the next file was still fixed


def test_check_fix_writes_through_a_chain_of_symlinks(work, capsys):
    target = work / "corpus.jsonl"
    _cruft_jsonl(target)
    (work / "mid.jsonl").symlink_to("corpus.jsonl")
    (work / "top.jsonl").symlink_to("mid.jsonl")
    assert run(["check", "--fix", "--select", "C", "top.jsonl"], capsys)[0] == 0
    assert (work / "top.jsonl").is_symlink()
    assert (work / "mid.jsonl").is_symlink()
    assert json.loads(target.read_text())["text"] == PROSE


def _drivers_rule(work):
    rules = work / "myrules"
    rules.mkdir()
    (rules / "_default.toml").write_text(
        '[[drop_line]]\nname = "detour_line"\npattern = "^Drivers should use"\n\n'
        '[[test]]\nname = "t"\ninput = "Drivers should use the bridge."\n'
        'must_not_contain = ["Drivers"]\n')
    return rules


def test_check_fix_of_the_jsonl_copy_leaves_the_warc_copy_reported(short_run, capsys):
    """--fix rewrites the JSONL; the WARC still holds the cruft, and says so."""
    rules = _drivers_rule(short_run)
    code, out, _ = run(["check", "--fix", "--rules", rules, "short.jsonl", "short.warc.gz"],
                       capsys)
    assert code == 1
    rows = out.splitlines()
    assert [(row.split(":")[0], row.endswith("(fixed)")) for row in rows] == [
        ("short.jsonl", True), ("short.warc.gz", False)]
    assert "Drivers" not in (short_run / "short.jsonl").read_text()


def test_check_fix_of_a_jsonl_checked_after_its_warc(short_run, capsys):
    """The WARC copy is reported first; the JSONL copy is still fixed."""
    rules = _drivers_rule(short_run)
    code, out, _ = run(["check", "--fix", "--rules", rules, "short.warc.gz", "short.jsonl"],
                       capsys)
    assert code == 1
    assert [row.split(":")[0] for row in out.splitlines()] == ["short.warc.gz"]
    assert "Drivers" not in (short_run / "short.jsonl").read_text()


@pytest.mark.parametrize("url", [None, ""])
def test_check_an_empty_url_is_no_source_url_not_a_malformed_one(work, capsys, url):
    """clean writes an unknown URL as null or as an empty string: F005, off by default."""
    rec = {"id": "0000000000000001", "url": url, "text": PROSE, "lang": "en", "site": ""}
    (work / "nourl.jsonl").write_text(json.dumps(rec) + "\n")
    assert run(["check", "nourl.jsonl"], capsys)[:2] == (0, "")
    code, out, _ = run(["check", "nourl.jsonl", "--select", "F"], capsys)
    assert (code, out) == (1, "nourl.jsonl:1: F005 no source URL (url is null or empty)\n")
