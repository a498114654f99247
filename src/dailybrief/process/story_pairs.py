"""Second pass over the stories: a small story (one or two items) joins a bigger story of the
same event when evidence the single pass cannot weigh agrees with the embedding.

The single pass compares an item with story centroids as they grow, so an item whose wording
differs (a forum summary, a traditional-Chinese report, a commentary that names the product in
its last line) can start a story of its own. Here each small story is compared with the stories
near it (by centroid cosine) and joins one when it carries that story's *signature*: a name
most of the story's items carry and few other items of the day do — a Latin name (Olmo, Bun,
Cloudflare), a Chinese name found as a character run (千问, 摩尔线程, 豆包) — or the same amount
of money written in another language ($15 billion = 150億美元). One weak signal is not enough
when the embedding is far: see `joins`.

Candidates come from a cosine matrix of story centroids (exact up to `EXACT_BELOW` stories,
then `ann.CellIndex` over the centroids), so the pass grows about linearly with the day.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..models import Item, Story
from .ann import CellIndex
from .embed import TextEmbedder, default_embedder
from .stories import _LOWER_WORD, distinctive_tokens, story_text

SMALL = 2  # stories of at most this many items look for a partner
MIN_COSINE = 0.35  # below this the embedding says "another event" whatever the names
STRONG_COSINE = 0.5  # from here one signature signal is enough; below it two are needed
CANDIDATES = 8
EXACT_BELOW = 3000
_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
_AMOUNT = re.compile(
    r"(?:US)?\$\s?(\d+(?:\.\d+)?)\s*(trillion|billion|bn|million|m)\b|(\d+(?:\.\d+)?)\s*(万亿|兆|亿|億|万|萬)\s*(?:美元|元|人民币)?",
    re.IGNORECASE,
)
_SCALE = {"trillion": 1e12, "billion": 1e9, "bn": 1e9, "million": 1e6, "m": 1e6,
          "万亿": 1e12, "兆": 1e12, "亿": 1e8, "億": 1e8, "万": 1e4, "萬": 1e4}


@dataclass
class PairMerge:
    """A small story folded into a bigger one, with the evidence."""

    story_id: str
    into_id: str
    cosine: float
    shared: list[str]
    item_urls: list[str]
    into_url: str  # the first item of the story joined


def amounts(text: str) -> set[str]:
    """Money and counts with a scale word, as two significant digits: "$15 billion" and
    "150億美元" both give "1.5e+10"."""
    found = set()
    for m in _AMOUNT.finditer(text):
        number, scale = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        value = float(number) * _SCALE[scale.lower() if scale.isascii() else scale]
        if value >= 1e8:
            found.add(f"{value:.1e}")
    return found


def cjk_names(text: str) -> set[str]:
    """Chinese character runs cut into 2–4-character pieces (no word segmentation needed)."""
    grams: set[str] = set()
    for run in _CJK_RUN.findall(text):
        for size in (2, 3, 4):
            grams.update(run[k : k + size] for k in range(len(run) - size + 1))
    return grams


def item_signals(item: Item, plain_words: set[str]) -> set[str]:
    """Latin names, Chinese pieces (¥; also ^ when in the headline) and amounts ($)."""
    text = f"{item.title} {item.text[:600]}"
    latin = {t for t in distinctive_tokens(item, plain_words) if not t.replace(".", "").isdigit()}
    chinese = {"¥" + g for g in cjk_names(text)} | {"^" + g for g in cjk_names(item.title)}
    return latin | chinese | {"$" + a for a in amounts(text)}


def signature(members: list[set[str]], df: Counter, extra: int, min_count: int = 2) -> set[str]:
    """Signals that two or more and at least half of the story's items carry (half of those
    with Chinese text, for Chinese pieces) and that occur nowhere else in the day but in `extra`
    other items: what this story is about and no other."""
    size = len(members)
    chinese = sum(any(s[0] in "¥^" for s in m) for m in members) or 1
    counts = Counter(s for m in members for s in m)
    return {
        s for s, c in counts.items()
        if c >= min_count and c * 2 >= (chinese if s[0] in "¥^" else size) and df[s] <= c + extra
    }


def _centroids(stories: list[Story], vectors: dict[str, np.ndarray]) -> np.ndarray:
    rows = []
    for story in stories:
        c = np.mean([vectors[it.url] for it in story.items], axis=0)
        rows.append(c / (np.linalg.norm(c) or 1.0))
    return np.vstack(rows).astype(np.float32)


def _candidates(centroids: np.ndarray, small: list[int]) -> dict[int, list[int]]:
    """For each small story, the stories with the nearest centroids (itself excluded)."""
    if len(centroids) < EXACT_BELOW:
        sims = centroids[small] @ centroids.T
        return {k: [int(j) for j in np.argsort(-sims[r])[: CANDIDATES + 1] if j != k] for r, k in enumerate(small)}
    index = CellIndex(centroids, nprobe=4)
    for k in range(len(centroids)):
        index.register(k, k)
    out = {}
    for k in small:
        near = np.fromiter(index.candidates(k) - {k}, dtype=np.int64)
        order: list[int] = list(np.argsort(-(centroids[near] @ centroids[k]))[:CANDIDATES]) if len(near) else []
        out[k] = [int(near[j]) for j in order]
    return out


def joins(cosine: float, shared: set[str], need_strong: bool = True) -> bool:
    """Enough evidence: a strong signal (a Latin name, an amount, a Chinese piece of three or
    more characters or one in the story's headlines) with a close embedding, or two with a fair
    one; two-character pieces of running text (普遍, 透露) only add half each."""
    strong = sum(1 for s in shared if s[0] not in "¥^" or len(s) >= 4)
    weight = strong + 0.5 * (len(shared) - strong)
    if need_strong and not strong:
        return False
    return cosine >= MIN_COSINE and weight >= 1 and (weight >= 2 or cosine >= STRONG_COSINE)


def merge_small_stories(
    stories: list[Story], embedder: TextEmbedder | None = None, vectors: dict[str, np.ndarray] | None = None,
) -> tuple[list[Story], list[PairMerge]]:
    """Fold small stories into the bigger story whose signature they carry; order is kept."""
    small = [k for k, s in enumerate(stories) if len(s.items) <= SMALL]
    if not small or len(stories) < 2:
        return stories, []
    if vectors is None:
        embedder = embedder or default_embedder()
        every = [it for s in stories for it in s.items]
        vectors = dict(zip((it.url for it in every), embedder.embed([story_text(it) for it in every])))
    plain = {w for s in stories for it in s.items for w in _LOWER_WORD.findall(f"{it.title} {it.text}")}
    signals = [[item_signals(it, plain) for it in s.items] for s in stories]
    df = Counter(sig for members in signals for m in members for sig in m)
    centroids = _centroids(stories, vectors)
    into: dict[int, int] = {}
    merges = []
    for k, near in _candidates(centroids, small).items():
        mine = set().union(*signals[k])
        best = None
        for j in near:
            if len(stories[j].items) < len(stories[k].items) or into.get(j) == k:
                continue
            shared = mine & signature(signals[j], df, len(stories[k].items))
            cosine = float(centroids[k] @ centroids[j])
            if joins(cosine, shared) and (best is None or cosine > best[1]):
                best = (j, cosine, shared)
        if best:
            into[k] = best[0]
            into_story = stories[best[0]]
            merges.append(PairMerge(stories[k].id, into_story.id, round(best[1], 3), sorted(best[2])[:5],
                                    [it.url for it in stories[k].items], into_story.items[0].url))
    return _fold(stories, into), merges


def _fold(stories: list[Story], into: dict[int, int]) -> list[Story]:
    def root(k: int) -> int:
        seen = set()
        while k in into and k not in seen:
            seen.add(k)
            k = into[k]
        return k

    extra: dict[int, list[Item]] = {}
    for k in into:
        extra.setdefault(root(k), []).extend(stories[k].items)
    out = []
    for k, story in enumerate(stories):
        if k in into and root(k) != k:
            continue
        if k in extra:
            items = sorted([*story.items, *extra[k]], key=lambda it: (it.published, it.url))
            story = story.model_copy(update={"items": items, "reasons": [*story.reasons, "joined small stories"]})
        out.append(story)
    return out
