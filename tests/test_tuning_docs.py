"""The figures docs/story-engine.md states are the constants the code runs with (tuning.py):
changing a constant without the doc, or the doc without the constant, fails here."""

from __future__ import annotations

from dailybrief import tuning
from itemfiles import ROOT

DOC = " ".join((ROOT / "docs" / "story-engine.md").read_text("utf-8").split())  # one line, single spaces


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


def test_every_constant_has_a_one_line_meaning():
    source = (ROOT / "src" / "dailybrief" / "tuning.py").read_text("utf-8")
    names = [name for name in vars(tuning) if name.isupper()]
    assert len(names) >= 20
    for line in source.splitlines():
        if line.split(" = ")[0] in names:
            assert "  # " in line or line.endswith("{"), f"tuning.py: {line.split(' = ')[0]} has no meaning"
