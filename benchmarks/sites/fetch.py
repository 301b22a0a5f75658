"""Lay out the multi-page sites set: real built pages of real sites, each with its article truth.

usage: python benchmarks/sites/fetch.py OUT [--mirror DIR] [--site NAME ...] [--sites FILE]

Each site of ``sites.json`` (beside this script; ``--sites sites2.json`` for the second set, which
nothing was tuned on before it was first measured) is a public GitHub repository that commits both
its posts' sources (Markdown) and the site built from them (a Jekyll ``_site/``, a Hugo
``public/`` or ``docs/``, a ``gh-pages`` branch). The built page is the real page, with its theme's
navigation, sidebars, related posts and footers; the post's source, rendered to plain text
(benchmarks/sites/truth.py), is its article. Pages are read at the exact commits the manifest
names, from GitHub over HTTPS (raw.githubusercontent.com) or, with ``--mirror DIR``, from local
git directories (``DIR/owner+name/repo``, ``DIR/owner+name/repo/.git``, ``DIR/owner/name`` or
``DIR/owner/name.git``).

OUT gets one folder per site with ``<n>.html`` (the page's bytes as built) and ``<n>.truth.txt``
(one paragraph a line), and ``manifest.jsonl``: one object per page with ``id`` (``site/n``),
``path`` (the page, relative to OUT), ``url``, ``site``, ``lang`` and where it came from; it is
also a manifest for ``cleaner clean --manifest`` run from OUT. Nothing fetched is committed to
this repository: the pages belong to their sites' authors (see each site's ``licence``).

Exit status: 0 every page laid out, 1 some page could not be read (each is named), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from truth import render_truth

SITES = Path(__file__).resolve().parent / "sites.json"
RAW = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"

Reader = Callable[[str, str, str], bytes]


class FetchError(Exception):
    """One file could not be read; the message names it."""


def https_reader(timeout: float = 60.0) -> Reader:
    """Files from raw.githubusercontent.com at an exact commit."""

    def read(repo: str, commit: str, path: str) -> bytes:
        url = RAW.format(repo=repo, commit=commit, path=urllib.parse.quote(path))
        try:
            with urllib.request.urlopen(url, timeout=timeout) as resp:
                return bytes(resp.read())
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise FetchError(f"{url}: {exc}") from exc

    return read


def _git_dir(mirror: Path, repo: str) -> Path:
    owner, name = repo.split("/", 1)
    for cand in (mirror / f"{owner}+{name}" / "repo" / ".git", mirror / f"{owner}+{name}" / "repo",
                 mirror / owner / f"{name}.git", mirror / owner / name / ".git",
                 mirror / owner / name):
        if (cand / "HEAD").is_file():
            return cand
    raise FetchError(f"{mirror}: no git directory for {repo} (looked for {owner}+{name}/repo "
                     f"and {owner}/{name})")


def mirror_reader(mirror: Path) -> Reader:
    """Files from local git directories under ``mirror``, read with ``git show``."""

    def read(repo: str, commit: str, path: str) -> bytes:
        git_dir = _git_dir(mirror, repo)
        proc = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
                              capture_output=True, check=False)
        if proc.returncode:
            detail = proc.stderr.decode("utf-8", "replace").strip()
            raise FetchError(f"{git_dir}: {commit[:12]}:{path}: {detail}")
        return proc.stdout

    return read


def load_sites(path: Path, only: Sequence[str] | None = None) -> list[dict[str, object]]:
    """The sites of a sites.json, or those named in ``only`` (an unknown name is an error)."""
    sites: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))["sites"]
    if only:
        known = {str(s["name"]) for s in sites}
        unknown = sorted(set(only) - known)
        if unknown:
            raise SystemExit(f"fetch: {path}: no site named {', '.join(unknown)}; "
                             f"known: {', '.join(sorted(known))}")
        sites = [s for s in sites if s["name"] in only]
    return sites


def lay_out_site(site: dict[str, object], out: Path, read: Reader) -> tuple[list[dict[str, object]],
                                                                          list[str]]:
    """Write one site's pages and truths under ``out/<site>/``; manifest rows and failures."""
    name, repo = str(site["name"]), str(site["repository"])
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = []
    failures: list[str] = []
    pages = site["pages"]
    assert isinstance(pages, list)
    for n, page in enumerate(pages, start=1):
        try:
            html = read(repo, str(site["build_commit"]), page["html"])
            source = read(repo, str(site["source_commit"]), page["source"])
        except FetchError as exc:
            failures.append(f"{name} page {n}: {exc}")
            continue
        truth = render_truth(source.decode("utf-8", "replace"), page.get("source_kind", "markdown"))
        (folder / f"{n}.html").write_bytes(html)
        (folder / f"{n}.truth.txt").write_text(truth, encoding="utf-8")
        rows.append({"id": f"{name}/{n}", "path": f"{name}/{n}.html", "url": page.get("url"),
                     "site": name, "lang": site.get("language"), "repository": repo,
                     "commit": site["build_commit"], "html_path": page["html"],
                     "source_path": page["source"]})
    return rows, failures


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="directory to lay the set out in")
    ap.add_argument("--mirror", type=Path, metavar="DIR",
                    help="read the repositories from local git directories under DIR")
    ap.add_argument("--site", action="append", metavar="NAME", help="only this site (repeatable)")
    ap.add_argument("--sites", type=Path, default=SITES, metavar="FILE",
                    help="the sites manifest (default: sites.json beside this script)")
    args = ap.parse_args(argv)
    read = mirror_reader(args.mirror) if args.mirror else https_reader()
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = []
    failures: list[str] = []
    for site in load_sites(args.sites, args.site):
        site_rows, site_failures = lay_out_site(site, args.out, read)
        rows += site_rows
        failures += site_failures
        print(f"{site['name']}: {len(site_rows)} pages", file=sys.stderr)
    with (args.out / "manifest.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    for failure in failures:
        print(f"fetch: {failure}", file=sys.stderr)
    print(f"{len(rows)} pages of {len({r['site'] for r in rows})} sites in {args.out}"
          + (f"; {len(failures)} could not be read" if failures else ""), file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
