"""Stories stage: items about the same event become one `Story`, across English and Chinese.

Single-pass clustering against story centroids, in publication order: an item joins the story
whose centroid is most similar when the similarity clears `THRESHOLD`, else it starts a story.
Similarity is the cosine of multilingual embeddings plus a bonus for shared distinctive tokens
(product names, version numbers, figures), which keeps two announcements by one company apart
while joining an English and a Chinese report that name the same model. The cost is
O(items x open stories), not quadratic in items.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from ..models import Item, Story
from .embed import Embedder, default_embedder

THRESHOLD = 0.62
TOKEN_BONUS = 0.08  # per distinctive token shared with the story
MAX_BONUS = 0.3
CONFLICT = 0.08  # penalty when item and story name different things and share no token
CANDIDATES = 8  # stories, by cosine, whose tokens are compared with the item's
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9\-]*[0-9A-Z][A-Za-z0-9\-]*|[A-Z][a-z]{2,}[A-Za-z]*|\d+(?:\.\d+)+|\d{2,}")
_COMMON = frozenset(
    "The This That With From What When Why How New Its After Over Into Says Said Inside Show Reddit "
    "AI LLM LLMs GPU GPUs API CEO US UK EU And For Are Not But Our You Your Hacker News Report "
    "OpenAI Anthropic Google NVIDIA Nvidia Microsoft Meta Apple Amazon DeepMind".split()
)


def story_text(item: Item) -> str:
    return f"{item.title}. {item.text[:400]}"


_LOWER_WORD = re.compile(r"\b[a-z]{3,}\b")


def distinctive_tokens(item: Item, plain_words: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """Names, versions and figures: capitalised or mixed-case words and numbers. A capitalised
    word that also occurs in lower case among the day's items ("Several", "Model") is not a name."""
    found = _TOKEN.findall(f"{item.title} {item.text[:600]}")
    return {
        tok.lower()
        for tok in found
        if tok not in _COMMON and len(tok) > 1 and not (tok[1:].islower() and tok.lower() in plain_words)
    }


def story_id(item: Item) -> str:
    return "s-" + hashlib.blake2b(item.url.encode("utf-8"), digest_size=5).hexdigest()


@dataclass
class _Open:
    members: list[int]
    total: np.ndarray
    tokens: Counter = field(default_factory=Counter)
    names: set[str] = field(default_factory=set)


def cluster(items: list[Item], embedder: Embedder | None = None) -> list[Story]:
    """Group items into stories; each story's items are ordered by publication time."""
    if not items:
        return []
    embedder = embedder or default_embedder()
    order = sorted(range(len(items)), key=lambda i: (items[i].published, items[i].url))
    vectors = embedder.embed([story_text(items[i]) for i in range(len(items))])
    plain_words = {w for item in items for w in _LOWER_WORD.findall(f"{item.title} {item.text}")}
    tokens = [distinctive_tokens(item, plain_words) for item in items]
    document_freq = Counter(tok for toks in tokens for tok in toks)
    # A token carried by most of the day's items says nothing about which event an item is.
    idf = {tok: min(1.0, math.log(len(items) / df + 1) / math.log(len(items) / 2 + 1))
           for tok, df in document_freq.items()} if len(items) > 2 else {}

    # Names: non-numeric tokens that few of the day's items carry.
    names = [{t for t in toks if not t.replace(".", "").isdigit() and idf.get(t, 1.0) >= 0.5} for toks in tokens]
    open_stories: list[_Open] = []
    reasons: dict[int, list[str]] = {}
    for i in order:
        best, best_score, best_shared = -1, -1.0, []
        if open_stories:
            centroids = np.vstack([s.total / np.linalg.norm(s.total) for s in open_stories])
            cosines = centroids @ vectors[i]
            # Tokens only re-rank the stories the embedding already finds close.
            for k in np.argsort(-cosines)[:CANDIDATES]:
                story = open_stories[k]
                shared = [t for t in tokens[i] if story.tokens[t]]
                # A token counts by how rare it is in the day, how much of the story carries it,
                # and half when it is only a number.
                size = len(story.members)
                evidence = sum(
                    idf.get(t, 1.0) * min(1.0, 2 * story.tokens[t] / size) * (1.0 if t in names[i] else 0.5)
                    for t in shared
                )
                bonus = min(MAX_BONUS, TOKEN_BONUS * evidence)
                if not shared and names[i] and story.names:
                    bonus = -CONFLICT  # both name products or people, and not the same ones
                score = float(cosines[k]) + bonus
                if score > best_score:
                    best, best_score, best_shared = k, score, shared
        if best >= 0 and best_score >= THRESHOLD:
            story = open_stories[best]
            story.members.append(i)
            story.total = story.total + vectors[i]
            story.tokens.update(tokens[i])
            story.names |= names[i]
            why = f"{items[i].url} joined at {best_score:.2f}"
            if best_shared:
                why += " sharing " + ", ".join(sorted(best_shared)[:5])
            reasons.setdefault(story.members[0], []).append(why)
        else:
            open_stories.append(
                _Open(members=[i], total=vectors[i].copy(), tokens=Counter(tokens[i]), names=set(names[i]))
            )

    stories = []
    for story in open_stories:
        members = [items[i] for i in story.members]
        stories.append(
            Story(
                id=story_id(members[0]),
                title=members[0].title,
                items=members,
                reasons=reasons.get(story.members[0], []),
            )
        )
    return stories
