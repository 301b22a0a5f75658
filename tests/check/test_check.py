"""`cleaner check`: every finding code on a crafted corpus, clean output passing, options,
config files, --fix, WARC, .txt and gzip input, duplicates across files."""

import gzip
import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import cli
from cleaner.check import CODES, Checker, CheckSettings, _doc_from_text, resolve_codes
from cleaner.model import Block
from cleaner.ruleset import document_language, load_rules, text_rule_verdicts
from cleaner.steps.boilerplate import guess_stoplist
from conftest import FIXTURES

SEEDS_RAW = FIXTURES / "seeds" / "raw"
FRENCH = ("Le conseil municipal a voté lundi pour approuver la construction du nouveau pont sur "
          "la rivière après deux années de débats animés.")
HINDI = "मुंबई में आज भारी बारिश हुई और कई इलाकों में पानी भर गया है"


def prose(tag):
    """Three paragraphs of plain English news prose (74 words), different for each tag."""
    return "\n\n".join([
        f"The harbour council in {tag} met on Tuesday to discuss the new bridge over the river, "
        "and members agreed that work should start in the spring.",
        f"Officials said the project in {tag} would cost more than expected, but they hoped that "
        "the regional government would help with the budget.",
        f"Residents of {tag} told reporters that they had waited for years and that the old "
        "crossing was no longer safe for children walking to school.",
    ])


def record(n, **changes):
    rec = {"id": f"{n:016x}", "url": f"https://example.com/news/{n}", "title": "A title",
           "text": prose(f"town{n}"), "lang": "en", "site": None, "published": None,
           "author": None, "source": {"path": "raw", "line": n, "offset": None},
           "digest": "sha256:00", "tool": "article-cleaner 0", "rules": "000000000000"}
    rec.update(changes)
    return rec


def line(rec):
    return json.dumps(rec, ensure_ascii=False).encode()


# One line per code; the expected findings, as (line, code), in order.
CORPUS = [
    (line(record(1)), []),
    (b'{"id": "broken", ', ["F001"]),
    (line(record(3)).replace(b"town3", b"town\xff3"), ["F002"]),
    (line({k: v for k, v in record(4).items() if k != "lang"}), ["F003"]),
    (line(record(5, url="example.com/5")), ["F004"]),
    (line(record(6, url=None)), ["F005"]),
    (line(record(7, text="")), ["T001"]),
    (line(record(8, text=prose("town8") + "\n\nThe mayor said <br> no.")), ["T002"]),
    (line(record(9, text=prose("town9") + "\n\nThe mayor said he donâ€™t know.")), ["T003"]),
    (line(record(10, text=prose("town10") + "\n\nThe mayor said \ufffd no.")), ["T004"]),
    (line(record(11, text=prose("town11") + "\n\nShare post:")), ["C001"]),
    (line(record(12, text=prose("town12") + "\n\n" + HINDI)), ["C002"]),
    (line(record(13, text=prose("town13") + "\n\n" + FRENCH)), ["C003"]),
    (line(record(14, text=prose("town1"))), ["D001"]),
    (line(record(15, url="https://example.com/news/1")), ["D002"]),
    (line(record(1, text=prose("town16"), url="https://example.com/news/16")), ["D003"]),
]
FIXABLE_LINES = {11, 12, 13}


def write_corpus(path, lines=CORPUS):
    data = b"".join(raw + b"\n" for raw, _ in lines)
    path.write_bytes(gzip.compress(data, mtime=0) if path.name.endswith(".gz") else data)
    return path


def expected(name, lines=CORPUS, skip=("F005",)):
    return [(name, i, code) for i, (_, codes) in enumerate(lines, 1)
            for code in codes if code not in skip]


def check(argv, capsys):
    code = cli.main(["check", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def found(out):
    """(path, line, code) of each text-format finding."""
    rows = []
    for row in out.splitlines():
        where, rest = row.split(": ", 1)
        path, lineno = where.split(":")[:2]
        rows.append((path, int(lineno), rest.split()[0]))
    return rows


@pytest.fixture
def corpus_dir(tmp_path, monkeypatch):
    """A working directory with no config file above it that could change the defaults."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.fixture(scope="module")
def seeds_clean(tmp_path_factory):
    """The seeds cleaned to JSONL, JSONL.gz and WARC in one run (same documents, same ids)."""
    out = tmp_path_factory.mktemp("seeds")
    code = cli.main(["clean", str(SEEDS_RAW), "-o", str(out / "seeds.jsonl"),
                     "-o", str(out / "seeds.warc.gz")])
    assert code == 0
    code = cli.main(["clean", str(SEEDS_RAW), "-o", str(out / "seeds.jsonl.gz")])
    assert code == 0
    return out


# --- every code ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bad.jsonl", "bad.jsonl.gz"])
def test_every_code_on_a_crafted_corpus(corpus_dir, capsys, name):
    write_corpus(corpus_dir / name)
    (corpus_dir / "cut.jsonl.gz").write_bytes(b"this is not gzip")
    (corpus_dir / "notes.md").write_text("not a corpus file\n")
    code, out, err = check([name, "cut.jsonl.gz", "notes.md", "--select", "ALL"], capsys)
    assert code == 1
    assert found(out) == [*expected(name, skip=()), ("cut.jsonl.gz", 0, "E001"),
                          ("notes.md", 0, "E002")]
    # E003 (--fix could not write) has its own test in test_broken_check.py.
    assert {c for _, _, c in found(out)} == set(CODES) - {"E003"}
    assert "2 files, 14 documents, 17 findings" in err


def test_default_selection_leaves_out_null_urls(corpus_dir, capsys):
    write_corpus(corpus_dir / "bad.jsonl")
    code, out, _ = check(["bad.jsonl"], capsys)
    assert code == 1
    assert found(out) == expected("bad.jsonl")


def test_messages_name_the_rule_the_paragraph_and_the_other_location(corpus_dir, capsys):
    write_corpus(corpus_dir / "bad.jsonl")
    _, out, _ = check(["bad.jsonl"], capsys)
    lines = out.splitlines()
    assert "bad.jsonl:2:1: F001 invalid JSON" in out
    assert ("bad.jsonl:11: C001 paragraph 4: residual cruft, removed by "
            "rules/_default.toml:drop_line.share_prompt: 'Share post:'") in lines
    assert "bad.jsonl:12: C002 paragraph 4: in Devanagari script" in out
    assert "bad.jsonl:13: C003 paragraph 4: in fr, the document is in en" in out
    assert "bad.jsonl:14: D001 same text as bad.jsonl:1" in lines
    assert "bad.jsonl:15: D002 same URL as bad.jsonl:1" in lines
    assert "bad.jsonl:16: D003 same id 0000000000000001 as bad.jsonl:1" in lines
    assert "(meant '’')" in out


# --- clean output passes ------------------------------------------------------------------------


@pytest.mark.parametrize("names", [["seeds.jsonl"], ["seeds.jsonl.gz"], ["seeds.warc.gz"],
                                   ["seeds.jsonl", "seeds.warc.gz"]])
def test_clean_output_of_the_seeds_passes(seeds_clean, corpus_dir, capsys, names):
    code, out, err = check([seeds_clean / n for n in names], capsys)
    assert (code, out) == (0, "")
    # One run written as JSONL and WARC holds each document twice: it is checked once.
    assert f"{len(names)} file{'s' * (len(names) > 1)}, 5 documents" in err
    assert "no findings" in err
    assert ("(and 5 copies of them in" in err) == (len(names) > 1)


def test_the_repos_own_archive_passes(capsys, monkeypatch):
    """archive/ as README's first command builds it; pyproject.toml excludes removed.jsonl."""
    root = FIXTURES.parents[1]
    monkeypatch.chdir(root)
    code, out, _ = check(["archive"], capsys)
    assert (code, out) == (0, "")


# --- options ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("options", "codes"), [
    (["--select", "T"], ["T001", "T002", "T003", "T004"]),
    (["--select", "C001,D00"], ["C001", "D001", "D002", "D003"]),
    (["--select", "C001", "--select", "F004"], ["F004", "C001"]),
    (["--ignore", "F,T00"], ["C001", "C002", "C003", "D001", "D002", "D003"]),
    (["--select", "ALL", "--ignore", "C,D,T"], ["F001", "F002", "F003", "F004", "F005"]),
    (["--select", "f005"], ["F005"]),
])
def test_select_and_ignore(corpus_dir, capsys, options, codes):
    write_corpus(corpus_dir / "bad.jsonl")
    code, out, _ = check(["bad.jsonl", *options], capsys)
    assert code == 1
    assert [c for _, _, c in found(out)] == [c for _, _, c in expected("bad.jsonl", skip=())
                                             if c in codes]


@pytest.mark.parametrize("options", [["--select", "X1"], ["--ignore", "T9"], ["--select", "ALL,"
                                     "Z"], ["--min-words", "-1"]])
def test_bad_options_are_usage_errors(corpus_dir, capsys, options):
    write_corpus(corpus_dir / "bad.jsonl")
    code, out, err = check(["bad.jsonl", *options], capsys)
    assert (code, out) == (2, "")
    assert "cleaner: error:" in err


def test_errors_are_reported_whatever_is_selected(corpus_dir, capsys):
    (corpus_dir / "cut.jsonl.gz").write_bytes(b"this is not gzip")
    code, out, _ = check(["cut.jsonl.gz", "missing.jsonl", "--select", "C"], capsys)
    assert code == 1
    assert found(out) == [("cut.jsonl.gz", 0, "E001"), ("missing.jsonl", 0, "E001")]


def test_json_format(corpus_dir, capsys):
    write_corpus(corpus_dir / "bad.jsonl")
    code, out, _ = check(["bad.jsonl", "--format", "json"], capsys)
    assert code == 1
    rows = [json.loads(x) for x in out.splitlines()]
    assert [(r["path"], r["line"], r["code"]) for r in rows] == expected("bad.jsonl")
    assert rows[0] == {"path": "bad.jsonl", "line": 2, "col": 1, "code": "F001",
                       "message": rows[0]["message"], "offset": None, "fixed": False}
    assert all(set(r) == {"path", "line", "col", "code", "message", "offset", "fixed"}
               for r in rows)


def test_min_words(corpus_dir, capsys):
    write_corpus(corpus_dir / "bad.jsonl", CORPUS[:1])
    assert check(["bad.jsonl", "--min-words", "74"], capsys)[0] == 0
    code, out, _ = check(["bad.jsonl", "--min-words", "75"], capsys)
    assert (code, found(out)) == (1, [("bad.jsonl", 1, "T001")])
    assert "text has 74 words, fewer than the minimum 75" in out


def test_a_rule_with_lang_is_checked_by_the_record_language(corpus_dir, capsys):
    rules = corpus_dir / "myrules"
    rules.mkdir()
    (rules / "_default.toml").write_text(
        '[[drop_line]]\nname = "mayor_line"\npattern = "^The mayor said"\nlang = ["en"]\n\n'
        '[[test]]\nname = "t"\ninput = "The mayor said no."\nlang = "en"\n'
        'must_not_contain = ["mayor"]\n')
    write_corpus(corpus_dir / "bad.jsonl", [
        (line(record(1, text=prose("town1") + "\n\nThe mayor said no.")), []),
        (line(record(2, text=prose("town2") + "\n\nThe mayor said no.", lang="de")), []),
        (line(record(3, text=prose("town3") + "\n\nThe mayor said no.", lang="")), [])])
    _, out, _ = check(["bad.jsonl", "--rules", rules, "--select", "C001"], capsys)
    # Record 2 says it is German: the rule for English is no finding there; record 3 says
    # nothing, and its words are English.
    assert [x.split(":")[1] for x in out.splitlines() if "mayor_line" in x] == ["1", "3"]


def test_rules_option_uses_other_rule_files(corpus_dir, capsys):
    rules = corpus_dir / "myrules"
    rules.mkdir()
    (rules / "_default.toml").write_text(
        '[[drop_line]]\nname = "mayor_line"\npattern = "^The mayor said"\n\n'
        '[[test]]\nname = "t"\ninput = "The mayor said no."\nmust_not_contain = ["mayor"]\n')
    write_corpus(corpus_dir / "bad.jsonl", CORPUS[7:11])
    _, out, _ = check(["bad.jsonl", "--rules", rules, "--select", "C001"], capsys)
    assert [x.split(" removed by ")[1].split(":")[:2] for x in out.splitlines()] == \
        [[str(rules / "_default.toml"), "drop_line.mayor_line"]] * 3


# --- config files -------------------------------------------------------------------------------


def test_config_from_pyproject(corpus_dir, capsys):
    (corpus_dir / "pyproject.toml").write_text(
        '[project]\nname = "corpus"\n\n[tool.cleaner.check]\nselect = ["T", "D"]\n'
        'ignore = ["T002"]\nmin-words = 76\nexclude = ["skip/*", "old.jsonl"]\n')
    (corpus_dir / "skip").mkdir()
    write_corpus(corpus_dir / "skip" / "a.jsonl")
    write_corpus(corpus_dir / "old.jsonl")
    write_corpus(corpus_dir / "bad.jsonl")
    code, out, err = check(["."], capsys)
    assert code == 1
    rows = found(out)
    assert {c for _, _, c in rows} == {"T001", "T003", "T004", "D001", "D002", "D003"}
    assert {p for p, _, _ in rows} == {"bad.jsonl"}
    assert "1 file," in err
    # The plain records have 74 words: min-words 76 flags them, not those with a paragraph more.
    assert [n for _, n, c in rows if c == "T001"] == [1, 4, 5, 6, 7, 14, 15, 16]


def test_config_from_cleaner_toml_in_a_parent_and_cli_overrides(corpus_dir, capsys,
                                                                monkeypatch):
    (corpus_dir / "cleaner.toml").write_text('[check]\nselect = ["C"]\n')
    # A pyproject.toml without a [tool.cleaner.check] table does not count.
    sub = corpus_dir / "data"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n')
    write_corpus(sub / "bad.jsonl")
    monkeypatch.chdir(sub)
    _, out, _ = check(["bad.jsonl"], capsys)
    assert [c for _, _, c in found(out)] == ["C001", "C002", "C003"]
    _, out, _ = check(["bad.jsonl", "--select", "D"], capsys)
    assert [c for _, _, c in found(out)] == ["D001", "D002", "D003"]


def test_cleaner_toml_wins_over_pyproject_in_the_same_directory(corpus_dir, capsys):
    (corpus_dir / "cleaner.toml").write_text('[check]\nselect = ["C001"]\n')
    (corpus_dir / "pyproject.toml").write_text('[tool.cleaner.check]\nselect = ["D"]\n')
    write_corpus(corpus_dir / "bad.jsonl")
    _, out, _ = check(["bad.jsonl"], capsys)
    assert [c for _, _, c in found(out)] == ["C001"]


@pytest.mark.parametrize(("name", "text", "message"), [
    ("pyproject.toml", '[tool.cleaner.check]\nselct = ["C"]\n',
     "[tool.cleaner.check]: unknown key 'selct'"),
    ("cleaner.toml", '[check]\nmin-words = "ten"\n', "[check]: min-words: expected"),
    ("cleaner.toml", '[check]\nselect = "C"\n', "[check]: select: expected a list of strings"),
    ("cleaner.toml", '[check]\nignore = ["Q"]\n', "ignore: 'Q' matches no check code"),
    ("cleaner.toml", "[check\n", "not valid TOML"),
])
def test_bad_config_is_a_usage_error_naming_file_and_key(corpus_dir, capsys, name, text,
                                                         message):
    (corpus_dir / name).write_text(text)
    write_corpus(corpus_dir / "bad.jsonl")
    code, out, err = check(["bad.jsonl"], capsys)
    assert (code, out) == (2, "")
    assert str(corpus_dir / name) in err
    assert message in err


# --- --fix --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bad.jsonl", "bad.jsonl.gz"])
def test_fix_removes_the_cruft_and_keeps_everything_else(corpus_dir, capsys, name):
    path = write_corpus(corpus_dir / name)
    path.chmod(0o640)
    before = path.read_bytes()
    code, out, err = check([name, "--fix"], capsys)
    assert code == 1  # the findings --fix cannot fix still count
    rows = out.splitlines()
    fixed = [r for r in rows if r.endswith(" (fixed)")]
    assert [x[1:] for x in found("\n".join(fixed))] == [(11, "C001"), (12, "C002"),
                                                       (13, "C003")]
    assert found("\n".join(r for r in rows if r not in fixed)) == \
        [x for x in expected(name) if x[1] not in FIXABLE_LINES]
    assert "fixed 3 (C001 1, C002 1, C003 1) in 1 file" in err
    assert path.stat().st_mode & 0o777 == 0o640
    old = (gzip.decompress(before) if name.endswith(".gz") else before).split(b"\n")
    new = (gzip.decompress(path.read_bytes()) if name.endswith(".gz")
           else path.read_bytes()).split(b"\n")
    assert len(new) == len(old)
    for i, (a, b) in enumerate(zip(old, new, strict=True), 1):
        if i in FIXABLE_LINES:
            assert json.loads(b) == {**json.loads(a), "text": prose(f"town{i}")}
        else:
            assert a == b  # byte for byte, the broken lines too
    code, out, _ = check([name, "--select", "C"], capsys)
    assert (code, out) == (0, "")


def test_fix_leaves_a_file_with_nothing_to_fix_alone(corpus_dir, capsys):
    path = write_corpus(corpus_dir / "bad.jsonl", [x for i, x in enumerate(CORPUS, 1)
                                                   if i not in FIXABLE_LINES])
    stat = path.stat()
    code, out, err = check(["bad.jsonl", "--fix"], capsys)
    assert code == 1
    assert "(fixed)" not in out
    assert "fixed" not in err
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    assert not list(corpus_dir.glob(".*.tmp"))


def test_fix_all_fixed_exits_0(corpus_dir, capsys):
    write_corpus(corpus_dir / "bad.jsonl", [CORPUS[0], CORPUS[10]])
    code, out, _ = check(["bad.jsonl", "--fix"], capsys)
    assert code == 0
    assert out.endswith("(fixed)\n")
    assert check(["bad.jsonl"], capsys)[:2] == (0, "")


# --- WARC, .txt, duplicates ---------------------------------------------------------------------


def test_warc_findings_point_at_the_record_offset(corpus_dir, capsys):
    (corpus_dir / "short.txt").write_text(
        "The council met on Tuesday and agreed to build a new bridge over the river, officials "
        "said in a statement.\n")
    assert cli.main(["clean", "short.txt", "--url", "https://example.com/s",
                     "-o", "short.warc.gz"]) == 0
    capsys.readouterr()
    code, out, _ = check(["short.warc.gz", "--format", "json", "--min-words", "50"], capsys)
    assert code == 1
    (row,) = [json.loads(x) for x in out.splitlines()]
    assert (row["path"], row["line"], row["code"]) == ("short.warc.gz", 0, "T001")
    assert row["offset"] > 0
    assert row["message"].startswith(f"@{row['offset']}: text has 20 words")


def test_truncated_warc_is_an_error_with_its_offset(corpus_dir, capsys):
    code, out, _ = check([FIXTURES / "bad" / "truncated.warc.gz"], capsys)
    assert code == 1
    assert [c for _, _, c in found(out)] == ["E001"]
    assert ": E001 @" in out


def test_txt_with_sidecar_and_front_matter(corpus_dir, capsys):
    (corpus_dir / "texts").mkdir()
    (corpus_dir / "texts" / "a.txt").write_text(
        "---\nurl: https://example.com/a\ntitle: A title\n---\n\n" + prose("a") +
        "\n\nShare post:\n\nThe mayor said &amp; left.\n")
    (corpus_dir / "texts" / "b.txt").write_text(prose("b") + "\n\nFollow us on our official "
                                                "WhatsApp channel for news\n")
    (corpus_dir / "texts" / "b.json").write_text('{"url": "https://example.com/b"}')
    (corpus_dir / "texts" / "c.txt").write_text(prose("c") + "\n")
    (corpus_dir / "texts" / "d.txt").write_text(prose("d") + "\n")
    (corpus_dir / "texts" / "d.json").write_text('{"url": "ftp://example.com/d"}')
    (corpus_dir / "texts" / "e.txt").write_text("\n" + prose("c") + "\n")
    (corpus_dir / "texts" / "e.json").write_text('{"url": "https://example.com/a"')
    code, out, _ = check(["texts", "--select", "ALL"], capsys)
    assert code == 1
    assert found(out) == [
        ("texts/a.txt", 12, "C001"),
        ("texts/a.txt", 14, "T002"),
        ("texts/b.txt", 7, "C001"),
        ("texts/c.txt", 1, "F005"),
        ("texts/d.txt", 1, "F004"),
        ("texts/e.json", 1, "F001"),
        ("texts/e.txt", 1, "F005"),
        ("texts/e.txt", 1, "D001"),
    ]
    assert "texts/a.txt:14:16: T002 paragraph 5: HTML entity '&amp;'" in out
    assert "texts/e.txt:1: D001 same text as texts/c.txt:1" in out


def test_duplicates_across_files(corpus_dir, capsys):
    seed = SEEDS_RAW / "000_afe2df786c992654.txt"
    for name, url in (("a.jsonl", "https://example.com/a"), ("b.jsonl", "https://example.com/b"),
                      ("c.warc.gz", "https://example.com/a")):
        assert cli.main(["clean", str(seed), "--url", url, "-o", name]) == 0
    shutil.copy("a.jsonl", "copy.jsonl")
    capsys.readouterr()
    code, out, _ = check(["a.jsonl", "b.jsonl", "c.warc.gz", "copy.jsonl"], capsys)
    assert code == 1
    # c.warc.gz holds a.jsonl's document (same id): the same document, not a duplicate.
    assert found(out) == [("b.jsonl", 1, "D001"), ("copy.jsonl", 1, "D003")]
    assert "b.jsonl:1: D001 same text as a.jsonl:1" in out


def test_a_file_named_twice_is_checked_once(seeds_clean, corpus_dir, capsys):
    shutil.copy(seeds_clean / "seeds.jsonl", corpus_dir)
    code, out, err = check([".", "seeds.jsonl", corpus_dir / "seeds.jsonl"], capsys)
    assert (code, out) == (0, "")
    assert "1 file, 5 documents, no findings" in err


def test_directories_are_walked_in_order_skipping_hidden_and_other_files(corpus_dir, capsys):
    for name in ("b/2.jsonl", "a/1.jsonl", ".hidden/3.jsonl", "a/notes.md", "a/.4.jsonl"):
        (corpus_dir / name).parent.mkdir(exist_ok=True)
        write_corpus(corpus_dir / name, CORPUS[1:2]) if name.endswith("jsonl") else \
            (corpus_dir / name).write_text("x")
    code, out, err = check(["."], capsys)
    assert code == 1
    assert found(out) == [("a/1.jsonl", 1, "F001"), ("b/2.jsonl", 1, "F001")]
    assert "2 files, 0 documents, 2 findings (F001 2)" in err


# --- the pieces ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "codes"), [
    ("Caf\u00c3\u00a9 society", ["T003"]),
    ("He said \u00e2\u20ac\u0153no\u00e2\u20ac\u009d", ["T003", "T003"]),
    ("A\u00c2\u00a0non-breaking space", ["T003"]),
    ("Gru\u00df\u201d, said the sign", []),
    ("the caf\u00e9\u2026\u201d she said", []),
    ("S\u00c3O PAULO", []),
    ("Prices < 10 and > 5 at AT&T; Q&A", []),
    ("<p>Paragraph</p> &nbsp; &#8217;", ["T002", "T002", "T002", "T002"]),
    ("tab\tand\x07bell", ["T004"]),
])
def test_character_checks(text, codes):
    checker = Checker(CheckSettings(enabled=resolve_codes(["T002", "T003", "T004"], [])),
                      load_rules())
    doc = _doc_from_text(text, path="x.jsonl", kind="jsonl", line=1, offset=None, id=None,
                         url=None, lang="en", site=None)
    assert [f.code for f in checker.check_doc(doc)[0]] == codes


def _rule_test_cases():
    rules = load_rules()
    return [(f.label, t.name, t.url, t.input, t.lang) for f in rules.files for t in f.tests
            if t.kind == "text"]


@pytest.mark.parametrize(("label", "name", "url", "text", "lang"), _rule_test_cases())
def test_c001_finds_what_the_rules_remove(label, name, url, text, lang):
    """The quick pre-filter never hides a paragraph the rules would remove; rules with lang
    apply by the record's language, as in cleaning."""
    rules = load_rules()
    checker = Checker(CheckSettings(enabled=frozenset({"C001"})), rules)
    blocks = [Block(s.strip()) for s in text.split("\n") if s.strip()]
    lang = lang or document_language(blocks, guess_stoplist(blocks))
    doc = _doc_from_text(text, path="x.jsonl", kind="jsonl", line=1, offset=None, id=None,
                         url=url, lang=lang, site=None)
    selection = rules.select(url, "\n".join(b.text for b in blocks)).files
    direct = text_rule_verdicts(selection, blocks, lang)
    assert direct, f"{label} test {name} removes nothing"
    found_ = checker.check_doc(doc)[0]
    assert [int(f.message.split()[1].rstrip(":")) - 1 for f in found_] == sorted(direct)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400) | st.lists(
    st.sampled_from([raw for raw, _ in CORPUS] + [b"", b"[]", b'{"text": 5}', b"\xff\xfe",
                                                  b'{"text": "\\ud800 x"}']),
    max_size=6).map(b"\n".join))
@pytest.mark.parametrize("name", ["x.jsonl", "x.jsonl.gz", "x.txt", "x.warc"])
def test_any_bytes_give_findings_not_crashes(tmp_path, capsys, name, data):
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name == "x.jsonl.gz" and data[:1] == b"{" else data)
    code = cli.main(["check", str(path), "--select", "ALL", "--fix"])
    out, _ = capsys.readouterr()
    assert code in (0, 1)
    assert all(": " in row for row in out.splitlines())
