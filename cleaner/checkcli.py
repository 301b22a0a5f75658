"""``cleaner check``: (being written)."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any) -> None:
    """Add ``check`` to the top-level parser."""
    sub.add_parser("check", help="(not yet available)")


def run(args: argparse.Namespace) -> int:
    """Run ``check``; returns the exit code."""
    raise NotImplementedError("check")
