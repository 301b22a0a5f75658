"""The rule set a command works in, loaded file by file so that one broken file is a finding.

``cleaner rules lint|test|check FILES`` look at FILES in the context of the rules directory
they live in (a directory with a ``_default.toml``): cross-file findings and rule tests need
the whole set. A file outside any rules directory is taken with the ``--rules`` directories,
or the bundled rules, as if it were added to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import re2

from cleaner.config import ConfigError
from cleaner.ruleset import (
    DEFAULT_NAME,
    RuleError,
    RuleFile,
    RuleSet,
    load_rule_file,
    load_rules,
    shipped_rules_dir,
)


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A rule file that does not load: the loader's message, without the file name."""

    label: str
    key: str
    message: str


@dataclass(frozen=True, slots=True)
class RulesContext:
    """The loaded rule set, where each file came from, and which files to report on.

    Attributes:
        rules: every file of the context that loaded, ``_default`` first.
        paths: label -> file on disk, for every file of the context.
        targets: labels of the files to report on, in order.
        problems: files of the context that did not load.
        hidden: (label kept, label left out) for files of the same name in two directories.
    """

    rules: RuleSet
    paths: dict[str, Path]
    targets: tuple[str, ...]
    problems: tuple[LoadProblem, ...]
    hidden: tuple[tuple[str, str], ...] = ()

    def file(self, label: str) -> RuleFile | None:
        """The loaded file with this label, or None when it did not load."""
        return next((f for f in self.rules.files if f.label == label), None)

    def source(self, label: str) -> TomlSource:
        """The TOML text of a file, for finding the line of a key."""
        try:
            text = self.paths[label].read_text(encoding="utf-8", errors="replace")
        except (OSError, KeyError):
            text = ""
        return TomlSource(text)


def _label(path: Path, shipped: Path | None) -> str:
    """How a file is named in messages and rule ids: bundled rules as ``rules/NAME``."""
    if shipped is not None and path.parent.resolve() == shipped.resolve():
        return f"rules/{path.name}"
    return str(path)


def _given_files(files: Sequence[str]) -> tuple[list[Path], list[Path]]:
    """The rule files named on the command line (directories expanded) and the directories."""
    out: list[Path] = []
    dirs: list[Path] = []
    for name in files:
        path = Path(name)
        if path.is_dir():
            dirs.append(path)
            out.extend(sorted(path.glob("*.toml")))
        elif path.is_file():
            out.append(path)
        else:
            raise ConfigError(f"{name}: no such rule file or directory")
    return out, dirs


def _context_dirs(given: list[Path], given_dirs: list[Path], rules_dirs: Sequence[Path],
                  shipped: Path, bundled: bool) -> list[Path]:
    if not bundled and not rules_dirs:
        raise ConfigError("--no-bundled-rules needs --rules DIR: there would be no rules")
    if rules_dirs:
        for d in rules_dirs:
            if not d.is_dir():
                raise ConfigError(f"{d}: rules directory does not exist")
        # As in `cleaner clean`: --rules adds to the bundled rules unless told otherwise.
        return [shipped, *rules_dirs] if bundled else list(rules_dirs)
    dirs: list[Path] = []
    for d in [*given_dirs, *(p.parent for p in given)]:
        if (d / f"{DEFAULT_NAME}.toml").is_file() and all(
                d.resolve() != x.resolve() for x in dirs):
            dirs.append(d)
    return dirs or [shipped]


def build_context(files: Sequence[str], rules_dirs: Sequence[Path] = (),
                  bundled: bool = True) -> RulesContext:
    """Load the context of ``files`` (default: every file of the rules directories).

    ``rules_dirs`` add to the bundled rules (``bundled=False`` leaves those out); a file named
    as one of an earlier directory replaces it, as in :func:`cleaner.ruleset.load_rules`.

    Raises:
        ConfigError: a named file or directory does not exist, or there are no rule files.
    """
    given, given_dirs = _given_files(files)
    shipped = shipped_rules_dir()
    dirs = _context_dirs(given, given_dirs, rules_dirs, shipped, bundled)
    entries: dict[str, Path] = {}  # file name -> path; the last directory wins
    labels: dict[Path, str] = {}
    hidden: list[tuple[str, str]] = []
    for d in dirs:
        for p in sorted(d.glob("*.toml")):
            label = _label(p, shipped)
            labels[p.resolve()] = label
            before = entries.get(p.name)
            # Replacing a bundled file is what --rules is for; two of the user's own
            # directories holding one name is a mistake lint reports (R204).
            if before is not None and before.resolve() != p.resolve() and before.parent != shipped:
                hidden.append((label, labels[before.resolve()]))
            entries[p.name] = p
    for p in given:  # a file from outside the directories joins (or replaces) their files
        if p.resolve() not in labels:
            labels[p.resolve()] = str(p)
            entries[p.name] = p
    if not entries:
        raise ConfigError(f"no rule files (*.toml) in {', '.join(map(str, dirs))}")
    loaded: list[RuleFile] = []
    problems: list[LoadProblem] = []
    paths: dict[str, Path] = {}
    for p in entries.values():
        label = labels[p.resolve()]
        paths[label] = p
        try:
            loaded.append(load_rule_file(p, label))
        except RuleError as exc:
            problems.append(_problem(label, str(exc)))
    loaded.sort(key=lambda f: (not f.is_default, f.name))
    for _, other in hidden:
        paths.setdefault(other, Path(other))
    targets = [labels[p.resolve()] for p in given] if given else list(paths)
    return RulesContext(RuleSet(tuple(loaded)), paths, tuple(dict.fromkeys(targets)),
                        tuple(problems), tuple(hidden))


def _problem(label: str, message: str) -> LoadProblem:
    """Split a RuleError message ``label: key: problem`` into its key and problem."""
    rest = message.removeprefix(f"{label}: ")
    key, sep, what = rest.partition(": ")
    if not sep or " " in key.strip():
        return LoadProblem(label, "", rest)
    return LoadProblem(label, key, what)


# --- finding the line of a key in a TOML file ---------------------------------------------------

_HEADER = re2.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?")
_KEY = re2.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")
_NAME_VALUE = re2.compile(r"""^\s*name\s*=\s*["']([^"']*)["']""")
_INDEXED = re2.compile(r"^([A-Za-z0-9_\-]+)\[(\d+)\]$")
_AT_LINE = re2.compile(r"at line (\d+)")


class TomlSource:
    """The lines of a TOML file, indexed by table, so that findings can give a line number.

    Lines inside multi-line strings (test inputs) are skipped, so an input that holds
    ``[[test]]`` or ``name = ...`` does not confuse the index.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.tables: list[tuple[str, int]] = [("", 0)]  # (table, 1-based header line)
        self.keys: list[tuple[str, str, int]] = []  # (table, key, 1-based line)
        counts: dict[str, int] = {}
        in_string: str | None = None
        for n, line in enumerate(self.lines, 1):
            if in_string:
                if line.count(in_string) % 2:
                    in_string = None
                continue
            header = _HEADER.search(line)
            if header:
                name = header.group(2)
                if header.group(1) == "[[":
                    counts[name] = counts.get(name, -1) + 1
                    name = f"{name}[{counts[name]}]"
                self.tables.append((name, n))
                continue
            key = _KEY.search(line)
            if key:
                self.keys.append((self.tables[-1][0], key.group(1), n))
            for quote in ('"""', "'''"):
                if line.count(quote) % 2:
                    in_string = quote
                    break

    def table_line(self, table: str) -> int:
        return next((n for t, n in self.tables if t == table), 0)

    def key_line(self, table: str, key: str) -> int:
        found = next((n for t, k, n in self.keys if t == table and k == key), 0)
        return found or self.table_line(table)

    def value_line(self, table: str, key: str, value: str) -> int:
        """The line of one value of an array (a host, a selector), else the key's line."""
        start = self.key_line(table, key)
        if not start:
            return 0
        quoted = (f'"{value}"', f"'{value}'", f"'''{value}'''")
        for n in range(start, min(len(self.lines), start + 200) + 1):
            if any(q in self.lines[n - 1] for q in quoted):
                return n
            if n > start and (_HEADER.search(self.lines[n - 1]) or _KEY.search(self.lines[n - 1])):
                break
        return start

    def rule_line(self, directive: str, name: str) -> int:
        """The line of ``name = "NAME"`` in a ``[[directive]]`` table."""
        for table, key, n in self.keys:
            if key == "name" and table.startswith(directive + "["):
                m = _NAME_VALUE.search(self.lines[n - 1])
                if m and m.group(1) == name:
                    return n
        return 0

    def test_line(self, name: str) -> int:
        return self.rule_line("test", name)

    def path_line(self, path: str) -> int:
        """The line of a loader key path: ``drop_line[2].pattern``, ``html.remove_css[1]``."""
        path = path.lstrip(".")  # an unknown top-level key is reported as ".key"
        if not path:
            return 0
        parts = path.split(".")
        for split in range(len(parts), 0, -1):  # the longest table prefix that exists
            table = ".".join(parts[:split])
            if self.table_line(table):
                if split == len(parts):
                    return self.table_line(table)
                m = _INDEXED.search(parts[split])
                return self.key_line(table, m.group(1) if m else parts[split])
        m = _INDEXED.search(parts[0])
        return self.key_line("", m.group(1) if m else parts[0])

    def noqa(self, line: int, code: str) -> bool:
        """True when the line carries ``# noqa`` or ``# noqa: CODE``."""
        if not 0 < line <= len(self.lines):
            return False
        text = self.lines[line - 1]
        at = text.find("# noqa")
        if at < 0:
            return False
        rest = text[at + len("# noqa"):]
        if not rest.startswith(":"):
            return True
        return code in {c.strip() for c in rest[1:].replace(",", " ").split()}


def problem_line(source: TomlSource, problem: LoadProblem) -> int:
    """The line a load problem is about: the key's line, or the TOML parser's line."""
    m = _AT_LINE.search(problem.message)
    if m:
        return int(m.group(1))
    return source.path_line(problem.key)


def with_file(rules: RuleSet, new: RuleFile) -> RuleSet:
    """The rule set with ``new`` added, replacing a file of the same name."""
    return RuleSet(rules.adding([new]).files)


def base_rules(rules_dirs: Sequence[Path]) -> RuleSet:
    """The rules a new file is tested with: the --rules directories, or the bundled rules."""
    return load_rules(tuple(rules_dirs))
