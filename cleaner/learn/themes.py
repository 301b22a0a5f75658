"""Themes across sites: the pages of small sites that share one CMS theme or one publisher's
platform, grouped so that their common template can be learned together.

A site with too few pages in a run to learn its own profile may share its template with other
small sites: a WordPress theme, a newspaper group's platform. Such sites load the same scripts
and stylesheets from their own hosts, at the same paths: ``/wp-content/themes/NAME/...``, or a
platform's ``/js/hdn/unification/modules/adTools.js`` on each of its newspapers. Those paths
are the theme's *marks*. Third-party scripts (ads, analytics, fonts, CDNs) are no mark: they are
on any site. Nor are paths every site of a CMS has (WordPress's ``wp-includes`` and plugins,
Cloudflare's ``cdn-cgi``), the file names of common libraries (jQuery, Bootstrap, ...), or a
path with one directory (``/css/style.css`` is any static site's).

Text scrapes load no scripts: their marks are their distinctive short lines (two words or
more, 12 characters or more, not prose), the first and last :data:`MAX_MARKS` / 2 of a page,
where a template's menus and footers are.

Two sites are of one theme when they share at least :data:`MIN_SHARED` marks (one shared
path, such as ``/js/main.js``, may be chance), or, for text scrapes, :data:`MIN_SHARED_LINES`
lines that are 5% of their lines or more ("Privacy Policy" and "Share this article" are on
sites of any theme, and a few such lines would link them all); a theme is a group of sites
linked so, and its name is the WordPress theme's when its sites share one, else its first
site's host.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from array import array
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from cleaner.inputs.sniff import SNIFF_BYTES, sniff
from cleaner.ruleset import is_prose

MIN_SHARED = 2
# Text scrapes: sites of one platform share many menu and footer lines (9 to 14 of 50 to 80
# on the dev set's newspaper groups), sites of two templates a few common labels ("Privacy
# Policy", "Personal Finance": at most 4 there). Chosen after looking at those pairs.
MIN_SHARED_LINES = 5
LINES_OVERLAP = 0.05
LINE_MIN_CHARS = 12
# Marks taken from a page: enough for any template, few enough that a page of thousands of
# scripts costs little.
MAX_MARKS = 64
KEY = "theme:"
_WP_DIR = "wp-content/themes/"
_HOSTING = frozenset({"vip", "pub", "premium"})  # directories of themes, not themes

_ASSET = re.compile(rb"""<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"'\s<>]{1,300})""",
                    re.IGNORECASE)
_WP_THEME = re.compile(rb"wp-content/themes/([A-Za-z0-9_.-]{1,60})(?:/([A-Za-z0-9_.-]{1,60}))?")
# Two directories at least: ``/css/style.css`` and ``/js/main.js`` are any static site's.
_ASSET_PATH = re.compile(r"^/(?:[A-Za-z0-9_.~%+-]+/){2,}[A-Za-z0-9_.~%+-]+\.(?:js|css)$")
# Paths every site of a CMS or a host has, whatever its theme.
_GENERIC = ("/wp-includes/", "/wp-content/plugins/", "/wp-content/mu-plugins/", "/cdn-cgi/",
            "/wp-json/", "/misc/", "/core/misc/", "/modules/", "/sites/all/modules/",
            "/sites/all/libraries/", "/media/system/", "/media/jui/")
_LIBRARY = re.compile(r"jquery|bootstrap|modernizr|polyfill|html5shiv|respond|require|"
                      r"font-?awesome|swiper|slick|lazysizes|analytics|gtag|email-decode",
                      re.IGNORECASE)
# Host names that are no public site: a site built and browsed locally.
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".invalid",
                   ".test")


def public_host(host: str | None) -> str | None:
    """The host, unless it is no public site's (``localhost``, a private or loopback address,
    a name without a dot, ``.local``): pages a site's author built locally carry such URLs
    in their canonical links, and all of them would make one bogus site."""
    if not host:
        return None
    name = host.strip("[]").lower()
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        if "." not in name or name.endswith(_LOCAL_SUFFIXES):
            return None
        return host
    return host if address.is_global else None


def marks_of(data: bytes, host: str, kind: str | None) -> tuple[frozenset[str], bool]:
    """The theme marks of a raw page, and whether they are a text scrape's lines."""
    if kind == "html" or sniff(data[:SNIFF_BYTES]) == "html":
        return page_marks(data, host), False
    return line_marks(data.decode("utf-8", "replace")), True


def line_marks(text: str) -> frozenset[str]:
    """A text scrape's marks: its distinctive short lines, the first and the last ones."""
    lines = [t for line in text.splitlines()
             if len(t := line.strip()) >= LINE_MIN_CHARS and len(t.split()) >= 2
             and not is_prose(t) and any(c.isalpha() for c in t)]
    half = MAX_MARKS // 2
    return frozenset(lines[:half] + lines[-half:])


def compact(marks: Iterable[str]) -> array[int]:
    """Marks as 8-byte digests, sorted: what a run holds for each small site."""
    return array("q", sorted({int.from_bytes(hashlib.blake2b(m.encode("utf-8", "replace"),
                                                             digest_size=8).digest(),
                                             "little", signed=True) for m in marks}))


def theme_name(marks: Iterable[str]) -> str:
    """The WordPress theme among a page's marks, or ''."""
    return min((m.removeprefix(_WP_DIR).rstrip("/") for m in marks if m.startswith(_WP_DIR)),
               default="")


def page_marks(data: bytes, host: str) -> frozenset[str]:
    """The theme marks of a raw page (see the module's docstring): the WordPress theme's
    directory, and the paths of the scripts and stylesheets the page loads from its own
    host (``host``: the host of the page's URL, without ``www.``)."""
    marks: set[str] = set()
    for m in _WP_THEME.finditer(data):
        name = m.group(1).decode("ascii")
        if name in _HOSTING and m.group(2):  # WordPress VIP, WordPress.com: not the theme
            name += "/" + m.group(2).decode("ascii")
        marks.add(f"{_WP_DIR}{name}/")
    for m in _ASSET.finditer(data):
        path = _own_path(m.group(1).decode("ascii", "replace"), host)
        if path is not None:
            marks.add(path)
        if len(marks) >= MAX_MARKS:
            break
    return frozenset(marks)


def _own_path(url: str, host: str) -> str | None:
    """The path of a script or stylesheet on the page's own host, if it may be a mark."""
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        if (parts.hostname or "").removeprefix("www.") != host:
            return None
    elif not url.startswith("/"):
        return None
    path = parts.path
    if not _ASSET_PATH.match(path) or any(g in path for g in _GENERIC):
        return None
    if _LIBRARY.search(path.rsplit("/", 1)[1]):
        return None
    return path


@dataclass(frozen=True, slots=True)
class Theme:
    """Sites of one theme: its name, its sites' hosts, and the marks all of them share."""

    name: str
    hosts: tuple[str, ...]
    marks: tuple[str, ...]

    @property
    def key(self) -> str:
        """How the run names the theme, beside its sites' hosts: ``theme:NAME``."""
        return KEY + self.name


def group_themes(marks: Mapping[str, Iterable[Hashable]], names: Mapping[str, str],
                 min_shared: int = MIN_SHARED, min_overlap: float = 0.0) -> list[Theme]:
    """The themes of sites (host -> the marks of its pages; ``names``: host -> its WordPress
    theme, if any): sites linked by sharing at least ``min_shared`` marks and ``min_overlap``
    of all their marks (shared / either's), two sites or more a theme, in order of name.

    Cost: for each mark, the square of the number of sites that have it.
    """
    themes: dict[str, Theme] = {}
    for hosts in _linked(marks, min_shared, min_overlap):
        common = set(marks[hosts[0]])
        for h in hosts[1:]:
            common &= set(marks[h])
        found = sorted((m for m in common if isinstance(m, str)), key=lambda m: (
            not m.startswith(_WP_DIR), -len(m), m))
        wp = {names.get(h, "") for h in hosts}
        theme = Theme(_name(wp.pop() if len(wp) == 1 and "" not in wp else hosts[0]),
                      tuple(hosts), tuple(found))
        if theme.name in themes:  # two groups of one WordPress theme's sites
            theme = Theme(_name(f"{theme.name}-{hosts[0]}"), theme.hosts, theme.marks)
        themes[theme.name] = theme
    return [themes[name] for name in sorted(themes)]


def _linked(marks: Mapping[str, Iterable[Hashable]], min_shared: int,
            min_overlap: float) -> list[list[str]]:
    """Groups of two hosts or more, each host linked to another of its group by
    ``min_shared`` shared marks (and ``min_overlap`` of their marks)."""
    by_mark: dict[Hashable, list[str]] = {}
    size: dict[str, int] = {}
    for host in sorted(marks):
        found = set(marks[host])
        size[host] = len(found)
        for mark in found:
            by_mark.setdefault(mark, []).append(host)
    pairs: Counter[tuple[str, str]] = Counter()
    for hosts in by_mark.values():
        for i, a in enumerate(hosts):
            pairs.update((a, b) for b in hosts[i + 1:])
    root: dict[str, str] = {}

    def find(h: str) -> str:
        while root.get(h, h) != h:
            h = root[h]
        return h

    for (a, b), n in sorted(pairs.items()):
        ra, rb = find(a), find(b)
        if n >= min_shared and n >= min_overlap * (size[a] + size[b] - n) and ra != rb:
            root[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = {}
    for host in sorted(root.keys() | root.values()):
        members.setdefault(find(host), []).append(host)
    return [hosts for hosts in members.values() if len(hosts) >= 2]


@dataclass
class SmallSites:
    """The theme marks of a run's sites that are too small to learn alone, compactly: a few
    digests a site (see :func:`compact`), its WordPress theme's name."""

    html: dict[str, array[int]] = field(default_factory=dict)
    text: dict[str, array[int]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    _names: dict[str, str] = field(default_factory=dict)  # one copy of each name

    def add(self, host: str, data: bytes, kind: str | None) -> None:
        """Add the marks of one page of the site ``host``."""
        found, lines = marks_of(data, host, kind)
        table = self.text if lines else self.html
        old = table.get(host)
        new = compact(found)
        table[host] = new if old is None else array("q", sorted({*old, *new}))
        if name := theme_name(found):
            self.names[host] = self._names.setdefault(name, name)

    def drop(self, host: str) -> None:
        """Forget a site (it has pages enough to be learned alone)."""
        self.html.pop(host, None)
        self.text.pop(host, None)
        self.names.pop(host, None)

    def themes(self) -> list[Theme]:
        """The themes of the sites (a site in one theme at most: by its pages' markup first)."""
        found = group_themes(self.html, self.names)
        taken = {h for t in found for h in t.hosts}
        text = {h: m for h, m in self.text.items() if h not in taken}
        found += [t for t in group_themes(text, self.names, MIN_SHARED_LINES, LINES_OVERLAP)
                  if t.name not in {f.name for f in found}]
        return sorted(found, key=lambda t: t.name)


def shared_marks(pages: Mapping[str, Iterable[bytes]]) -> tuple[str, ...]:
    """The marks every page of every site has (host -> its pages' raw bytes): a theme's
    fingerprints, WordPress's theme directory first, then the longest."""
    common: set[str] | None = None
    for host, datas in pages.items():
        for data in datas:
            found = set(marks_of(data, host, None)[0])
            common = found if common is None else common & found
    return tuple(sorted(common or (), key=lambda m: (not m.startswith(_WP_DIR), -len(m), m)))


def _name(text: str) -> str:
    """A name for file names and rule ids: lower case letters, digits, ``.``, ``-``."""
    name = "".join(c if c.isascii() and (c.isalnum() or c in ".-") else "-"
                   for c in text.lower())
    return name.strip("-.") or "theme"
