"""What the runner tests clean: small text stories, and a step that shows (or ends) the process
it runs in. A module of its own, so that worker processes (forked, spawned, Dask's) import it."""

import os
import signal
from dataclasses import dataclass, replace
from typing import ClassVar

from cleaner.model import Doc, RawDoc, Reject, Source

PROSE = ("The harbour council met on Tuesday to discuss the new bridge over the river, and "
         "members agreed that the work should start in the spring of next year.")


def raw(n: int, extra: str = "") -> RawDoc:
    text = f"Story number {n} about the bridge\n\n{PROSE} ({n})\n\n{PROSE} {extra} [{n}]\n"
    return RawDoc(text.encode(), Source(f"doc{n}.txt"), kind="text")


@dataclass(frozen=True, slots=True)
class Pid:
    """A step that notes the process it ran in, and kills it for a document that asks."""

    name: ClassVar[str] = "pid"

    def apply(self, doc: Doc) -> Doc | Reject:
        if "KILL-WORKER" in doc.source_text:
            os.kill(os.getpid(), signal.SIGKILL)
        return replace(doc, warnings=(*doc.warnings, f"pid: {os.getpid()}"))


def pids(results) -> set[str]:
    return {w for r in results if isinstance(r, Doc) for w in r.warnings if w.startswith("pid")}
