"""Choose the pages of each site in sites.json: posts paired with built pages that hold them.

usage: python benchmarks/sites/choose.py --mirror DIR [--sites FILE] [--max-pages N] [--write]

For each site (its repository, ``source_commit``, ``build_commit``, ``build_root`` and
``base_url`` as sites.json gives them), read from a local git directory under DIR:

1. posts: files ending in one of the site's ``source_exts`` (default .md, .markdown, .mdown)
   under a ``_posts/``, ``content/`` or ``posts/`` folder, outside the build folders, without
   section indexes (``_index``) or top-level pages of ``content/`` (about, archives ...);
2. each post's built page: the HTML file under ``build_root`` whose slug (its folder for an
   ``index.html``, else its name) is the post's slug: the front matter's ``slug``, else the file
   name without a leading date, else its ``url``/``permalink``, else its title slugified; a post
   whose slug names several pages of different paths is left out;
3. kept when the post's truth has 3 lines or more and the whole built page loses at most a tenth
   of them (benchmarks/sites/match.py), i.e. the page holds the post it was paired with;
4. at most ``--max-pages`` of them, evenly spaced over the posts in path order.

Prints each site's counts; with ``--write`` rewrites sites.json's ``pages`` (else prints it).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fetch import SITES, _git_dir
from match import score_lines
from truth import page_to_lines, render_truth

DEFAULT_EXTS = (".md", ".markdown", ".mdown")
_POST_DIR = re.compile(r"(^|/)(_posts|content|posts)/")
_BUILD_DIR = re.compile(r"(_site|public|docs|output|node_modules|themes|vendor)/")
_TOP_PAGE = re.compile(r"(blog/)?content/[^/]+")
_NOT_POSTS = frozenset(("about", "archives", "archive", "search", "links", "contact", "tags",
                        "categories", "readme"))
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}-")
_EXT = re.compile(r"\.(md|markdown|mdown|html)$")
_FRONT_KEY = re.compile(r"^\s*(slug|url|permalink|title)\s*[:=]\s*[\"']?(.*?)[\"']?\s*$",
                        re.I | re.M)


def slug_of(path: str) -> str:
    """The slug a path names: its folder for an index page, else its name, without a date."""
    parts = path.rstrip("/").split("/")
    name = _EXT.sub("", parts[-1])
    if name in ("index", "_index") and len(parts) > 1:
        name = parts[-2]
    return _DATE.sub("", name).lower()


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"\W+", "-", ascii_title.lower()).strip("-")


def slug_candidates(path: str, text: str) -> list[str]:
    """The slugs a post may be built under, most likely first."""
    found = [slug_of(path)]
    for key, value in _FRONT_KEY.findall(text[:3000]):
        key, value = key.lower(), value.strip()
        if key == "slug":
            found.insert(0, value.lower())
        elif key in ("url", "permalink") and value.strip("/"):
            found.append(slug_of(value))
        elif key == "title" and value:
            found.append(slugify(value))
    return [c for c in dict.fromkeys(found) if c]


class Repo:
    """A local git directory, read at exact commits."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir

    def _git(self, *args: str) -> bytes:
        return subprocess.run(["git", "--git-dir", str(self.git_dir), *args],
                              capture_output=True, check=True).stdout

    def files(self, commit: str) -> list[str]:
        return self._git("ls-tree", "-r", "--name-only", "-z", commit).decode().split("\0")[:-1]

    def read(self, commit: str, path: str) -> bytes:
        return self._git("show", f"{commit}:{path}")


def _is_post(path: str, exts: tuple[str, ...]) -> bool:
    return (path.lower().endswith(exts) and not path.rsplit("/", 1)[-1].startswith((".", "_index"))
            and bool(_POST_DIR.search(path)) and not _BUILD_DIR.match(path)
            and not _TOP_PAGE.fullmatch(path) and slug_of(path) not in _NOT_POSTS)


def pairs(repo: Repo, site: dict[str, object]) -> list[tuple[str, str]]:
    """(post, built page) pairs of a site, in the posts' path order."""
    exts = tuple(site.get("source_exts") or DEFAULT_EXTS)  # type: ignore[arg-type]
    root, src = str(site["build_root"]), str(site["source_commit"])
    by_slug: dict[str, list[str]] = {}
    for path in repo.files(str(site["build_commit"])):
        if path.endswith(".html") and path.startswith(root) and "/amp/" not in path \
                and "/page/" not in path:
            by_slug.setdefault(slug_of(path), []).append(path)
    found = []
    for post in sorted(p for p in repo.files(src) if _is_post(p, exts)):
        text = repo.read(src, post).decode("utf-8", "replace")
        for slug in slug_candidates(post, text):
            built = sorted(by_slug.get(slug, []), key=len)
            if built and all(b.endswith(built[0]) for b in built):
                found.append((post, built[0]))
                break
    return found


def holds_its_post(truth: str, page: bytes) -> bool:
    score = score_lines(truth, "\n".join(page_to_lines(page)))
    return score.truth_lines >= 3 and score.lost <= 0.1 * score.truth_lines


def select_site(repo: Repo, site: dict[str, object], max_pages: int) -> list[dict[str, object]]:
    """The pages of one site, chosen as the module docstring says."""
    good = []
    for post, built in pairs(repo, site):
        kind = "html" if post.endswith(".html") else "markdown"
        truth = render_truth(repo.read(str(site["source_commit"]), post).decode("utf-8", "replace"),
                             kind)
        if holds_its_post(truth, repo.read(str(site["build_commit"]), built)):
            good.append((post, built, kind))
    if len(good) > max_pages:
        step = len(good) / max_pages
        good = [good[int(i * step)] for i in range(max_pages)]
    base, root = site.get("base_url"), str(site["build_root"])
    pages: list[dict[str, object]] = []
    for post, built, kind in good:
        rel = built[len(root):].removesuffix("index.html")
        pages.append({"html": built, "source": post, "source_kind": kind,
                      "url": f"{base}{rel}" if base else None})
    print(f"{site['name']}: {len(pages)} pages", file=sys.stderr)
    return pages


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mirror", type=Path, required=True, metavar="DIR",
                    help="local git directories of the sites' repositories")
    ap.add_argument("--sites", type=Path, default=SITES, metavar="FILE")
    ap.add_argument("--max-pages", type=int, default=30, metavar="N")
    ap.add_argument("--write", action="store_true", help="rewrite FILE's pages in place")
    args = ap.parse_args(argv)
    doc = json.loads(args.sites.read_text(encoding="utf-8"))
    for site in doc["sites"]:
        site["pages"] = select_site(Repo(_git_dir(args.mirror, site["repository"])), site,
                                    args.max_pages)
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    if args.write:
        args.sites.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
