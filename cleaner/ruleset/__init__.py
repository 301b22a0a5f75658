"""Per-site rule files: load and validate them, pick the ones for a document, apply them.

A rule file is TOML data (see README, "Rule files"). Regexes are google-re2 (linear time, no
backreferences); XPath is compiled without regex extensions; CSS selectors are turned into XPath.
Every problem in a rule file is a :class:`RuleError` naming the file, the key and what is wrong.
"""

from __future__ import annotations

import functools
import hashlib
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, cast
from urllib.parse import urlsplit

import re2
from lxml import etree

from cleaner.config import ConfigError
from cleaner.model import Block, RawDoc, Removal, Source
from cleaner.steps import textstats
from cleaner.steps.boilerplate import STOPLIST_CODES, stoplist_name

DEFAULT_NAME = "_default"
_NAME_RE = re2.compile(r"^[a-z0-9][a-z0-9_]*$")
TRAFILATURA_OPTIONS = frozenset(
    {"favor_precision", "favor_recall", "include_tables", "no_fallback", "fast"}
)
LINK_LIST_MAX_WORDS = 20
PROSE_MIN_WORDS = 10
# How many lines after a truncation marker its ``confirm`` pattern is looked for, by default.
CONFIRM_WITHIN = 8
# A truncation or list rule that would remove more than this share of a document's prose is
# suspended for it (unless a site's rule says ``force = true``). On the development set, right
# truncations and lists removed at most 0.44 of the prose (comment sections), wrong ones all of it.
MAX_PROSE_SHARE = 0.5
MAX_PROGRAM_SIZE = 5000


def quiet_re2_options() -> Any:
    """RE2 options that keep RE2 from logging on stderr: a pattern it refuses is our RuleError,
    and a search that outgrows its DFA memory falls back to a slower matcher silently."""
    options = re2.Options()
    options.log_errors = False
    return options


_RE2_OPTIONS = quiet_re2_options()


class RuleError(ConfigError):
    """A rule file is malformed: the message names the file, the key and the problem."""


def _where(label: str, key: str) -> str:
    return f"{label}: {key}"


def compile_regex(pattern: Any, label: str, key: str) -> Any:
    """Compile a re2 pattern or raise RuleError naming the file and key."""
    if not isinstance(pattern, str) or not pattern:
        raise RuleError(f"{_where(label, key)}: expected a non-empty regex string")
    try:
        compiled = re2.compile(pattern, _RE2_OPTIONS)
    except re2.error as exc:
        detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise RuleError(f"{_where(label, key)}: bad regex {pattern!r}: {detail}") from None
    if compiled.programsize > MAX_PROGRAM_SIZE:
        # RE2 stays linear, but its fast DFA gives up (and logs on every match) on such patterns.
        raise RuleError(
            f"{_where(label, key)}: regex too complex (RE2 program size {compiled.programsize} > "
            f"{MAX_PROGRAM_SIZE}); avoid counted repetition of Unicode classes "
            "like \\p{L}{1,60}")
    return compiled


def compile_xpath(expr: Any, label: str, key: str) -> etree.XPath:
    """Compile an XPath 1.0 expression that selects elements, or raise RuleError.

    lxml compiles extension functions (``re:test``, ``exsl:...``), unknown prefixes and
    variables, and a number or string result, without a word; each would fail or do nothing
    on every page of the site, so each is refused here, naming the file, key and expression.
    """
    if not isinstance(expr, str) or not expr:
        raise RuleError(f"{_where(label, key)}: expected a non-empty XPath string")
    try:
        compiled = etree.XPath(expr, regexp=False)
    except etree.XPathSyntaxError as exc:
        raise RuleError(f"{_where(label, key)}: bad XPath {expr!r}: {exc}") from None
    problem = _xpath_problem(expr) or _result_problem(compiled, expr)
    if problem:
        raise RuleError(f"{_where(label, key)}: XPath {expr!r} {problem}")
    return compiled


# XPath 1.0's function library (what libxml2 offers without extensions) and node tests.
_XPATH_FUNCTIONS = frozenset({
    "last", "position", "count", "id", "local-name", "namespace-uri", "name", "string",
    "concat", "starts-with", "contains", "substring-before", "substring-after", "substring",
    "string-length", "normalize-space", "translate", "boolean", "not", "true", "false", "lang",
    "number", "sum", "floor", "ceiling", "round"})
_NODE_TESTS = frozenset({"node", "text", "comment", "processing-instruction"})
_XPATH_TOKEN = re.compile(
    r"""'[^']*'|"[^"]*"|(\$)|([A-Za-z_][\w.-]*(?::(?!:)[A-Za-z_*][\w.-]*)?)\s*(::|\()?""")
_XPATH_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")
_PROBE = etree.fromstring("<html><head><title>t</title></head><body><p class='a'>x</p></body>"
                          "</html>")


def _xpath_problem(expr: str) -> str | None:
    """What in the expression XPath 1.0 without extensions cannot evaluate, if anything."""
    for m in _XPATH_TOKEN.finditer(expr):
        variable, name, follows = m.groups()
        if variable:
            return "uses a variable ($...); rule files have none"
        if not name or follows == "::":
            continue
        prefix = name.partition(":")[0] if ":" in name else None
        if follows == "(":
            if prefix is not None or name not in _XPATH_FUNCTIONS | _NODE_TESTS:
                return (f"calls {name}(), which does not run here: not an XPath 1.0 "
                        "function (regex and other extensions are off)")
        elif prefix is not None and prefix != "xml":
            return f"uses the namespace prefix {prefix!r}, which is not defined"
    return None


def _result_problem(compiled: etree.XPath, expr: str) -> str | None:
    """Why the expression's results are not elements (its type does not depend on the page)."""
    try:
        result = compiled(_PROBE)
    except etree.XPathError as exc:
        return f"cannot be evaluated: {exc}"
    if not isinstance(result, list):
        kind = "true or false" if isinstance(result, bool) else \
            "a number" if isinstance(result, float) else "a string"
        return f"gives {kind}, not elements: use a path such as //div[@class='x']"
    if _last_steps_select_non_elements(expr):
        return "selects attributes or text, not elements: end the path with an element"
    return None


def _last_steps_select_non_elements(expr: str) -> bool:
    """Whether a branch of the path ends in an attribute, text or other non-element step."""
    flat = _XPATH_STRING.sub("''", expr)
    while True:  # drop predicates, innermost first
        shorter = re.sub(r"\[[^\[\]]*\]", "", flat)
        if shorter == flat:
            break
        flat = shorter
    for branch in flat.split("|"):
        last = branch.rstrip(" )").rpartition("/")[2].strip()
        if last.startswith(("@", "attribute::", "namespace::")) or re.match(
                r"(text|comment|processing-instruction)\s*\(", last):
            return True
    return False


def compile_css(selector: Any, label: str, key: str) -> etree.XPath:
    """Translate a CSS selector to XPath and compile it, or raise RuleError."""
    from cssselect import GenericTranslator, SelectorError

    if not isinstance(selector, str) or not selector:
        raise RuleError(f"{_where(label, key)}: expected a non-empty CSS selector")
    try:
        xpath = GenericTranslator().css_to_xpath(selector)
    except SelectorError as exc:
        raise RuleError(f"{_where(label, key)}: bad CSS selector {selector!r}: {exc}") from None
    return etree.XPath(xpath, regexp=False)


class _Table:
    """Typed access to one TOML table that reports unknown and missing keys."""

    def __init__(self, data: Any, label: str, key: str, allowed: Iterable[str]) -> None:
        if not isinstance(data, dict):
            raise RuleError(f"{_where(label, key)}: expected a table")
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise RuleError(
                f"{_where(label, key + '.' + unknown[0])}: unknown key "
                f"(allowed: {', '.join(sorted(allowed))})"
            )
        self.data: dict[str, Any] = data
        self.label = label
        self.key = key

    def where(self, name: str) -> str:
        return f"{self.key}.{name}" if self.key else name

    def get(self, name: str, kind: type, default: Any = None, required: bool = False) -> Any:
        if name not in self.data:
            if required:
                raise RuleError(f"{_where(self.label, self.where(name))}: required key is missing")
            return default
        value = self.data[name]
        if kind is int and isinstance(value, bool):
            raise RuleError(f"{_where(self.label, self.where(name))}: expected int")
        if not isinstance(value, kind):
            raise RuleError(f"{_where(self.label, self.where(name))}: expected {kind.__name__}")
        return value

    def str_list(self, name: str) -> list[str]:
        value = self.get(name, list, [])
        if not all(isinstance(v, str) for v in value):
            raise RuleError(f"{_where(self.label, self.where(name))}: expected a list of strings")
        return list(value)


# --- the document's language, for rules with ``lang`` -----------------------------------------

# ISO 639-1 (with "sh", Serbo-Croatian, which jusText has a stoplist for).
_ISO_639_1_CODES = """
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da
de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz
ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln
lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi
pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn so sq sr ss st su sv sw ta te tg th
ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"""
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())

# Macrolanguages whose members jusText has lists for: a rule for one covers the others.
_MACROLANGUAGES = {"no": ("nb", "nn"), "sh": ("hr", "sr", "bs")}
_LANG_FAMILY = {
    **{macro: (macro, *members) for macro, members in _MACROLANGUAGES.items()},
    **{m: (m, macro) for macro, members in _MACROLANGUAGES.items() for m in members},
}

# Scripts written without spaces, which no stoplist covers: (code, runs of letters of the
# script). Letters are counted by the run, not one string each.
_UNSPACED_SCRIPTS = (
    ("ko", re.compile(r"[\uAC00-\uD7AF\u1100-\u11FF\u3130-\u318F]+")),
    ("th", re.compile(r"[\u0E00-\u0E7F]+")),
    ("lo", re.compile(r"[\u0E80-\u0EFF]+")),
    ("my", re.compile(r"[\u1000-\u109F]+")),
    ("km", re.compile(r"[\u1780-\u17FF]+")),
    ("bo", re.compile(r"[\u0F00-\u0FFF]+")),
)
_KANA = re.compile(r"[\u3040-\u30FF\u31F0-\u31FF\uFF66-\uFF9F]+")
_HAN = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]+")
_LETTERS = re.compile(r"[^\W\d_]+")
# A letter of any of the scripts above: their ranges in one class.
_ANY_UNSPACED = re.compile("[" + "".join(rx.pattern.removeprefix("[").removesuffix("]+") for rx in (
    *(rx for _, rx in _UNSPACED_SCRIPTS), _KANA, _HAN)) + "]")
_SCRIPT_SAMPLE = 2000  # characters of the first lines
# A script makes a document's language when it holds this share of the sample's letters.
_SCRIPT_SHARE = 0.3


def declared_language(value: str | None) -> str | None:
    """The ISO 639-1 code of a declared language (``de``, ``de-AT``, ``pt_BR``), if valid."""
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-", 1)[0]
    return code if code in ISO_639_1 else None


def document_language(blocks: Sequence[Block], stoplist: frozenset[str] | None,
                      declared: str | None = None) -> str | None:
    """The document's language for rules with ``lang``, from what is known before they run.

    Args:
        blocks: the document's lines.
        stoplist: the jusText stoplist that best fits its words
            (:func:`cleaner.steps.boilerplate.guess_stoplist`), or None when none fits.
        declared: a language the input declares (a JSONL record's ``lang``, a rule test's
            ``lang``), which wins when it is a valid code.

    Returns:
        An ISO 639-1 code: the declared one, else the script of a text written without spaces
        when it makes up most of the letters (kana: ja, Chinese characters alone: zh, Hangul,
        Thai, Lao, Burmese, Khmer, Tibetan), else the stoplist's language; None when unknown
        (then no ``lang`` rule applies). The script goes before the stoplist: the few Latin
        words of a Japanese page ("Kindle for PC") fit some stoplist, badly.
    """
    code = declared_language(declared) or _script_language(blocks)
    if code:
        return code
    name = stoplist_name(stoplist)
    return None if name is None else STOPLIST_CODES.get(name)


def _chars(runs: re.Pattern[str], text: str) -> int:
    """How many characters of ``text`` are in the runs the pattern finds."""
    return sum(map(len, runs.findall(text)))


def _script_language(blocks: Sequence[Block]) -> str | None:
    """The language of a script without spaces that makes up much of the first lines."""
    sample = ""
    for b in blocks:
        sample += b.text
        if len(sample) >= _SCRIPT_SAMPLE:
            break
    sample = sample[:_SCRIPT_SAMPLE]
    if _ANY_UNSPACED.search(sample) is None:  # no script without spaces: none to count
        return None
    letters = _chars(_LETTERS, sample)
    if not letters:
        return None
    counts = {code: _chars(rx, sample) for code, rx in _UNSPACED_SCRIPTS}
    kana, han = _chars(_KANA, sample), _chars(_HAN, sample)
    # Japanese writes its particles in kana; Chinese has none.
    counts["ja" if kana >= 0.1 * (kana + han) else "zh"] = kana + han
    code, n = max(counts.items(), key=lambda kv: kv[1])
    return code if n >= _SCRIPT_SHARE * letters else None


# --- text directives ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextRule:
    """Base of the text directives: a named rule that removes blocks."""

    directive: ClassVar[str] = ""
    keys: ClassVar[frozenset[str]] = frozenset()
    guarded: ClassVar[bool] = False  # subject to the prose guard (see text_rule_verdicts)
    rule: str
    reason: str
    force: bool = False  # a site's rule that may remove the bulk of the prose
    # ISO 639-1 codes: the rule applies only to documents in one of these languages (empty: all).
    langs: frozenset[str] = frozenset()

    def applies_to(self, lang: str | None) -> bool:
        """Whether the rule applies to a document in ``lang`` (None: not known); a
        macrolanguage and its members cover each other (``no``: ``nb``, ``nn``)."""
        return not self.langs or (lang is not None
                                  and not self.langs.isdisjoint(_LANG_FAMILY.get(lang, (lang,))))

    def apply(self, blocks: Sequence[Block]) -> list[int]:
        """Indices of the blocks this rule removes."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class DropLine(TextRule):
    """Drop every line matching a pattern (up to ``max_words`` words long).

    With ``ends_article``, the line (a comments heading) also tells text mode's structural
    classifier that the article has ended, when the bulk of the article is above it.
    """

    directive: ClassVar[str] = "drop_line"
    keys: ClassVar[frozenset[str]] = frozenset({"name", "reason", "pattern", "max_words",
                                                "ends_article"})
    pattern: Any = None
    max_words: int = 0
    ends_article: bool = False

    def apply(self, blocks: Sequence[Block]) -> list[int]:
        return [
            i
            for i, b in enumerate(blocks)
            if (not self.max_words or len(b.text.split()) <= self.max_words)
            and self.pattern.search(b.text)
        ]


# Full stops, question and exclamation marks of the scripts of the news, and closing quotes.
SENTENCE_END = tuple(textstats.SENTENCE_END)
_CLOSERS = textstats.CLOSERS + "*"
# A line this long reads as prose even without a sentence mark (Thai and Lao have none).
PROSE_LONG_WORDS = 25
word_count = textstats.word_count


def is_prose(text: str) -> bool:
    """A line long enough to be article prose rather than a label, link or heading."""
    return word_count(text) >= PROSE_MIN_WORDS


@functools.lru_cache(maxsize=1024)
def prose_weight(text: str) -> float:
    """How much article prose a line holds: its length in words if it reads as a sentence (long
    enough, and ending like one or very long), else 0. The same test in every script.

    Remembered for the last lines asked about: the rules, the fallback and the extraction
    fallback all weigh a document's lines.
    """
    words = word_count(text)
    if words < PROSE_MIN_WORDS:
        return 0.0
    # A line ending in Thai or Lao, which end sentences with a space, counts as ending one.
    if words >= PROSE_LONG_WORDS or textstats.sentence_end(text.rstrip().rstrip("*")) is not False:
        return words
    return 0.0


@dataclass(frozen=True, slots=True)
class TruncateAt(TextRule):
    """Drop the first line matching a marker and everything after it.

    The marker counts only once ``min_prose_before`` prose lines came before it: a "Leave a
    comment" link in a post's byline, above the article, must not cut the article away. With
    ``confirm``, it counts only when a line matching ``confirm`` follows within
    ``confirm_within`` lines (the marker's own line included): a comment form has its prompts
    and fields beside its heading, a comment-count link beside a byline has none.
    """

    directive: ClassVar[str] = "truncate_at"
    keys: ClassVar[frozenset[str]] = frozenset(
        {"name", "reason", "pattern", "min_prose_before", "confirm", "confirm_within", "force"})
    guarded: ClassVar[bool] = True
    pattern: Any = None
    min_prose_before: int = 1
    confirm: Any = None
    confirm_within: int = CONFIRM_WITHIN

    def apply(self, blocks: Sequence[Block]) -> list[int]:
        prose = 0
        for i, b in enumerate(blocks):
            if prose >= self.min_prose_before and self.pattern.search(b.text) \
                    and self._confirmed_at(blocks, i):
                return list(range(i, len(blocks)))
            prose += is_prose(b.text)
        return []

    def _confirmed_at(self, blocks: Sequence[Block], i: int) -> bool:
        if self.confirm is None:
            return True
        near = blocks[i:i + 1 + self.confirm_within]
        return any(self.confirm.search(b.text) for b in near)


@dataclass(frozen=True, slots=True)
class DropBetween(TextRule):
    """Drop from a start marker line to an end marker line (both included)."""

    directive: ClassVar[str] = "drop_between"
    keys: ClassVar[frozenset[str]] = frozenset({"name", "reason", "start", "end", "force"})
    guarded: ClassVar[bool] = True
    start: Any = None
    end: Any = None

    def apply(self, blocks: Sequence[Block]) -> list[int]:
        out: list[int] = []
        i = 0
        while i < len(blocks):
            if self.start.search(blocks[i].text):
                j = next((k for k in range(i + 1, len(blocks)) if self.end.search(blocks[k].text)),
                         None)
                if j is None:  # an unclosed start marker removes nothing: safer than to the end
                    break
                out.extend(range(i, j + 1))
                i = j
            i += 1
        return out


def is_link_like(text: str, max_words: int) -> bool:
    """A short headline-like line: few words, no sentence-ending punctuation (teasers allowed).

    Measured in every script (a Japanese paragraph is one space-separated "word"); a quoted
    sentence (``...said."``) ends like a sentence too.
    """
    words = word_count(text)
    if not text.strip() or words > max_words:
        return False
    if text.endswith(("...", "\u2026")):
        return True
    return not text.rstrip(_CLOSERS).endswith(_NOT_A_HEADLINE_END)


# A headline may end with a question or exclamation mark, never with a full stop or a comma.
_NOT_A_HEADLINE_END = (*(c for c in SENTENCE_END if c not in "!?\uff01\uff1f\u2026\u037e"),
                       ":", ";", ",", "\u3001", "\uff0c", "\u060c")


@dataclass(frozen=True, slots=True)
class DropLinkList(TextRule):
    """Drop a heading line and the run of short link-like lines under it."""

    directive: ClassVar[str] = "drop_link_list"
    keys: ClassVar[frozenset[str]] = frozenset({"name", "reason", "heading", "max_words",
                                                "force"})
    guarded: ClassVar[bool] = True
    heading: Any = None
    max_words: int = LINK_LIST_MAX_WORDS

    def apply(self, blocks: Sequence[Block]) -> list[int]:
        out: list[int] = []
        i = 0
        while i < len(blocks):
            if self.heading.search(blocks[i].text):
                out.append(i)
                i += 1
                while i < len(blocks) and is_link_like(blocks[i].text, self.max_words):
                    out.append(i)
                    i += 1
            else:
                i += 1
        return out


@dataclass(frozen=True, slots=True)
class TrimTail(TextRule):
    """Cut what a pattern matches at the end of a line (a photo credit after a sentence), keeping
    the rest; a line whose rest does not read as a sentence (a bare credit, a caption fragment)
    is dropped whole."""

    directive: ClassVar[str] = "trim_tail"
    keys: ClassVar[frozenset[str]] = frozenset({"name", "reason", "pattern", "max_words"})
    pattern: Any = None
    max_words: int = 0

    def apply(self, blocks: Sequence[Block]) -> list[int]:
        return [i for i, b in enumerate(blocks) if self.trim(b.text) == ""]

    def trim(self, text: str) -> str | None:
        """The line without its matched tail ("" when nothing is left), or None: no match."""
        if self.max_words and len(text.split()) > self.max_words:
            return None
        m = self.pattern.search(text)
        if m is None or m.end() < len(text.rstrip()):
            return None
        cut = m.start() + (text[m.start():m.start() + 1] in _KEPT_ENDS)  # the sentence's end
        left = text[:cut].rstrip(_TRIM_SEPARATORS)
        return left if prose_weight(left) else ""


_KEPT_ENDS = ".!?)\u201d\""
_TRIM_SEPARATORS = " \t|/\u2013\u2014-:,;\u00b7\u2022("

TEXT_RULE_TYPES: tuple[type[TextRule], ...] = (TruncateAt, DropBetween, DropLinkList, DropLine,
                                               TrimTail)
_PATTERN_FIELDS = {"pattern", "start", "end", "heading", "confirm"}
_OPTIONAL_PATTERNS = {"confirm"}


def _build_text_rule(cls: type[TextRule], data: Any, label: str, key: str) -> TextRule:
    t = _Table(data, label, key, cls.keys | {"lang"})
    name = t.get("name", str, required=True)
    if not _NAME_RE.search(name):
        raise RuleError(f"{_where(label, key + '.name')}: {name!r} must match [a-z0-9_]+")
    kwargs: dict[str, Any] = {}
    if "lang" in t.data:
        kwargs["langs"] = _build_langs(t, name)
    for fname in cls.keys & _PATTERN_FIELDS:
        if fname in _OPTIONAL_PATTERNS and fname not in t.data:
            continue
        kwargs[fname] = compile_regex(t.get(fname, str, required=True), label, t.where(fname))
    for fname in cls.keys & {"force", "ends_article"}:
        if fname in t.data:
            kwargs[fname] = t.get(fname, bool)
    for fname in cls.keys & {"max_words", "min_prose_before", "confirm_within"}:
        if fname in t.data:
            value = t.get(fname, int)
            if value < 0:
                raise RuleError(f"{_where(label, t.where(fname))}: must be >= 0")
            kwargs[fname] = value
    reason = t.get("reason", str, default=name.replace("_", " "))
    return cls(rule=f"{label}:{cls.directive}.{name}", reason=reason, **kwargs)


def _build_langs(t: _Table, name: str) -> frozenset[str]:
    """A rule's ``lang``: a non-empty list of ISO 639-1 codes, or RuleError naming the rule."""
    where = f"{_where(t.label, t.where('lang'))} (rule {name!r})"
    value = t.data["lang"]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{where}: expected a non-empty list of ISO 639-1 language codes, "
                        'such as ["de", "nl"]')
    bad = [v for v in value if v not in ISO_639_1]
    if bad:
        raise RuleError(f"{where}: {bad[0]!r} is not an ISO 639-1 language code (two lower-case "
                        'letters, such as "de" or "nl")')
    return frozenset(value)


# --- HTML directives ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HtmlRules:
    """What a rule file does to an HTML tree before extraction."""

    remove: tuple[tuple[str, str, etree.XPath], ...] = ()  # (rule id, selector text, compiled)
    body: tuple[etree.XPath, ...] = ()
    trafilatura: Mapping[str, bool] = field(default_factory=dict)
    body_ids: tuple[str, ...] = ()  # the rule id of each of ``body``, in its order


_HTML_KEYS = frozenset({"remove_xpath", "remove_css", "body_xpath", "body_css", "trafilatura"})


def _build_html(data: Any, label: str) -> HtmlRules:
    t = _Table(data, label, "html", _HTML_KEYS)
    remove: list[tuple[str, str, etree.XPath]] = []
    for i, expr in enumerate(t.str_list("remove_xpath")):
        remove.append((f"{label}:remove_xpath[{i}]", expr,
                       compile_xpath(expr, label, f"html.remove_xpath[{i}]")))
    for i, sel in enumerate(t.str_list("remove_css")):
        remove.append((f"{label}:remove_css[{i}]", sel,
                       compile_css(sel, label, f"html.remove_css[{i}]")))
    body = [compile_xpath(e, label, f"html.body_xpath[{i}]")
            for i, e in enumerate(t.str_list("body_xpath"))]
    body += [compile_css(s, label, f"html.body_css[{i}]")
             for i, s in enumerate(t.str_list("body_css"))]
    opts = _Table(t.get("trafilatura", dict, {}), label, "html.trafilatura", TRAFILATURA_OPTIONS)
    traf = {k: opts.get(k, bool) for k in opts.data}
    body_ids = [f"{label}:body_xpath[{i}]" for i in range(len(t.str_list("body_xpath")))]
    body_ids += [f"{label}:body_css[{i}]" for i in range(len(t.str_list("body_css")))]
    return HtmlRules(remove=tuple(remove), body=tuple(body), trafilatura=traf,
                     body_ids=tuple(body_ids))


# --- matching and tests -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleTest:
    """An offline test case carried by a rule file."""

    name: str
    input: str
    kind: str
    url: str | None
    must_contain: tuple[str, ...]
    must_not_contain: tuple[str, ...]
    lang: str | None = None  # the document's language, as an input may declare it

    def raw_doc(self, label: str) -> RawDoc:
        """The test's input as a raw capture of the file ``label``, with its declared language."""
        return RawDoc(data=self.input.encode("utf-8"), source=Source(f"{label}#{self.name}"),
                      kind="html" if self.kind == "html" else "text", url=self.url,
                      url_from="test", meta={"lang": self.lang} if self.lang else {})


_TEST_KEYS = frozenset({"name", "input", "kind", "url", "must_contain", "must_not_contain",
                        "lang"})


def _build_test(data: Any, label: str, key: str) -> RuleTest:
    t = _Table(data, label, key, _TEST_KEYS)
    kind = t.get("kind", str, "text")
    if kind not in ("text", "html"):
        raise RuleError(f"{_where(label, key + '.kind')}: must be 'text' or 'html'")
    test = RuleTest(
        name=t.get("name", str, required=True), input=t.get("input", str, required=True),
        kind=kind, url=t.get("url", str),
        must_contain=tuple(t.str_list("must_contain")),
        must_not_contain=tuple(t.str_list("must_not_contain")),
        lang=_test_lang(t),
    )
    if not test.must_contain and not test.must_not_contain:
        raise RuleError(f"{_where(label, key)}: a test needs must_contain or must_not_contain")
    return test


def _test_lang(t: _Table) -> str | None:
    lang = t.get("lang", str)
    if lang is not None and lang not in ISO_639_1:
        raise RuleError(f"{_where(t.label, t.where('lang'))}: {lang!r} is not an ISO 639-1 "
                        'language code (two lower-case letters, such as "de")')
    return cast(str | None, lang)


def host_of(url: str | None) -> str | None:
    """The host a rule file's ``hosts`` are compared with: lower case, without ``www.``."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.lower().removeprefix("www.") if host else None


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A literal string or (``re:`` prefix) a regex that identifies a site or theme."""

    text: str
    regex: Any = None

    def found_in(self, source: str, regexes: bool = True) -> bool:
        """In ``source``; with ``regexes`` False, a regex fingerprint is known to be absent."""
        if self.regex is not None:
            return regexes and self.regex.search(source) is not None
        return self.text in source


@dataclass(frozen=True, slots=True)
class RuleFile:
    """One loaded rule file."""

    name: str
    label: str
    description: str
    hosts: tuple[str, ...]
    fingerprints: tuple[Fingerprint, ...]
    min_fingerprints: int
    html: HtmlRules
    text: tuple[TextRule, ...]
    tests: tuple[RuleTest, ...]
    digest: str
    # Where the file was imported from (``imported = "ftr"``: ``cleaner rules import-ftr``), or
    # "". Its html rules are guarded: see :func:`cleaner.steps.core.guard_imported`.
    imported: str = ""

    @property
    def is_default(self) -> bool:
        return self.name == DEFAULT_NAME

    def match_reason(self, url: str | None, source_text: str,
                     regexes: bool = True, host: str | None = None) -> str | None:
        """Why this file applies to a document (host or fingerprints), or None.

        ``regexes`` False says that no regex fingerprint is in the source (one search for all of
        them found none: see :meth:`RuleSet.select`); ``host``: the URL's host, when the caller
        has it already (a run with many learned profiles asks every file).
        """
        if self.is_default:
            return "default: applies to every document"
        host = host or host_of(url)
        if host:
            for h in self.hosts:
                if host_matches(host, h):
                    return f"host {host} matches {h}"
        if self.fingerprints:
            found = [f.text for f in self.fingerprints if f.found_in(source_text, regexes)]
            if len(found) >= self.min_fingerprints:
                return "fingerprints: " + ", ".join(repr(f) for f in found)
        return None


def host_matches(host: str, entry: str) -> bool:
    """Whether a document's host (see :func:`host_of`) is one a ``hosts`` entry covers:
    ``example.com`` the host and its subdomains, ``.example.com`` its subdomains only,
    ``=example.com`` the host alone (a learned profile: the host it was learned from)."""
    if entry.startswith("="):
        return host == entry[1:]
    if entry.startswith("."):
        return host.endswith(entry)
    return host == entry or host.endswith("." + entry)


_TOP_KEYS = frozenset(
    {"description", "imported", "match", "html", "test",
     *(c.directive for c in TEXT_RULE_TYPES)})
_MATCH_KEYS = frozenset({"hosts", "fingerprints", "min_fingerprints"})


def _build_match(data: Any, label: str) -> tuple[tuple[str, ...], tuple[Fingerprint, ...], int]:
    t = _Table(data, label, "match", _MATCH_KEYS)
    # "example.com" covers the host and its subdomains; ".example.com" (FTR's .example.com.txt)
    # its subdomains only; "=example.com" the host alone (see host_matches).
    hosts = tuple(_host_entry(h, label) for h in t.str_list("hosts"))
    fps: list[Fingerprint] = []
    for i, fp in enumerate(t.str_list("fingerprints")):
        if fp.startswith("re:"):
            fps.append(Fingerprint(fp, compile_regex(fp[3:], label, f"match.fingerprints[{i}]")))
        else:
            fps.append(Fingerprint(fp))
    min_fp = t.get("min_fingerprints", int, 1)
    if fps and not 1 <= min_fp <= len(fps):
        raise RuleError(f"{_where(label, 'match.min_fingerprints')}: must be 1..{len(fps)}")
    return hosts, tuple(fps), min_fp


def _host_entry(entry: str, label: str) -> str:
    """One ``hosts`` entry as :func:`host_matches` compares it: lower case, without ``www.``."""
    h = entry.lower()
    if h.startswith("."):
        return h
    name = h.removeprefix("=").removeprefix("www.")
    if h.startswith("=") and (not name or name.startswith((".", "="))):
        raise RuleError(f"{_where(label, 'match.hosts')}: {entry!r}: '=' must be followed by "
                        'the one host the file applies to, such as "=example.com"')
    return "=" + name if h.startswith("=") else name


def parse_rule_file(raw: bytes, name: str, label: str) -> RuleFile:
    """Parse and validate one rule file's bytes; ``label`` names it in messages and rule ids."""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{label}: not valid TOML: {exc}") from None
    except RecursionError:
        raise RuleError(f"{label}: not valid TOML: arrays or tables nested too deeply") from None
    top = _Table(data, label, "", _TOP_KEYS)
    hosts, fps, min_fp = _build_match(top.get("match", dict, {}), label)
    if name != DEFAULT_NAME and not hosts and not fps:
        raise RuleError(f"{label}: match: give hosts or fingerprints (or the file never applies)")
    text: list[TextRule] = []
    for cls in TEXT_RULE_TYPES:
        for i, item in enumerate(top.get(cls.directive, list, [])):
            text.append(_build_text_rule(cls, item, label, f"{cls.directive}[{i}]"))
    names = [r.rule for r in text]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup:
        raise RuleError(f"{label}: rule {dup.split(':', 1)[1]!r} is defined twice")
    forced = next((r for r in text if r.force), None)
    if forced and name == DEFAULT_NAME:
        raise RuleError(f"{label}: {forced.rule.split(':', 1)[1]}.force: only a site's rule file "
                        "may force a rule past the prose guard; the defaults apply everywhere")
    tests = tuple(_build_test(x, label, f"test[{i}]")
                  for i, x in enumerate(top.get("test", list, [])))
    if not tests:
        raise RuleError(f"{label}: test: every rule file needs at least one [[test]]")
    return RuleFile(
        name=name, label=label, description=top.get("description", str, ""), hosts=hosts,
        fingerprints=fps, min_fingerprints=min_fp, html=_build_html(top.get("html", dict, {}),
                                                                    label),
        text=tuple(text), tests=tests, digest=hashlib.sha256(raw).hexdigest(),
        imported=top.get("imported", str, ""),
    )


def load_rule_file(path: Path, label: str | None = None) -> RuleFile:
    """Load one rule file from disk."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RuleError(f"{path}: cannot read rule file: {exc.strerror}") from None
    name = path.name.removesuffix(".toml")
    return parse_rule_file(raw, name, label or f"{path.parent.name}/{path.name}")


@dataclass(frozen=True, slots=True)
class Selection:
    """The rule files that apply to one document, and why."""

    files: tuple[RuleFile, ...]
    reasons: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.files)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """All loaded rule files, ``_default`` first, and which files others replaced."""

    files: tuple[RuleFile, ...]
    replaced: tuple[tuple[str, str], ...] = ()  # (label of a replaced file, label of its new one)

    @property
    def version(self) -> str:
        """A digest of every rule file, so output says which rules made it."""
        h = hashlib.sha256()
        for f in self.files:
            h.update(f"{f.label}\0{f.digest}\n".encode())
        return h.hexdigest()[:12]

    def by_name(self, name: str) -> RuleFile:
        return next(f for f in self.files if f.name == name)

    def adding(self, new: Sequence[RuleFile]) -> RuleSet:
        """The rule set with ``new`` files added, each replacing a file of the same name, in
        the order files apply (``_default`` first, then by name)."""
        names = {f.name for f in new}
        files = [f for f in self.files if f.name not in names] + list(new)
        return RuleSet(tuple(sorted(files, key=_file_order)), self.replaced)

    def select(self, url: str | None, source_text: str) -> Selection:
        """The files that apply to a document with this URL and decoded source.

        Least specific first: ``_default``, then files matched by fingerprints (a theme), then
        by host (the site itself), which is the document's ``site`` and gets the credit when
        several files remove the same line.
        """
        screen = _fingerprint_screen(tuple(fp.regex.pattern for f in self.files
                                           for fp in f.fingerprints if fp.regex is not None))
        # One search for every regex fingerprint: on most pages none is there, and each search
        # of its own encodes the whole page again.
        regexes = screen is None or screen.search(source_text) is not None
        host = host_of(url)
        found = [(f, why) for f in self.files
                 if (why := f.match_reason(url, source_text, regexes, host)) is not None]
        found.sort(key=lambda fw: (not fw[0].is_default, fw[1].startswith("host ")))
        return Selection(tuple(f for f, _ in found), tuple(why for _, why in found))


@functools.lru_cache(maxsize=16)
def _fingerprint_screen(patterns: tuple[str, ...]) -> Any:
    """One pattern that matches wherever any of ``patterns`` does (each in a group of its own,
    so its flags stay in it); None when there are none or RE2 cannot join them."""
    if not patterns:
        return None
    try:
        return re2.compile("|".join(f"(?:{p})" for p in patterns), _RE2_OPTIONS)
    except re2.error:
        return None


def shipped_rules_dir() -> Path:
    """The rule files bundled with cleaner: the repo's ``rules/`` or the wheel's copy."""
    here = Path(__file__).resolve().parent.parent  # the package: cleaner/
    for candidate in (here.parent / "rules", here / "_rules"):
        if (candidate / f"{DEFAULT_NAME}.toml").is_file():
            return candidate
    raise ConfigError(f"no bundled rules found next to {here}; reinstall article-cleaner")


def load_rules(dirs: Sequence[Path] = (), bundled: bool = True) -> RuleSet:
    """Load the bundled rule files, then every ``*.toml`` in ``dirs``; ``_default`` first.

    Directories add to the bundled rules (``bundled=False``: ``--no-bundled-rules`` leaves
    those out). A file named as one loaded before it (a site's file, or ``_default.toml``)
    replaces that one: the user's copy of a site's rules is the one that applies, and
    :attr:`RuleSet.replaced` says which were replaced.
    """
    if not bundled and not dirs:
        raise ConfigError("--no-bundled-rules needs --rules DIR: there would be no rules")
    shipped = shipped_rules_dir() if bundled else None
    by_name: dict[str, RuleFile] = {}
    replaced: list[tuple[str, str]] = []
    for d in ([shipped] if shipped else []) + list(dirs):
        if not d.is_dir():
            raise ConfigError(f"{d}: rules directory does not exist")
        for p in sorted(d.glob("*.toml")):
            # Bundled rules are named as in the repo, whatever the install location.
            f = load_rule_file(p, f"rules/{p.name}" if d == shipped else str(d / p.name))
            if f.name in by_name:
                replaced.append((by_name[f.name].label, f.label))
            by_name[f.name] = f
    if not by_name:
        raise ConfigError(f"no rule files (*.toml) in {', '.join(map(str, dirs))}")
    files = sorted(by_name.values(), key=_file_order)
    return RuleSet(tuple(files), tuple(replaced))


def _file_order(f: RuleFile) -> tuple[bool, str]:
    return (not f.is_default, f.name)


# --- applying -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdicts:
    """What the text directives of a document's rule files do to its lines.

    Attributes:
        removed: the lines removed, each attributed to one rule.
        trimmed: lines kept without a tail a ``trim_tail`` rule cut: (the text left, the rule).
        suspended: one explain record per rule the prose guard suspended for this document:
            the first line it would have removed, with ``suspended: would remove N% of the
            prose`` as its reason (the line is not removed).
        other_language: one explain record per rule with ``lang`` that would have removed or
            trimmed a line of a document in another (or an unknown) language: that line, with
            ``suspended: a rule for de, nl; the document is in fr`` as its reason. Not a
            warning: a rule for another language is no problem of the document.
        ends: the lines a ``drop_line`` rule with ``ends_article`` matched (comments headings),
            whichever rule is credited with removing them.
    """

    removed: dict[int, TextRule]
    trimmed: dict[int, tuple[str, TrimTail]]
    suspended: tuple[Removal, ...]
    other_language: tuple[Removal, ...] = ()
    ends: frozenset[int] = frozenset()

    def warnings(self) -> tuple[str, ...]:
        """One ``suspended: ...`` warning per suspended rule, for the run summary."""
        return tuple(f"suspended: {r.rule} {r.reason.removeprefix('suspended: ')}"
                     for r in self.suspended)


class _Joined:
    """A document's lines as one text, to ask once whether a rule can match any of them.

    A rule that searches line by line (a truncation marker, a list heading, a box's start, a
    tail) acts only on a line its pattern matches; the same pattern in multi-line mode over the
    lines joined by newlines matches wherever it matches one line (``^`` and ``$`` match at
    each line's ends, a line's edge is a non-word character's), so one search of the whole text
    rules most rules out. A pattern with ``\\A`` or ``\\z`` is always searched line by line.
    """

    def __init__(self, blocks: Sequence[Block]) -> None:
        self.blocks = blocks
        self._text: str | None = None

    def may_match(self, rule: TextRule) -> bool:
        pattern = _line_pattern(rule)
        if pattern is None:
            return True
        found = _multiline(pattern.pattern)
        if found is None:
            return True
        if self._text is None:
            self._text = "\n".join(b.text for b in self.blocks)
        return found.search(self._text) is not None


def _line_pattern(rule: TextRule) -> Any:
    """The pattern a rule needs some line to match before it acts, if it has one."""
    if isinstance(rule, TruncateAt | TrimTail):
        return rule.pattern
    if isinstance(rule, DropLinkList):
        return rule.heading
    if isinstance(rule, DropBetween):
        return rule.start
    return None


@functools.lru_cache(maxsize=4096)
def _multiline(pattern: str) -> Any:
    """``pattern`` in multi-line mode, or None when it cannot stand for a line-by-line search."""
    if "\\A" in pattern or "\\z" in pattern:
        return None
    try:
        return re2.compile("(?m)" + pattern, _RE2_OPTIONS)
    except re2.error:
        return None


def rule_verdicts(files: Sequence[RuleFile], blocks: Sequence[Block],
                  lang: str | None = None) -> Verdicts:
    """What the text directives of ``files`` do to ``blocks``, under the prose guard.

    A rule with ``lang`` applies only when the document's language ``lang`` (see
    :func:`document_language`; None: unknown) is one of its languages.

    Truncations go first (what they cut needs no other rule); within a kind of directive the
    most specific file (the last) gets the credit, as it says more about the line than a default.
    The prose guard: a truncation, ``drop_between`` or list rule that would remove more than
    ``MAX_PROSE_SHARE`` of the document's prose (lines that read as sentences, in any script)
    is suspended for this document, unless it is a site's rule with ``force = true`` or a
    truncation whose marker its ``confirm`` pattern confirmed.
    """
    weights = [prose_weight(b.text) for b in blocks]
    total = sum(weights)
    removed: dict[int, TextRule] = {}
    suspended: list[Removal] = []
    ends: set[int] = set()
    line_hits = _drop_line_hits(files, blocks)
    joined = _Joined(blocks)
    for cls in TEXT_RULE_TYPES:
        for f in reversed(files):
            for rule in f.text:
                if type(rule) is not cls or not rule.applies_to(lang):
                    continue
                hits = line_hits.get(id(rule)) if line_hits is not None else None
                if hits is None and not joined.may_match(rule):
                    hits = []
                found = [i for i in (rule.apply(blocks) if hits is None else hits)
                         if i not in removed]
                share = _guarded_share(rule, found, weights, total)
                if share is not None:
                    suspended.append(Removal(blocks[found[0]].text, rule.rule,
                                             f"suspended: would remove {share:.0%} of the prose"))
                    continue
                for i in found:
                    removed[i] = rule
                if isinstance(rule, DropLine) and rule.ends_article:
                    ends.update(rule.apply(blocks) if hits is None else hits)
    return Verdicts(removed, _trims(files, blocks, removed, lang, joined), tuple(suspended),
                    _other_language(files, blocks, lang, line_hits, joined), frozenset(ends))


def _other_language(files: Sequence[RuleFile], blocks: Sequence[Block], lang: str | None,
                    line_hits: Mapping[int, list[int]] | None,
                    joined: _Joined | None = None) -> tuple[Removal, ...]:
    """An explain record for each rule left out for the document's language that would have
    acted on a line: the first such line (``drop_line`` hits come from the set search)."""
    out: list[Removal] = []
    for f in files:
        for rule in f.text:
            if rule.applies_to(lang):
                continue
            hits = line_hits.get(id(rule)) if line_hits is not None else None
            if hits is None and joined is not None and not joined.may_match(rule):
                hits = []
            if hits is None:
                hits = [i for i, b in enumerate(blocks) if rule.trim(b.text) is not None] \
                    if isinstance(rule, TrimTail) else rule.apply(blocks)
            if hits:
                why = f"the document is in {lang}" if lang else "the document's language is " \
                    "not known"
                out.append(Removal(blocks[hits[0]].text, rule.rule,
                                   f"suspended: a rule for {', '.join(sorted(rule.langs))}; {why}"))
    return tuple(out)


@functools.lru_cache(maxsize=64)
def _line_screen(patterns: tuple[str, ...]) -> Any:
    """One RE2 set of drop_line patterns that says in one pass which of them a line matches,
    or None if RE2 cannot build it (then each rule searches on its own)."""
    screen = re2.Set.SearchSet(quiet_re2_options())
    try:
        for pattern in patterns:
            screen.Add(pattern)
        screen.Compile()
    except re2.error:
        return None
    return screen


def _drop_line_hits(files: Sequence[RuleFile],
                    blocks: Sequence[Block]) -> dict[int, list[int]] | None:
    """The blocks each ``drop_line`` rule of ``files`` matches (by the rule's ``id``), found
    with one set search per line instead of one search per rule and line; None to search
    rule by rule."""
    rules = [r for f in files for r in f.text if type(r) is DropLine]
    screen = _line_screen(tuple(r.pattern.pattern for r in rules)) if rules else None
    if screen is None:
        return None
    hits: dict[int, list[int]] = {id(r): [] for r in rules}
    for i, block in enumerate(blocks):
        matched = screen.Match(block.text)
        if not matched:
            continue
        words = len(block.text.split())
        for k in matched:
            if not rules[k].max_words or words <= rules[k].max_words:
                hits[id(rules[k])].append(i)
    return hits


def _guarded_share(rule: TextRule, found: Sequence[int], weights: Sequence[float],
                   total: float) -> float | None:
    """The share of the prose ``rule`` would remove when that suspends it, else None."""
    if not found or not rule.guarded or rule.force or total <= 0:
        return None
    if isinstance(rule, TruncateAt) and rule.confirm is not None:
        return None
    share = sum(weights[i] for i in found) / total
    return share if share > MAX_PROSE_SHARE else None


def _trims(files: Sequence[RuleFile], blocks: Sequence[Block], removed: Mapping[int, TextRule],
           lang: str | None = None,
           joined: _Joined | None = None) -> dict[int, tuple[str, TrimTail]]:
    """Lines kept without the tail a ``trim_tail`` rule cuts (the most specific file first)."""
    rules = [r for f in reversed(files) for r in f.text
             if isinstance(r, TrimTail) and r.applies_to(lang)
             and (joined is None or joined.may_match(r))]
    out: dict[int, tuple[str, TrimTail]] = {}
    for rule in rules:
        for i, b in enumerate(blocks):
            if i not in removed and i not in out and (left := rule.trim(b.text)):
                out[i] = (left, rule)
    return out


def text_rule_verdicts(files: Sequence[RuleFile], blocks: Sequence[Block],
                       lang: str | None = None) -> dict[int, TextRule]:
    """Which blocks the text directives of ``files`` remove (see :func:`rule_verdicts`)."""
    return rule_verdicts(files, blocks, lang).removed


def trimmed_removal(block: Block, left: str, rule: TrimTail) -> tuple[Block, Removal]:
    """A line without its trimmed tail, and the record of the tail alone."""
    tail = block.text[len(left):].strip()
    return Block(left, block.gap), Removal(tail, rule.rule, rule.reason)


def apply_text_rules(
    files: Sequence[RuleFile], blocks: Sequence[Block], lang: str | None = None
) -> tuple[tuple[Block, ...], tuple[Removal, ...]]:
    """Apply every text directive of ``files`` to a document in ``lang``: the blocks kept, and
    the removals (suspended rules and rules for other languages included, as records whose
    reason starts with ``suspended:``)."""
    v = rule_verdicts(files, blocks, lang)
    kept: list[Block] = []
    removals: list[Removal] = []
    for i, b in enumerate(blocks):
        if i in v.removed:
            removals.append(Removal(b.text, v.removed[i].rule, v.removed[i].reason))
        elif i in v.trimmed:
            block, removal = trimmed_removal(b, *v.trimmed[i])
            kept.append(block)
            removals.append(removal)
        else:
            kept.append(b)
    return tuple(kept), (*removals, *v.suspended, *v.other_language)


def element_text(el: Any) -> str:
    """Whitespace-normalised text of an element, for the record of what was removed."""
    return " ".join("".join(el.itertext()).split())


def body_rule(files: Sequence[RuleFile], tree: Any) -> tuple[RuleFile, str] | None:
    """The file and rule id of the body choice :func:`apply_html_rules` makes on ``tree``
    (after its removals), or None when no body rule selects an element."""
    for f in reversed(files):
        for rule_id, xpath in zip(f.html.body_ids, f.html.body, strict=True):
            if any(isinstance(el, etree._Element) for el in cast(list[Any], xpath(tree))):
                return f, rule_id
    return None


def apply_html_rules(files: Sequence[RuleFile], tree: Any) -> tuple[Any, tuple[Removal, ...]]:
    """Remove elements by the files' selectors; return the body element to extract from."""
    removals: list[Removal] = []
    for f in files:
        for rule_id, selector, xpath in f.html.remove:
            for el in cast(list[Any], xpath(tree)):
                if not isinstance(el, etree._Element) or el.getparent() is None:
                    continue
                text = element_text(el)
                if text:
                    removals.append(Removal(text, rule_id, f"element {selector}"))
                _drop_keep_tail(el)
    body = tree
    for f in reversed(files):  # the most specific file's body choice wins
        for xpath in f.html.body:
            found = [el for el in cast(list[Any], xpath(tree)) if isinstance(el, etree._Element)]
            if found:
                return found[0], tuple(removals)
    return body, tuple(removals)


def _drop_keep_tail(el: Any) -> None:
    """Remove an element but keep its tail text, which belongs to the parent."""
    parent = el.getparent()
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def trafilatura_options(files: Sequence[RuleFile]) -> dict[str, Any]:
    """Per-site trafilatura options; a more specific file overrides the default."""
    opts: dict[str, Any] = {}
    for f in files:
        opts.update(f.html.trafilatura)
    return opts

