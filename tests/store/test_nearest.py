"""Nearest-neighbour lookups over stored embeddings give the same answer on both dialects, and
the same as a brute-force cosine ranking in numpy."""

from __future__ import annotations

import numpy as np

from dailybrief.store import Store
from dailybrief.store.embeddings import EmbeddingCache


def test_nearest_matches_a_brute_force_ranking(db: Store) -> None:
    rng = np.random.default_rng(15)
    matrix = rng.normal(size=(700, 48)).astype(np.float32)  # more rows than one SQLite chunk
    keys = [f"k{i:04d}" for i in range(len(matrix))]
    cache = EmbeddingCache(db)
    cache.put("m", dict(zip(keys, matrix, strict=True)))
    cache.put("other", {"x": np.ones(48, dtype=np.float32)})  # another model is never returned
    cache.put("m", {"short": np.ones(8, dtype=np.float32)})  # nor a vector of another dimension
    query = matrix[123] + 0.05 * rng.normal(size=48).astype(np.float32)
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    expected = np.argsort(-(unit @ (query / np.linalg.norm(query))))[:10]
    found = cache.nearest("m", query, k=10)
    assert [key for key, _ in found] == [keys[i] for i in expected]
    assert found[0][0] == "k0123" and 0.99 < found[0][1] <= 1.0001
    scores = [score for _, score in found]
    assert scores == sorted(scores, reverse=True)
    assert cache.nearest("m", np.zeros(48, dtype=np.float32)) == []
    assert cache.nearest("absent", query) == []
