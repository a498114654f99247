"""Dedupe stage: near-duplicate items (syndicated copies) become extra sources of one item.

Exact duplicates never reach this stage: items are stored under their canonical URL. Near
duplicates are found with MinHash LSH over character 3-grams of title and text, then confirmed
by the estimated Jaccard similarity. Over-merging is worse than a duplicate, so short texts and
URLs that differ only in a meaningful query parameter are never merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from datasketch import MinHash, MinHashLSH

from ..models import Item, Mirror

THRESHOLD = 0.7
MIN_CHARS = 80
NUM_PERM = 128
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass
class Merge:
    kept: str
    dropped: str
    score: float
    reason: str = "near-duplicate text"


@dataclass
class DedupeResult:
    items: list[Item]
    merges: list[Merge] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        return len(self.merges)


def _shingles(text: str, n: int = 3) -> set[bytes]:
    flat = _NON_WORD.sub(" ", text.lower()).strip()
    return {flat[i : i + n].encode("utf-8") for i in range(max(0, len(flat) - n + 1))}


def _minhash(shingles: set[bytes]) -> MinHash:
    mh = MinHash(num_perm=NUM_PERM, seed=7)
    mh.update_batch(list(shingles))
    return mh


def _query_variants(a: str, b: str) -> bool:
    """Same page address with different query strings: distinct resources (item?id=1 vs 2)."""
    pa, pb = urlsplit(a), urlsplit(b)
    return pa.netloc == pb.netloc and pa.path == pb.path and pa.query != pb.query


def _primary_rank(item: Item, weights: dict[str, float]) -> tuple:
    return (-weights.get(item.source, 1.0), -len(item.text), item.published, item.url)


def dedupe(items: list[Item], weights: dict[str, float] | None = None) -> DedupeResult:
    """Group near-duplicates; the copy from the most weighted source with the longest text is
    kept and the others become its `mirrors`."""
    weights = weights or {}
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    hashes: dict[int, MinHash] = {}
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    scores: dict[tuple[int, int], float] = {}
    for i, item in enumerate(items):
        body = f"{item.title} {item.text}"
        if len(body) < MIN_CHARS:
            continue
        mh = _minhash(_shingles(body))
        for key in lsh.query(mh):
            j = int(key)
            score = mh.jaccard(hashes[j])
            if score < THRESHOLD or _query_variants(items[i].url, items[j].url):
                continue
            scores[(j, i)] = score
            parent[find(i)] = find(j)
        lsh.insert(str(i), mh)
        hashes[i] = mh

    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(find(i), []).append(i)

    kept: list[Item] = []
    merges: list[Merge] = []
    for members in groups.values():
        ordered = sorted(members, key=lambda k: _primary_rank(items[k], weights))
        primary = items[ordered[0]]
        mirrors = list(primary.mirrors)
        for k in ordered[1:]:
            copy = items[k]
            mirrors.append(Mirror(url=copy.url, source=copy.source, title=copy.title))
            mirrors.extend(copy.mirrors)
            score = max((s for pair, s in scores.items() if k in pair), default=THRESHOLD)
            merges.append(Merge(kept=primary.url, dropped=copy.url, score=round(score, 3)))
        kept.append(primary.model_copy(update={"mirrors": mirrors}) if len(members) > 1 else primary)
    kept.sort(key=lambda it: (it.published, it.url))
    return DedupeResult(items=kept, merges=merges)
