"""Turn decoded input into blocks: HTML through trafilatura, text scrapes line by line."""

from __future__ import annotations

import copy
import logging
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urljoin, urlsplit

import re2
import trafilatura
from htmldate import find_date
from lxml import etree
from lxml import html as lxml_html
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document, set_date_params
from trafilatura.utils import is_dubious_html, load_html, repair_faulty_html

from cleaner.model import Block, Removal
from cleaner.ruleset import element_text
from cleaner.safetext import printable
from cleaner.steps.ensemble import Reading, block_texts, combine, read, recall_worth

# trafilatura logs every page it finds no text in at ERROR level; we report that ourselves.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

SOURCE_LINE = re2.compile(r"(?i)^source\s*:\s*(https?://\S+)$")
_SOURCE_FIRST = frozenset("sS\u017f")
_URL_XPATHS = (
    ("canonical", etree.XPath("//link[@rel='canonical']/@href")),
    ("og:url", etree.XPath("//meta[@property='og:url']/@content")),
)
_SENTENCE_BREAK = re2.compile(r"[.!?][\"'\x{201D}\x{2019}]?\s+[A-Z\x{201C}\x{2018}\"']")
TITLE_MAX_WORDS = 25
# trafilatura's parser options, plus huge_tree: libxml2's limits otherwise cut pages short.
HTML_PARSER = lxml_html.HTMLParser(  # type: ignore[call-arg]  # the stubs lack default_doctype
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
    remove_pis=True, huge_tree=True)
# Even with huge_tree, libxml2 stops at this depth and drops the rest of the page.
MAX_DEPTH = 2048
_TOO_DEEP = etree.XPath("boolean(" + "/*" * (MAX_DEPTH - 1) + ")")
_NON_SPACE = re.compile(r"\S")
MAX_ATTRIBUTE_CHARS = 65536
_HUGE_ATTRIBUTE = etree.XPath(f"//*[@*[string-length(.) > {MAX_ATTRIBUTE_CHARS}]]")
# A figure that holds a code listing and no picture: Jekyll's highlighter writes every listing
# so, and trafilatura drops figures whole (as images).
_CODE_FIGURES = etree.XPath("//figure[.//pre][not(.//img or .//picture or .//video or .//svg)]")


@dataclass(frozen=True, slots=True)
class Extracted:
    """What extraction found: body blocks, metadata, what it left out and what went wrong.

    ``warnings`` are problems that did not cost the document (``"metadata: ..."``).
    """

    blocks: tuple[Block, ...]
    title: str | None = None
    author: str | None = None
    published: str | None = None
    removals: tuple[Removal, ...] = ()
    warnings: tuple[str, ...] = ()


# --- HTML ---------------------------------------------------------------------------------------


def parse_html(markup: str) -> Any:
    """Parse a page once; the tree is handed to the rules and to trafilatura.

    As ``trafilatura.load_html`` does (same repairs, same parser options), but with libxml2's
    ``huge_tree`` on: without it, an element nested deeper than 255 levels or an attribute over
    10 MB (an inline base64 image) silently ends the document there. trafilatura refuses bare
    fragments (``<p>x</p>`` alone, as scraper exports often hold); lxml parses those into a
    whole document.
    """
    beginning = markup[:50].lower()
    markup = repair_faulty_html(markup, beginning)
    tree = _parse(markup)
    if tree is not None and (len(tree) == 0 or (is_dubious_html(beginning) and len(tree) < 2)):
        tree = None
    if tree is None:
        try:
            tree = lxml_html.document_fromstring(markup, parser=HTML_PARSER)
        except (etree.ParserError, ValueError):
            return None
    _empty_huge_attributes(tree)
    return tree


def _empty_huge_attributes(tree: Any) -> None:
    """Empty attribute values over MAX_ATTRIBUTE_CHARS (inline images): they hold no text,
    and the date search serialises the page and runs regexes over all of it."""
    for el in cast(list[Any], _HUGE_ATTRIBUTE(tree)):
        for name, value in el.attrib.items():
            if len(value) > MAX_ATTRIBUTE_CHARS:
                el.set(name, "")


def _parse(markup: str) -> Any:
    try:
        return lxml_html.fromstring(markup, parser=HTML_PARSER)
    except ValueError:  # a string with an encoding declaration: parse its UTF-8 bytes
        try:
            return lxml_html.fromstring(markup.encode("utf-8", "surrogatepass"),
                                        parser=HTML_PARSER)
        except (etree.ParserError, ValueError):
            return None
    except etree.ParserError:
        return None


def depth_limit_hit(tree: Any) -> str | None:
    """A warning when the page nests elements as deep as libxml2 goes (it drops what follows)."""
    if not _TOO_DEEP(tree):
        return None
    return (f"parse: elements nested {MAX_DEPTH} levels deep, the most libxml2 parses; the text "
            "after the deepest element is missing")


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


# trafilatura options that set its focus; a site's choice of either is left alone.
_FOCUS = frozenset({"favor_precision", "favor_recall"})


def extract_html(
    tree: Any, body: Any, url: str | None, options: dict[str, Any], *, ensemble: bool = True
) -> Extracted:
    """Extract main text and metadata with trafilatura, comments off, checked by readability.

    ``body`` is the element to take text from (a site rule may choose one); metadata always
    comes from the whole page. Metadata comes first, as in trafilatura's own sequence; when it
    fails (htmldate asserts on a page whose root is ``<svg>`` or ``<math>``), the text is
    still extracted and the failure is a warning. With ``ensemble`` (and no element chosen by a
    site), trafilatura's blocks are trimmed to those readability agrees on
    (:mod:`cleaner.steps.ensemble`); what that drops is a removal of ``ensemble:readability``.
    When readability has a result to vote with (:func:`recall_worth`: 100 words) and no site set
    trafilatura's focus, trafilatura runs in its recall mode (``favor_recall``): the vote trims
    what that adds at the edges. The
    start of the article that readability alone found is added before trafilatura's blocks.
    A code listing in a ``figure`` (as Jekyll writes them) is taken as text: trafilatura drops
    figures, as images.
    """
    meta, warnings = _metadata(tree, url)
    url = url or getattr(meta, "url", None)
    for figure in cast(list[Any], _CODE_FIGURES(tree)):
        figure.tag = "div"  # a code listing is the article's text, not an image
    second: Reading | None = read(tree) if ensemble and body is tree else None
    if second is not None and recall_worth(second) and not _FOCUS & options.keys():
        # readability will trim what recall mode adds at the edges (steps.ensemble)
        options = {**options, "favor_recall": True}
    if body is tree:
        found: Any = trafilatura.bare_extraction(tree, url=url, include_comments=False,
                                                 **options)
        text = found.text if found is not None else ""
    else:
        found = trafilatura.bare_extraction(_wrap(body), url=url, include_comments=False,
                                            **options)
        # The site chose this element: when trafilatura finds too little in it, take it as is.
        text = found.text if found is not None and found.text else "\n".join(block_texts(body))
    blocks = tuple(Block(line.strip()) for line in (text or "").split("\n") if line.strip())
    voted: tuple[Removal, ...] = ()
    if second is not None:
        vote = combine(blocks, second.blocks, second.captions, lambda: element_text(tree))
        blocks, voted = vote.blocks, vote.removals
    return Extracted(
        blocks=blocks,
        title=_clean(getattr(meta, "title", None)),
        author=_clean(getattr(meta, "author", None)),
        published=_clean(getattr(meta, "date", None)),
        removals=voted + tuple(_left_out(tree, blocks, voted)),
        warnings=warnings,
    )


def _metadata(tree: Any, url: str | None) -> tuple[Any, tuple[str, ...]]:
    """trafilatura's metadata of the page, or None and a warning saying why there is none."""
    try:
        return extract_metadata(tree, default_url=url), ()
    except Exception as exc:  # noqa: BLE001 -- any bug in metadata extraction costs only metadata
        what = printable(" ".join(f"{type(exc).__name__}: {exc}".split()), limit=200)
        return None, (f"metadata: extraction failed ({what}); title, author and date are "
                      "missing",)


def extract_metadata(tree: Any, default_url: str | None = None) -> Any:
    """The title, author, URL and date ``trafilatura.metadata.extract_metadata`` finds, by its
    own steps in its order, without those that find only what cleaner does not keep (site
    name, categories, tags, licence: a fifth of its time).

    Each field it returns is trimmed on its own (``clean_and_trim``), so these four are the
    ones it gives.
    """
    date_config = set_date_params(True)
    tree = load_html(tree)
    if tree is None:
        return Document()
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception as err:  # noqa: BLE001 -- as trafilatura does: bugs in json_metadata.py
        logging.getLogger("trafilatura").warning("error in JSON metadata extraction: %s", err)
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = extract_author(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, default_url)
    date_config["url"] = metadata.url
    metadata.date = find_date(tree, **date_config)
    metadata.clean_and_trim()
    return metadata


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


def _left_out(tree: Any, kept: Sequence[Block],
              explained: Sequence[Removal] = ()) -> Iterator[Removal]:
    """Block-level texts of the page that the extractor did not keep (and no other removal
    in ``explained`` already reports)."""
    kept_text = " ".join(" ".join(b.text.split()) for b in kept)
    told = " ".join(" ".join(r.text.split()) for r in explained)
    seen: set[str] = set()
    for text in block_texts(tree):  # innermost blocks only: no text reported twice
        if len(text) < 2 or text in seen or text in kept_text or text in told:
            continue
        seen.add(text)
        yield Removal(text, "trafilatura", "not part of the main text")


# --- text scrapes -------------------------------------------------------------------------------


def split_blocks(text: str) -> tuple[Block, ...]:
    """One block per non-blank line, with the number of blank lines before it.

    Blank runs are skipped by a search for the next non-space character and counted, not split
    into one string per line: a scrape of millions of blank lines costs no more than its text.
    """
    blocks: list[Block] = []
    after = 0  # where the line after the previous block starts
    pos = 0
    while (m := _NON_SPACE.search(text, pos)) is not None:
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.start())
        end = len(text) if end < 0 else end
        # str.split also takes NBSP and other Unicode spaces, as \S leaves them out
        blocks.append(Block(" ".join(text[start:end].split()), text.count("\n", after, start)))
        after = pos = end + 1
    return tuple(blocks)


def take_source_lines(
    blocks: Sequence[Block],
) -> tuple[tuple[Block, ...], str | None, tuple[Removal, ...]]:
    """Remove ``Source: <url>`` lines; the last one gives the document's URL."""
    kept: list[Block] = []
    removals: list[Removal] = []
    url = None
    for b in blocks:
        # The pattern starts the line with "source" in any case: s, S or the long s (U+017F),
        # which RE2's case folding takes for s; a line starting otherwise is not searched.
        m = SOURCE_LINE.search(b.text) if b.text[:1] in _SOURCE_FIRST else None
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
    variants = title_variants(blocks[first].text)
    return first, {i for i in candidates[1:] if _fold(blocks[i].text) in variants}


def drop_leading_title(
    blocks: Sequence[Block], title: str | None
) -> tuple[tuple[Block, ...], tuple[Removal, ...]]:
    """Extracted text often opens with the headline, which is already the title: drop it."""
    if not title or not blocks:
        return tuple(blocks), ()
    if _fold(blocks[0].text) not in title_variants(title):
        return tuple(blocks), ()
    return tuple(blocks[1:]), (Removal(blocks[0].text, "text:repeated_title",
                                       "the title, repeated"),)


def _fold(text: str) -> str:
    """A line as titles are compared: compatibility forms (an ellipsis is three dots, a
    full-width letter its letter), case folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def title_variants(title: str) -> set[str]:
    """The forms a page title takes as the headline above the article (casefolded): the title,
    and the title without its short site and section parts, as many as it has at its end
    (``Headline | Site | Section``) or one at its start (``Site - Headline``)."""
    variants = {_fold(title)}
    head = title
    while (shorter := _strip_site_suffix(head)) != head:
        head = shorter
        variants.add(_fold(head))
    for sep in (" | ", " - ", " \u2013 ", " \u2014 ", ": "):
        site, _, rest = title.partition(sep)
        if rest and len(site.split()) <= 3 and len(rest.split()) > len(site.split()):
            variants.add(_fold(rest))
    return variants


def _strip_site_suffix(title: str) -> str:
    """``Headline | Site`` or ``Headline - Site`` -> ``Headline`` (short suffixes only)."""
    for sep in (" | ", " - ", " \u2013 ", " \u2014 "):
        head, _, tail = title.rpartition(sep)
        if head and len(tail.split()) <= 4:
            return head
    return title
