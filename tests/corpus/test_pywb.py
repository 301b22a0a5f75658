"""Replay of our archives in pywb, with our CDXJ as the collection index (``tox -e replay``).

pywb's own indexer (``wb-manager add``) would index the conversion and metadata records at the
page URL, so a collection is built the way README says: ``wb-manager init``, then our WARC into
``archive/`` and our ``.cdxj`` into ``indexes/``. A real ``wayback`` server is started and read
over HTTP. pywb must be installed here: these tests never skip.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.outputs.index import key_for, surt
from conftest import FIXTURES

try:
    from pywb.utils.canonicalize import canonicalize
except ImportError as exc:
    # The default env deselects these tests (-m "not pywb") but still imports this module, so
    # a missing pywb must not break collection; selected without pywb, the tests fail below.
    PYWB_MISSING: ImportError | None = exc
else:
    PYWB_MISSING = None

pytestmark = pytest.mark.pywb

SEED = FIXTURES / "seeds" / "raw" / "000_afe2df786c992654.txt"
URL = ("https://www.ndtv.com/world-news/"
       "china-vs-world-us-seeks-group-response-to-beijings-rare-earth-move-9463372")
EPOCH = "1700000000"  # 2023-11-14T22:13:20Z
BIN = Path(sys.executable).parent
STARTUP_SECONDS = 30
# The same scrape archived under URLs where our index keys and pywb's lookups part ways.
MIXED_CASE_URL = "https://www.Example.com/News/Story?b=2&a=1"
TRAILING_SLASH_URL = "https://example.com/news/story/"
OTHER_URLS = {"mixed": MIXED_CASE_URL, "slash": TRAILING_SLASH_URL}


@pytest.fixture(scope="module", autouse=True)
def _needs_pywb():
    """Fail, never skip, when pywb is missing: these tests are the reason for tox -e replay."""
    if PYWB_MISSING is not None:
        pytest.fail(f"pywb is not installed ({PYWB_MISSING}); run: tox -e replay")


@dataclass(frozen=True)
class Wayback:
    """A running pywb with collection ``coll``, and what the run that filled it wrote."""

    base: str
    records: dict[str, dict]  # JSONL record by URL
    log: Path

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body of a GET (errors included, redirects followed)."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=20) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_seed(out: Path, name: str, *extra: str) -> dict:
    """Clean seed 000 to ``name.warc.gz`` (with its .cdxj) and return its JSONL record."""
    jsonl = out / f"{name}.jsonl"
    assert main(["clean", str(SEED), "-q", "-o", str(jsonl), "-o", str(out / f"{name}.warc.gz"),
                 *extra]) == 0
    (record,) = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    return record


def wait_until_up(base: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"wayback exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"wayback did not answer in {STARTUP_SECONDS} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def wayback(tmp_path_factory) -> Iterator[Wayback]:
    root = tmp_path_factory.mktemp("pywb")
    build = root / "build"
    build.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        records = {URL: clean_seed(build, "seed")}
        for name, url in OTHER_URLS.items():
            records[url] = clean_seed(build, name, "--url", url)
    assert records[URL]["url"] == URL  # from the seed's Source: line
    subprocess.run([str(BIN / "wb-manager"), "init", "coll"], cwd=root, check=True,
                   capture_output=True, timeout=120)
    coll = root / "collections" / "coll"
    for archive in sorted(build.glob("*.warc.gz")):
        shutil.copy(archive, coll / "archive")
        shutil.copy(archive.with_name(archive.name + ".cdxj"), coll / "indexes")
    port = free_port()
    log = root / "wayback.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(BIN / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
                                cwd=root, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, proc, log)
        yield Wayback(base, records, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_page_url_replays_the_raw_scrape(wayback):
    status, headers, body = wayback.get(f"/coll/id_/{URL}")
    assert status == 200, wayback.log.read_text()
    assert body == SEED.read_bytes()
    assert any(line.startswith(b"Source: https://www.ndtv.com/") for line in body.splitlines())
    assert headers["Memento-Datetime"] == "Tue, 14 Nov 2023 22:13:20 GMT"


def test_urn_text_replays_the_clean_text(wayback):
    status, headers, body = wayback.get(f"/coll/id_/urn:text:{URL}")
    assert status == 200, wayback.log.read_text()
    assert body.decode("utf-8") == wayback.records[URL]["text"]
    assert headers["Content-Type"] == "text/plain; charset=utf-8"


def test_urn_meta_replays_the_metadata(wayback):
    status, _, body = wayback.get(f"/coll/id_/urn:meta:{URL}")
    assert status == 200, wayback.log.read_text()
    record = wayback.records[URL]
    assert json.loads(body)["record"] == {k: v for k, v in record.items() if k != "text"}


def cdx(wayback: Wayback, url: str) -> list[dict]:
    status, _, body = wayback.get("/coll/cdx?output=json&url=" + urllib.parse.quote(url, safe=""))
    assert status == 200, wayback.log.read_text()
    return [json.loads(line) for line in body.decode("utf-8").splitlines()]


def test_cdx_api_lists_only_the_raw_capture_at_the_page_url(wayback):
    (entry,) = cdx(wayback, URL)
    assert (entry["record"], entry["filename"], entry["mime"]) == ("raw", "seed.warc.gz",
                                                                   "text/plain")
    assert entry["urlkey"] == surt(URL)
    assert entry["id"] == wayback.records[URL]["id"]
    (text,) = cdx(wayback, "urn:text:" + URL)
    assert text["record"] == "text"


@pytest.mark.parametrize(("which", "prefix"), [
    pytest.param("mixed", "", id="mixed-case-raw"),
    pytest.param("mixed", "urn:text:", id="mixed-case-text"),
    pytest.param("slash", "", id="trailing-slash-raw"),
    pytest.param("slash", "urn:text:", id="trailing-slash-text"),
])
def test_replay_at_urls_pywb_canonicalizes(wayback, which, prefix):
    """pywb canonicalizes the whole requested URL, ``urn:text:`` ones too, before lookup."""
    url = OTHER_URLS[which]
    status, _, body = wayback.get(f"/coll/id_/{prefix}{url}")
    assert status == 200
    expected = wayback.records[url]["text"].encode("utf-8") if prefix else SEED.read_bytes()
    assert body == expected


URLS = [
    URL,
    "http://Example.COM:80/A/B?z=1&a=2#fragment",  # case, default port, query order, fragment
    "https://example.com:443/",
    "https://example.com:8443/x",
    "http://example.com:443/x",  # not the default port for http
    "https://www.example.com/a",
    "https://www2.example.com/a",
    "https://m.example.com/a",
    "https://example.com",  # no path at all
    "https://example.com/?b=2&a=1&a=0",
    "https://example.com/x?",
    "https://user:pw@example.com./x",
    "https://example.com/%E4%B8%AD",
    "http://192.168.0.1/x",
    "urn:cleaner:doc:0648ae1801c80600",
    "https://example.com/a/",  # pywb drops a trailing slash (not the root's)
    "https://example.com/a/?x=1",
    "https://example.com/a?id-x=1&id=2",  # pywb sorts by parameter name, we sort whole pairs
    "https://example.com/a%2Fb",  # pywb unescapes what needs no escape
    "https://example.com/%7Euser",
    "https://example.com/a b",  # ... and escapes what does
    "https://example.com/中文",
    "https://bücher.example/",  # pywb uses punycode hosts
    "https://example.com//a",  # pywb collapses empty path segments
]


@pytest.mark.parametrize("url", URLS)
def test_surt_vs_pywb(url):
    assert surt(url) == canonicalize(url)


@pytest.mark.parametrize("url", [URL, "urn:cleaner:doc:0648ae1801c80600", MIXED_CASE_URL,
                                 TRAILING_SLASH_URL, "https://example.com/a?b=1&a=2"])
@pytest.mark.parametrize("role", ["text", "meta"])
def test_urn_keys_vs_pywb(role, url):
    """pywb canonicalizes ``urn:text:<url>`` as a URL (lowercase, sorted query, ...)."""
    assert key_for(role, url) == canonicalize(f"urn:{role}:{url}")
