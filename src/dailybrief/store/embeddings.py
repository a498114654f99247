"""The embedding cache: one float32 vector per (model, text hash), so rebuilding a day or
embedding an item again on a later day costs a lookup instead of a model run."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
from sqlalchemy import select

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

    def count(self, model: str | None = None) -> int:
        query = select(embeddings.c.key)
        if model:
            query = query.where(embeddings.c.model == model)
        with self.store.engine.connect() as conn:
            return len(conn.execute(query).all())
