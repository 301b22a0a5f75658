"""WARC input as a crawler writes it: warcio's own capture of real HTTP traffic on loopback."""

import contextlib
import gzip
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from warcio.capture_http import capture_http

from cleaner import cli
from cleaner.corpus.replay import find

ARTICLE = (b"<!doctype html><html><head><title>Bridge approved</title></head><body>"
           b"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article>"
           b"<h1>Bridge approved</h1>"
           b"<p>The city council voted on Monday to approve a new bridge over the river after "
           b"two years of debate, ending one of the longest planning disputes in the town.</p>"
           b"<p>Construction will start in spring and take three years, the council said in a "
           b"statement, and the old ferry will run until the bridge opens to traffic.</p>"
           b"</article><footer>Copyright 2025</footer></body></html>")


class Site(BaseHTTPRequestHandler):
    """An article sent chunked and gzipped, a missing page and an image."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/bridge":
            body = gzip.compress(ARTICLE)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(body), 100):
                part = body[i:i + 100]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/logo.png":
            self._send(200, "image/png", b"\x89PNG\r\n\x1a\n")
        else:
            self._send(404, "text/html", b"<html><body>Not found</body></html>")

    def _send(self, status, ctype, body):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_clean_a_crawl_captured_by_warcio(site, tmp_path, capsys):
    crawl = tmp_path / "crawl.warc.gz"
    with capture_http(str(crawl)):
        for path in ("/bridge", "/missing", "/logo.png"):
            with contextlib.suppress(urllib.error.HTTPError):  # the 404 is part of the crawl
                urllib.request.urlopen(site + path, timeout=10).read()
    out, warc, rejects = tmp_path / "o.jsonl", tmp_path / "o.warc.gz", tmp_path / "r.jsonl"
    code = cli.main(["clean", str(crawl), "-o", str(out), "-o", str(warc), "--rejects",
                     str(rejects), "-q"])
    capsys.readouterr()
    assert code == 0
    rec = json.loads(out.read_text())
    assert rec["url"] == site + "/bridge"
    assert rec["title"] == "Bridge approved"
    assert rec["text"].startswith("The city council voted")  # the headline is not repeated
    assert "Construction will start in spring" in rec["text"]
    assert "Copyright" not in rec["text"]
    assert rec["source"]["offset"] is not None
    reasons = sorted(json.loads(line)["reason"] for line in rejects.read_text().splitlines())
    assert reasons == ["not_200", "not_html"]
    archived = find(warc, site + "/bridge")
    assert archived is not None
    assert archived.raw is not None
    assert archived.raw.record_type == "response"
    assert archived.raw.payload == ARTICLE
