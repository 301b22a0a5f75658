"""Turn decoded input into blocks: HTML through trafilatura, text scrapes line by line."""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urljoin, urlsplit

import re2
import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.metadata import extract_metadata

from cleaner.model import Block, Removal
from cleaner.ruleset import element_text

# trafilatura logs every page it finds no text in at ERROR level; we report that ourselves.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

SOURCE_LINE = re2.compile(r"(?i)^source\s*:\s*(https?://\S+)$")
_URL_XPATHS = (
    ("canonical", etree.XPath("//link[@rel='canonical']/@href")),
    ("og:url", etree.XPath("//meta[@property='og:url']/@content")),
)
_BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "blockquote",
               "td", "th", "dd", "dt", "pre", "caption")
_SENTENCE_BREAK = re2.compile(r"[.!?][\"'\x{201D}\x{2019}]?\s+[A-Z\x{201C}\x{2018}\"']")
TITLE_MAX_WORDS = 25


@dataclass(frozen=True, slots=True)
class Extracted:
    """What extraction found: body blocks, metadata and what it left out."""

    blocks: tuple[Block, ...]
    title: str | None = None
    author: str | None = None
    published: str | None = None
    removals: tuple[Removal, ...] = ()


# --- HTML ---------------------------------------------------------------------------------------


def parse_html(markup: str) -> Any:
    """Parse a page once; the tree is handed to the rules and to trafilatura.

    trafilatura refuses bare fragments (``<p>x</p>`` alone, as scraper exports often hold);
    lxml parses those into a whole document.
    """
    tree = trafilatura.load_html(markup)
    if tree is None:
        try:
            tree = lxml_html.document_fromstring(markup)
        except (etree.ParserError, ValueError):
            return None
    return tree


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def url_from_html(tree: Any, base: str | None = None) -> tuple[str, str] | None:
    """The page's own URL from its canonical link or og:url, with which one gave it."""
    for how, xpath in _URL_XPATHS:
        for value in cast(list[Any], xpath(tree)):
            url = urljoin(base, str(value).strip()) if base else str(value).strip()
            if is_http_url(url):
                return url, how
    return None


def extract_html(
    tree: Any, body: Any, url: str | None, options: dict[str, Any]
) -> Extracted:
    """Extract main text and metadata with trafilatura, comments off.

    ``body`` is the element to take text from (a site rule may choose one); metadata always
    comes from the whole page.
    """
    meta: Any
    found: Any
    if body is tree:
        meta = trafilatura.bare_extraction(
            tree, url=url, with_metadata=True, include_comments=False, **options
        )
        text = meta.text if meta is not None else ""
    else:
        meta = extract_metadata(tree, default_url=url)
        found = trafilatura.bare_extraction(_wrap(body), url=url, include_comments=False, **options)
        # The site chose this element: when trafilatura finds too little in it, take it as is.
        text = found.text if found is not None and found.text else "\n".join(_block_texts(body))
    blocks = tuple(Block(line.strip()) for line in (text or "").split("\n") if line.strip())
    return Extracted(
        blocks=blocks,
        title=_clean(getattr(meta, "title", None)),
        author=_clean(getattr(meta, "author", None)),
        published=_clean(getattr(meta, "date", None)),
        removals=tuple(_left_out(tree, blocks)),
    )


def _wrap(el: Any) -> Any:
    """A standalone page holding a copy of one element, for extraction from that element only."""
    page: Any = lxml_html.document_fromstring("<html><body></body></html>")
    page.body.append(copy.deepcopy(el))
    return page


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _block_texts(el: Any) -> Iterator[str]:
    """Texts of the innermost block elements under ``el`` (or of ``el`` itself)."""
    inner = [b for b in el.iter(*_BLOCK_TAGS)
             if not any(True for _ in b.iterdescendants(*_BLOCK_TAGS))]
    for b in inner or [el]:
        text = element_text(b)
        if text:
            yield text


def _left_out(tree: Any, kept: Sequence[Block]) -> Iterator[Removal]:
    """Block-level texts of the page that the extractor did not keep."""
    kept_text = " ".join(" ".join(b.text.split()) for b in kept)
    seen: set[str] = set()
    for text in _block_texts(tree):  # innermost blocks only: no text reported twice
        if len(text) < 2 or text in seen or text in kept_text:
            continue
        seen.add(text)
        yield Removal(text, "trafilatura", "not part of the main text")


# --- text scrapes -------------------------------------------------------------------------------


def split_blocks(text: str) -> tuple[Block, ...]:
    """One block per non-blank line, with the number of blank lines before it."""
    blocks: list[Block] = []
    gap = 0
    for line in text.split("\n"):
        stripped = line.strip()  # str.strip also takes NBSP and other Unicode spaces
        if not stripped:
            gap += 1
            continue
        blocks.append(Block(" ".join(stripped.split()), gap))
        gap = 0
    return tuple(blocks)


def take_source_lines(
    blocks: Sequence[Block],
) -> tuple[tuple[Block, ...], str | None, tuple[Removal, ...]]:
    """Remove ``Source: <url>`` lines; the last one gives the document's URL."""
    kept: list[Block] = []
    removals: list[Removal] = []
    url = None
    for b in blocks:
        m = SOURCE_LINE.search(b.text)
        if m and is_http_url(m.group(1)):
            url = m.group(1)
            removals.append(Removal(b.text, "text:source_line", "source URL line of the scrape"))
        else:
            kept.append(b)
    return tuple(kept), url, tuple(removals)


def _title_case_share(words: Sequence[str]) -> float:
    letters = [w for w in words if w[:1].isalpha() or w[1:2].isalpha()]
    if not letters:
        return 0.0
    caps = sum(1 for w in letters if w.lstrip("\"'\u2018\u201c(")[:1].isupper())
    return caps / len(letters)


def is_heading_like(text: str) -> bool:
    """A line that reads as a headline: short, one sentence, not ending mid-sentence.

    A headline that ends with a full stop is accepted only when it is in title case.
    """
    words = text.split()
    if not 3 <= len(words) <= TITLE_MAX_WORDS or text.endswith((",", ";", ":")):
        return False
    if _SENTENCE_BREAK.search(text):
        return False
    return not text.endswith(".") or _title_case_share(words) >= 0.6


def find_title(blocks: Sequence[Block], candidates: Sequence[int]) -> tuple[int | None, set[int]]:
    """The title line of a text scrape, and the lines that repeat it.

    The title is the first candidate line when it is heading-like and another candidate follows;
    later lines equal to it (a page title followed by the same headline) are repeats.

    Args:
        blocks: the lines of the scrape.
        candidates: indices of the lines still in play (not removed by rules), in order.
    """
    if len(candidates) < 2 or not is_heading_like(blocks[candidates[0]].text):
        return None, set()
    first = candidates[0]
    title = blocks[first].text
    variants = {title.casefold(), _strip_site_suffix(title).casefold()}
    return first, {i for i in candidates[1:] if blocks[i].text.casefold() in variants}


def drop_leading_title(
    blocks: Sequence[Block], title: str | None
) -> tuple[tuple[Block, ...], tuple[Removal, ...]]:
    """Extracted text often opens with the headline, which is already the title: drop it."""
    if not title or not blocks:
        return tuple(blocks), ()
    variants = {title.casefold(), _strip_site_suffix(title).casefold()}
    if blocks[0].text.casefold() not in variants:
        return tuple(blocks), ()
    return tuple(blocks[1:]), (Removal(blocks[0].text, "text:repeated_title",
                                       "the title, repeated"),)


def _strip_site_suffix(title: str) -> str:
    """``Headline | Site`` or ``Headline - Site`` -> ``Headline`` (short suffixes only)."""
    for sep in (" | ", " - ", " \u2013 ", " \u2014 "):
        head, _, tail = title.rpartition(sep)
        if head and len(tail.split()) <= 4:
            return head
    return title
