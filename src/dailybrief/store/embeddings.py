"""The embedding cache: one float32 vector per (model, text hash), so rebuilding a day or
embedding an item again on a later day costs a lookup instead of a model run.

Vectors are float32 blobs on SQLite and `real[]` arrays on PostgreSQL (`types.Vector`; no
pgvector on Debian 12, see docs/storage.md). `nearest` ranks a model's stored vectors by cosine
similarity to a query: on PostgreSQL inside the server (one pass over the arrays, nothing sent
back but the top k), on SQLite in numpy over chunks. The story engine's clustering does not use
it: it reads a day's vectors with `get` and searches them with its own ANN index (process/ann.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
from sqlalchemy import select, text

from . import Store, now_iso
from .dialect import insert
from .story_tables import embeddings

_CHUNK = 500  # keys per IN (...) query, under SQLite's variable limit


class EmbeddingCache:
    """Reads and writes cached vectors of one store; `get` and `put` work in bulk."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, model: str, keys: Iterable[str]) -> dict[str, np.ndarray]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, np.ndarray] = {}
        with self.store.engine.connect() as conn:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                query = select(embeddings.c.key, embeddings.c.vector).where(
                    (embeddings.c.model == model) & embeddings.c.key.in_(chunk)
                )
                for key, vector in conn.execute(query):
                    found[key] = vector
        return found

    def put(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        if not vectors:
            return
        stamp = now_iso()
        rows = [
            {"model": model, "key": key, "dim": int(vec.shape[0]),
             "vector": np.asarray(vec, dtype="<f4"), "created": stamp}
            for key, vec in vectors.items()
        ]
        with self.store.engine.begin() as conn:
            conn.execute(insert(conn, embeddings).on_conflict_do_nothing(), rows)

    def nearest(self, model: str, query: np.ndarray, k: int = 10) -> list[tuple[str, float]]:
        """The `k` stored keys of `model` most similar to `query` (cosine), best first."""
        query = np.asarray(query, dtype=np.float32)
        norm = float(np.linalg.norm(query))
        if norm == 0 or k <= 0:
            return []
        if self.store.dialect == "postgresql":
            sql = text(
                "SELECT key, (SELECT sum(a::float8 * b) / nullif(sqrt(sum(a::float8 * a)), 0)"
                " FROM unnest(vector, CAST(:q AS real[]))"
                " AS t(a, b)) / :norm AS score FROM embeddings WHERE model = :m AND dim = :d"
                " ORDER BY score DESC NULLS LAST, key LIMIT :k"
            )
            params = {"q": query.tolist(), "norm": norm, "m": model, "d": int(query.shape[0]), "k": k}
            with self.store.engine.connect() as conn:
                return [(key, float(score)) for key, score in conn.execute(sql, params) if score is not None]
        return self._nearest_scan(model, query / norm, k)

    def _nearest_scan(self, model: str, unit: np.ndarray, k: int) -> list[tuple[str, float]]:
        """`nearest` in numpy: the best k of each chunk of stored vectors, merged."""
        best: list[tuple[str, float]] = []
        query = select(embeddings.c.key, embeddings.c.vector).where(
            (embeddings.c.model == model) & (embeddings.c.dim == unit.shape[0])
        )
        with self.store.engine.connect() as conn:
            result = conn.execution_options(stream_results=True).execute(query)
            while rows := result.fetchmany(_CHUNK * 10):
                keys = [key for key, _ in rows]
                matrix = np.stack([vector for _, vector in rows])
                norms = np.linalg.norm(matrix, axis=1)
                scores = (matrix @ unit) / np.where(norms == 0, np.inf, norms)
                top = np.argsort(-scores, kind="stable")[:k]
                best.extend((keys[i], float(scores[i])) for i in top)
        best.sort(key=lambda pair: (-pair[1], pair[0]))
        return best[:k]

    def count(self, model: str | None = None) -> int:
        query = select(embeddings.c.key)
        if model:
            query = query.where(embeddings.c.model == model)
        with self.store.engine.connect() as conn:
            return len(conn.execute(query).all())
