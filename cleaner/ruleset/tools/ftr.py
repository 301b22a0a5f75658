"""``cleaner rules import-ftr``: FiveFilters ftr-site-config files to rule files.

An ftr-site-config file (``example.com.txt``, or ``.example.com.txt`` for every subdomain)
holds ``directive: value`` lines. What maps onto our format:

=====================  ====================================================================
FTR                    rule file
=====================  ====================================================================
``body``               ``html.body_xpath`` (in order: the first that selects something wins)
``strip``              ``html.remove_xpath``
``strip_id_or_class``  ``html.remove_xpath``: the element with that whole class or that id
``strip_image_src``    ``html.remove_xpath``: ``//img[contains(@src,'X')]``
``example.com.txt``    ``example.com.toml``, ``match.hosts = ["example.com"]`` (a host covers
                       its subdomains here, unless a file names them more precisely)
``.example.com.txt``   ``_.example.com.toml``: FTR's subdomains-only file, a file of its own
                       (see :func:`subdomain_hosts`)
=====================  ====================================================================

A file that cannot be converted is reported and the import goes on; the exit status is 1 and
the closing lines list every such file and why.

Everything else is reported and left out: metadata XPaths (title, date, author: cleaner takes
metadata from the page with trafilatura), Full-Text RSS's own processing (tidy, prune,
replace_string, ...), fetching (single_page_link, next_page_link, http_header, login), and
test_url/test_contains, whose pages cannot be fetched offline.

Every rule file must carry a [[test]], and a file without one does not load, which stops
every ``cleaner clean`` run over its directory. So the converter writes a clearly marked
placeholder test built from the file's own XPaths: a small page with an element each XPath
selects, whose text must survive (body) or go (strip). It proves only that the XPaths select
what they say; ``cleaner rules lint`` reports it (R104) until a saved page replaces it.

Every file written says ``imported = "ftr"``: on a page where its html rules would leave under
half of the article the extractors find without them, they are suspended for that page
(:func:`cleaner.steps.core.guard_imported`). Delete the line once the file is reviewed.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from html import escape as html_escape
from pathlib import Path
from typing import Any, cast

from lxml import etree

from cleaner.config import ConfigError
from cleaner.ruleset import RuleError, RuleSet, compile_xpath, parse_rule_file
from cleaner.ruleset.selftest import run_rule_test
from cleaner.ruleset.tools.context import base_rules, with_file
from cleaner.ruleset.tools.toml_out import dumps
from cleaner.steps.extract import parse_html

PLACEHOLDER_TEST = "placeholder_from_ftr_rules"
# Directive -> why it is not carried over.
_DROPPED = {
    "title": "metadata: cleaner takes the title from the page (trafilatura)",
    "date": "metadata: cleaner takes the date from the page (trafilatura)",
    "author": "metadata: cleaner takes the author from the page (trafilatura)",
    "tidy": "Full-Text RSS's HTML Tidy pass: no equivalent",
    "prune": "Full-Text RSS's pruning of the body: no equivalent (trafilatura extracts)",
    "autodetect_on_failure": "always on here: without a body match the whole page is extracted",
    "parser": "Full-Text RSS's HTML parser choice: no equivalent",
    "convert_double_br_tags": "Full-Text RSS's HTML preprocessing: no equivalent",
    "single_page_link": "multi-page fetching: cleaner cleans the page it is given",
    "next_page_link": "multi-page fetching: cleaner cleans the page it is given",
    "replace_string": "string replacement in the raw HTML: no equivalent",
    "find_string": "string replacement in the raw HTML: no equivalent",
    "http_header": "fetching: cleaner does not fetch",
    "login_uri": "fetching: cleaner does not fetch",
    "login_username_field": "fetching: cleaner does not fetch",
    "login_password_field": "fetching: cleaner does not fetch",
    "login_extra_fields": "fetching: cleaner does not fetch",
    "not_logged_in_xpath": "fetching: cleaner does not fetch",
    "requires_login": "fetching: cleaner does not fetch",
    "native_ad_clue": "native-ad detection: no equivalent",
    "src_lazy_load_attr": "lazy-image handling: no equivalent",
    "insert_detected_image": "image handling: no equivalent",
    "skip_json_ld": "JSON-LD handling: no equivalent",
    "dissolve": "element unwrapping: no equivalent",
    "wrap_in": "element wrapping: no equivalent",
    "move_into": "element moving: no equivalent",
    "strip_attr": "attribute stripping: no equivalent (only text is kept)",
    "if_page_contains": "conditional rules: no equivalent",
    "test_url": "cannot be fetched offline: save the page and add it as a [[test]]",
    "test_contains": "belongs to a test_url, which cannot be fetched offline",
}
_LINE = re.compile(r"^([A-Za-z0-9_]+)(?:\((.*)\))?\s*:\s?(.*)$")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
_PROBE_PAGE = etree.fromstring("<html><head/><body><div><p>x</p></div></body></html>")


@dataclass(frozen=True, slots=True)
class FtrLine:
    """One directive line of an ftr-site-config file."""

    line: int
    directive: str
    arg: str | None
    value: str

    def __str__(self) -> str:
        arg = f"({self.arg})" if self.arg is not None else ""
        return f"{self.directive}{arg}: {self.value}"


def parse_ftr(text: str) -> tuple[list[FtrLine], list[tuple[int, str]]]:
    """The directive lines of a file, and the lines that are not directives."""
    out: list[FtrLine] = []
    bad: list[tuple[int, str]] = []
    # Newlines only, as Full-Text RSS splits: str.splitlines() also breaks at a form feed.
    for n, raw in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if m is None:
            bad.append((n, line))
        else:
            out.append(FtrLine(n, m.group(1).lower(), m.group(2), m.group(3).strip()))
    return out, bad


def xpath_literal(text: str) -> str:
    """An XPath 1.0 string literal for any text (concat() when it holds both quotes)."""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ", \"'\", ".join(f"'{p}'" for p in text.split("'")) + ")"


def id_or_class_xpath(name: str) -> str:
    """The elements whose class list holds ``name``, or whose id is ``name``."""
    lit = xpath_literal(name)
    spaced = xpath_literal(f" {name} ")
    return (f"//*[contains(concat(' ',normalize-space(@class),' '),{spaced}) or @id={lit}]")


def image_src_xpath(fragment: str) -> str:
    """The images whose src contains ``fragment``."""
    return f"//img[contains(@src,{xpath_literal(fragment)})]"


def host_from_name(file_name: str) -> str | None:
    """``example.com.txt`` and ``.example.com.txt`` -> ``example.com``; None if not a host."""
    host = file_name.removesuffix(".txt").lstrip(".").lower().removeprefix("www.")
    return host if _HOST.match(host) else None


SUBDOMAIN_PREFIX = "_."  # no host name starts with "_": the output cannot clash with a site's


def subdomain_hosts(host: str) -> list[str]:
    """``match.hosts`` for FTR's ``.host.txt``, which applies to the subdomains of host only."""
    return [f".{host}"]


@dataclass
class Conversion:
    """One converted file: the rule data, what was left out, and the report."""

    source: str
    host: str
    subdomains: bool = False  # FTR's .host.txt: the subdomains of host, not host itself
    body: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    notes: dict[tuple[str | int, ...], str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    test_pages: list[str] = field(default_factory=list)
    covered: list[str] = field(default_factory=list)
    toml: str = ""
    problem: str = ""

    @property
    def name(self) -> str:
        return SUBDOMAIN_PREFIX + self.host if self.subdomains else self.host

    @property
    def hosts(self) -> list[str]:
        return subdomain_hosts(self.host) if self.subdomains else [self.host]

    @property
    def test_url(self) -> str:
        """The placeholder test's URL: on a subdomain for a subdomains-only file."""
        if self.subdomains:
            return f"https://ftr-placeholder.{self.host}/ftr-placeholder"
        return f"https://{self.host}/ftr-placeholder"


def _check_xpath(expr: str, label: str) -> str | None:
    """Why an FTR XPath cannot be used here, or None."""
    try:
        xpath = compile_xpath(expr, label, "xpath")
        found = xpath(_PROBE_PAGE)
    except RuleError as exc:
        return str(exc).split(": ", 2)[-1]
    except etree.XPathError as exc:  # PHP or EXSLT functions Full-Text RSS allows
        return f"XPath {expr!r} does not run here: {exc}"
    if not isinstance(found, list):
        return f"XPath {expr!r} gives a value, not elements"
    return None


def _add(conv: Conversion, target: list[str], key: str, expr: str, item: FtrLine) -> None:
    why = _check_xpath(expr, conv.source)
    if why:
        conv.dropped.append(f"line {item.line}: {item} ({why})")
        return
    if expr in target:
        conv.dropped.append(f"line {item.line}: {item} (the same XPath is already carried)")
        return
    target.append(expr)
    origin = item.directive if item.directive in ("body", "strip") else str(item)
    conv.notes[("html", key, len(target) - 1)] = f"{origin} (line {item.line})"


def convert_lines(source: str, host: str, lines: Sequence[FtrLine]) -> Conversion:
    """Map the directives of one file; everything not mapped is listed in ``dropped``."""
    conv = Conversion(source, host)
    for item in lines:
        d, value = item.directive, item.value
        if d == "body":
            _add(conv, conv.body, "body_xpath", value, item)
        elif d == "strip":
            _add(conv, conv.remove, "remove_xpath", value, item)
        elif d == "strip_id_or_class":
            _add(conv, conv.remove, "remove_xpath", id_or_class_xpath(value.strip("'\"")), item)
        elif d == "strip_image_src":
            _add(conv, conv.remove, "remove_xpath", image_src_xpath(value), item)
        else:
            if d == "test_url":
                conv.test_pages.append(value)
            elif d == "test_contains" and conv.test_pages:
                conv.test_pages[-1] += f"  (must contain: {value})"
            why = _DROPPED.get(d, "unknown directive")
            conv.dropped.append(f"line {item.line}: {item} ({why})")
    return conv


# --- the placeholder test -----------------------------------------------------------------------

_VOID = frozenset({"img", "br", "hr", "input", "meta", "link", "source", "area", "col", "embed",
                   "wbr", "track", "param"})
_SKIP_TAGS = frozenset({"html", "body"})
_LIT = r"""(?:'([^']*)'|"([^"]*)")"""
_CONDITIONS = (
    (re.compile(rf"^@([\w:-]+)\s*=\s*{_LIT}$"), "equals"),
    (re.compile(rf"^contains\(\s*concat\(\s*' '\s*,\s*normalize-space\(\s*@class\s*\)\s*,"
                rf"\s*' '\s*\)\s*,\s*{_LIT}\s*\)$"), "class"),
    (re.compile(rf"^normalize-space\(\s*@([\w:-]+)\s*\)\s*=\s*{_LIT}$"), "equals"),
    (re.compile(rf"^contains\(\s*@([\w:-]+)\s*,\s*{_LIT}\s*\)$"), "contains"),
    (re.compile(rf"^starts-with\(\s*@([\w:-]+)\s*,\s*{_LIT}\s*\)$"), "starts"),
    (re.compile(rf"^contains\(\s*(?:\.|text\(\))\s*,\s*{_LIT}\s*\)$"), "text"),
    (re.compile(r"^@([\w:-]+)$"), "has"),
    (re.compile(r"^1$"), "first"),
)


@dataclass
class _Element:
    tag: str
    attrs: dict[str, list[str]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)

    def open(self, marker: str) -> str:
        attrs = {k: " ".join(v) for k, v in self.attrs.items()}
        attrs["data-placeholder"] = marker
        inner = "".join(f' {k}="{html_escape(v)}"' for k, v in attrs.items())
        return f"<{self.tag}{inner}>"


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside brackets, parentheses and quotes."""
    parts, depth, quote, start, i = [], 0, "", 0, 0
    while i < len(text):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _condition(el: _Element, cond: str) -> bool:
    cond = cond.strip()
    for regex, how in _CONDITIONS:
        m = regex.match(cond)
        if m is None:
            continue
        groups = [g for g in m.groups() if g is not None]
        if how == "first":
            return True
        if how == "text":
            el.texts.append(groups[0])
            return True
        if how == "class":  # the class test has no attribute group: only the literal
            groups = ["class", *groups]
        name = groups[0]
        value = groups[1].strip() if len(groups) > 1 else "placeholder"
        values = el.attrs.setdefault(name, [])
        if how == "equals" or name != "class":
            values[:] = [value]
        elif how == "starts":
            values.insert(0, value)
        else:
            values.append(value)
        return True
    return False


def _predicates(text: str) -> list[str] | None:
    """The ``[...]`` predicates of a step, or None when the text is not only predicates."""
    out: list[str] = []
    depth, quote, start = 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "[":
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                out.append(text[start:i])
        elif depth == 0 and not ch.isspace():
            return None
    return out if depth == 0 else None


def _step(step: str) -> _Element | None:
    m = re.match(r"^(\*|[A-Za-z][\w-]*)(\[.*\])?$", step.strip())
    if m is None:
        return None
    el = _Element("div" if m.group(1) == "*" else m.group(1).lower())
    preds = _predicates(m.group(2) or "")
    if preds is None:
        return None
    for pred in preds:
        first = _split_top(pred.strip(), " or ")[0]
        if not all(_condition(el, c) for c in _split_top(first, " and ")):
            return None
    return el


def synthesize(expr: str) -> list[_Element] | None:
    """Elements, outermost first, that a simple location path selects; None if not simple."""
    path = _split_top(expr.strip(), "|")[0].strip()
    if not path.startswith("//") and not path.startswith("/html"):
        return None
    steps = [s for s in _split_top(path, "/") if s.strip()]
    out: list[_Element] = []
    for s in steps:
        el = _step(s)
        if el is None:
            return None
        if el.tag not in _SKIP_TAGS:
            out.append(el)
    return out or None


def _nest(elements: list[_Element], marker: str, inner: str) -> str:
    *outer, last = elements
    html = last.open(marker) + ("" if last.tag in _VOID else inner + f"</{last.tag}>")
    for el in reversed(outer):
        html = el.open(marker + "-outer") + html + f"</{el.tag}>"
    return html


def _prose(host: str) -> list[str]:
    return [
        f"This placeholder paragraph stands in for the article text of a page from {host}, "
        "until a saved page of the site replaces this generated test.",
        "The converter built this page from the rule file's own XPaths, so it shows only that "
        "each expression selects the element it was written for.",
        "A real test keeps lines of a real article and loses the boxes, menus and prompts "
        "that the strip rules were written to remove.",
    ]


@dataclass
class _Page:
    html: str
    must_contain: list[str]
    must_not_contain: list[str]
    covered: list[str]


def _selects_marker(expr: str, tree: Any, marker: str) -> bool:
    found = cast(list[Any], etree.XPath(expr, regexp=False)(tree))
    return any(isinstance(el, etree._Element) and el.get("data-placeholder") == marker
               for el in found)


def _build_page(conv: Conversion, body: list[_Element] | None, body_key: str,
                strips: list[tuple[int, list[_Element]]]) -> _Page | None:
    """A page with a body element and the strip elements; None if the XPaths disagree."""
    prose = _prose(conv.host)
    pieces = []
    must_not = []
    for i, elements in strips:
        text = "" if elements[-1].tag in _VOID else html_escape(" ".join(
            [*elements[-1].texts, f"Placeholder text for remove_xpath[{i}], which the rule "
             "must remove from the page."]))
        pieces.append(_nest(elements, f"strip{i}", text) + "\n")
        if text:
            must_not.append(f"Placeholder text for remove_xpath[{i}],")
    paragraphs = "".join(f"<p>{html_escape(p)}</p>\n" for p in prose)
    container = body or [_Element("article")]
    html = (f"<!doctype html><html><head><title>Placeholder page for {conv.host}</title></head>"
            f"<body>\n{_nest(container, 'body', chr(10) + paragraphs + ''.join(pieces))}\n"
            "</body></html>")
    tree = parse_html(html)
    if body is not None and not _selects_marker(conv.body[int(body_key)], tree, "body"):
        return None
    kept = [el for el in tree.iter() if el.get("data-placeholder", "").startswith("body")]
    for expr in conv.remove:  # no strip rule may take the body or its paragraphs away
        found = cast(list[Any], etree.XPath(expr, regexp=False)(tree))
        if any(el is k or el in k.iterancestors() for el in found for k in kept):
            return None
    covered = [f"body_xpath[{body_key}]"] if body is not None else []
    for i, _ in strips:
        if not _selects_marker(conv.remove[i], tree, f"strip{i}"):
            return None
        covered.append(f"remove_xpath[{i}]")
    # Each paragraph's start is a must_contain to try: a strip rule may take some (//p[1]).
    return _Page(html, [" ".join(p.split()[:8]) for p in prose], must_not, covered)


def _candidate_pages(conv: Conversion) -> Iterator[_Page]:
    """Pages to try, most complete first: each body XPath, then a plain article element.

    For each body, the page holds every strip element that works on its own; then each such
    element alone; then none (a test that only checks the article is kept).
    """
    strips = [(i, els) for i, expr in enumerate(conv.remove) if (els := synthesize(expr))]
    bodies: list[tuple[list[_Element] | None, str]] = [
        (els, str(i)) for i, expr in enumerate(conv.body) if (els := synthesize(expr))]
    bodies.append((None, ""))
    for body, key in bodies:
        alone = [s for s in strips if _build_page(conv, body, key, [s]) is not None]
        for subset in (alone, *([s] for s in alone), []):
            page = _build_page(conv, body, key, subset)
            if page is not None:
                yield page


def _test_table(conv: Conversion, page: _Page, keep: str) -> dict[str, Any]:
    test: dict[str, Any] = {"name": PLACEHOLDER_TEST, "kind": "html",
                            "url": conv.test_url, "input": page.html,
                            "must_contain": [keep]}
    if page.must_not_contain:
        test["must_not_contain"] = page.must_not_contain
    return test


def _header(conv: Conversion) -> str:
    lines = textwrap.wrap(
        f"Imported by `cleaner rules import-ftr` from the FiveFilters ftr-site-config file "
        f"{conv.source}. Review before use: the XPaths were written for Full-Text RSS's own "
        "extraction, and strip_id_or_class now matches a whole class name or the exact id.", 96)
    if conv.dropped:
        lines.append("Not carried over:")
        lines += [f"  {d}" for d in conv.dropped]
    if conv.test_pages:
        lines.append("FTR test pages (not fetched: save one and add it as a [[test]] with "
                     "kind = \"html\"):")
        lines += [f"  {u}" for u in conv.test_pages]
    return "\n".join(lines)


_PLACEHOLDER_NOTE = (
    "PLACEHOLDER test, generated from this file's own XPaths, not from a page of the site: it\n"
    "shows only that each XPath selects the element it was written for. Replace it with a saved\n"
    "page of the site (kind = \"html\") and lines its article must keep and lose; until then\n"
    "`cleaner rules lint` reports it (R104).")


def _data(conv: Conversion, test: dict[str, Any]) -> dict[str, Any]:
    html: dict[str, Any] = {}
    if conv.body:
        html["body_xpath"] = conv.body
    if conv.remove:
        html["remove_xpath"] = conv.remove
    return {"description": f"{conv.host}: imported from FiveFilters ftr-site-config "
            f"({conv.source}); review before use.", "imported": "ftr",
            "match": {"hosts": conv.hosts}, "html": html, "test": [test]}


def finish(conv: Conversion, rules: RuleSet) -> Conversion:
    """Write the TOML with the first placeholder page whose test passes with the rule set."""
    comments = {**conv.notes, (): _header(conv), ("test", 0): _PLACEHOLDER_NOTE}
    for page in _candidate_pages(conv):
        for keep in page.must_contain:
            text = dumps(_data(conv, _test_table(conv, page, keep)), comments)
            try:
                new = parse_rule_file(text.encode("utf-8"), conv.name, f"{conv.name}.toml")
            except RuleError as exc:  # what the writer gave does not load: say so, go on
                conv.problem = f"the rule file written for it does not load: {exc}"
                return conv
            # Without the guard: the test shows what the XPaths themselves do to the page.
            bare = replace(new, imported="")
            if run_rule_test(with_file(rules, bare), bare, bare.tests[0]).passed:
                conv.toml, conv.covered = text, page.covered
                return conv
    conv.problem = ("no placeholder page keeps any text with these rules (do the strip XPaths "
                    "remove every paragraph?); no file written: write one with a saved page")
    return conv


def convert_file(path: Path, rules: RuleSet) -> Conversion:
    """Convert one ftr-site-config file."""
    host = host_from_name(path.name)
    if host is None:
        conv = Conversion(path.name, path.name)
        conv.problem = "the file name is not a host name (example.com.txt, .example.com.txt)"
        return conv
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        conv = Conversion(path.name, host, path.name.startswith("."))
        conv.problem = (f"not UTF-8 (byte 0x{exc.object[exc.start]:02X} at offset {exc.start}): "
                        "save it as UTF-8" if isinstance(exc, UnicodeDecodeError)
                        else f"cannot read it: {exc.strerror or exc}")
        return conv
    lines, bad = parse_ftr(text)
    conv = convert_lines(path.name, host, lines)
    conv.subdomains = path.name.startswith(".")
    conv.dropped += [f"line {n}: {line} (not a 'directive: value' line)" for n, line in bad]
    conv.dropped.sort(key=lambda d: int(d.split(":", 1)[0].removeprefix("line ")))
    if not conv.body and not conv.remove:
        conv.problem = "nothing to carry over (no usable body, strip, strip_id_or_class or " \
            "strip_image_src); no file written"
        return conv
    return finish(conv, rules)


# --- command line -------------------------------------------------------------------------------

IMPORT_EPILOG = """\
mapping:
  body               -> html.body_xpath
  strip              -> html.remove_xpath
  strip_id_or_class  -> html.remove_xpath  //*[contains(concat(' ',normalize-space(@class),' '),
                                           ' X ') or @id='X']
  strip_image_src    -> html.remove_xpath  //img[contains(@src,'X')]
  file name          -> match.hosts        (example.com.txt and .example.com.txt: example.com)
Everything else (title, date, author, tidy, prune, replace_string, single_page_link,
test_url, ...) is listed in the file's header comment and on stderr.

Each file gets a PLACEHOLDER [[test]] built from its own XPaths, so that it loads and its test
passes; replace it with a saved page of the site (`cleaner rules lint` reports it as R104).

exit status: 0 every file converted, 1 a file could not be converted, 2 usage error.
"""


def add_parser(cmds: Any) -> None:
    """Add ``import-ftr`` to ``cleaner rules``."""
    p = cmds.add_parser("import-ftr", help="convert FiveFilters ftr-site-config files",
                        formatter_class=argparse.RawDescriptionHelpFormatter,
                        description="Convert FiveFilters ftr-site-config files (example.com.txt)"
                        " into rule files.", epilog=IMPORT_EPILOG)
    p.add_argument("paths", nargs="+", metavar="PATH", help="ftr files, or directories of *.txt")
    p.add_argument("-o", "--output", type=Path, metavar="DIR",
                   help="write HOST.toml files here (default: one file to stdout)")
    p.add_argument("--force", action="store_true", help="overwrite existing files in DIR")
    p.add_argument("--rules", action="append", type=Path, metavar="DIR",
                   help="rules the placeholder test runs with (default: the bundled rules)")


def _inputs(paths: Sequence[str]) -> list[Path]:
    out: list[Path] = []
    for name in paths:
        p = Path(name)
        if p.is_dir():
            out += sorted(p.glob("*.txt"))
        elif p.is_file():
            out.append(p)
        else:
            raise ConfigError(f"{name}: no such file or directory")
    if not out:
        raise ConfigError(f"no ftr-site-config files (*.txt) in {', '.join(paths)}")
    return out


def _visible(text: str) -> str:
    """A message line with the control characters a site config may hold escaped."""
    return "".join(ch if ch.isprintable() or ch == "\t" else f"\\u{ord(ch):04X}" for ch in text)


def _report(conv: Conversion, target: str) -> None:
    err = sys.stderr
    if conv.problem:
        print(_visible(f"{conv.source}: not converted: {conv.problem}"), file=err)
    else:
        print(_visible(
            f"{conv.source} -> {target}: {len(conv.body)} body and {len(conv.remove)} "
            f"remove XPaths; placeholder test covers "
            f"{', '.join(conv.covered) or 'no rule (it only checks that the page is kept)'}"),
            file=err)
    for d in conv.dropped:
        print(_visible(f"  not carried over: {d}"), file=err)


# One bad site config must not stop an import of two thousand: whatever converting or writing
# one file raises is that file's failure.
_FILE_ERRORS = (ConfigError, OSError, ValueError, TypeError, RecursionError, etree.LxmlError)


def _convert_one(path: Path, rules: RuleSet) -> Conversion:
    try:
        return convert_file(path, rules)
    except _FILE_ERRORS as exc:
        conv = Conversion(path.name, host_from_name(path.name) or path.name)
        conv.problem = f"cannot convert it: {type(exc).__name__}: {exc}"
        return conv


def _write(conv: Conversion, out: Path | None, force: bool, written: dict[str, str]) -> None:
    """Write a converted file (to stdout without ``out``); a failure goes to conv.problem."""
    if out is None:
        sys.stdout.write(conv.toml)
        return
    dest = out / f"{conv.name}.toml"
    if conv.name in written:
        conv.problem = f"{written[conv.name]} was written to {dest} in this run already"
    elif dest.exists() and not force:
        conv.problem = f"{dest} exists; use --force to overwrite it"
    else:
        try:
            dest.write_text(conv.toml, encoding="utf-8")
        except OSError as exc:
            conv.problem = f"cannot write {dest}: {exc.strerror or exc}"
            return
        written[conv.name] = conv.source


def _summary(files: int, written: int, failed: list[Conversion]) -> None:
    err = sys.stderr
    print(f"cleaner rules import-ftr: {files} file{'s' * (files != 1)}, {written} written, "
          f"{len(failed)} not converted", file=err)
    for conv in failed:
        print(_visible(f"  {conv.source}: {conv.problem}"), file=err)


def run(args: argparse.Namespace) -> int:
    """Run ``rules import-ftr``; returns the exit code (1 if any file was not converted)."""
    files = _inputs(args.paths)
    out: Path | None = args.output
    if out is None and len(files) > 1:
        raise ConfigError("several files to convert: give an output directory with -o DIR")
    if out is not None:
        if out.exists() and not out.is_dir():
            raise ConfigError(f"{out}: not a directory")
        out.mkdir(parents=True, exist_ok=True)
    rules = base_rules(args.rules or ())
    failed: list[Conversion] = []
    written: dict[str, str] = {}  # output name -> the file it came from
    for path in files:
        conv = _convert_one(path, rules)
        if not conv.problem:
            _write(conv, out, args.force, written)
        _report(conv, str(out / f"{conv.name}.toml") if out else "stdout")
        if conv.problem:
            failed.append(conv)
    _summary(len(files), len(files) - len(failed), failed)
    return 1 if failed else 0
