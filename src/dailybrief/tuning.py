"""Every tuning constant of collecting, the story engine, ranking and the writers, each with its
one-line meaning.

Settings a newsroom changes live in dailybrief.toml (`config.py`); these are the calibration,
measured on the labelled sets (docs/story-engine.md, docs/quality.md, docs/writers.md), and the
limits that keep one source or one story from costing too much. The modules that use them import
them from here; tests/test_tuning_docs.py checks that the figures the docs state are these.
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

# -- extractive writer (write/extractive.py) -----------------------------------------------------
REDUNDANT = 0.45  # bigram Jaccard above which a sentence repeats one already chosen
SAME_FACT = 0.35  # above which another item is cited for the same sentence
MMR_WEIGHT = 0.8  # how much closeness to the section's chosen sentences costs
CROSS_LANGUAGE_FACT = 0.55  # sentence-to-item cosine above which an item in another language may say the same
MAX_CROSS_LANGUAGE = 2  # such citations per sentence, the closest first
MAX_ITEMS = 12  # items of a story read for sentences, best first
MAX_SUPPORT_ITEMS = 4  # closest other-language items checked for cross-language support
SENTENCES_PER_ITEM = 12  # leading sentences of an item's text that are candidates
QUOTE_SENTENCES = 2  # at most this many sentences of one item in a report
QUOTE_SHARE = 0.30  # and at most this share of its text
SOURCE_PENALTY = 0.5  # per sentence already taken from the same item
FOREIGN_QUOTES = 2  # attributed quotations per story at most

# -- LLM writer (write/llm.py) -------------------------------------------------------------------
REPEAT = 0.7  # bigram Jaccard above which a sentence of a later item repeats an earlier one

# -- collecting (collect/) -----------------------------------------------------------------------
MAX_REDIRECTS = 5  # redirects followed by hand (each hop is checked against the address policy)
ARTICLE_MAX_BYTES = 3_000_000  # largest article page fetched for the full text of a teaser
WATCH_MAX_BYTES = 4_000_000  # largest YouTube watch page read for a video's description
HACKERNEWS_STORIES = 100  # leading ids of a Hacker News list whose stories are fetched
PAGE_MAX_LINKS = 60  # article links taken from one listing page or sitemap
PAGE_CHILD_SITEMAPS = 3  # child sitemaps of a sitemap index that are read
POOL_MIN_SOURCES = 16  # sources in a run from which feeds are parsed in worker processes
HELPER_BACKLOG = 32  # queued parse jobs above which the helper executor takes jobs while fetching goes on
WRITE_BATCH = 64  # fetched sources whose items are written to the store in one transaction
WRITE_DELAY = 0.05  # seconds the writer waits for a batch to fill before writing a smaller one
