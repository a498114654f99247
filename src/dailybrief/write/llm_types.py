"""The types the map-reduce writer (`write.llm`) and its backends (`write.openai_compat`,
`write.local`) share: the errors, one completion, the usage counts and the token estimate.

Errors (all `DailybriefError`, each one line that names the setting to fix):

    LLMError
    ├── LLMSetupError     missing key, key rejected, unknown endpoint or model, endpoint
    │                     unreachable, model file unusable — the whole report falls back to extractive
    └── LLMRequestError   one request failed after its retries — only the part being written falls back
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from ..errors import WriterError


class LLMError(WriterError):
    """The OpenAI-compatible endpoint failed."""


class LLMSetupError(LLMError):
    """The endpoint cannot be used at all; fix the named setting."""


class LLMRequestError(LLMError):
    """One request failed after its retries."""


@dataclass
class Completion:
    text: str
    input_tokens: int
    output_tokens: int
    finish_reason: str = "stop"
    cached: bool = False
    key: str = ""  # the cache key of the request (`ChatClient.discard` forgets an unusable answer)

    @property
    def truncated(self) -> bool:
        return self.finish_reason == "length"


@dataclass
class Usage:
    """Requests and tokens of one report; safe to update from several threads."""

    requests: int = 0
    cache_hits: int = 0
    retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    request_seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: float) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "cache_hits": self.cache_hits,
            "retries": self.retries,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "request_seconds": round(self.request_seconds, 3),
        }


def estimate_tokens(text: str) -> int:
    """A provider-neutral token estimate: one per CJK character, one per four other characters."""
    cjk = sum(1 for c in text if "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef")
    return cjk + (len(text) - cjk + 3) // 4
