"""Fuzzing the command line: arbitrary bytes and arbitrary JSONL/WARC structure in, and always
no traceback, exit 0 or 1, and every input accounted for.

The normal suite runs a modest number of examples; ``tox -e fuzz`` runs many more
(``CLEANER_FUZZ_EXAMPLES``).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner.cli import main

EXAMPLES = int(os.environ.get("CLEANER_FUZZ_EXAMPLES", "25"))
SUMMARY = re.compile(r"cleaner: (\d+) read, (\d+) kept, (\d+) rejected, (\d+) failed")

# Any code point, lone surrogates included (JSON can carry them as \ud800 escapes).
ANY_CHAR = st.one_of(st.characters(), st.characters(categories=["Cs"]))
TEXT = st.text(alphabet=ANY_CHAR, max_size=40)
PROSE = st.sampled_from([
    "The council approved the new budget on Tuesday after a long debate.",
    "Others Also Read", "LEAVE A REPLY", "Share this article", "718 Comments",
    "पुलिस ने बताया कि घटना रात में हुई।", "東京で新しい展示会が始まった。", "",
    "<p>Markup in a text field</p><div>and more</div>", "&lt;p&gt;escaped&lt;/p&gt;",
    "\x1b[31mred\x1b[0m", "\r\n\r\n", "x" * 300,
])
HTML = st.builds(
    lambda title, paras, junk: (
        f"<html><head><title>{title}</title></head><body>"
        + "".join(f"<p>{p}</p>" for p in paras) + junk + "</body></html>"),
    TEXT, st.lists(st.one_of(PROSE, TEXT), max_size=6),
    st.sampled_from(["", "<div>" * 300, "<svg><desc>x</desc></svg>", "<math><mi>x</mi></math>",
                     '<img src="data:image/png;base64,' + "A" * 5000 + '">', "<!--", "<p"]),
)
URL = st.one_of(
    st.none(), TEXT, st.integers(),
    st.sampled_from(["https://example.com/a", "javascript:alert(1)", "data:text/html,x",
                     "https://example.com/a\r\nWARC-Type: evil", "http://exa mple.com/ b",
                     "metadata://gnu.org/software/wget/warc/MANIFEST.txt", "dns:example.com",
                     "https://" + "a" * 10000 + ".com/"]),
)
VALUE = st.one_of(st.none(), st.booleans(), st.integers(), TEXT, HTML, PROSE,
                  st.lists(st.integers(), max_size=3))
RECORD = st.fixed_dictionaries(
    {},
    optional={"url": URL, "html": st.one_of(HTML, VALUE), "text": st.one_of(PROSE, VALUE),
              "date": VALUE, "site": VALUE, "title": VALUE},
).flatmap(lambda d: st.dictionaries(TEXT, VALUE, max_size=3).map(lambda extra: {**extra, **d}))
JSONL_LINE = st.one_of(
    RECORD.map(lambda r: json.dumps(r, ensure_ascii=True)),
    RECORD.map(lambda r: json.dumps(r, ensure_ascii=False, allow_nan=True)),
    st.builds(json.dumps, VALUE),
    st.text(max_size=30),
)


@st.composite
def jsonl_bytes(draw) -> bytes:
    lines = draw(st.lists(JSONL_LINE, max_size=6))
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = data.replace(b"\n", b"\r\n")
    return data


def _warc_record(writer: WARCWriter, kind: str, url: str, body: bytes, ctype: str):
    if kind == "response":
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        return writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                         http_headers=http)
    return writer.create_warc_record(url, kind, payload=io.BytesIO(body),
                                     warc_content_type=ctype)


@st.composite
def warc_bytes(draw) -> bytes:
    compressed = draw(st.booleans())
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compressed)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["response", "resource", "metadata", "conversion"]))
        url = draw(st.sampled_from(["https://example.com/a", "https://example.com/b",
                                    "metadata://gnu.org/x", "dns:example.com", "urn:x"]))
        body = draw(st.one_of(HTML, PROSE)).encode("utf-8", "surrogatepass")
        ctype = draw(st.sampled_from(["text/html", "text/plain", "image/png",
                                      "text/html; charset=utf-8", "application/warc-fields"]))
        writer.write_record(_warc_record(writer, kind, url, body, ctype))
    mutation = draw(st.sampled_from(["none", "cut", "flip", "junk", "length"]))
    # Where to damage, as a share of the length: record ids and dates vary between runs.
    share = draw(st.integers(0, 999))
    junk = draw(st.binary(min_size=1, max_size=200))
    data = bytearray(out.getvalue())
    at = share * len(data) // 1000
    if mutation == "cut":
        del data[at:]
    elif mutation == "flip" and data:
        data[at] ^= 0xFF
    elif mutation == "junk":
        data[at:at] = junk
    elif mutation == "length":
        data = bytearray(re.sub(rb"Content-Length: (\d+)", lambda m: b"Content-Length: "
                                + str(max(0, int(m.group(1)) - 7)).encode(), bytes(data),
                                count=1))
    return bytes(data)


NAMES = ["a.txt", "b.html", "c.htm", "d.jsonl", "e.jsonl.gz", "f.warc", "g.warc.gz", "h.TXT"]
FILE = st.tuples(
    st.sampled_from(NAMES),
    st.one_of(st.binary(max_size=600), HTML.map(lambda s: s.encode("utf-8", "surrogatepass")),
              jsonl_bytes(), warc_bytes()),
    st.booleans(),
)


def _write_inputs(root: Path, files) -> list[str]:
    names = []
    for i, (name, data, gz) in enumerate(files):
        if gz and name.endswith(".gz"):
            data = gzip.compress(data, mtime=0)
        path = root / f"{i:02d}-{name}"
        path.write_bytes(data)
        names.append(path.name)
    return names


def _lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    # Split on newlines only: str.splitlines would also split at U+0085 and U+2028 in a string.
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(FILE, min_size=1, max_size=4))
def test_any_input_is_accounted_for(files):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in"
        root.mkdir()
        names = _write_inputs(root, files)
        out, rejects = Path(tmp) / "out.jsonl", Path(tmp) / "rejects.jsonl"
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main(["clean", str(root), "-o", str(out), "-o", str(Path(tmp) / "o.warc.gz"),
                         "--rejects", str(rejects), "--explain", str(Path(tmp) / "x.jsonl"),
                         "--timeout", "20"])
        stderr = err.getvalue()
        assert "Traceback" not in stderr
        assert code in (0, 1), stderr
        found = SUMMARY.search(stderr)
        assert found, stderr
        read, kept, rejected, failed = map(int, found.groups())
        assert read == kept + rejected + failed
        kept_records, reject_records = _lines(out), _lines(rejects)
        assert len(kept_records) == kept
        assert len(reject_records) == rejected + failed
        assert (code == 1) == (failed > 0)
        named = {r["source"]["path"] for r in kept_records}
        named |= {r["source"] for r in reject_records}
        for name in names:
            assert any(name in str(n) for n in named), (name, stderr)
