"""Outputs under hostile input and faults: strings, URLs, collisions, full disks, signals, pipes."""

import errno
import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from cleaner import cli
from cleaner.cli import Reporter, main
from cleaner.corpus.replay import read_archive
from cleaner.model import RawDoc, Reject, RejectReason, Skipped, Source
from cleaner.outputs import atomic, shards
from cleaner.outputs.jsonl import read_jsonl
from cleaner.outputs.warc import header_value
from cleaner.run.pipeline import Summary
from cleaner.safetext import path_text, printable
from cleaner.steps.core import Parse, to_doc
from cleaner.urls import MAX_URL_LENGTH, UrlRefused, check_url

BROKEN = Path(__file__).parent.parent / "fixtures" / "broken"
REPO = Path(__file__).resolve().parent.parent.parent
WORDS = ("The council met on Tuesday to discuss the {0} budget for the coming year, and members "
         "agreed that the {0} plan needs more money for schools, roads and parks in the city.")


def page(topic: str) -> str:
    body = "".join(f"<p>{WORDS.format(topic)} Paragraph {i}.</p>" for i in range(4))
    return f"<html><head><title>{topic}</title></head><body><article>{body}</article></body></html>"


def text_scrape(topic: str) -> str:
    return "\n\n".join(f"{WORDS.format(topic)} Paragraph {i}." for i in range(4)) + "\n"


def jsonl_line(**fields) -> str:
    return json.dumps(fields)


def run_clean(tmp_path: Path, inputs: list[str], *extra: str) -> int:
    return main(["clean", *inputs, *extra])


def warc_headers(path: Path) -> list[dict[str, str]]:
    with path.open("rb") as fh:
        return [dict(rec.rec_headers.headers) for rec in ArchiveIterator(fh)]


# --- 1. lone surrogates and non-UTF-8 file names -------------------------------------------------


def test_lone_surrogates_cost_no_run(tmp_path, capsys):
    """One record with a lone surrogate in its url, date, site or another key: kept, run goes on."""
    # The fixture holds JSON escapes "\ud800": json.loads turns them into lone surrogates.
    export = BROKEN / "outputs_lone_surrogates.jsonl"
    out, arc = tmp_path / "out.jsonl", tmp_path / "out.warc.gz"
    code = run_clean(tmp_path, [str(export)], "-o", str(out), "-o", str(arc), "--explain",
                     str(tmp_path / "ex.jsonl"), "--rejects", str(tmp_path / "rj.jsonl"))
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Traceback" not in err
    records = list(read_jsonl(out))
    assert len(records) == 5  # every document written, none lost to the others' surrogates
    by_line = {r["source"]["line"]: r for r in records}
    assert by_line[1]["url"] == ""  # the refused URL is not the document's
    assert by_line[2]["published"] == "2024-01-0\ufffd"
    assert by_line[3]["site"] == "exa\ufffdmple"
    assert by_line[5]["url"] == "https://example.com/fine"
    assert all("\ud800" not in json.dumps(r, ensure_ascii=False) for r in records)
    docs = [d for d in read_archive(arc) if not isinstance(d, Reject)]
    assert len(docs) == 5
    assert "url: refused https://example.com/a\\ud800" in err


def test_non_utf8_file_name_in_a_walked_directory(tmp_path, capsys):
    scrapes = tmp_path / "scrapes"
    scrapes.mkdir()
    (scrapes / "plain.txt").write_text(text_scrape("river"), encoding="utf-8")
    fd = os.open(os.fsencode(scrapes) + b"/caf\xe9.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, text_scrape("harbour").encode())
    os.close(fd)
    outdir = tmp_path / "out"
    outdir.mkdir()
    out, arc = outdir / "c.jsonl", outdir / "c.warc.gz"
    explain, rejects = outdir / "ex.jsonl", outdir / "rj.jsonl"
    code = run_clean(tmp_path, [str(scrapes)], "-o", str(out), "-o", str(arc),
                     "--explain", str(explain), "--rejects", str(rejects))
    err = capsys.readouterr().err
    assert code == 0, err
    paths = sorted(r["source"]["path"] for r in read_jsonl(out))
    assert paths == [str(scrapes / "caf\\xe9.txt"), str(scrapes / "plain.txt")]
    assert len([d for d in read_archive(arc) if not isinstance(d, Reject)]) == 2
    assert rejects.read_text(encoding="utf-8") == ""
    explain.read_bytes().decode("utf-8")  # valid UTF-8 throughout
    (arc.parent / (arc.name + ".cdxj")).read_bytes().decode("utf-8")


# --- 2. URLs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "expected"), [
    ("https://example.com/a", "https://example.com/a"),
    ("  \x00https://example.com/a \n", "https://example.com/a"),
    ("https://example.com/a\r\nWARC-Type: x", "https://example.com/aWARC-Type:%20x"),
    ("https://example.com/a b", "https://example.com/a%20b"),
    ("https://example.com/\x1b[2J", "https://example.com/%1B[2J"),
    ("https://example.com/\x85", "https://example.com/%C2%85"),
    ("HTTPS://Example.com/A", "https://Example.com/A"),
    ("https://example.com/caf\u00e9", "https://example.com/caf\u00e9"),
])
def test_urls_are_normalised(given, expected):
    assert check_url(given) == expected


@pytest.mark.parametrize(("given", "why"), [
    ("javascript:alert(1)", "scheme 'javascript'"),
    ("data:text/html,<p>x", "scheme 'data'"),
    ("ftp://example.com/a", "scheme 'ftp'"),
    ("example.com/a", "no scheme"),
    ("https:///path", "no host"),
    ("https://exa mple.com/", "host"),
    ("https://example.com:99999/", "cannot be parsed"),
    ("https://example.com/\ud800", "lone surrogate"),
    ("https://example.com/" + "a" * MAX_URL_LENGTH, "longer than"),
    (" \t ", "empty"),
])
def test_urls_are_refused(given, why):
    with pytest.raises(UrlRefused, match=why):
        check_url(given)


def raw_html(html: str, url: str | None) -> RawDoc:
    return RawDoc(html.encode(), Source("p.html"), kind="html", url=url,
                  url_from="record" if url else None)


def test_refused_url_falls_back_to_the_canonical_link():
    html = page("tram").replace(
        "<head>", '<head><link rel="canonical" href="https://example.com/tram">')
    doc = Parse().apply(to_doc(raw_html(html, "javascript:alert(1)")))
    assert doc.url == "https://example.com/tram"
    assert doc.url_from == "canonical"
    assert doc.warnings == ("url: refused javascript:alert(1) (record): not an http(s) URL "
                            "(scheme 'javascript')",)


def test_refused_url_leaves_no_url_and_a_warning():
    doc = Parse().apply(to_doc(raw_html(page("tram"), "https://ex ample.com/\x1b")))
    assert doc.url is None
    assert doc.warnings[0].startswith("url: refused https://ex ample.com/\\x1b (record): ")


def test_text_scrape_source_line_is_normalised():
    raw = RawDoc((text_scrape("ferry") + "Source: HTTPS://example.com/ferry\n").encode(),
                 Source("f.txt"), kind="text")
    doc = Parse().apply(to_doc(raw))
    assert doc.url == "https://example.com/ferry"


def test_crlf_in_a_url_is_no_header_injection(tmp_path, capsys):
    """Four documents, URLs with CR/LF, controls and spaces: four documents read back."""
    export = tmp_path / "e.jsonl"
    urls = ["https://example.com/a\r\nWARC-Type: resource\r\n\r\n",
            "https://example.com/b\x00\x1b c", "https://example.com/c", "javascript:alert(1)"]
    export.write_text("".join(jsonl_line(url=u, html=page(t)) + "\n"
                              for u, t in zip(urls, ("oak", "elm", "ash", "yew"), strict=True)),
                      encoding="utf-8")
    arc = tmp_path / "o.warc.gz"
    assert run_clean(tmp_path, [str(export)], "-o", str(arc)) == 0
    capsys.readouterr()
    docs = [d for d in read_archive(arc) if not isinstance(d, Reject)]
    assert len(docs) == 4
    assert [d.record["url"] for d in docs] == [
        "https://example.com/aWARC-Type:%20resource", "https://example.com/b%00%1B%20c",
        "https://example.com/c", ""]
    for headers in warc_headers(arc):
        for value in headers.values():
            assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in value), value
    meta = docs[3].meta
    assert meta["input"]["url_refused"] == "javascript:alert(1)"
    assert meta["warnings"][0].startswith("url: refused javascript:alert(1)")
    assert docs[2].meta["input"]["url_refused"] is None


def test_warc_header_values_never_carry_a_control():
    assert header_value("urn:x\r\nWARC-Type: y\x85\ud800") == "urn:x%0D%0AWARC-Type: y%C2%85\ufffd"


# --- 3. outputs that would destroy inputs or each other ------------------------------------------


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text(jsonl_line(url="https://example.com/a", html=page("oak")) + "\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "{tmp}/e.jsonl"], "it is the input"),
    (["-o", "{tmp}/sub/../e.jsonl"], "it is the input"),
    (["--rejects", "{tmp}/e.jsonl"], "it is the input"),
    (["-o", "{tmp}/out.jsonl", "--explain", "{tmp}/out.jsonl"], "the same file as -o"),
    (["--explain", "{tmp}/x.jsonl", "--rejects", "{tmp}/x.jsonl"], "the same file as --explain"),
    (["-o", "{tmp}/c.warc.gz", "--explain", "{tmp}/c.warc.gz.cdxj"], "the same file as the index"),
    (["-o", "{tmp}/c.warc.gz", "--warc-max-size", "1M", "--rejects", "{tmp}/c-00002.warc.gz"],
     "a part of the archive"),
])
def test_output_collisions_are_refused(tmp_path, export, capsys, args, message):
    (tmp_path / "sub").mkdir()
    before = export.read_bytes()
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(["clean", str(export), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "cleaner: error: " in err
    assert export.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.jsonl", "sub"]


def test_hardlinked_output_is_the_input(tmp_path, export, capsys):
    os.link(export, tmp_path / "same.jsonl")
    assert main(["clean", str(export), "-o", str(tmp_path / "same.jsonl")]) == 2
    assert "it is the input" in capsys.readouterr().err


def test_output_inside_a_walked_input_directory_is_refused(tmp_path, capsys):
    scrapes = tmp_path / "scrapes"
    (scrapes / "deeper").mkdir(parents=True)
    (scrapes / "a.txt").write_text(text_scrape("oak"), encoding="utf-8")
    assert main(["clean", str(scrapes), "-o", str(scrapes / "deeper" / "c.jsonl")]) == 2
    assert "inside the input directory" in capsys.readouterr().err
    assert not (scrapes / "deeper" / "c.jsonl").exists()
    # A hidden directory is not walked: writing there is fine.
    (scrapes / ".out").mkdir()
    assert main(["clean", str(scrapes), "-q", "-o", str(scrapes / ".out" / "c.jsonl")]) == 0
    assert len(list(read_jsonl(scrapes / ".out" / "c.jsonl"))) == 1


# --- 4. a full disk -----------------------------------------------------------------------------


class FullDisk(io.BufferedWriter):
    """A file on a disk that fills up after ``room`` bytes."""

    def __init__(self, raw, room: int) -> None:
        super().__init__(raw)
        self.room = room

    def write(self, data) -> int:
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return super().write(data)


def fill_disk_at(monkeypatch, name: str, room: int = 10) -> None:
    real = atomic.open_temp

    def fake(final: Path):
        fh, tmp = real(final)
        if final.name != name:
            return fh, tmp
        return FullDisk(fh.detach(), room), tmp

    monkeypatch.setattr(atomic, "open_temp", fake)


@pytest.mark.parametrize("full", ["archive-00001.warc.gz.cdxj", "records-00001.jsonl",
                                  "archive-00001.warc.gz"])
def test_disk_full_writes_no_output_and_says_which_file(tmp_path, export, monkeypatch, capsys,
                                                        full):
    # A run works in shards beside its outputs (.c.jsonl.cleaner-run/); the disk fills up
    # while the first shard is written: no shard is finished, so nothing is left at all.
    fill_disk_at(monkeypatch, full)
    out = tmp_path / "out"
    out.mkdir()
    code = main(["clean", str(export), "-o", str(out / "c.jsonl"), "-o", str(out / "c.warc.gz"),
                 "--explain", str(out / "ex.jsonl")])
    err = capsys.readouterr().err
    assert code == 1
    assert (f"cleaner: error: writing {out / '.c.jsonl.cleaner-run' / full}: No space left on "
            "device; no output was written") in err
    assert "cleaner: 1 read" in err  # the summary still prints
    assert "Traceback" not in err
    assert list(out.iterdir()) == []  # no output, no temporary file, no work folder


PROSE = ("The harbour council met on Tuesday to discuss the new bridge over the river, and "
         "members agreed that the work should start in the spring of next year.")


@pytest.mark.parametrize("full", ["c.jsonl", "c.warc.gz", "c.warc.gz.cdxj", "ex.jsonl"])
def test_disk_full_while_joining_keeps_the_shards_for_resume(tmp_path, monkeypatch, capsys, full):
    scrapes = tmp_path / "in"
    scrapes.mkdir()
    for n in range(3):
        (scrapes / f"{n}.txt").write_text(f"Story {n}\n\n{PROSE} ({n})\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    argv = ["clean", str(scrapes), "-q", "-o", str(out / "c.jsonl"), "-o",
            str(out / "c.warc.gz"), "--explain", str(out / "ex.jsonl")]
    monkeypatch.setattr(shards, "JOIN_SHARD", 2)  # two shards, joined at the end
    fill_disk_at(monkeypatch, full)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert (f"cleaner: error: writing {out / full}: No space left on device; 3 inputs are "
            f"done and kept in {out / '.c.jsonl.cleaner-run'}: run the same command with "
            "--resume to go on") in err
    assert [p.name for p in out.iterdir()] == [".c.jsonl.cleaner-run"]
    monkeypatch.undo()
    monkeypatch.setattr(shards, "JOIN_SHARD", 2)
    assert main([*argv, "--resume"]) == 0
    assert len(list(read_jsonl(out / "c.jsonl"))) == 3
    assert sorted(p.name for p in out.iterdir()) == ["c.jsonl", "c.warc.gz", "c.warc.gz.cdxj",
                                                     "ex.jsonl"]


# --- 5. extensions in any case -------------------------------------------------------------------


def test_output_extensions_are_case_insensitive(tmp_path, export, capsys):
    assert main(["clean", str(export), "-q", "-o", str(tmp_path / "OUT.JSONL.GZ"),
                 "-o", str(tmp_path / "OUT.WARC")]) == 0
    with gzip.open(tmp_path / "OUT.JSONL.GZ", "rt", encoding="utf-8") as fh:
        assert json.loads(fh.readline())["url"] == "https://example.com/a"
    assert (tmp_path / "OUT.WARC").read_bytes().startswith(b"WARC/1.1")  # not compressed
    assert (tmp_path / "OUT.WARC.cdxj").is_file()
    assert list(read_jsonl(tmp_path / "OUT.JSONL.GZ"))


def test_rolled_parts_keep_the_given_case(tmp_path, export, capsys):
    assert main(["clean", str(export), "-q", "-o", str(tmp_path / "C.WARC.GZ"),
                 "--warc-max-size", "1K"]) == 0
    assert (tmp_path / "C-00001.WARC.GZ").read_bytes()[:2] == b"\x1f\x8b"


# --- 6. signals and stale temporary files --------------------------------------------------------


def clean_process(tmp_path: Path, *args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "cleaner", "clean", *args], cwd=tmp_path,
                            env=env, stderr=subprocess.PIPE, **kwargs)


def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_remove_temporary_files(tmp_path, signum):
    """cleaner reads stdin, which stays open: it is mid-run, its temp files made, when killed."""
    out = tmp_path / "out"
    out.mkdir()
    proc = clean_process(tmp_path, "-", "-o", "out/c.jsonl", "-o", "out/c.warc.gz",
                         stdin=subprocess.PIPE)
    try:
        wait_for(lambda: any(out.iterdir()))  # the JSONL temporary file exists: mid-run
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signum
    assert f"terminated ({signal.Signals(signum).name}); no output file was written" in err.decode()
    assert list(out.iterdir()) == []


def test_stale_temporary_files_of_dead_runs_are_removed(tmp_path, export, capsys):
    dead = subprocess.Popen([sys.executable, "-c", ""])
    dead.wait()
    stale = tmp_path / f".c.jsonl.{dead.pid}.k1llD.tmp"
    stale.write_bytes(b"x" * 1000)
    live = tmp_path / f".c.jsonl.{os.getppid()}.al1ve.tmp"  # a live process: not ours to remove
    live.write_bytes(b"y")
    other = tmp_path / f".d.jsonl.{dead.pid}.0ther.tmp"  # another output's: left alone
    other.write_bytes(b"z")
    assert main(["clean", str(export), "-q", "-o", str(tmp_path / "c.jsonl")]) == 0
    assert not stale.exists()
    assert live.exists()
    assert other.exists()
    assert atomic.remove_stale_temps(tmp_path / "d.jsonl") == [other]


# --- 7. a closed pipe ----------------------------------------------------------------------------


def test_closed_stdout_pipe_exits_quietly(tmp_path):
    """As ``cleaner clean ... | head`` when head has gone: no message, exit status 0."""
    scrapes = tmp_path / "s"
    scrapes.mkdir()
    for topic in ("oak", "elm", "ash"):
        (scrapes / f"{topic}.txt").write_text(text_scrape(topic), encoding="utf-8")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written: EPIPE for certain
    try:
        proc = clean_process(tmp_path, "s", "-q", stdout=write_end)
    finally:
        os.close(write_end)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert b"Broken pipe" not in err
    assert b"Traceback" not in err
    assert b"Exception ignored" not in err


# --- 8. messages are printable -------------------------------------------------------------------


def test_reporter_escapes_control_characters_and_bad_bytes():
    stream = io.StringIO()
    reporter = Reporter(stream, quiet=False, progress=False)
    summary = Summary()
    reporter.result(Reject(RejectReason.TRUNCATED, "damaged: \x1b[2J\x00\x8b\ud800 end",
                           Source("ca\udce9.warc.gz", offset=7)), summary)
    reporter.result(Skipped(Source("a\nb.js"), "unknown kind .js", "not an input"), summary)
    shown = stream.getvalue()
    assert shown == ("cleaner: ca\\xe9.warc.gz@7: rejected (truncated): damaged: "
                     "\\x1b[2J\\x00\\x8b\\ud800 end\n"
                     "cleaner: a\\nb.js: skipped: not an input\n")


def test_a_damaged_input_prints_no_binary(tmp_path, capsys):
    name = tmp_path / "bad\x1b[31m.txt"
    name.write_bytes(b"\x00\x01\x02" * 100)
    assert main(["clean", str(name), "-o", str(tmp_path / "c.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "bad\\x1b[31m.txt" in err
    assert all(c.isprintable() or c == "\n" for c in err)


def test_path_text_and_printable():
    assert path_text("caf\udce9/\ud800") == "caf\\xe9/\ufffd"
    assert printable("a\tb", limit=2) == "a\\..."
    assert cli.printable is printable
