"""Hostile and broken inputs on the reading side (issue 7): devices, FIFOs, walks, containers.

Fixtures are ``tests/fixtures/broken/inputs_*``; inputs that are big or odd (FIFOs, devices,
non-UTF-8 names, infinite streams) are made in the test.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from cleaner import cli
from cleaner.config import InputConfig
from cleaner.inputs import iter_bytes, iter_inputs, stream
from cleaner.inputs.jsonl import read_jsonl
from cleaner.inputs.sniff import markup_in_text, resolve_kind
from cleaner.model import Doc, RawDoc, Reject, RejectReason, Skipped, Source
from cleaner.steps.core import to_doc

BROKEN = Path(__file__).parent.parent / "fixtures" / "broken"
HTML = b"<!doctype html><html><head><title>T</title></head><body><p>Hi.</p></body></html>"


def read(*paths, **options):
    return list(iter_inputs(InputConfig(paths=tuple(str(p) for p in paths), **options)))


def labels(items):
    """Each item as a short label: the reject reason, the raw kind, or 'skipped:<what>'."""
    out = []
    for item in items:
        if isinstance(item, Reject):
            out.append(item.reason.value)
        elif isinstance(item, Skipped):
            out.append(f"skipped:{item.what}")
        else:
            out.append(item.kind)
    return out


def assert_clean_message(text):
    assert text.isprintable(), repr(text)
    assert "Traceback" not in text


# --- 1. one bounded reader: devices, stdin, FIFOs ----------------------------------------------


class _Endless(io.RawIOBase):
    """An endless stream of one byte, that fails the test if read far past the limit."""

    def __init__(self, byte: bytes, guard: int) -> None:
        self.byte, self.guard, self.given = byte, guard, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        assert self.given < self.guard, "the reader went on reading an endless input"
        n = len(buffer)
        buffer[:n] = self.byte * n
        self.given += n
        return n


def test_endless_stdin_is_read_only_to_the_size_limit(monkeypatch):
    raw = _Endless(b"a", guard=2 * 1024 * 1024)
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BufferedReader(raw)))
    (item,) = read("-", max_bytes=100_000)
    assert item.reason is RejectReason.TOO_LARGE
    assert item.source == Source("-")
    assert "more than 100000 bytes" in item.detail
    assert raw.given <= 100_000 + 2 * stream.CHUNK


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_endless_devices_are_rejected_from_their_head(device):
    (item,) = read(device, max_bytes=1000)
    assert item.reason is RejectReason.BINARY
    assert item.source == Source(device)


def test_dev_null_is_an_empty_input():
    assert labels(read("/dev/null")) == ["empty_input"]


def test_stdin_warc_and_jsonl_are_still_read(monkeypatch):
    warc = (
        b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: https://example.com/\r\n"
        b"WARC-Record-ID: <urn:uuid:12345678-1234-1234-1234-123456789012>\r\n"
        b"WARC-Date: 2024-01-01T00:00:00Z\r\nContent-Type: text/html\r\n"
        b"Content-Length: " + str(len(HTML)).encode() + b"\r\n\r\n" + HTML + b"\r\n\r\n"
    )
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BufferedReader(io.BytesIO(warc))))
    (doc,) = read("-")
    assert (doc.kind, doc.url, doc.data) == ("html", "https://example.com/", HTML)
    lines = b'{"text": "a"}\n{"text": "b"}\n'
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BufferedReader(io.BytesIO(lines))))
    assert [d.data for d in read("-")] == [b"a", b"b"]


@pytest.fixture
def short_wait(monkeypatch):
    monkeypatch.setattr(stream, "WAIT_SECONDS", 0.3)


def test_fifo_with_no_writer_is_a_read_error_after_a_bounded_wait(tmp_path, short_wait):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (tmp_path / "after.txt").write_text("the run goes on")
    started = time.monotonic()
    first, second = read(fifo, tmp_path / "after.txt")
    assert time.monotonic() - started < 5
    assert first.reason is RejectReason.READ_ERROR
    assert first.source == Source(str(fifo))
    assert "no data arrived within 0.3 seconds" in first.detail
    assert_clean_message(first.detail)
    assert second.data == b"the run goes on"


def _writer(fifo: Path, data: bytes | None) -> threading.Thread:
    """Write ``data`` (or endless text when None) into a FIFO from a thread."""

    def write() -> None:
        try:
            with fifo.open("wb") as fh:
                if data is not None:
                    fh.write(data)
                    return
                while True:
                    fh.write(b"words " * 10000)
        except BrokenPipeError:
            pass

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def test_fifo_with_a_writer_is_read(tmp_path, short_wait):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    thread = _writer(fifo, b'{"text": "one"}\n{"text": "two"}\n')
    assert [d.data for d in read(fifo)] == [b"one", b"two"]
    thread.join(5)


def test_endless_fifo_is_too_large_and_the_writer_is_let_go(tmp_path, short_wait):
    fifo = tmp_path / "endless.txt"
    os.mkfifo(fifo)
    thread = _writer(fifo, None)
    (item,) = read(fifo, max_bytes=200_000)
    assert item.reason is RejectReason.TOO_LARGE
    thread.join(5)
    assert not thread.is_alive()


def test_walk_skips_fifos_and_devices_without_opening_them(tmp_path):
    (tmp_path / "a.txt").write_text("an article")
    os.mkfifo(tmp_path / "b.txt")
    (tmp_path / "c.txt").symlink_to("/dev/zero")
    items = read(tmp_path)
    assert labels(items) == ["text", "skipped:not a regular file", "skipped:not a regular file"]
    names = ("a.txt", "b.txt", "c.txt")
    assert [i.source.path for i in items] == [str(tmp_path / n) for n in names]
    for item in items[1:]:
        assert_clean_message(item.detail)


# --- 2. walks read recognised kinds only -------------------------------------------------------


def test_walk_reads_recognised_kinds_and_skips_the_rest(tmp_path):
    files = {
        "app.js": b"var x = 1;",
        "notes.md": b"# notes",
        "Makefile": b"all:",
        "robots.txt": b"User-agent: *",
        "PAGE.HTM": HTML,
        "export.JSONL.GZ": gzip.compress(b'{"text": "x"}\n'),
        "style.CSS": b"p {}",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    items = read(tmp_path)
    by_name = {
        Path(i.source.path).name: label for i, label in zip(items, labels(items), strict=True)
    }
    assert by_name == {
        "app.js": "skipped:unknown kind .js",
        "notes.md": "skipped:unknown kind .md",
        "Makefile": "skipped:unknown kind (no extension)",
        "robots.txt": "text",
        "PAGE.HTM": "html",
        "export.JSONL.GZ": "text",
        "style.CSS": "skipped:unknown kind .css",
    }
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert all("name the file on the command line" in i.detail for i in skipped)


def test_files_named_on_the_command_line_are_read_whatever_their_extension(tmp_path):
    (tmp_path / "app.js").write_bytes(b"var x = 1;")
    (tmp_path / "page.dat").write_bytes(HTML)
    assert labels(read(tmp_path / "app.js", tmp_path / "page.dat")) == ["text", "html"]


@pytest.mark.parametrize("content", [[], ["app.js", "sub/style.css"]])
def test_walk_that_finds_nothing_to_clean_says_so(tmp_path, content):
    root = tmp_path / "scrapes"
    root.mkdir()
    for rel in content:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x")
    items = read(root)
    last = items[-1]
    assert isinstance(last, Skipped)
    assert (last.source, last.what) == (Source(str(root)), "nothing to clean")
    assert "nothing to clean in" in last.detail
    assert len(items) == len(content) + 1


def test_walk_with_only_empty_inputs_is_not_nothing(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    assert labels(read(tmp_path)) == ["empty_input"]


# --- 3. symlinks in a walked tree --------------------------------------------------------------


def test_walk_follows_symlinked_directories_with_loop_protection(tmp_path):
    tree, other = tmp_path / "tree", tmp_path / "other"
    (tree / "real").mkdir(parents=True)
    other.mkdir()
    (tree / "real" / "a.txt").write_text("first article")
    (other / "b.txt").write_text("second article")
    (tree / "linked").symlink_to(other)
    (tree / "real" / "up").symlink_to(tree)  # a loop
    (tree / "dead.txt").symlink_to(tmp_path / "nowhere.txt")
    items = read(tree)
    got = [(str(Path(i.source.path).relative_to(tree)), label)
           for i, label in zip(items, labels(items), strict=True)]
    assert got == [
        ("dead.txt", "read_error"),
        ("linked/b.txt", "text"),
        ("real/a.txt", "text"),
        ("real/up", "skipped:symlink loop"),
    ]
    assert "broken symbolic link" in items[0].detail


def test_two_links_to_one_directory_read_it_once(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "b.txt").write_text("article")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "one").symlink_to(other)
    (tree / "two").symlink_to(other)
    assert labels(read(tree)) == ["text", "skipped:directory already walked"]


# --- 8. file names that are not UTF-8 ----------------------------------------------------------


def _make(path: bytes, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def test_walk_reads_files_whose_names_are_not_utf8(tmp_path):
    root = os.fsencode(tmp_path)
    os.mkdir(root + b"/d\xff")  # noqa: PTH102 -- a bytes path, on purpose
    _make(root + b"/caf\xe9.txt", b"an article about coffee")
    _make(root + b"/d\xff/x.jsonl", b'{"text": "a record"}\n')
    _make(root + b"/odd\xe9.j\xffs", b"not an input")
    items = read(tmp_path)
    assert labels(items) == ["text", "text", "skipped:unknown kind (other)"]
    names = [os.fsencode(i.source.path) for i in items]
    assert names == [root + b"/caf\xe9.txt", root + b"/d\xff/x.jsonl", root + b"/odd\xe9.j\xffs"]
    assert items[0].data == b"an article about coffee"
    assert items[1].source.line == 1
    assert_clean_message(items[2].what)


def test_explicit_non_utf8_name_is_read(tmp_path):
    path = os.fsencode(tmp_path) + b"/na\xefve.html"
    _make(path, HTML)
    (item,) = read(os.fsdecode(path))
    assert item.kind == "html"
    assert os.fsencode(item.source.path) == path


# --- 4. a container with no record is counted -------------------------------------------------


@pytest.mark.parametrize(
    "name", ["inputs_empty.jsonl.gz", "inputs_blank_lines.jsonl"]
)
def test_container_with_no_record_is_one_empty_input(name):
    (item,) = read(BROKEN / name)
    assert item.reason is RejectReason.EMPTY_INPUT
    assert item.source == Source(str(BROKEN / name))
    assert "no record" in item.detail


def test_gzip_of_blank_lines_is_one_empty_input(tmp_path):
    path = tmp_path / "blank.jsonl.gz"
    path.write_bytes(gzip.compress(b"\n \r\n" * 1000))
    assert labels(read(path)) == ["empty_input"]

def test_warc_that_yields_nothing_is_still_counted(tmp_path):
    warcinfo = (
        b"WARC/1.0\r\nWARC-Type: warcinfo\r\n"
        b"WARC-Record-ID: <urn:uuid:12345678-1234-1234-1234-123456789012>\r\n"
        b"WARC-Date: 2024-01-01T00:00:00Z\r\nContent-Length: 0\r\n\r\n\r\n\r\n"
    )
    path = tmp_path / "info-only.warc"
    path.write_bytes(warcinfo)
    (item,) = read(path)
    assert item.reason is RejectReason.EMPTY_INPUT
    assert item.source == Source(str(path))


# --- 5. a JSON array is not JSON Lines ---------------------------------------------------------


@pytest.mark.parametrize("name", ["inputs_array.jsonl", "inputs_array_pretty.jsonl"])
def test_json_array_is_rejected_with_how_to_convert(name):
    (item,) = read(BROKEN / name)
    assert item.reason is RejectReason.INVALID_JSON
    assert item.source.path == str(BROKEN / name)
    assert "a JSON array" in item.detail
    assert "jq -c '.[]'" in item.detail


@pytest.mark.parametrize("name", ["-", "export", "export.txt"])
def test_json_array_without_jsonl_extension_never_becomes_one_document(name):
    data = (BROKEN / "inputs_array.jsonl").read_bytes()
    assert resolve_kind(name, data) == "jsonl"
    assert labels(iter_bytes(data, name, InputConfig(paths=()))) == ["invalid_json"]


def test_array_lines_after_the_first_are_still_rejected_one_by_one(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"text": "a"}\n[{"text": "b"}]\n{"text": "c"}\n')
    assert labels(read(path)) == ["text", "missing_content", "text"]


# --- 6. blank-line floods ----------------------------------------------------------------------


def _jsonl_items(data: bytes, max_bytes: int):
    return list(read_jsonl(io.BytesIO(data), "x.jsonl", InputConfig(paths=(), max_bytes=max_bytes)))


def test_blank_runs_keep_line_numbers_across_chunks():
    blank = b"\n \r\n\t\n" * 50_000  # 150,000 blank lines over several 64 KiB chunks
    data = b'{"text": "a"}\n' + blank + b'{"text": "b"}\n  \n' + blank + b'{"text": "c"}'
    items = _jsonl_items(data, max_bytes=10**7)
    assert [(i.data, i.source.line) for i in items] == [
        (b"a", 1), (b"b", 150_002), (b"c", 300_004)]


def test_blank_line_at_a_chunk_boundary_with_a_partial_record():
    # Whitespace then a record split over the 64 KiB chunk boundary.
    pad = b" " * (64 * 1024 - 3)
    data = b"\n" + pad + b'{"text": "x"}\n\n{"text": "y"}\n'
    items = _jsonl_items(data, max_bytes=10**7)
    assert [(i.data, i.source.line) for i in items] == [(b"x", 2), (b"y", 4)]


def test_a_flood_of_blank_lines_stops_the_file_with_one_reject():
    data = b'{"text": "a"}\n' + b"\n" * 5000 + b'{"text": "never read"}\n'
    items = _jsonl_items(data, max_bytes=1000)
    assert labels(items) == ["text", "too_large"]
    assert items[1].source == Source("x.jsonl", line=2)
    assert "blank lines" in items[1].detail
    assert "rest of the file is not read" in items[1].detail


def test_gzip_bomb_of_blank_lines_is_bounded(tmp_path):
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(gzip.compress(b"\n" * (8 * 1024 * 1024)))
    assert labels(read(path, max_bytes=1024 * 1024)) == ["too_large"]


# --- 7. markup inside text inputs --------------------------------------------------------------


def _raw(name, kind="text"):
    return RawDoc(data=(BROKEN / name).read_bytes(), source=Source(name), kind=kind)


def test_html_fragment_in_a_txt_is_cleaned_as_html():
    doc = to_doc(_raw("inputs_fragment.txt"))
    assert isinstance(doc, Doc)
    assert doc.kind == "html"


def test_escaped_html_is_unescaped_once_and_cleaned_as_html():
    doc = to_doc(_raw("inputs_escaped_html.txt"))
    assert isinstance(doc, Doc)
    assert doc.kind == "html"
    assert doc.source_text.startswith("<p>The council met")
    assert "&lt;" not in doc.source_text


@pytest.mark.parametrize(
    "text",
    [
        (BROKEN / "inputs_prose_with_a_tag.txt").read_text(),
        "Prices rose when a<b and c>d held; the <b> tag is bold.\n\nAnother paragraph.",
        "Write &lt;p&gt; to start a paragraph in HTML.",
        "Just words.",
    ],
)
def test_prose_that_mentions_a_tag_stays_text(text):
    assert markup_in_text(text) is None
    doc = to_doc(RawDoc(data=text.encode(), source=Source("t.txt"), kind="text"))
    assert doc.kind == "text"
    assert doc.source_text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<p>One.</p><p>Two.</p>", "<p>One.</p><p>Two.</p>"),
        ("Intro line<br>second line<br/>third line", "Intro line<br>second line<br/>third line"),
        ("<h2>Title</h2>\n<ul><li>a</li><li>b</li></ul>", None),
        (
            "&lt;p&gt;One &amp;amp; two&lt;/p&gt;&lt;p&gt;Three&lt;/p&gt;",
            "<p>One &amp; two</p><p>Three</p>",
        ),
    ],
)
def test_markup_in_text_finds_fragments_and_escaped_html(text, expected):
    assert markup_in_text(text) == (expected or text)


def test_markup_in_jsonl_text_field_and_txt_never_reaches_the_clean_text(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    inputs = [str(BROKEN / n) for n in
              ("inputs_markup_in_text_field.jsonl", "inputs_escaped_html.txt")]
    code = cli.main(["clean", *inputs, "-o", str(out), "--keep-duplicates"])
    err = capsys.readouterr().err
    assert code == 0, err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2
    for record in records:
        assert "council met on Tuesday" in record["text"]
        assert "<" not in record["text"]
        assert "&lt;" not in record["text"]
