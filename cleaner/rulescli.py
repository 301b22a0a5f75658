"""``cleaner rules``: (being written)."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any) -> None:
    """Add ``rules`` to the top-level parser."""
    sub.add_parser("rules", help="(not yet available)")


def run(args: argparse.Namespace) -> int:
    """Run ``rules``; returns the exit code."""
    raise NotImplementedError("rules")
