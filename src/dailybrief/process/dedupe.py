"""Dedupe stage: near-duplicate items (syndicated copies) become extra sources of one item.

Exact duplicates never reach this stage: items are stored under their canonical URL. Near
duplicates are found with MinHash LSH over character 3-grams of title and text (the first
`MAX_CHARS`), then confirmed by the estimated Jaccard similarity. Over-merging is worse than a
duplicate, so short texts and URLs that differ only in a query parameter are never merged.

The MinHash signatures are computed with numpy for blocks of items at once (3-grams hashed from
code points, 128 multiply-shift hash functions), which keeps 100k items to seconds; the LSH has
14 bands of 9 rows, an S-curve with its threshold near 0.7.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np

from .. import tuning
from ..models import Item, Mirror

THRESHOLD = tuning.DUPLICATE_THRESHOLD  # see dailybrief/tuning.py
MIN_CHARS = 80
MAX_CHARS = 2000
NUM_PERM = 128
BANDS, ROWS = 14, 9
BLOCK = 512
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_rng = np.random.default_rng(7)
_A = _rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)  # odd multipliers
_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)


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


def _flat(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()[:MAX_CHARS]


def _shingle_hashes(flat: str) -> np.ndarray:
    """64-bit hashes of the character 3-grams of `flat`."""
    codes = np.frombuffer(flat.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < 3:
        return np.zeros(0, dtype=np.uint64)
    grams = (codes[:-2] << np.uint64(42)) ^ (codes[1:-1] << np.uint64(21)) ^ codes[2:]
    grams *= np.uint64(0x9E3779B97F4A7C15)
    return grams  # repeats do not change a minimum


def signatures(texts: list[str]) -> np.ndarray:
    """MinHash signatures (len(texts) x NUM_PERM, uint32) of the texts' 3-gram sets."""
    out = np.full((len(texts), NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, len(texts), BLOCK):
        hashes = [_shingle_hashes(_flat(t)) for t in texts[start : start + BLOCK]]
        lengths = np.array([len(h) for h in hashes])
        rows = np.flatnonzero(lengths)
        if not len(rows):
            continue
        flat = np.concatenate([hashes[r] for r in rows])
        offsets = np.concatenate([[0], np.cumsum(lengths[rows])[:-1]])
        with np.errstate(over="ignore"):
            for p in range(NUM_PERM):
                mixed = (flat * _A[p] + _B[p]) >> np.uint64(32)
                out[start + rows, p] = np.minimum.reduceat(mixed, offsets)
    return out


def _candidate_pairs(sigs: np.ndarray, per_member: int = 8) -> list[tuple[int, int, float]]:
    """Row pairs that share a band and whose estimated Jaccard clears THRESHOLD.

    Each band's rows are grouped by a 64-bit hash of the band; within a group every row is
    compared with up to `per_member` rows before it (union-find makes the rest transitive).
    """
    n = len(sigs)
    if n < 2:
        return []
    weights = np.random.default_rng(11).integers(1, 2**63, size=ROWS, dtype=np.uint64) | np.uint64(1)
    found: list[np.ndarray] = []
    with np.errstate(over="ignore"):
        for band in range(BANDS):
            block = sigs[:, band * ROWS : (band + 1) * ROWS].astype(np.uint64)
            keys = (block * weights).sum(axis=1) ^ (block[:, 0] << np.uint64(32))
            order = np.argsort(keys, kind="stable")
            sorted_keys = keys[order]
            # Row x of a group against the up to `per_member` rows before it in the same group,
            # one shifted comparison per distance (no Python loop over groups).
            for d in range(1, min(per_member, n - 1) + 1):
                same = np.flatnonzero(sorted_keys[d:] == sorted_keys[:-d])
                if len(same):
                    found.append(np.stack([order[same + d], order[same]], axis=1))
    if not found:
        return []
    both = np.concatenate(found)
    both.sort(axis=1)
    left, right = np.unique(both, axis=0).T
    scores = (sigs[left] == sigs[right]).mean(axis=1)
    keep = scores >= THRESHOLD
    return [(int(a), int(b), float(sc)) for a, b, sc in zip(left[keep], right[keep], scores[keep])]


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
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    bodies = [f"{item.title} {item.text}" for item in items]
    eligible = np.array([i for i, body in enumerate(bodies) if len(body) >= MIN_CHARS], dtype=np.int64)
    sigs = signatures([bodies[i] for i in eligible])
    best: dict[int, float] = {}
    for a, b, score in _candidate_pairs(sigs):
        i, j = int(eligible[a]), int(eligible[b])
        if _query_variants(items[i].url, items[j].url):
            continue
        for k in (i, j):
            best[k] = max(best.get(k, 0.0), score)
        parent[find(i)] = find(j)

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
            merges.append(Merge(kept=primary.url, dropped=copy.url, score=round(best.get(k, THRESHOLD), 3)))
        kept.append(primary.model_copy(update={"mirrors": mirrors}) if len(members) > 1 else primary)
    kept.sort(key=lambda it: (it.published, it.url))
    return DedupeResult(items=kept, merges=merges)
