"""Themes across sites: the pages of small sites that share one CMS theme or one publisher's
platform, grouped so that their common template can be learned together.

A site with too few pages in a run to learn its own profile may share its template with other
small sites: a WordPress theme, a newspaper group's platform. Such sites load the same scripts
and stylesheets from their own hosts, at the same paths: ``/wp-content/themes/NAME/...``, or a
platform's ``/js/hdn/unification/modules/adTools.js`` on each of its newspapers. Those paths
are the theme's *marks*. Third-party scripts (ads, analytics, fonts, CDNs) are no mark: they are
on any site. Nor are paths every site of a CMS has (WordPress's ``wp-includes`` and plugins,
Cloudflare's ``cdn-cgi``), or the file names of common libraries (jQuery, Bootstrap, ...).

Two sites are of one theme when they share at least :data:`MIN_SHARED` marks (one shared
path, such as ``/js/main.js``, may be chance); a theme is a group of sites linked so, and its
name is the WordPress theme's when its sites share one, else its first site's host.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

MIN_SHARED = 2
# Marks taken from a page: enough for any template, few enough that a page of thousands of
# scripts costs little.
MAX_MARKS = 64
KEY = "theme:"

_ASSET = re.compile(rb"""<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"'\s<>]{1,300})""",
                    re.IGNORECASE)
_WP_THEME = re.compile(rb"wp-content/themes/([A-Za-z0-9_.-]{1,60})(?:/([A-Za-z0-9_.-]{1,60}))?")
_ASSET_PATH = re.compile(r"^/(?:[A-Za-z0-9_.~%+-]+/)+[A-Za-z0-9_.~%+-]+\.(?:js|css)$")
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


def page_marks(data: bytes, host: str) -> frozenset[str]:
    """The theme marks of a raw page (see the module's docstring): the WordPress theme's
    directory, and the paths of the scripts and stylesheets the page loads from its own
    host (``host``: the host of the page's URL, without ``www.``)."""
    marks: set[str] = set()
    for m in _WP_THEME.finditer(data):
        name = m.group(1).decode("ascii")
        if name == "vip" and m.group(2):  # WordPress VIP: the hosting, not the theme
            name = "vip/" + m.group(2).decode("ascii")
        marks.add(f"wp-content/themes/{name}/")
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


def group_themes(marks: Mapping[str, Iterable[str]]) -> list[Theme]:
    """The themes of sites (host -> the marks of its pages): sites linked by sharing at least
    :data:`MIN_SHARED` marks, two sites or more a theme, in order of name.

    Cost: for each mark, the square of the number of sites that have it.
    """
    themes: dict[str, Theme] = {}
    for hosts in _linked(marks):
        theme = _theme(hosts, marks)
        if theme.name in themes:  # two groups of one WordPress theme's sites
            theme = Theme(_name(f"{theme.name}-{hosts[0]}"), theme.hosts, theme.marks)
        themes[theme.name] = theme
    return [themes[name] for name in sorted(themes)]


def _linked(marks: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Groups of two hosts or more, each host linked to another of its group by
    :data:`MIN_SHARED` shared marks."""
    by_mark: dict[str, list[str]] = {}
    for host in sorted(marks):
        for mark in set(marks[host]):
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
        if n >= MIN_SHARED and ra != rb:
            root[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = {}
    for host in sorted(root.keys() | root.values()):
        members.setdefault(find(host), []).append(host)
    return [hosts for hosts in members.values() if len(hosts) >= 2]


def _theme(hosts: list[str], marks: Mapping[str, Iterable[str]]) -> Theme:
    common = set(marks[hosts[0]])
    for h in hosts[1:]:
        common &= set(marks[h])
    found = sorted(common, key=lambda m: (not m.startswith("wp-content/themes/"), -len(m), m))
    wp = [m for m in found if m.startswith("wp-content/themes/")]
    name = wp[0].removeprefix("wp-content/themes/").rstrip("/") if wp else hosts[0]
    return Theme(_name(name), tuple(hosts), tuple(found))


def _name(text: str) -> str:
    """A name for file names and rule ids: lower case letters, digits, ``.``, ``-``."""
    name = "".join(c if c.isascii() and (c.isalnum() or c in ".-") else "-"
                   for c in text.lower())
    return name.strip("-.") or "theme"
