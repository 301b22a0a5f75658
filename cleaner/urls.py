"""Source URLs: checked and normalised before a document carries one.

A URL reaches a document from outside (``--url``, a manifest, a JSONL or WARC record) or from
the page itself (canonical link, ``og:url``, a ``Source:`` line). All of it is untrusted, and
the URL ends up in a WARC header, an index key and every tool that reads our records. So, as
the WHATWG URL parser does: surrounding spaces and C0 controls are stripped, tabs and line
breaks inside are removed, other controls and spaces are percent-encoded; and what is not a
web page's address is refused (another scheme, no host, a lone surrogate, absurd length).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Longer URLs are refused. Common servers refuse request lines past about 8 KiB (Apache's
# LimitRequestLine is 8190, nginx's large header buffers 8k), so a longer URL was never
# fetchable; and it keeps a hostile record from putting megabytes into every index line.
MAX_URL_LENGTH = 8 * 1024

_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
# What is percent-encoded inside: C0 controls, space, DEL, C1 controls, Unicode line breaks.
_ENCODE = re.compile("[\x00-\x20\x7f-\x9f\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_BAD_HOST = re.compile(r"[\x00-\x20\x7f-\x9f<>\\^`{|}\u2028\u2029]")


class UrlRefused(ValueError):
    """A source URL that cannot be a document's URL; the message says why."""


def check_url(value: str) -> str:
    """The normalised form of a source URL.

    Raises:
        UrlRefused: not an http(s) URL with a host, a lone surrogate, or longer than
            ``MAX_URL_LENGTH`` characters.
    """
    if _SURROGATE.search(value):
        raise UrlRefused("it holds a lone surrogate (not valid Unicode)")
    url = _TAB_OR_NEWLINE.sub("", value.strip(_C0_AND_SPACE))
    if not url:
        raise UrlRefused("it is empty")
    if len(url) > MAX_URL_LENGTH:
        raise UrlRefused(f"it is longer than {MAX_URL_LENGTH} characters")
    scheme, sep, _ = url.partition(":")
    if not sep or scheme.lower() not in ("http", "https"):
        what = f"scheme {scheme.lower()!r}" if sep and scheme.isascii() else "no scheme"
        raise UrlRefused(f"not an http(s) URL ({what})")
    url = scheme.lower() + url[len(scheme):]
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError as exc:
        raise UrlRefused(f"it cannot be parsed: {exc}") from None
    if not host:
        raise UrlRefused("it has no host")
    if _BAD_HOST.search(host):
        raise UrlRefused("its host holds a space, control or forbidden character")
    return _ENCODE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url)
