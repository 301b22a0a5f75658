"""Site profiles learned during a run: the template of every site with enough pages in it.

``cleaner clean`` reads its inputs twice when it learns. The first reading finds each page's
site (the host of its URL: the record's own, or the page's canonical link, which takes a parse)
and sends the first ``sample`` pages of each site through the steps up to extraction, on the
run's runner; a site's profile is learned from those pages (:func:`cleaner.learn.profile.
learn_site`, the analysis ``cleaner rules learn`` writes as a rule file) as soon as it has
them all, or at the end of the reading. The second reading is the run itself, with the
learned profiles added to the rule set as rule files labelled ``profile:HOST``: what they
remove is explained as any rule's removal is, with the share of the site's pages the line was
on in its reason, and the prose guard applies to them as to any site's rules.

Sites with too few pages to learn alone are grouped by theme (:mod:`cleaner.learn.themes`:
the scripts and stylesheets their pages load from their own hosts, such as a WordPress theme's
directory), and a theme whose sites have enough pages together is learned as one profile,
``profile:theme:NAME``, from the first ``sample`` pages of its sites: as a site's, except that a
line must also recur on the pages of two of its sites (else it is one site's, not the theme's).
It applies to the pages of those sites (by their hosts) and no other: a site with a profile of
its own has learned the theme's lines from its own pages.

A profile's hosts are exact (``"=HOST"`` in ``[match] hosts``): it applies to the hosts whose
pages it was learned from and tested on, not to their subdomains (``news.example.com`` with a
profile of its own is not given the theme of ``example.com``'s, nor ``blog.example.com`` the
profile of ``example.com``, learned from pages of another template).

The profile is a function of the inputs and the rules alone, so a resumed run, a ``-j N`` run
and a Dask run (its first reading runs here) learn the same profiles, and the rules' version,
which the outputs and the resume journal record, covers them.

Memory: the pages of the sites still being sampled (their extracted lines, not the raw pages),
at most ``sample`` pages a site; a site's pages are let go as soon as its profile is learned.
While the inputs are counted, the theme marks of each site with fewer pages than it needs to
be learned alone (at most 64 digests of 8 bytes a page).
"""

from __future__ import annotations

import dataclasses
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from cleaner.config import ConfigError
from cleaner.learn.profile import (
    MIN_PAGES,
    Page,
    Suggestion,
    _file_name,
    _PageReader,
    learn_site,
)
from cleaner.learn.themes import KEY, SmallSites, Theme, public_host
from cleaner.model import LEARNED, Doc, RawDoc, Reject, Skipped
from cleaner.ruleset import RuleFile, RuleSet, host_of
from cleaner.run.pipeline import Pipeline, clean_one
from cleaner.run.runners import Runner
from cleaner.steps.core import Step

# The pages of a site a run learns its profile from: enough to tell its template from its
# stories (a line must be on 15 of them), few enough that learning costs a small share of a
# crawl with thousands of pages a site, and that the pages held while sites are sampled (their
# extracted lines, about 5-10 KB a page) stay a few MB for each site still being sampled.
SAMPLE = 30
LABEL = "profile:"


@dataclass
class Profiles:
    """The profiles a run learned: rule files, their TOML, and a report line per site."""

    files: list[RuleFile] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)  # (host or theme:NAME, TOML)
    report: list[str] = field(default_factory=list)
    sampled: int = 0

    def summary(self) -> str:
        """What was learned, in a line for the run's notes."""
        themes = sum(f.name.startswith(LEARNED + KEY) for f in self.files)
        sites = len(self.files) - themes
        if not themes:
            return (f"learned the profiles of {sites} sites from {self.sampled} of their "
                    "pages; what they remove is explained as profile:HOST")
        return (f"learned the profiles of {sites} sites and {themes} themes (small sites "
                f"that share one) from {self.sampled} of their pages; what they remove is "
                "explained as profile:HOST and profile:theme:NAME")

    def add_to(self, rules: RuleSet) -> RuleSet:
        """The rule set with the profiles added, after every file of the same kind (a site's
        own rule file, by host, stays beside its profile)."""
        return rules.adding(self.files) if self.files else rules


def profile_name(host: str) -> str:
    """The name of a site's learned profile: not a rule file's name, and never the record's
    ``site`` (see :attr:`cleaner.model.Doc.site`)."""
    return LEARNED + host


def load_profile(text: str, host: str) -> RuleFile:
    """A learned profile from its TOML (as a Dask worker gets it); ``host``: its site's, or
    ``theme:NAME``."""
    from cleaner.ruleset import parse_rule_file

    return parse_rule_file(text.encode("utf-8"), profile_name(host), LABEL + host)


def learn_profiles(items: Callable[[], Iterable[RawDoc | Reject | Skipped]], rules: RuleSet,
                   runner: Callable[[Sequence[Step]], Runner], min_pages: int = MIN_PAGES,
                   sample: int | None = None) -> Profiles:
    """Learn the profile of every site with at least ``min_pages`` pages in the inputs.

    ``items`` reads the inputs, from the start, each time it is called (twice: once to count
    the pages of each site, once to extract the sampled pages of the sites with enough of
    them, so that no page of a site too small to learn is extracted twice). ``runner`` makes
    the runner that extracts them from the steps it is given.
    """
    sample = sample or SAMPLE
    pipeline = Pipeline(rules)
    need = max(2, min_pages)
    sites = _Sites.count(items(), pipeline.upto("parse"), need)
    themes = {t.key: t for t in sites.small.themes()}
    key_of = {h: h for h, n in sites.pages.items() if n >= need}
    key_of.update((h, t.key) for t in themes.values() for h in t.hosts)
    total: Counter[str] = Counter()
    for host, key in key_of.items():
        total[key] += sites.pages[host]
    wanted = {k for k, n in total.items() if n >= need}
    learner = _Learner(rules, min_pages, {k: t for k, t in themes.items() if k in wanted})
    if not wanted:
        return learner.finish()
    picked: Counter[str] = Counter()
    returned: Counter[str] = Counter()
    keys: dict[int, str] = {}  # id of a picked item -> its site or theme, until it is back

    def pick() -> Iterator[RawDoc]:
        for item, host in zip(_raw_docs(items()), sites.of, strict=True):
            key = key_of.get(host) if host is not None else None
            if key is not None and key in wanted and picked[key] < sample:
                picked[key] += 1
                keys[id(item)] = key
                yield item

    for item, timed in runner(pipeline.upto("extract")).map(pick(), RawDoc):
        if timed is None or not isinstance(item, RawDoc):
            continue
        key = keys.pop(id(item))
        returned[key] += 1
        learner.add(key, timed[0], full=returned[key] >= min(sample, total[key]))
    return learner.finish()


def _raw_docs(items: Iterable[RawDoc | Reject | Skipped]) -> Iterator[RawDoc]:
    return (item for item in items if isinstance(item, RawDoc))


@dataclass
class _Sites:
    """The site of every raw document of the inputs, in order (an index into ``names``, -1
    for none), the number of pages of each, and the theme marks of the sites with fewer pages
    than a site needs to be learned alone (see :mod:`cleaner.learn.themes`)."""

    names: list[str] = field(default_factory=list)
    index: array[int] = field(default_factory=lambda: array("i"))
    pages: Counter[str] = field(default_factory=Counter)
    small: SmallSites = field(default_factory=SmallSites)

    @classmethod
    def count(cls, items: Iterable[RawDoc | Reject | Skipped], probe: Sequence[Step],
              need: int) -> _Sites:
        sites = cls()
        known: dict[str, int] = {}
        for raw in _raw_docs(items):
            host = _site(raw, probe)
            if host is None:
                sites.index.append(-1)
                continue
            if host not in known:
                known[host] = len(sites.names)
                sites.names.append(host)
            sites.index.append(known[host])
            sites.pages[host] += 1
            if sites.pages[host] >= need:  # learned alone: its marks are no longer needed
                sites.small.drop(host)
            else:
                sites.small.add(host, raw.data, raw.kind)
        return sites

    @property
    def of(self) -> Iterator[str | None]:
        """The site of each raw document, in order."""
        return (self.names[i] if i >= 0 else None for i in self.index)


def _site(raw: RawDoc, probe: Sequence[Step]) -> str | None:
    """The host of the page's URL: the record's own, else what parsing finds (the canonical
    link, a ``Source:`` line); None for a host no public site has (``localhost``: a site built
    locally), or all such pages would be one site."""
    if raw.url:
        return public_host(host_of(raw.url))
    doc = clean_one(raw, probe)
    return public_host(host_of(doc.url)) if isinstance(doc, Doc) else None


class _Learner:
    """Pages by site, and each site's profile learned once its sample is complete."""

    def __init__(self, rules: RuleSet, min_pages: int, themes: dict[str, Theme]) -> None:
        self.rules, self.min_pages, self.themes = rules, min_pages, themes
        self.reader = _PageReader(rules)
        self.pages: dict[str, list[Page]] = {}
        self.done: set[str] = set()
        self.out = Profiles()
        self.notes: list[str] = []

    def add(self, host: str, result: Doc | Reject, full: bool) -> None:
        if isinstance(result, Doc) and result.blocks:
            page = self.reader.page(result, self.notes, host)
            if page is not None:
                self.pages.setdefault(host, []).append(page)
                self.out.sampled += 1
        if full:
            self.learn(host)

    def learn(self, key: str) -> None:
        """Learn the profile of a site (``key``: its host) or a theme (``theme:NAME``)."""
        if key in self.done:
            return
        self.done.add(key)
        self.reader.forget(key)
        pages = self.pages.pop(key, [])
        if len(pages) < max(2, self.min_pages):
            return
        theme = self.themes.get(key)
        who = f"{key} (the theme of {', '.join(theme.hosts)})" if theme else key
        try:
            found = self._learn(key, pages, theme)
        except ConfigError as exc:
            self.out.report.append(f"{who}: nothing learned from {len(pages)} pages: {exc}")
            return
        if found.rules is None or not found.proposed:
            return
        if not found.passed:
            self.out.report.append(f"{who}: the profile learned from {len(pages)} pages "
                                   "failed its own tests: not used")
            return
        self.out.files.append(dataclasses.replace(found.rules, name=profile_name(key)))
        self.out.sources.append((key, found.toml))
        self.out.report.append(f"{who}: {found.proposed} rules learned from {len(pages)} "
                               "pages")

    def _learn(self, key: str, pages: list[Page], theme: Theme | None) -> Suggestion:
        # Exact hosts (=HOST): a profile applies to the hosts whose pages it was learned
        # from, not to their subdomains, whose templates it never saw.
        if theme is None:
            return learn_site(pages, self.rules, _file_name(key), label=LABEL + key,
                              exact=True)
        # Matched by its sites' hosts alone, no fingerprints: a site with a profile of its
        # own (a subdomain of one of them too) has learned the theme's lines from its own
        # pages, and is not given the theme's too (learned from other sites' pages).
        return learn_site(pages, self.rules, f"theme-{theme.name}", theme.hosts,
                          label=LABEL + key, theme=(), exact=True)

    def finish(self) -> Profiles:
        for host in sorted(self.pages):
            self.learn(host)
        self.out.files.sort(key=lambda f: f.name)
        self.out.sources.sort()
        return self.out
