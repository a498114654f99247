"""The story engine's steps that need the database, used by the pipeline and `dailybrief stories`.

Stages in this package are functions of domain objects; this module connects them to the
store: the embedding cache, editor overrides, the per-build record of stories and merge log,
and the earlier reports that novelty compares against. It issues no SQL itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..config import Settings
from ..models import Item, Story
from ..store import Store
from ..store.embeddings import EmbeddingCache
from ..store.stories import (
    MergeLogEntry,
    StoryBuild,
    items_by_url,
    latest_story_build,
    overrides,
    prune_story_builds,
    save_story_build,
    set_story_status,
)
from .dedupe import DedupeResult, dedupe
from .embed import CachedEmbedder, default_embedder
from .novelty import NoveltyResult, earlier_stories, mark_novelty
from .overrides import apply_overrides
from .rank import source_weight
from .stories import cluster_items
from .story_pairs import merge_small_stories
from .window import report_window

NOVELTY_DAYS = 7


@dataclass
class StoriesResult:
    stories: list[Story]
    deduped: DedupeResult
    merge_log: list[MergeLogEntry] = field(default_factory=list)
    method: str = "exact"
    build: int = 0
    overrides_applied: int = 0


def cached_embedder(store: Store) -> CachedEmbedder:
    """The default model behind the store's embedding cache."""
    return CachedEmbedder(default_embedder(), EmbeddingCache(store))


def cluster_stories(
    store: Store, day: date, deduped: DedupeResult, embedder: CachedEmbedder | None = None,
) -> StoriesResult:
    """Cluster deduplicated items, apply the editor's overrides and record the build."""
    embedder = embedder or cached_embedder(store)
    clustered = cluster_items(deduped.items, embedder)
    joined, pairs = merge_small_stories(clustered.stories, embedder)
    stories, applied = apply_overrides(joined, overrides(store))
    log = [MergeLogEntry("duplicate", m.dropped, m.kept, "", m.score, m.reason) for m in deduped.merges]
    log += [MergeLogEntry("story", m.item_url, m.into_url, m.story_id, m.score, m.reason) for m in clustered.merges]
    log += [MergeLogEntry("story", url, p.into_url, p.into_id, p.cosine,
                          f"second pass: cosine {p.cosine:.2f} + signature {', '.join(p.shared)}")
            for p in pairs for url in p.item_urls]
    log += [
        MergeLogEntry("editor", url, "", a.story, None, f"{a.kind} (override {a.override})")
        for a in applied for url in a.item_urls
    ]
    build = save_story_build(store, day.isoformat(), stories, log, embedder.name, clustered.method)
    prune_story_builds(store, day.isoformat())
    return StoriesResult(stories, deduped, log, clustered.method, build, len(applied))


def stories_for_day(store: Store, settings: Settings, day: date, window_hours: float | None = None) -> StoriesResult:
    """Select the day's items, dedupe and cluster them (what `dailybrief stories` shows)."""
    start, end = report_window(day, settings.report, window_hours)
    items = store.items(start, end)
    weights = {item.source: source_weight(item, settings) for item in items}
    return cluster_stories(store, day, dedupe(items, weights))


def novelty(
    store: Store, day: date, language: str, stories: list[Story], embedder: CachedEmbedder | None = None,
    build: int | None = None, days: int = NOVELTY_DAYS,
) -> NoveltyResult:
    """Mark stories new/update/repeat against the reports of the `days` days before `day`."""
    embedder = embedder or cached_embedder(store)
    since = (day - timedelta(days=days)).isoformat()
    earlier = earlier_stories(store.reports(since, day.isoformat(), language))
    items: dict[str, Item] = {it.url: it for it in items_by_url(store, [u for e in earlier for u in e.item_urls])}
    result = mark_novelty(stories, earlier, items, embedder)
    if build:
        set_story_status(store, build, {s.id: s.status for s in result.stories})
    return result


def latest_build(store: Store, day: date) -> StoryBuild | None:
    return latest_story_build(store, day.isoformat())
