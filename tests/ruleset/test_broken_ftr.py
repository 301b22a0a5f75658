"""`cleaner rules import-ftr` on site configs as they are in the wild: control characters,
FTR's subdomains-only `.host.txt` beside `host.txt`, files that cannot be converted."""

import shutil
import tomllib

import pytest

from cleaner import cli
from cleaner.ruleset import load_rule_file
from cleaner.ruleset.tools import ftr
from cleaner.ruleset.tools.toml_out import dumps
from conftest import FIXTURES

FTR = FIXTURES / "broken" / "ftr"
CONVERTIBLE = {"ctrl.example.net.txt": "ctrl.example.net.toml",
               "example.org.txt": "example.org.toml",
               ".example.org.txt": "_.example.org.toml",
               "twice.example.net.txt": "twice.example.net.toml"}
FAILING = {"latin1.example.net.txt": "not UTF-8 (byte 0xE9 at offset 23): save it as UTF-8",
           "strips-everything.example.net.txt": "no placeholder page keeps any text",
           "www.twice.example.net.txt": "twice.example.net.txt was written to "}


def run(argv, capsys):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def imported(tmp_path, capsys):
    out = tmp_path / "out"
    code, stdout, err = run(["rules", "import-ftr", FTR, "-o", out], capsys)
    return code, stdout, err, out


def test_ftr_import_goes_on_past_bad_files_and_lists_them(imported):
    code, stdout, err, out = imported
    assert code == 1
    assert stdout == ""
    assert sorted(p.name for p in out.iterdir()) == sorted(CONVERTIBLE.values())
    summary = err[err.index("cleaner rules import-ftr: "):].splitlines()
    assert summary[0] == "cleaner rules import-ftr: 7 files, 4 written, 3 not converted"
    assert [row.split(": ", 1)[0].strip() for row in summary[1:]] == sorted(FAILING)
    for row, (name, reason) in zip(summary[1:], sorted(FAILING.items()), strict=True):
        assert row.startswith(f"  {name}: {reason}")
    assert "Traceback" not in err


def test_ftr_import_output_loads_and_passes_its_tests(imported, capsys):
    out = imported[3]
    for name in CONVERTIBLE.values():
        assert load_rule_file(out / name).tests[0].name == ftr.PLACEHOLDER_TEST
    code, stdout, _ = run(["rules", "test", out], capsys)
    assert code == 0, stdout
    assert stdout.count("1 test passed") == 4


def test_ftr_control_characters_are_escaped_in_comments_and_messages(imported):
    _, _, err, out = imported
    text = (out / "ctrl.example.net.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text)["html"]["body_xpath"] == ['//div[@class="story-body"]']
    assert '#   line 2: title: //h1[@class="headline"]\\u001B[0m (metadata' in text
    assert "replace_string(\\u0007bell)" in text
    assert "story\\u000C1" in text  # a form feed is no line break, in FTR or here
    assert not any(ch < " " and ch != "\n" for ch in text)
    assert "replace_string(\\u0007bell)" in err
    assert not any(ch < " " and ch != "\n" for ch in err)


def test_ftr_subdomains_only_file_is_a_file_of_its_own(imported):
    out = imported[3]
    apex = tomllib.loads((out / "example.org.toml").read_text(encoding="utf-8"))
    subs = tomllib.loads((out / "_.example.org.toml").read_text(encoding="utf-8"))
    assert apex["match"]["hosts"] == ["example.org"]
    assert apex["html"]["body_xpath"] == ['//div[@id="apex-article"]']
    assert subs["html"]["body_xpath"] == ['//div[@id="blog-post"]']
    assert subs["match"]["hosts"] == [".example.org"]
    assert subs["test"][0]["url"] == "https://ftr-placeholder.example.org/ftr-placeholder"
    assert ".example.org.txt" in subs["description"]


def test_ftr_subdomain_hosts_match_subdomains_only():
    hosts = ftr.subdomain_hosts("example.org")
    assert hosts == [".example.org"]
    text = dumps({"match": {"hosts": hosts},
                  "test": [{"name": "t", "input": "x", "must_contain": ["x"]}]})
    rule = ftr.parse_rule_file(text.encode(), "_.example.org", "_.example.org.toml")
    assert rule.match_reason("https://blog.example.org/a", "")
    assert rule.match_reason("https://example.org/a", "") is None


def test_ftr_same_output_twice_in_one_run_is_refused_even_with_force(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    code, _, err = run(["rules", "import-ftr", FTR / "twice.example.net.txt",
                        FTR / "www.twice.example.net.txt", "-o", out, "--force"], capsys)
    assert code == 1
    data = tomllib.loads((out / "twice.example.net.toml").read_text(encoding="utf-8"))
    assert data["html"]["body_xpath"] == ["//article"]
    assert "www.twice.example.net.txt: twice.example.net.txt was written to" in err


def test_ftr_an_unexpected_error_in_one_file_is_that_files_failure(tmp_path, capsys,
                                                                   monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("example.org.txt", "twice.example.net.txt"):
        shutil.copy(FTR / name, src)
    real = ftr.convert_file

    def flaky(path, rules):
        if path.name == "example.org.txt":
            raise ValueError("boom")
        return real(path, rules)

    monkeypatch.setattr(ftr, "convert_file", flaky)
    code, _, err = run(["rules", "import-ftr", src, "-o", tmp_path / "out"], capsys)
    assert code == 1
    assert (tmp_path / "out" / "twice.example.net.toml").is_file()
    assert "  example.org.txt: cannot convert it: ValueError: boom" in err


@pytest.mark.parametrize("text", ["a\rb", "a\r\nb\n", "\r\n\r", "x\x00\x1b\x7f\x85y"])
def test_ftr_toml_writer_round_trips_carriage_returns_and_controls(text):
    data = {"test": [{"name": "t", "input": text, "must_contain": [text]}]}
    assert tomllib.loads(dumps(data, {(): text})) == data
