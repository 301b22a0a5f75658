"""Hostile and broken inputs on the reading side (issue 7): devices, FIFOs, walks, containers.

Fixtures are ``tests/fixtures/broken/inputs_*``; inputs that are big or odd (FIFOs, devices,
non-UTF-8 names, infinite streams) are made in the test.
"""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from cleaner.config import InputConfig
from cleaner.inputs import iter_inputs, stream
from cleaner.model import Reject, RejectReason, Skipped, Source

BROKEN = Path(__file__).parent / "fixtures" / "broken"
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
