"""The faster paths of cleaning give exactly what the plain ones give.

Each shortcut taken for speed or memory is checked here against the reference it replaces.
"""

from cleaner import language


def test_compact_profiles_hold_langdetect_rows_exactly():
    factory = language._Detector.factory()
    ngrams = language._Detector.ngrams()
    assert ngrams is not None, "the exact fast path is off: langdetect is not the pinned release"
    profiles = ngrams.profiles
    assert profiles.langlist == factory.langlist
    short = {g: r for g, r in factory.word_lang_prob_map.items() if 1 <= len(g) <= 3}
    assert set(profiles.known) == set(short)
    langs = len(factory.langlist)
    for gram, row in short.items():
        assert profiles.row(gram) == row[:langs], gram


def test_profile_rows_are_remade_after_the_cache_is_full(monkeypatch):
    profiles = language._Detector.ngrams().profiles
    monkeypatch.setattr(profiles, "rows", {})
    monkeypatch.setattr(language._Profiles, "MAX_ROWS", 2)
    first = list(profiles.row("e"))
    profiles.row("a")
    profiles.row("th")  # the cache was full: emptied, then this row kept
    assert len(profiles.rows) == 1
    assert profiles.row("e") == first
