"""The LLM response cache: answers keyed by (endpoint, model, prompt hash).

Rebuilding a day asks the same questions again; the cache answers them without a request. The
key never includes the API key, and nothing but the endpoint URL, the model name, the prompt
hash, the answer text and its token counts is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from . import Store, now_iso
from .dialect import insert
from .schema import llm_cache


@dataclass
class CachedAnswer:
    text: str
    input_tokens: int
    output_tokens: int


def cache_key(endpoint: str, model: str, prompt_hash: str) -> str:
    return hashlib.sha256(f"{endpoint}\x1f{model}\x1f{prompt_hash}".encode()).hexdigest()


class LLMCache:
    """Answers stored in the dailybrief database of `store`. Safe to use from several threads."""

    def __init__(self, store: Store):
        self.engine = store.engine

    def get(self, endpoint: str, model: str, prompt_hash: str) -> CachedAnswer | None:
        key = cache_key(endpoint, model, prompt_hash)
        with self.engine.connect() as conn:
            row = conn.execute(select(llm_cache).where(llm_cache.c.key == key)).first()
        if row is None:
            return None
        return CachedAnswer(row.response, row.input_tokens, row.output_tokens)

    def put(self, endpoint: str, model: str, prompt_hash: str, answer: CachedAnswer) -> None:
        values = {
            "key": cache_key(endpoint, model, prompt_hash),
            "endpoint": endpoint,
            "model": model,
            "prompt_hash": prompt_hash,
            "response": answer.text,
            "input_tokens": answer.input_tokens,
            "output_tokens": answer.output_tokens,
            "created": now_iso(),
        }
        with self.engine.begin() as conn:
            statement = insert(conn, llm_cache).values(**values)
            conn.execute(statement.on_conflict_do_update(index_elements=["key"], set_=values))

    def discard(self, endpoint: str, model: str, prompt_hash: str) -> None:
        """Forget one answer (the writer could not use it: it is asked again next time)."""
        with self.engine.begin() as conn:
            conn.execute(delete(llm_cache).where(llm_cache.c.key == cache_key(endpoint, model, prompt_hash)))

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(llm_cache)).scalar_one()

    def clear(self) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(llm_cache)).rowcount
