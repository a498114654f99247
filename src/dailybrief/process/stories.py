"""Stories stage: items about the same event become one `Story`, across English and Chinese.

Single-pass clustering against story centroids, in publication order: an item joins the story
whose centroid is most similar when the similarity clears `THRESHOLD`, else it starts a story.
Similarity is the cosine of multilingual embeddings plus a bonus for shared distinctive tokens
(product names, version numbers, figures), which keeps two announcements by one company apart
while joining an English and a Chinese report that name the same model.

Candidate stories are those whose latest item is within `WINDOW_HOURS` of the item. Up to
`EXACT_BELOW` items every such story is compared (exact); above it an inverted file of k-means
cells over the item vectors (`ann.CellIndex`) plus an index of rare names supplies the
candidates, so the cost grows about linearly with the number of items instead of with
items × stories. Every join is recorded (`StoryMerge`) with its score and the shared tokens.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .. import tuning
from ..models import Item, Story
from .ann import CellIndex
from .embed import TextEmbedder, default_embedder

# Calibration: see dailybrief/tuning.py for what each one means.
THRESHOLD = tuning.STORY_THRESHOLD
FALLBACK_THRESHOLD = tuning.STORY_FALLBACK_THRESHOLD
TOKEN_BONUS = tuning.TOKEN_BONUS
MAX_BONUS = tuning.MAX_TOKEN_BONUS
CONFLICT = tuning.NAME_CONFLICT
CANDIDATES = tuning.CANDIDATES
WINDOW_HOURS = tuning.STORY_WINDOW_HOURS
EXACT_BELOW = tuning.EXACT_BELOW
NPROBE = tuning.NPROBE
NAME_POSTINGS = tuning.NAME_POSTINGS
TITLE_BONUS = tuning.TITLE_BONUS
TITLE_FROM = tuning.TITLE_FROM
TITLES_KEPT = tuning.TITLES_KEPT
TITLE_NAME = tuning.TITLE_NAME
_NOT_ALNUM = re.compile(r"[\W_]+")
_VERSION = re.compile(r"\d+(?:\.\d+)+|\d+")
_TOKEN = re.compile(
    r"[A-Za-z][A-Za-z0-9\-]*[0-9A-Z][A-Za-z0-9\-]*(?:\.\d+)*|[A-Z][a-z]{2,}[A-Za-z]*|\d+(?:\.\d+)+|\d{2,}"
)
_COMMON = frozenset(
    "The This That With From What When Why How New Its After Over Into Says Said Inside Show Reddit "
    "AI LLM LLMs GPU GPUs API CEO US UK EU And For Are Not But Our You Your Hacker News Report "
    "OpenAI Anthropic Google NVIDIA Nvidia Microsoft Meta Apple Amazon DeepMind".split()
)


def story_text(item: Item) -> str:
    return f"{item.title}. {item.text[:400]}"


# A lower-case word in running text; not part of an identifier such as "trae-agent" or a path.
_LOWER_WORD = re.compile(r"(?<![\w\-/.@])[a-z]{3,}(?![\w\-/@]|\.\w)")


def distinctive_tokens(item: Item, plain_words: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """Names, versions and figures: capitalised or mixed-case words and numbers. A capitalised
    word that also occurs in lower case among the day's items ("Several", "Model") is not a name."""
    found = _TOKEN.findall(f"{item.title} {item.text[:600]}")
    return {
        tok.lower()
        for tok in found
        if tok not in _COMMON and len(tok) > 1 and not (tok[1:].islower() and tok.lower() in plain_words)
    }


def title_shape(title: str) -> tuple[frozenset[str], frozenset[str]]:
    """Character bigrams of a title (lower case, letters and digits only: works for Chinese
    without word segmentation) and the numbers it names."""
    flat = _NOT_ALNUM.sub("", title.lower())
    return frozenset(flat[k : k + 2] for k in range(len(flat) - 1)), frozenset(_VERSION.findall(title))


def title_similarity(a: tuple[frozenset[str], frozenset[str]], b: tuple[frozenset[str], frozenset[str]]) -> float:
    """Jaccard of the titles' bigrams; 0 when both name numbers and none in common ("Opus 4.6"
    and "Opus 4.7" are two events however alike their titles are)."""
    (grams_a, nums_a), (grams_b, nums_b) = a, b
    if not grams_a or not grams_b or (nums_a and nums_b and not nums_a & nums_b):
        return 0.0
    return len(grams_a & grams_b) / len(grams_a | grams_b)


def story_id(item: Item) -> str:
    return "s-" + hashlib.blake2b(item.url.encode("utf-8"), digest_size=5).hexdigest()


@dataclass
class StoryMerge:
    """One item joining a story: the evidence the merge log keeps."""

    story_id: str
    item_url: str
    into_url: str  # the story's first item
    score: float
    cosine: float
    shared: list[str] = field(default_factory=list)
    reason: str = "similar"


@dataclass
class ClusterResult:
    stories: list[Story]
    merges: list[StoryMerge] = field(default_factory=list)
    method: str = "exact"


@dataclass
class _Open:
    members: list[int]
    tokens: Counter = field(default_factory=Counter)
    names: set[str] = field(default_factory=set)
    titles: list[int] = field(default_factory=list)  # the first TITLES_KEPT members
    title_tokens: set[str] = field(default_factory=set)


class _Centroids:
    """Running sums of member vectors in one growing matrix, with their norms."""

    def __init__(self, dim: int, capacity: int):
        self.total = np.zeros((max(capacity, 16), dim), dtype=np.float32)
        self.norm = np.zeros(max(capacity, 16), dtype=np.float32)
        self.last = np.zeros(max(capacity, 16), dtype=np.float64)  # newest member's timestamp
        self.size = 0

    def add(self, vector: np.ndarray, when: float) -> int:
        if self.size == len(self.total):
            self.total = np.vstack([self.total, np.zeros_like(self.total)])
            self.norm = np.concatenate([self.norm, np.zeros_like(self.norm)])
            self.last = np.concatenate([self.last, np.zeros_like(self.last)])
        self.total[self.size] = vector
        self.norm[self.size] = np.linalg.norm(vector) or 1.0
        self.last[self.size] = when
        self.size += 1
        return self.size - 1

    def join(self, k: int, vector: np.ndarray, when: float) -> None:
        self.total[k] += vector
        self.norm[k] = np.linalg.norm(self.total[k]) or 1.0
        self.last[k] = max(self.last[k], when)

    def cosines(self, ks: np.ndarray, vector: np.ndarray) -> np.ndarray:
        return (self.total[ks] @ vector) / self.norm[ks]


def cluster(items: list[Item], embedder: TextEmbedder | None = None) -> list[Story]:
    """Group items into stories; each story's items are ordered by publication time."""
    return cluster_items(items, embedder).stories


def cluster_items(
    items: list[Item],
    embedder: TextEmbedder | None = None,
    vectors: np.ndarray | None = None,
    exact_below: int = EXACT_BELOW,
    window_hours: float = WINDOW_HOURS,
    threshold: float | None = None,
) -> ClusterResult:
    """Cluster `items` (embedding them unless `vectors`, one L2-normalised row per item, is
    given) and return the stories with the merge log. The join threshold defaults to
    `THRESHOLD`, or `FALLBACK_THRESHOLD` when the embedder fell back to character n-grams."""
    if not items:
        return ClusterResult(stories=[])
    if vectors is None:
        embedder = embedder or default_embedder()
        vectors = embedder.embed([story_text(item) for item in items])
        if threshold is None and embedder.name == "char-ngram-hash":
            threshold = FALLBACK_THRESHOLD
    threshold = THRESHOLD if threshold is None else threshold
    clusterer = _Clusterer(
        items, np.asarray(vectors, dtype=np.float32), threshold, len(items) < exact_below, window_hours
    )
    for i in sorted(range(len(items)), key=lambda i: (items[i].published, items[i].url)):
        clusterer.place(i, clusterer.best_story(i))
    return clusterer.result()


@dataclass
class _Features:
    """What the day's items say about themselves, computed once: distinctive tokens, the
    tokens in each title, names (rare non-numeric tokens) and each token's rarity (idf)."""

    tokens: list[set[str]]
    title_tokens: list[set[str]]
    names: list[set[str]]
    idf: dict[str, float]


def day_features(items: list[Item]) -> _Features:
    n = len(items)
    # Plain words: lower case in running text ("several", "model"); a capitalised word that is
    # one of them is not a name. Identifiers ("trae-agent", "bytedance/trae") do not count.
    plain_words = {w for item in items for w in _LOWER_WORD.findall(f"{item.title} {item.text}")}
    tokens = [distinctive_tokens(item, plain_words) for item in items]
    title_tokens = [{t.lower() for t in _TOKEN.findall(item.title)} & toks for item, toks in zip(items, tokens)]
    document_freq = Counter(tok for toks in tokens for tok in toks)
    # A token carried by most of the day's items says nothing about which event an item is.
    idf = (
        {tok: min(1.0, math.log(n / df + 1) / math.log(n / 2 + 1)) for tok, df in document_freq.items()}
        if n > 2
        else {}
    )
    names = [{t for t in toks if not t.replace(".", "").isdigit() and idf.get(t, 1.0) >= 0.5} for toks in tokens]
    return _Features(tokens, title_tokens, names, idf)


@dataclass
class _Best:
    """The best story found for an item so far (story -1: none)."""

    story: int = -1
    score: float = -1.0
    cosine: float = 0.0
    shared: list[str] = field(default_factory=list)
    headline: float = 0.0  # title similarity when the headline bonus applied


class _Clusterer:
    """One pass over the items in publication order; each joins its best story or opens one."""

    def __init__(self, items: list[Item], vectors: np.ndarray, threshold: float, exact: bool, window_hours: float):
        self.items, self.vectors, self.threshold, self.exact = items, vectors, threshold, exact
        self.features = day_features(items)
        self.times = [item.published.timestamp() for item in items]
        self.window = window_hours * 3600
        self.index = None if exact else CellIndex(vectors, nprobe=NPROBE)
        self.postings: dict[str, list[int]] = {}
        self.centroids = _Centroids(vectors.shape[1], min(len(items), 4096))
        self.stories: list[_Open] = []
        self.joins: list[tuple[int, _Best]] = []
        self._shapes: dict[int, tuple[frozenset[str], frozenset[str]]] = {}  # title shapes, when needed

    def shape(self, k: int) -> tuple[frozenset[str], frozenset[str]]:
        if k not in self._shapes:
            self._shapes[k] = title_shape(self.items[k].title)
        return self._shapes[k]

    def candidates(self, i: int) -> np.ndarray:
        """Stories item `i` may join: all (exact) or those the ANN cells and rare names propose,
        minus those quiet for longer than the window."""
        if self.exact or self.index is None:
            ks = np.arange(len(self.stories))
        else:
            found = self.index.candidates(i)
            for name in self.features.names[i]:
                posting = self.postings.get(name)
                if posting and len(posting) <= NAME_POSTINGS:
                    found.update(posting)
            ks = np.fromiter(found, dtype=np.int64, count=len(found))
            ks.sort()  # gather centroid rows in memory order
        if len(ks):
            ks = ks[self.centroids.last[ks] >= self.times[i] - self.window]
        return ks

    def token_bonus(self, i: int, story: _Open) -> tuple[float, list[str]]:
        """Bonus for distinctive tokens shared with the story (or a penalty for naming others)."""
        f = self.features
        shared = [t for t in f.tokens[i] if story.tokens[t]]
        # A token counts by how rare it is in the day, how much of the story carries it,
        # and half when it is only a number.
        size = len(story.members)
        # A name in both headlines counts TITLE_NAME times: it is what the reports are about.
        evidence = sum(
            f.idf.get(t, 1.0)
            * min(1.0, 2 * story.tokens[t] / size)
            * (
                0.5
                if t not in f.names[i]
                else TITLE_NAME
                if t in f.title_tokens[i] and t in story.title_tokens
                else 1.0
            )
            for t in shared
        )
        bonus = min(MAX_BONUS, TOKEN_BONUS * evidence)
        if not shared and f.names[i] and story.names:
            bonus = -CONFLICT  # both name products or people, and not the same ones
        return bonus, shared

    def title_bonus(self, i: int, story: _Open, bonus: float) -> tuple[float, float]:
        """The bonus after comparing headlines, and the best title similarity.

        Two reports of one event often share their headline (a reposted announcement, a wire
        story retitled by a word): the bonus rises from 0 at TITLE_FROM to TITLE_BONUS for
        identical titles, and needs the embedding to agree somewhat."""
        mine, theirs = self.shape(i), [self.shape(k) for k in story.titles]
        title_sim = max((title_similarity(mine, t) for t in theirs), default=0.0)
        if title_sim > TITLE_FROM and bonus >= 0:
            bonus += TITLE_BONUS * (title_sim - TITLE_FROM) / (1 - TITLE_FROM)
        # Headlines that name numbers, none in common ("GPT-5.5" / "GPT-5.6"): two events.
        if mine[1] and all(t[1] and not t[1] & mine[1] for t in theirs):
            bonus = min(bonus, 0.0) - CONFLICT
        return bonus, title_sim

    def best_story(self, i: int) -> _Best:
        best = _Best()
        ks = self.candidates(i)
        if not len(ks):
            return best
        cosines = self.centroids.cosines(ks, self.vectors[i])
        # Tokens only re-rank the stories the embedding already finds close.
        for j in np.argsort(-cosines)[:CANDIDATES]:
            if cosines[j] + MAX_BONUS + TITLE_BONUS < max(self.threshold, best.score):
                break  # no bonus can lift this one or the rest (by falling cosine) above the best
            story = self.stories[ks[j]]
            bonus, shared = self.token_bonus(i, story)
            # Titles can only lift (or, naming other numbers, sink) a story that could win.
            title_sim = 0.0
            if cosines[j] + bonus + TITLE_BONUS >= max(self.threshold, best.score):
                bonus, title_sim = self.title_bonus(i, story, bonus)
            score = float(cosines[j]) + bonus
            if score > best.score:
                best = _Best(int(ks[j]), score, float(cosines[j]), shared, title_sim if title_sim > TITLE_FROM else 0.0)
        return best

    def place(self, i: int, best: _Best) -> None:
        """Join item `i` to its best story when it clears the threshold, else open a story."""
        f = self.features
        if best.story >= 0 and best.score >= self.threshold:
            story, k = self.stories[best.story], best.story
            story.members.append(i)
            story.tokens.update(f.tokens[i])
            new_names = f.names[i] - story.names
            story.names |= f.names[i]
            if len(story.titles) < TITLES_KEPT:
                story.titles.append(i)
            story.title_tokens |= f.title_tokens[i]
            self.centroids.join(k, self.vectors[i], self.times[i])
            self.joins.append((i, best))
        else:
            k = self.centroids.add(self.vectors[i], self.times[i])
            self.stories.append(
                _Open(
                    members=[i],
                    tokens=Counter(f.tokens[i]),
                    names=set(f.names[i]),
                    titles=[i],
                    title_tokens=set(f.title_tokens[i]),
                )
            )
            new_names = f.names[i]
        if self.index is not None:
            self.index.register(i, k)
            for name in new_names:
                self.postings.setdefault(name, []).append(k)

    def result(self) -> ClusterResult:
        """The stories (first item's title) and the merge log of every join."""
        items = self.items
        ids = [story_id(items[s.members[0]]) for s in self.stories]
        reasons: dict[int, list[str]] = {}
        merges: list[StoryMerge] = []
        for i, best in self.joins:
            k, shared = best.story, sorted(best.shared)[:5]
            why = f"{items[i].url} joined at {best.score:.2f}" + (" sharing " + ", ".join(shared) if shared else "")
            reasons.setdefault(k, []).append(why)
            reason = f"cosine {best.cosine:.2f}" + (f" + shared {', '.join(shared)}" if shared else "")
            if best.headline:
                reason += f" + headline {best.headline:.2f}"
            merges.append(
                StoryMerge(
                    ids[k],
                    items[i].url,
                    items[self.stories[k].members[0]].url,
                    round(best.score, 3),
                    round(best.cosine, 3),
                    sorted(best.shared),
                    reason,
                )
            )
        stories = [
            Story(
                id=ids[k],
                title=items[s.members[0]].title,
                items=[items[i] for i in s.members],
                reasons=reasons.get(k, []),
            )
            for k, s in enumerate(self.stories)
        ]
        return ClusterResult(stories=stories, merges=merges, method="exact" if self.exact else "ann")
