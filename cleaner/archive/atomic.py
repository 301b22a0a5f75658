"""Temporary files beside their final name, renamed into place when a run completes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO


def open_temp(final: Path) -> tuple[IO[bytes], Path]:
    """A new temporary file in ``final``'s directory, with the mode a plain file would get.

    ``mkstemp`` makes files only the owner can read; an output file should follow the umask
    like any other file the user creates.
    """
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)
    return os.fdopen(fd, "wb"), Path(name)
