"""The figures docs/story-engine.md states are the constants the code runs with (tuning.py):
changing a constant without the doc, or the doc without the constant, fails here."""

from __future__ import annotations

from dailybrief import tuning
from itemfiles import ROOT


def one_line(name: str) -> str:
    """docs/NAME as one line with single spaces (the figures may wrap)."""
    return " ".join((ROOT / "docs" / name).read_text("utf-8").split())


DOC = one_line("story-engine.md")


def g(value: float) -> str:
    return f"{value:g}"


def test_story_engine_figures_are_the_tuning_constants():
    t = tuning
    stated = [
        f"cosine + evidence ≥ {g(t.STORY_THRESHOLD)}",
        f"from {g(t.STORY_THRESHOLD)} to {g(t.STORY_FALLBACK_THRESHOLD)}",
        f"at most +{g(t.MAX_TOKEN_BONUS)}",
        f"from {g(t.TITLE_FROM)} up it adds up to +{g(t.TITLE_BONUS)}",
        f"penalties (−{g(t.NAME_CONFLICT)})",
        f"active within {g(t.STORY_WINDOW_HOURS)} hours",
        f"below {t.EXACT_BELOW:,} items",
        f"times {g(t.KEYWORD_WEIGHT)}",
        f"Below {g(t.MIN_SECTION_SCORE)} a story goes to `other`",
        f"scores within {g(t.SECTION_MARGIN)} and has room",
        f"times {g(t.SECTION_HUB_CORRECTION)} is taken off",
    ]
    missing = [phrase for phrase in stated if phrase not in DOC]
    assert not missing, f"docs/story-engine.md does not say: {missing}"


def test_writer_and_collect_figures_are_the_tuning_constants():
    t = tuning
    stated = {
        "writers.md": [
            f"bigram Jaccard with a chosen one is above {g(t.REDUNDANT)}",
            f"at most {t.QUOTE_SENTENCES} sentences and {t.QUOTE_SHARE:.0%} of its text",
        ],
        "collect.md": [
            f"the first {t.HACKERNEWS_STORIES} stories",
            f"HTML only, {t.ARTICLE_MAX_BYTES // 1_000_000} MB cap",
            f"≥ {t.POOL_MIN_SOURCES} sources (`tuning.POOL_MIN_SOURCES`)",
        ],
    }
    missing = [(doc, phrase) for doc, phrases in stated.items() for phrase in phrases if phrase not in one_line(doc)]
    assert not missing, f"the docs do not say: {missing}"


def test_every_constant_has_a_one_line_meaning():
    source = (ROOT / "src" / "dailybrief" / "tuning.py").read_text("utf-8")
    names = [name for name in vars(tuning) if name.isupper()]
    assert len(names) >= 20
    for line in source.splitlines():
        if line.split(" = ")[0] in names:
            assert "  # " in line or line.endswith("{"), f"tuning.py: {line.split(' = ')[0]} has no meaning"
