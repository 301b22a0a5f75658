"""Bounded reading: no input is read past what its kind needs, and no open waits forever.

Regular files have a size; stdin, FIFOs (``<(...)``, ``mkfifo``) and devices (``/dev/zero``)
do not and may never end. Every input is therefore read in bounded steps: the sniffing head,
then at most ``max_bytes + 1`` bytes for one document, or line by line for JSONL (each line
bounded). A WARC from a pipe must be seekable for the WARC reader, so it is copied to a
temporary file, again at most ``max_bytes + 1`` bytes.
"""

from __future__ import annotations

import os
import select
import tempfile
from pathlib import Path
from typing import IO, BinaryIO

#: Read size for copying streams.
CHUNK = 64 * 1024

#: How long a FIFO or device named as an input may take to deliver its first byte.
WAIT_SECONDS = 30.0

# A WARC spooled from a pipe stays in memory up to this size, then goes to a temporary file.
_SPOOL_IN_MEMORY = 8 * 1024 * 1024


class NoDataError(TimeoutError):
    """A FIFO or device delivered nothing within ``WAIT_SECONDS``."""


def no_data_detail() -> str:
    """The reject message for a FIFO or device that stayed silent."""
    return (
        f"no data arrived within {WAIT_SECONDS:g} seconds: a FIFO or device with no writer; "
        "start the program that writes to it first, or save its output to a file"
    )


def open_special(path: Path) -> BinaryIO:
    """Open a FIFO or device for reading, waiting at most ``WAIT_SECONDS`` for data.

    A plain ``open()`` of a FIFO blocks until a writer opens it, forever if none does;
    opened non-blocking, it can be polled with a timeout instead. Once data (or the end of
    the stream) is there, the file is switched back to blocking reads and read like stdin.

    Raises:
        NoDataError: nothing arrived within ``WAIT_SECONDS``.
        OSError: it cannot be opened (a socket, a permission problem).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        if not poller.poll(WAIT_SECONDS * 1000):
            raise NoDataError(path)
        os.set_blocking(fd, True)
        return open(fd, "rb", closefd=True)  # noqa: PTH123 -- wraps an fd; caller closes
    except BaseException:
        os.close(fd)
        raise


def read_up_to(fh: IO[bytes], head: bytes, limit: int) -> bytes:
    """The head and what follows it, at most ``limit + 1`` bytes: one more tells it is too large."""
    if len(head) > limit:
        return head[: limit + 1]
    return head + fh.read(limit + 1 - len(head))


def spool(fh: IO[bytes], head: bytes, limit: int) -> IO[bytes] | None:
    """Copy a stream (head first) to a seekable temporary file; None if over ``limit`` bytes."""
    copy = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115 -- returned
    size = 0
    chunk = head
    while chunk:
        size += len(chunk)
        if size > limit:
            copy.close()
            return None
        copy.write(chunk)
        chunk = fh.read(min(CHUNK, limit + 1 - size))
    copy.seek(0)
    return copy
