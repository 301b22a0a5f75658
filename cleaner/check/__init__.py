"""Corpus validation (``cleaner check``, the pre-commit hook): broken records, cruft left in,
off-language fragments and duplicates, reported one finding a line as ``path:line[:col]: CODE``.

Inputs are our JSONL records (``.jsonl``, ``.jsonl.gz``), our WARC archives (``.warc``,
``.warc.gz``) and plain ``.txt`` clean texts with their URL in a sidecar ``<name>.json`` or in
front matter. Every finding has a stable code (:data:`CODES`); the README's "Finding codes"
table says what each means. ``--fix`` removes the paragraphs the C codes name from JSONL files.
"""

from __future__ import annotations

import gzip
import hashlib
import html.entities
import json
import re
import stat
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from functools import cache
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import urlsplit

import re2

from cleaner.config import ConfigError
from cleaner.corpus import (
    CorpusDoc,
    CorpusProblem,
    FileKind,
    ProblemKind,
    open_lines,
    read_corpus,
    reason,
    walk,
)
from cleaner.model import Block
from cleaner.outputs.atomic import open_temp
from cleaner.outputs.jsonl import dumps
from cleaner.ruleset import (
    DropLine,
    RuleFile,
    RuleSet,
    _line_pattern,
    document_language,
    quiet_re2_options,
    text_rule_verdicts,
)
from cleaner.steps.boilerplate import guess_stoplist
from cleaner.steps.language import (
    MAX_STOPWORD_SHARE,
    MIN_JUDGED_WORDS,
    char_script,
    judge,
    other_script,
    script_counts,
    stoplist,
)

# T001's default: an empty text, which `cleaner clean` never writes (it rejects a document with
# no text left). A real news brief has a dozen words; a length policy is the corpus owner's
# choice, made with --min-words or min-words in the config.
DEFAULT_MIN_WORDS = 1
SNIPPET_CHARS = 60


@dataclass(frozen=True, slots=True)
class Code:
    """A finding code: what it flags, whether it is on by default, whether ``--fix`` fixes it."""

    code: str
    summary: str
    default: bool = True
    fixable: bool = False


CODES: dict[str, Code] = {c.code: c for c in (
    Code("E001", "the file cannot be read (I/O error, truncated gzip, damaged WARC)"),
    Code("E002", "not a corpus file (unknown kind) named on the command line"),
    Code("E003", "--fix could not rewrite the file (permissions, disk full); it is unchanged"),
    Code("F001", "invalid JSON: a JSONL line (or a .txt sidecar) that is not a JSON object"),
    Code("F002", "invalid UTF-8 (or a lone surrogate escape)"),
    Code("F003", "a required field (id, url, text, lang) is missing or of the wrong type"),
    Code("F004", "malformed source URL: not an absolute http(s) URL"),
    Code("F005", "no source URL (url is null or empty); off by default", default=False),
    Code("T001", "empty text, or fewer words than --min-words when it is set"),
    Code("T002", "HTML tags or entities left in the text"),
    Code("T003", "mojibake: UTF-8 read as cp1252 or latin-1 (Ã©, â€™)"),
    Code("T004", "replacement character U+FFFD or a control character in the text"),
    Code("C001", "residual cruft: a paragraph an applicable rule removes", fixable=True),
    Code("C002", "off-language fragment: a paragraph in another script than the document's",
         fixable=True),
    Code("C003", "off-language fragment: a long paragraph in the document's script but "
         "another language than its lang", fixable=True),
    Code("D001", "duplicate document: same text as another document"),
    Code("D002", "duplicate URL: same url as another document"),
    Code("D003", "duplicate id: same id as another record in a file of the same kind"),
)}
# A file that cannot be read cannot be checked: these are reported whatever is selected.
ALWAYS = frozenset({"E001", "E002", "E003"})


def codes_matching(prefix: str, where: str) -> frozenset[str]:
    """The codes a prefix names (``C``, ``T00``, ``D002``; ``ALL`` names every code).

    Raises:
        ConfigError: the prefix matches no code; ``where`` says where it was given.
    """
    prefix = prefix.strip().upper()
    found = set(CODES) if prefix == "ALL" else {c for c in CODES if c.startswith(prefix)}
    if not prefix or not found:
        raise ConfigError(f"{where}: {prefix!r} matches no check code "
                          f"(codes: {', '.join(CODES)}, or ALL)")
    return frozenset(found)


def resolve_codes(select: Sequence[str] | None, ignore: Sequence[str],
                  select_where: str = "--select", ignore_where: str = "--ignore") -> \
        frozenset[str]:
    """The enabled codes: those matching a ``select`` prefix (None: the default-on codes) and
    no ``ignore`` prefix, plus the E codes, which are always on.

    Raises:
        ConfigError: a prefix that matches no code.
    """
    if select is None:
        enabled = {c.code for c in CODES.values() if c.default}
    else:
        enabled = set().union(*(codes_matching(p, select_where) for p in select))
    for prefix in ignore:
        enabled -= codes_matching(prefix, ignore_where)
    return frozenset(enabled | ALWAYS)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place.

    Attributes:
        path: the file as given or walked.
        line: JSONL line, or line in a .txt file; 0 for a WARC record or a whole file.
        col: column (1-based) when known.
        code: a key of :data:`CODES`.
        message: what is wrong, with the paragraph and the text involved.
        offset: byte offset of the WARC record (its raw capture), for WARC input.
        fixed: ``--fix`` removed it.
    """

    path: str
    line: int
    col: int | None
    code: str
    message: str
    offset: int | None = None
    fixed: bool = False

    def __str__(self) -> str:
        col = f":{self.col}" if self.col is not None else ""
        return (f"{self.path}:{self.line}{col}: {self.code} {self.message}"
                + (" (fixed)" if self.fixed else ""))

    def as_dict(self) -> dict[str, Any]:
        """The ``--format json`` object."""
        return {"path": self.path, "line": self.line, "col": self.col, "code": self.code,
                "message": self.message, "offset": self.offset, "fixed": self.fixed}


@dataclass(frozen=True, slots=True)
class CheckSettings:
    """What one ``cleaner check`` run checks and how.

    Attributes:
        enabled: the codes to report.
        min_words: T001's threshold.
        fix: rewrite JSONL files without the paragraphs the C codes name.
        exclude: globs of files and directories to skip.
        exclude_root: the directory the globs are relative to.
    """

    enabled: frozenset[str]
    min_words: int = DEFAULT_MIN_WORDS
    fix: bool = False
    exclude: tuple[str, ...] = ()
    exclude_root: Path = field(default_factory=Path)


@dataclass(slots=True)
class Summary:
    """Counts for the closing line."""

    files: int = 0
    documents: int = 0
    findings: Counter[str] = field(default_factory=Counter)
    fixed: Counter[str] = field(default_factory=Counter)
    fixed_files: int = 0
    copies: Counter[str] = field(default_factory=Counter)  # path -> documents checked before


# --- files and documents ------------------------------------------------------------------------


def excluded(path: Path, settings: CheckSettings) -> bool:
    """True if a glob matches the path (relative to the config's directory) or a name in it."""
    if not settings.exclude:
        return False
    try:
        rel = path.resolve().relative_to(settings.exclude_root.resolve())
    except ValueError:
        rel = path
    parts = rel.parts
    candidates = {"/".join(parts[:i]) for i in range(1, len(parts) + 1)} | set(parts)
    return any(fnmatch(c, glob) for glob in settings.exclude for c in candidates)


# What a problem of the corpus reader is as a finding.
_PROBLEM_CODES: dict[ProblemKind, str] = {
    "missing": "E001", "unreadable": "E001", "not_corpus": "E002", "invalid_json": "F001",
    "invalid_utf8": "F002", "no_record": "F003"}


def _finding(problem: CorpusProblem) -> Finding:
    """A problem of the corpus reader as a finding; in a WARC archive, at its offset."""
    message = problem.message
    if problem.offset is not None:
        message = f"@{problem.offset}: {message}"
    return Finding(problem.path, problem.line, problem.col, _PROBLEM_CODES[problem.what],
                   message, offset=problem.offset)


@dataclass(slots=True)
class _Doc:
    """A document of a corpus file as the text checks see it: its lines and paragraphs."""

    of: CorpusDoc
    lines: list[str]  # the text split at newlines, as stored
    blocks: list[int]  # indices into lines of the non-blank ones: the paragraphs
    problems: list[Finding] = field(default_factory=list)  # the record's F003-F005

    @property
    def path(self) -> str:
        return self.of.path

    @property
    def kind(self) -> FileKind:
        return self.of.kind

    @property
    def line(self) -> int:
        """JSONL: the record's line; .txt: the line its text starts on; WARC: 0."""
        return self.of.line

    @property
    def offset(self) -> int | None:
        return self.of.offset

    @property
    def id(self) -> str | None:
        return self.of.id

    @property
    def url(self) -> str | None:
        return self.of.url

    @property
    def lang(self) -> str | None:
        return self.of.lang

    @property
    def site(self) -> str | None:
        return self.of.site

    @property
    def where(self) -> str:
        """How other findings name this document's place."""
        return self.of.where

    def block_text(self, i: int) -> str:
        return self.lines[self.blocks[i]].strip()

    def text(self) -> str:
        return "\n".join(self.block_text(i) for i in range(len(self.blocks)))


def _as_doc(of: CorpusDoc) -> _Doc | None:
    """The document for the text checks; None when its record has no text (a string)."""
    text = of.text
    if text is None:
        return None
    lines = text.split("\n")
    return _Doc(of, lines, [i for i, s in enumerate(lines) if s.strip()])


def _doc_from_text(text: str, path: str, kind: FileKind, line: int, offset: int | None,
                   **facts: Any) -> _Doc:
    """A document with this text at this place; ``facts``: its id, url, lang, site, digest."""
    doc = _as_doc(CorpusDoc(path, kind, line, offset, {**facts, "text": text}))
    assert doc is not None  # the text is a string
    return doc


_REQUIRED: dict[str, tuple[type, ...]] = {
    "id": (str,), "url": (str, type(None)), "text": (str,), "lang": (str, type(None))}


def _record_problems(record: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(code, message) for missing or mistyped required fields and the URL."""
    for key, types in _REQUIRED.items():
        if key not in record:
            yield "F003", f"missing required field {key!r}"
        elif key == "url":
            yield from _url_problems(record["url"], "url is null or empty")
        elif not isinstance(record[key], types):
            expected = " or ".join("null" if t is type(None) else t.__name__ for t in types)
            yield "F003", f"field {key!r} is {type(record[key]).__name__}, expected {expected}"


def _url_problems(url: Any, missing: str) -> Iterator[tuple[str, str]]:
    if url is None or url == "":  # clean writes an unknown value as null or as ""
        yield "F005", f"no source URL ({missing})"
        return
    if not isinstance(url, str):
        yield "F004", f"malformed source URL {url!r}: expected a string"
        return
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok or any(c.isspace() for c in url):
        yield "F004", f"malformed source URL {url!r}: expected an absolute http(s) URL"


def _problems(of: CorpusDoc) -> list[Finding]:
    """The record's F003-F005 findings: a .txt file's at its line 1 (its URL only)."""
    if of.kind == "txt":
        where = f"give it in {Path(of.path).stem}.json or front matter"
        return [Finding(of.path, 1, None, code, message)
                for code, message in _url_problems(of.record.get("url"), where)]
    at = f"@{of.offset}: " if of.offset is not None else ""
    return [Finding(of.path, of.line, None, code, f"{at}{message}", offset=of.offset)
            for code, message in _record_problems(of.record)]


# --- text checks --------------------------------------------------------------------------------

_HTML_TAG = re.compile(
    r"</?(?:a|abbr|article|aside|audio|b|blockquote|body|br|button|caption|center|code|dd|div|"
    r"dl|dt|em|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|"
    r"input|label|li|link|meta|nav|noscript|ol|option|p|picture|pre|s|script|section|select|"
    r"small|source|span|strong|style|sub|sup|svg|table|tbody|td|textarea|tfoot|th|thead|"
    r"title|tr|u|ul|video)(?:\s[^<>]*)?/?>|<!--", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# UTF-8 bytes shown as cp1252 (or latin-1) characters: a lead byte character, then continuation
# byte characters. Leads are limited to those common in mojibake (Â Ã Ä Å Ð Ñ, â), so that real
# text such as "Gruß”" or "café…”" is not taken for it; a match must also decode as UTF-8.
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"  # noqa: RUF001
_CONT = f"[\x80-\xbf{_CP1252_HIGH}]"
_MOJIBAKE = re.compile(f"[ÂÃÄÅÐÑ]{_CONT}|â{_CONT}{{2}}")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _mojibake_fix(found: str) -> str | None:
    """What the mojibake was meant to say, or None if it does not decode as UTF-8."""
    data = bytearray()
    for ch in found:
        if ord(ch) < 256:
            data.append(ord(ch))
        else:
            data += ch.encode("cp1252")
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _snippet(text: str) -> str:
    return repr(text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS - 1] + "…")


def _char_problems(text: str) -> Iterator[tuple[str, int, str]]:
    """(code, index, message) for markup, mojibake and bad characters in one paragraph."""
    for m in _HTML_TAG.finditer(text):
        yield "T002", m.start(), f"HTML tag {m.group()!r} left in the text"
    for m in _ENTITY.finditer(text):
        name = m.group()[1:]
        if name.startswith("#") or name in html.entities.html5:
            yield "T002", m.start(), f"HTML entity {m.group()!r} left in the text"
    for m in _MOJIBAKE.finditer(text):
        meant = _mojibake_fix(m.group())
        if meant is not None:
            yield "T003", m.start(), (f"mojibake {m.group()!r}: UTF-8 read as cp1252 or "
                                      f"latin-1 (meant {meant!r})")
    for m in _CONTROL.finditer(text):
        what = ("replacement character U+FFFD (bytes lost in decoding)" if m.group() == "\ufffd"
                else f"control character U+{ord(m.group()):04X}")
        yield "T004", m.start(), what


# A character every T002-T004 finding (and a lone surrogate) starts with: one fast scan of
# a document decides whether its paragraphs need the slower patterns.
_MAY_HAVE_PROBLEM = re.compile("[<&ÂÃÄÅÐÑâ\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\ud800-\udfff]")


# --- the checker --------------------------------------------------------------------------------


_WHOLE_TEXT = re.compile(r"\\[Az]|\(\?[a-zA-Z]*-[a-zA-Z]*m")


def _screen(files: Sequence[RuleFile]) -> Any:
    """One RE2 over a document's paragraphs (joined by newlines) that matches wherever a text
    rule of ``files`` could act: False when there is no rule, None when that cannot be
    promised (then every document goes to the rules).

    Each rule's pattern is the one the ruleset itself screens with (``ruleset._line_pattern``: a
    truncation marker, a list heading, a box's start, a tail; a ``drop_line``'s pattern): a
    rule acts only on a line it matches, and with ``(?m)`` a paragraph's ``^``/``$`` match at
    the newlines around it. Patterns that anchor to the whole text (``\\A``, ``\\z``) or turn
    ``m`` off would break that, as would a kind of rule with no such pattern.
    """
    patterns: list[str] = []
    for f in files:
        for rule in f.text:
            pattern = rule.pattern if isinstance(rule, DropLine) else _line_pattern(rule)
            if pattern is None or _WHOLE_TEXT.search(pattern.pattern):
                return None
            patterns.append(pattern.pattern)
    if not patterns:
        return False  # nothing to match: no rule removes anything
    options = quiet_re2_options()  # a pattern RE2 refuses is None here, not a log line
    options.max_mem = 64 << 20
    try:
        return re2.compile("(?m)" + "|".join(f"(?:{p})" for p in patterns), options)
    except re2.error:
        return None


class Checker:
    """Checks documents file by file; remembers texts, URLs and ids to find duplicates."""

    def __init__(self, settings: CheckSettings, rules: RuleSet) -> None:
        self.settings = settings
        self.rules = rules
        self.summary = Summary()
        self._screens: dict[tuple[str, ...], Any] = {}
        self._texts: dict[bytes, tuple[str | None, str]] = {}
        self._urls: dict[str, tuple[str | None, str]] = {}
        self._ids: dict[tuple[str, str], str] = {}
        self._copies: dict[tuple[str, str, bytes], FileKind] = {}

    def on(self, code: str) -> bool:
        return code in self.settings.enabled

    # -- files

    def check_paths(self, paths: Iterable[str]) -> Iterator[Finding]:
        """Every finding in the files under ``paths``, file by file, in order."""
        for item in walk(paths, lambda path: excluded(path, self.settings)):
            if isinstance(item, CorpusProblem):
                yield self._count(_finding(item))
                continue
            self.summary.files += 1
            check = self._check_jsonl if item.kind == "jsonl" else self._check_docs
            yield from check(item.path, item.kind)

    def _count(self, finding: Finding) -> Finding:
        (self.summary.fixed if finding.fixed else self.summary.findings)[finding.code] += 1
        return finding

    def _check_docs(self, path: Path, kind: FileKind) -> Iterator[Finding]:
        for item in read_corpus(path, str(path), kind):
            if isinstance(item, CorpusProblem):
                if self.on(_PROBLEM_CODES[item.what]):
                    yield self._count(_finding(item))
                continue
            doc = _as_doc(item)
            if doc is None:
                yield from (self._count(f) for f in _problems(item) if self.on(f.code))
            elif self._is_copy(doc):
                self.summary.copies[doc.path] += 1
            else:
                self.summary.documents += 1
                found, _ = self.check_doc(doc)
                self._remember(doc, None)
                found[:0] = [f for f in _problems(item) if self.on(f.code)]
                yield from (self._count(f) for f in found)

    def _check_jsonl(self, path: Path, kind: FileKind) -> Iterator[Finding]:
        """A JSONL file's findings; with ``--fix`` they wait until the file is rewritten."""
        found: list[Finding] = []
        fixes: dict[int, bytes] = {}
        for item in read_corpus(path, str(path), kind):
            doc = None if isinstance(item, CorpusProblem) else _as_doc(item)
            if isinstance(item, CorpusProblem):
                if self.on(_PROBLEM_CODES[item.what]):
                    found.append(_finding(item))
            elif doc is not None and self._is_copy(doc):
                self.summary.copies[doc.path] += 1
                if self.settings.fix:  # reported with the first copy; fixed here all the same
                    self._fix_line(doc, fixes)
            else:
                found += (f for f in _problems(item) if self.on(f.code))
                if doc is not None:
                    self.summary.documents += 1
                    found += self._fix_line(doc, fixes)
            if not self.settings.fix:
                yield from (self._count(f) for f in found)
                found.clear()
        if fixes and any(f.code == "E001" for f in found):
            found = [replace(f, fixed=False) for f in found]  # a file read halfway stays as is
        elif fixes:
            found = self._rewrite(path, fixes, found)
        yield from (self._count(f) for f in found)

    def _rewrite(self, path: Path, fixes: dict[int, bytes], found: list[Finding]) -> list[Finding]:
        """Write the fixes; if the file cannot be written, its findings stand, with an E003."""
        try:
            rewrite_lines(path, fixes)
        except OSError as exc:
            return [replace(f, fixed=False) for f in found] + [Finding(
                str(path), 0, None, "E003",
                f"cannot write the fixes ({reason(exc)}); the file is unchanged")]
        self.summary.fixed_files += 1
        return found

    def _fix_line(self, doc: _Doc, fixes: dict[int, bytes]) -> list[Finding]:
        """A JSONL document's findings; its line's new bytes go to ``fixes`` (with ``--fix``)."""
        found, new_text = self.check_doc(doc)
        if new_text is not None:
            fixes[doc.line] = _line_bytes({**doc.of.record, "text": new_text})
        self._remember(doc, new_text)
        return found

    # -- the same document in another kind of file

    @staticmethod
    def _copy_key(doc: _Doc, text: str | None) -> tuple[str, str, bytes] | None:
        doc_id, digest = doc.id, doc.of.digest
        if doc_id is None or digest is None:
            return None
        text = "\n".join(doc.lines) if text is None else text
        return doc_id, digest, hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                                   digest_size=16).digest()

    def _is_copy(self, doc: _Doc) -> bool:
        """True if a file of another kind held this document (same id, raw digest and text)
        first: ``clean -o a.jsonl -o a.warc.gz`` writes each document twice, and a corpus
        checked both ways reports each finding once. In a file of the same kind it is D003."""
        key = self._copy_key(doc, None)
        first = self._copies.get(key) if key else None
        return first is not None and first != doc.kind

    def _remember(self, doc: _Doc, fixed_text: str | None) -> None:
        """Note a checked document; with ``--fix``, by the text it has once fixed, so that an
        unfixed copy in a WARC archive is still checked and its findings reported."""
        key = self._copy_key(doc, fixed_text)
        if key:
            self._copies.setdefault(key, doc.kind)

    # -- documents

    def check_doc(self, doc: _Doc) -> tuple[list[Finding], str | None]:
        """The document's findings, and (with ``--fix``) its text without the paragraphs the
        C codes name, or None when there is nothing to fix."""
        findings: list[Finding] = []
        off = self._cruft(doc, findings)
        new_text = None
        if off and self.settings.fix and doc.kind == "jsonl":
            findings = [replace(f, fixed=True) for f in findings]
            new_text = _without(doc, off)
            fixed = _as_doc(replace(doc.of, record={**doc.of.record, "text": new_text}))
            assert fixed is not None  # the text is a string
            doc = fixed
        findings += self._text(doc)
        findings += self._duplicates(doc)
        return findings, new_text

    def _at(self, doc: _Doc, block: int | None, message: str, code: str,
            col: int | None = None) -> Finding:
        """A finding in a document, at a paragraph (``block``) or on the whole document."""
        if block is not None:
            message = f"paragraph {block + 1}: {message}"
        if doc.offset is not None:
            message = f"@{doc.offset}: {message}"
        if doc.kind == "txt":
            line = doc.line + (doc.blocks[block] if block is not None else 0)
            return Finding(doc.path, line, col, code, message)
        return Finding(doc.path, doc.line, None, code, message, offset=doc.offset)

    def _cruft(self, doc: _Doc, findings: list[Finding]) -> dict[int, str]:
        """C001, C002, C003: paragraph index -> what names it as cruft (the first code wins)."""
        # RE2 takes valid Unicode only: a lone surrogate (F002) stands in as U+FFFD here.
        blocks = [Block(_SURROGATE.sub("\ufffd", doc.block_text(i)))
                  for i in range(len(doc.blocks))]
        found: dict[str, dict[int, str]] = {}
        if self.on("C001"):
            found["C001"] = {i: f"residual cruft, removed by {rule}"
                             for i, rule in self._rule_verdicts(doc, blocks).items()}
        if self.on("C002") or self.on("C003"):
            found.update(self._fragments(doc, blocks))
        off: dict[int, str] = {}
        for code, items in found.items():
            for i, what in sorted(items.items()):
                if i not in off:
                    off[i] = what
                    findings.append(self._at(doc, i, f"{what}: {_snippet(blocks[i].text)}",
                                             code))
        return off

    def _fragments(self, doc: _Doc, blocks: Sequence[Block]) -> dict[str, dict[int, str]]:
        """C002 and C003: the paragraphs the language step removes (:func:`judge`, what
        ``cleaner clean``'s LanguageFilter removes), by the record's language.

        :func:`off_script` and :func:`off_language` are cheap screens: a document with no
        suspect for a selected code is not judged, as judging costs a langdetect call or more.
        Of a judged document every paragraph the language step removes is named: one in
        another script as C002, one in the document's script as C003.
        """
        scripts = off_script(blocks)
        same = off_language(blocks, scripts, doc.lang) if self.on("C003") else []
        if not (scripts and self.on("C002")) and not same:
            return {}
        j = judge(blocks, (doc.lang,) if doc.lang else None)
        texts = [b.text for b in blocks]
        lang = doc.lang or j.lang or "an unknown language"
        found: dict[str, dict[int, str]] = {"C002": {}, "C003": {}}
        for i, f in sorted(j.off.items()):
            if f.script:  # a paragraph in another script names its own
                found["C002"][i] = (f"in {f.script.title()} script, the document is in {lang} "
                                    f"({_main_script(map(script_counts, texts)).title()} script)")
            else:
                found["C003"][i] = f"in {f.lang}, the document is in {lang}"
        return {code: items for code, items in found.items() if self.on(code)}

    def _rule_verdicts(self, doc: _Doc, blocks: Sequence[Block]) -> dict[int, str]:
        """The paragraphs the text rules remove, as ``cleaner clean`` applies them: the
        ruleset's own selection and verdicts, by the record's language, for a document that one
        search with the rules' own patterns (:func:`_screen`) does not rule out."""
        joined = "\n".join(b.text for b in blocks)
        names = list(self.rules.select(doc.url or None, joined).names)
        if doc.site and doc.site not in names and any(f.name == doc.site
                                                      for f in self.rules.files):
            names.append(doc.site)  # the file that matched the raw page when it was cleaned
        key = tuple(names)
        if key not in self._screens:  # once per set of rule files
            self._screens[key] = _screen([self.rules.by_name(n) for n in key])
        screen = self._screens[key]
        if screen is False or (screen is not None and not screen.search(joined)):
            return {}
        files = [self.rules.by_name(n) for n in key]
        # Rules with lang apply by the record's language, as they did when it was cleaned
        # (guessed from its words, as clean does, when the record gives none).
        declared = doc.lang or None
        lang = document_language(blocks, None if declared else guess_stoplist(blocks), declared)
        return {i: rule.rule for i, rule in text_rule_verdicts(files, blocks, lang).items()}

    def _text(self, doc: _Doc) -> list[Finding]:
        out: list[Finding] = []
        if self.on("T001"):
            words = sum(len(doc.block_text(i).split()) for i in range(len(doc.blocks)))
            if words < self.settings.min_words:
                out.append(self._at(doc, None, "empty text" if not words else
                                    f"text has {words} words, fewer than the minimum "
                                    f"{self.settings.min_words}", "T001"))
        if not _MAY_HAVE_PROBLEM.search("\n".join(doc.lines)):
            return out
        for i in range(len(doc.blocks)):
            line = doc.lines[doc.blocks[i]]
            if self.on("F002") and _SURROGATE.search(line):
                out.append(self._at(doc, i, "lone surrogate escape: not valid Unicode", "F002"))
            for code, index, message in _char_problems(line):
                if self.on(code):
                    out.append(self._at(doc, i, message, code, col=index + 1))
        return out

    def _duplicates(self, doc: _Doc) -> list[Finding]:
        out: list[Finding] = []
        if doc.id is not None:  # ids are per kind: a JSONL and a WARC of one run share them
            first = self._ids.setdefault((doc.kind, doc.id), doc.where)
            if first != doc.where and self.on("D003"):
                out.append(self._at(doc, None, f"same id {doc.id} as {first}", "D003"))
                return out  # the same record again: D001 and D002 would say it twice more
        text = " ".join(doc.text().split())
        if text:
            key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
            out += self._seen(self._texts, key, doc, "D001", "same text as {}")
        if doc.url:
            out += self._seen(self._urls, doc.url, doc, "D002", "same URL as {}")
        return out

    def _seen(self, seen: dict[Any, tuple[str | None, str]], key: Any, doc: _Doc, code: str,
              message: str) -> list[Finding]:
        """A finding if another document (another id) had this key first."""
        first_id, first_where = seen.setdefault(key, (doc.id, doc.where))
        if first_where == doc.where or (doc.id is not None and first_id == doc.id):
            return []  # itself, or the same document in another kind of file (JSONL and WARC)
        return [self._at(doc, None, message.format(first_where), code)] if self.on(code) else []


def _line_bytes(record: dict[str, Any]) -> bytes:
    line = dumps(record) + "\n"
    try:
        return line.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (F002) stays the escape it was
        return (json.dumps(record) + "\n").encode("ascii")


def _without(doc: _Doc, off: dict[int, str]) -> str:
    """The document's text without the paragraphs in ``off``, blank lines tidied."""
    drop = {doc.blocks[i] for i in off}
    text = "\n".join(s for i, s in enumerate(doc.lines) if i not in drop)
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text).strip("\n")


def off_script(blocks: Sequence[Block]) -> list[int]:
    """C002's screen: paragraphs with several words in another script than the document's
    main script (language.py's :func:`other_script`)."""
    # Counting letters per script costs a look-up per character; a set of the distinct
    # characters tells at C speed whether there is more than one script to count.
    scripts = {s for ch in set("".join(b.text for b in blocks)) if (s := char_script(ch))}
    if len(scripts) < 2:
        return []
    per_block = [script_counts(b.text) for b in blocks]
    doc_script = _main_script(per_block)
    return [i for i, c in enumerate(per_block) if other_script(blocks[i].text, c, doc_script)]


def _main_script(per_block: Iterable[Counter[str]]) -> str:
    """The script with the most letters in the document (its blocks' letters per script)."""
    total: Counter[str] = Counter()
    for c in per_block:
        total.update(c)
    return total.most_common(1)[0][0]


_STRIP = ".,;:!?\"'()"  # what language.py strips from a word before the stopword look-up


@cache
def _plain_stopwords(lang: str) -> frozenset[str]:
    """The stopwords a word matches without stripping (jusText's lists hold 'however,')."""
    return frozenset(w for w in stoplist(lang) if w == w.strip(_STRIP))


def off_language(blocks: Sequence[Block], skip: Iterable[int], lang: str | None) -> list[int]:
    """C003's screen: long paragraphs in the document's script that may be in another
    language than ``lang``.

    language.py sends a paragraph of 12+ words with almost none of ``lang``'s stopwords to
    langdetect. This count keeps every such paragraph (it counts fewer stopwords, over more
    words, than language.py does) and drops most others, without langdetect.
    """
    stops = _plain_stopwords(lang) if lang else frozenset()
    if not lang or not stops:
        return []
    skipped = set(skip)
    candidates = []
    for i, b in enumerate(blocks):
        if i in skipped:
            continue
        words = b.text.lower().split()
        if len(words) >= MIN_JUDGED_WORDS and \
                sum(map(stops.__contains__, words)) <= MAX_STOPWORD_SHARE * len(words):
            candidates.append(i)
    return candidates


# --- fixing -------------------------------------------------------------------------------------


def rewrite_lines(path: Path, fixes: dict[int, bytes]) -> None:
    """Replace lines (1-based number -> new bytes) of a JSONL or JSONL.gz file, atomically.

    The other lines are copied byte for byte; the file keeps its mode; a ``.gz`` file is
    written with no name or time in its header, as ``cleaner clean`` writes it. A symlink
    stays a link: the new file is written beside the file it points to and replaces that.
    """
    path = path.resolve(strict=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    out, tmp = open_temp(path)
    try:
        with out:
            sink: IO[bytes] = out
            if path.name.lower().endswith(".gz"):
                sink = cast(IO[bytes], gzip.GzipFile(filename="", mode="wb", fileobj=out,
                                                     mtime=0))
            with open_lines(path) as src:
                for number, line in enumerate(src, 1):
                    sink.write(fixes.get(number, line))
            if sink is not out:
                sink.close()
        tmp.chmod(mode)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)

