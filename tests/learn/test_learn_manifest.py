"""Learning from pages whose URLs a manifest gives: a built site's pages carry none (or a
localhost one), and their site is the host the manifest names."""

import json

from cleaner import cli
from cleaner.config import ManifestEntry
from cleaner.learn.profile import learn, read_sites
from cleaner.ruleset import load_rules
from conftest import pages_without_urls


def _manifest(pages):
    return {str(p): ManifestEntry(url=f"https://harbour-times.example/story/{p.stem}/")
            for p in sorted(pages.glob("*.txt"))}


def test_pages_without_urls_get_their_site_from_the_manifest(tmp_path):
    pages = pages_without_urls(tmp_path)
    sites, skipped = read_sites([str(pages)], load_rules(), 100, _manifest(pages))
    assert list(sites) == ["harbour-times.example"]
    assert len(sites["harbour-times.example"]) == len(list(pages.glob("*.txt")))
    assert not skipped


def test_a_site_is_learned_from_pages_a_manifest_names(tmp_path):
    pages = pages_without_urls(tmp_path)
    rules = load_rules()
    assert not learn([str(pages)], rules).files  # no URL: no site
    learned = learn([str(pages)], rules, manifest=_manifest(pages))
    assert [f.name for f in learned.files] == ["harbour-times.example"]
    assert learned.files[0].passed


def test_rules_learn_takes_a_manifest(tmp_path, capsys):
    pages = pages_without_urls(tmp_path)
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("".join(json.dumps({"path": k, "url": v.url}) + "\n"
                                for k, v in _manifest(pages).items()), encoding="utf-8")
    out = tmp_path / "learned"
    assert cli.main(["rules", "learn", str(pages), "-o", str(out),
                     "--manifest", str(manifest)]) == 0
    capsys.readouterr()
    assert [p.name for p in out.iterdir()] == ["harbour-times.example.toml"]
