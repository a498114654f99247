"""Search across reports and items (Chinese and English) for the web app: keeps the index up to
date, runs the query with its filters and cuts a snippet around the matched words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config import Settings
from ..store import Store
from ..store.search import Filters, Hit, facets, query_words, search, sync_index

SNIPPET = 160  # characters around the first match


@dataclass
class Result:
    hit: Hit
    title: list[tuple[str, bool]]  # (text, matched) pieces
    snippet: list[tuple[str, bool]]


@dataclass
class Results:
    query: str
    total: int
    results: list[Result] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def pieces(text: str, words: list[str]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, matched) around every occurrence of a query word (any case)."""
    if not words:
        return [(text, False)]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    out, at = [], 0
    for m in pattern.finditer(text):
        if m.start() > at:
            out.append((text[at:m.start()], False))
        out.append((m.group(0), True))
        at = m.end()
    if at < len(text):
        out.append((text[at:], False))
    return out


def snippet(text: str, words: list[str], width: int = SNIPPET) -> list[tuple[str, bool]]:
    text = " ".join(text.split())
    lowered = text.lower()
    first = min((i for i in (lowered.find(w) for w in words) if i >= 0), default=0)
    start = max(0, first - width // 3)
    cut = text[start : start + width]
    return pieces(("…" if start else "") + cut + ("…" if start + width < len(text) else ""), words)


_FACETS: dict[str, tuple[list[str], list[str]]] = {}  # database path → the filters' choices


def run_search(store: Store, settings: Settings, query: str, filters: Filters, limit: int = 30) -> Results:
    key = store.key
    if sync_index(store, settings.report.zone) or key not in _FACETS:
        _FACETS[key] = facets(store)  # the choices change only when the index does
    hits, total = search(store, query, filters, limit)
    words = query_words(query)
    sections, sources = _FACETS[key]
    found = [Result(h, pieces(h.title, words), snippet(h.body, words)) for h in hits]
    return Results(query, total, found, sections, sources)


def refresh_index(store: Store, settings: Settings) -> int:
    return sync_index(store, settings.report.zone)
