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

from ..models import Item, Story
from .ann import CellIndex
from .embed import Embedder, default_embedder

THRESHOLD = 0.62
FALLBACK_THRESHOLD = 0.75  # character n-gram vectors score unrelated texts higher (docs/story-engine.md)
TOKEN_BONUS = 0.08  # per distinctive token shared with the story
MAX_BONUS = 0.3
CONFLICT = 0.08  # penalty when item and story name different things and share no token
CANDIDATES = 8  # stories, by cosine, whose tokens are compared with the item's
WINDOW_HOURS = 240.0  # a story quiet for longer than this (10 days) takes no new items
EXACT_BELOW = 3000  # items; above this, candidates come from the ANN index
NPROBE = 6
NAME_POSTINGS = 32  # a name carried by more stories than this proposes no candidates
TITLE_BONUS = 0.25  # for an item whose title is (nearly) the title of one of the story's items
TITLE_FROM = 0.5  # character-bigram Jaccard of two titles where the title bonus starts
TITLES_KEPT = 4  # titles per story compared with an item's title
_NOT_ALNUM = re.compile(r"[\W_]+")
_VERSION = re.compile(r"\d+(?:\.\d+)+|\d+")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9\-]*[0-9A-Z][A-Za-z0-9\-]*(?:\.\d+)*|[A-Z][a-z]{2,}[A-Za-z]*|\d+(?:\.\d+)+|\d{2,}")
_COMMON = frozenset(
    "The This That With From What When Why How New Its After Over Into Says Said Inside Show Reddit "
    "AI LLM LLMs GPU GPUs API CEO US UK EU And For Are Not But Our You Your Hacker News Report "
    "OpenAI Anthropic Google NVIDIA Nvidia Microsoft Meta Apple Amazon DeepMind".split()
)


def story_text(item: Item) -> str:
    return f"{item.title}. {item.text[:400]}"


# A lower-case word in running text; not part of an identifier such as "trae-agent" or a path.
_LOWER_WORD = re.compile(r"(?<![\w\-/.@])[a-z]{3,}(?![\w\-/@]|\.\w)")
TITLE_NAME = 2.0  # weight of a shared name that is in the item's title and in one of the story's


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


def cluster(items: list[Item], embedder: Embedder | None = None) -> list[Story]:
    """Group items into stories; each story's items are ordered by publication time."""
    return cluster_items(items, embedder).stories


def cluster_items(
    items: list[Item],
    embedder: Embedder | None = None,
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
    vectors = np.asarray(vectors, dtype=np.float32)
    n = len(items)
    order = sorted(range(n), key=lambda i: (items[i].published, items[i].url))
    times = [item.published.timestamp() for item in items]
    # Plain words: lower case in running text ("several", "model"); a capitalised word that is
    # one of them is not a name. Identifiers ("trae-agent", "bytedance/trae") do not count.
    plain_words = {w for item in items for w in _LOWER_WORD.findall(f"{item.title} {item.text}")}
    tokens = [distinctive_tokens(item, plain_words) for item in items]
    title_tokens = [{t.lower() for t in _TOKEN.findall(item.title)} & toks for item, toks in zip(items, tokens)]
    document_freq = Counter(tok for toks in tokens for tok in toks)
    # A token carried by most of the day's items says nothing about which event an item is.
    idf = {tok: min(1.0, math.log(n / df + 1) / math.log(n / 2 + 1))
           for tok, df in document_freq.items()} if n > 2 else {}
    # Names: non-numeric tokens that few of the day's items carry.
    names = [{t for t in toks if not t.replace(".", "").isdigit() and idf.get(t, 1.0) >= 0.5} for toks in tokens]
    shapes: dict[int, tuple[frozenset[str], frozenset[str]]] = {}  # title shapes, computed when needed

    def shape(k: int) -> tuple[frozenset[str], frozenset[str]]:
        if k not in shapes:
            shapes[k] = title_shape(items[k].title)
        return shapes[k]

    exact = n < exact_below
    index = None if exact else CellIndex(vectors, nprobe=NPROBE)
    postings: dict[str, list[int]] = {}
    window = window_hours * 3600
    centroids = _Centroids(vectors.shape[1], min(n, 4096))
    stories: list[_Open] = []
    joins: list[tuple[int, int, float, float, list[str], float]] = []  # item, story, score, cosine, shared, headline

    for i in order:
        if exact:
            ks = np.arange(len(stories))
        else:
            found = index.candidates(i)
            for name in names[i]:
                posting = postings.get(name)
                if posting and len(posting) <= NAME_POSTINGS:
                    found.update(posting)
            ks = np.fromiter(found, dtype=np.int64, count=len(found))
            ks.sort()  # gather centroid rows in memory order
        best, best_score, best_cos, best_shared, best_title = -1, -1.0, 0.0, [], 0.0
        if len(ks):
            ks = ks[centroids.last[ks] >= times[i] - window]
        if len(ks):
            cosines = centroids.cosines(ks, vectors[i])
            top = np.argsort(-cosines)[:CANDIDATES]
            # Tokens only re-rank the stories the embedding already finds close.
            for j in top:
                if cosines[j] + MAX_BONUS + TITLE_BONUS < max(threshold, best_score):
                    break  # no bonus can lift this one or the rest (by falling cosine) above the best
                story = stories[ks[j]]
                shared = [t for t in tokens[i] if story.tokens[t]]
                # A token counts by how rare it is in the day, how much of the story carries it,
                # and half when it is only a number.
                size = len(story.members)
                # A name in both headlines counts TITLE_NAME times: it is what the reports are about.
                evidence = sum(
                    idf.get(t, 1.0) * min(1.0, 2 * story.tokens[t] / size)
                    * (0.5 if t not in names[i] else TITLE_NAME if t in title_tokens[i] and t in story.title_tokens else 1.0)
                    for t in shared
                )
                bonus = min(MAX_BONUS, TOKEN_BONUS * evidence)
                if not shared and names[i] and story.names:
                    bonus = -CONFLICT  # both name products or people, and not the same ones
                # Two reports of one event often share their headline (a reposted announcement,
                # a wire story retitled by a word): the bonus rises from 0 at TITLE_FROM to
                # TITLE_BONUS for identical titles, and needs the embedding to agree somewhat.
                # Titles can only lift (or, naming other numbers, sink) a story that could win.
                title_sim = 0.0
                if cosines[j] + bonus + TITLE_BONUS >= max(threshold, best_score):
                    mine, theirs = shape(i), [shape(k) for k in story.titles]
                    title_sim = max((title_similarity(mine, t) for t in theirs), default=0.0)
                    if title_sim > TITLE_FROM and bonus >= 0:
                        bonus += TITLE_BONUS * (title_sim - TITLE_FROM) / (1 - TITLE_FROM)
                    # Headlines that name numbers, none in common ("GPT-5.5" / "GPT-5.6"): two events.
                    if mine[1] and all(t[1] and not t[1] & mine[1] for t in theirs):
                        bonus = min(bonus, 0.0) - CONFLICT
                score = float(cosines[j]) + bonus
                if score > best_score:
                    best, best_score, best_cos, best_shared = int(ks[j]), score, float(cosines[j]), shared
                    best_title = title_sim if title_sim > TITLE_FROM else 0.0
        if best >= 0 and best_score >= threshold:
            story = stories[best]
            story.members.append(i)
            story.tokens.update(tokens[i])
            new_names = names[i] - story.names
            story.names |= names[i]
            if len(story.titles) < TITLES_KEPT:
                story.titles.append(i)
            story.title_tokens |= title_tokens[i]
            centroids.join(best, vectors[i], times[i])
            joins.append((i, best, best_score, best_cos, best_shared, best_title))
            k = best
        else:
            k = centroids.add(vectors[i], times[i])
            stories.append(_Open(members=[i], tokens=Counter(tokens[i]), names=set(names[i]), titles=[i],
                                  title_tokens=set(title_tokens[i])))
            new_names = names[i]
        if index is not None:
            index.register(i, k)
            for name in new_names:
                postings.setdefault(name, []).append(k)

    ids = [story_id(items[s.members[0]]) for s in stories]
    reasons: dict[int, list[str]] = {}
    merges: list[StoryMerge] = []
    for i, k, score, cosine, shared, headline in joins:
        why = f"{items[i].url} joined at {score:.2f}"
        if shared:
            why += " sharing " + ", ".join(sorted(shared)[:5])
        reasons.setdefault(k, []).append(why)
        reason = f"cosine {cosine:.2f}" + (f" + shared {', '.join(sorted(shared)[:5])}" if shared else "")
        if headline:
            reason += f" + headline {headline:.2f}"
        merges.append(StoryMerge(ids[k], items[i].url, items[stories[k].members[0]].url,
                                 round(score, 3), round(cosine, 3), sorted(shared), reason))
    result = [
        Story(id=ids[k], title=items[s.members[0]].title, items=[items[i] for i in s.members],
              reasons=reasons.get(k, []))
        for k, s in enumerate(stories)
    ]
    return ClusterResult(stories=result, merges=merges, method="exact" if exact else "ann")
