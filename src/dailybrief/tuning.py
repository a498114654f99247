"""Every tuning constant of the story engine and ranking, each with its one-line meaning.

Settings a newsroom changes live in dailybrief.toml (`config.py`); these are the engine's
calibration, measured on the labelled sets (docs/story-engine.md, docs/quality.md). The
modules that use them import them from here; tests/test_tuning_docs.py checks that the figures
docs/story-engine.md states are these.
"""

from __future__ import annotations

# -- stories (process/stories.py): single-pass clustering against story centroids -------------
STORY_THRESHOLD = 0.62  # cosine + evidence an item needs to join a story
STORY_FALLBACK_THRESHOLD = 0.75  # the same with character n-gram vectors (they score unrelated texts higher)
TOKEN_BONUS = 0.08  # evidence per distinctive token shared with the story
MAX_TOKEN_BONUS = 0.3  # at most this much evidence from shared tokens
NAME_CONFLICT = 0.08  # penalty when item and story name different things and share none
CANDIDATES = 8  # stories, by cosine, whose tokens are compared with the item's
STORY_WINDOW_HOURS = 240.0  # a story quiet for longer than this (10 days) takes no new items
EXACT_BELOW = 3000  # items; above this, candidate stories come from the ANN index
NPROBE = 6  # ANN cells probed per item
NAME_POSTINGS = 32  # a name carried by more stories than this proposes no candidates
TITLE_BONUS = 0.25  # for an item whose title is (nearly) the title of one of the story's items
TITLE_FROM = 0.5  # character-bigram Jaccard of two titles where the title bonus starts
TITLES_KEPT = 4  # titles per story compared with an item's title
TITLE_NAME = 2.0  # weight of a shared name that is in the item's title and in one of the story's

# -- near-duplicates (process/dedupe.py) ----------------------------------------------------
DUPLICATE_THRESHOLD = 0.7  # MinHash Jaccard of shingles above which two items are copies

# -- novelty against earlier reports (process/novelty.py) ------------------------------------
NOVELTY_SIMILAR = 0.82  # cosine to an earlier story above which a story is that story again
NOVELTY_RELATED = 0.68  # cosine above which it may be an update of it (names decide)

# -- sections (process/sections.py) -----------------------------------------------------------
KEYWORD_WEIGHT = 0.24  # score added for a story whose every item names two of a section's keywords
MIN_SECTION_SCORE = 0.12  # below this for every section, a story goes to `other`
SECTION_MARGIN = 0.06  # a second-best section this close may take a story its best has no room for
SECTION_HUB_CORRECTION = 0.5  # share of a section's excess mean similarity to reference AI news taken off

# -- ranking (process/rank.py) ----------------------------------------------------------------
KIND_WEIGHTS = {
    "press": 1.4,
    "blog": 1.3,
    "news": 1.0,
    "paper": 0.9,
    "release": 0.8,
    "video": 0.8,
    "forum": 0.7,
    "other": 0.6,
}  # outlet weight by source kind
WIRE_WEIGHT = 1.3  # outlet weight of a wire service (WIRE_SERVICES in rank.py)
REACH_WEIGHT = 0.15  # importance per syndicated copy
RECENCY_WEIGHT = 0.5  # importance of being published at the very end of the window
