"""The `Writer` interface and the registry of writers by name.

A writer turns ranked sections into a `Draft`: section headlines, paragraphs of sentences that
name the items they come from, a summary and a title. Built-in writers register exactly as a
third-party one would, with `register`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ..config import Settings
from ..models import Section
from .draft import Draft


@dataclass
class WriteContext:
    date: str  # YYYY-MM-DD
    language: str  # zh | en
    settings: Settings
    items_in_window: int = 0
    # The pipeline's (cached) embedder: lets writers match sentences across languages.
    embedder: Any = None


class Writer(Protocol):
    id: str

    def write(self, sections: list[Section], context: WriteContext) -> Draft: ...


_REGISTRY: dict[str, type] = {}


def register(writer_class: type) -> type:
    """Class decorator: make `writer_class` the writer for its `id` (look writers up through
    `write.writers`, which also loads the built-ins and plugins)."""
    _REGISTRY[getattr(writer_class, "id")] = writer_class  # noqa: B009 - any class with an `id`
    return writer_class
