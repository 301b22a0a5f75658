"""Temporary files beside their final name, renamed into place when a run completes.

A temporary file is named ``.<final name>.<pid>.<random>.tmp``: the pid says which process
writes it, so that a later run to the same output can remove what a killed run (``kill -9``,
a power cut) left behind, and leave alone what a live run is still writing.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO


class OutputError(Exception):
    """An output file could not be written: which file, and the operating system's reason."""

    def __init__(self, path: Path, exc: OSError) -> None:
        super().__init__(f"writing {path}: {exc.strerror or exc}")
        self.path = path
        self.exc = exc


def open_temp(final: Path) -> tuple[IO[bytes], Path]:
    """A new temporary file in ``final``'s directory, with the mode a plain file would get.

    ``mkstemp`` makes files only the owner can read; an output file should follow the umask
    like any other file the user creates. Stale temporary files of dead runs to the same
    output are removed first.
    """
    remove_stale_temps(final)
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.{os.getpid()}.", suffix=".tmp",
                                dir=final.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)
    return os.fdopen(fd, "wb"), Path(name)


def remove_stale_temps(final: Path) -> list[Path]:
    """Remove ``final``'s temporary files whose writing process is gone; returns them."""
    pattern = re.compile(re.escape(f".{final.name}.") + r"(\d+)\.[^.]+\.tmp")
    removed: list[Path] = []
    try:
        entries = list(final.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        found = pattern.fullmatch(entry.name)
        if found and not _alive(int(found.group(1))):
            with contextlib.suppress(OSError):
                entry.unlink()
                removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: a live process of another user; anything else: leave it be
        return True
    return True


class OutputGroup:
    """Temporary files that become the run's outputs together, or not at all.

    Writers create their files here; ``commit`` renames every one into place once all were
    written and closed, ``abort`` removes them all. As a context manager: commit when the
    block ends normally, abort when it raises.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def create(self, final: Path) -> IO[bytes]:
        """A new temporary file that will become ``final`` on commit."""
        try:
            fh, tmp = open_temp(final)
        except OSError as exc:
            raise OutputError(final, exc) from exc
        self._pending.append((tmp, final))
        return fh

    def adopt(self, existing: Path, final: Path) -> None:
        """A finished file that becomes ``final`` on commit too, and stays where it is.

        It is linked under a temporary name beside ``final`` (copied where links cannot be
        made), so that a run killed in the middle of the commit still has it where it was.

        Raises:
            OutputError: it cannot be linked or copied there.
        """
        remove_stale_temps(final)
        tmp = final.with_name(f".{final.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            try:
                os.link(existing, tmp)
            except OSError:
                shutil.copyfile(existing, tmp)
        except OSError as exc:
            raise OutputError(final, exc) from exc
        self._pending.append((tmp, final))

    def commit(self) -> None:
        """Rename every temporary file to its final name, each on disk first (fsync), so that
        a power cut after the commit cannot leave a final name on a file's missing end."""
        pending, self._pending = self._pending, []
        for i, (tmp, final) in enumerate(pending):
            try:
                _sync(tmp)
                tmp.replace(final)
            except OSError as exc:
                for left, _ in pending[i:]:
                    left.unlink(missing_ok=True)
                raise OutputError(final, exc) from exc

    def abort(self) -> None:
        """Remove every temporary file; nothing is written."""
        pending, self._pending = self._pending, []
        for tmp, _ in pending:
            with contextlib.suppress(OSError):
                tmp.unlink()

    def settle(self, close: Callable[[], None], complete: bool, own: bool) -> None:
        """End one writer: ``close`` its files, then, if the writer owns this group, commit
        it (``complete``) or abort it. A close that fails aborts the whole group; its
        OutputError is raised when the run was otherwise complete."""
        try:
            close()
        except OutputError:
            self.abort()
            if complete:
                raise
            return
        if own:
            self.commit() if complete else self.abort()

    def __enter__(self) -> OutputGroup:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def _sync(path: Path) -> None:
    """Flush a closed file's data to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
