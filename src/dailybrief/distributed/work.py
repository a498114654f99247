"""What the collect, extract and embed tasks do: the one-machine code on a slice of the run.

Collect runs the collector's own `Collector.run_source` on the task's sources (full text off:
extraction is its own stage), so items are upserted by canonical URL and a task run twice
stores nothing twice. Extract fills in article text for teaser items through `FullText` (its
cache keyed by canonical URL). Embed puts the items' vectors into the embedding cache keyed by
text hash, where the build finds them. Each returns counts for its task record.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..collect import commands
from ..collect.fulltext import FullText
from ..collect.http import FetchRecord, make_client
from ..collect.kinds import source_for
from ..collect.runner import Collector, SourceReport
from ..config import Settings, SourceSpec
from ..errors import CollectError
from ..models import Item
from ..process.engine import cached_embedder
from ..process.stories import story_text
from ..store import Store
from ..store import sources as source_store
from ..store.tasks import changed_items
from .ratelimit import HostLimits


@dataclass
class WorkContext:
    """What the tasks of one worker process share."""

    settings: Settings
    store: Store
    limits: HostLimits  # the per-host slots, held around collect and extract tasks

    @property
    def budget(self) -> float:
        """Seconds a task's own work may take: a little under the broker's time limit, so the
        task stops itself cleanly (and is retried) before it is interrupted."""
        return self.settings.queue.time_limit * 0.95


def _specs(ctx: WorkContext, names: Sequence[str]) -> list[SourceSpec]:
    by_name = {spec.name: spec for spec in commands.all_sources(ctx.store, ctx.settings)}
    return [by_name[name] for name in names if name in by_name]  # a source removed since is skipped


def collect_task(ctx: WorkContext, payload: dict[str, Any]) -> dict[str, Any]:
    return asyncio.run(_collect(ctx, _specs(ctx, payload["sources"]), bool(payload.get("allow_private"))))


async def _collect(ctx: WorkContext, specs: list[SourceSpec], allow_private: bool) -> dict[str, Any]:
    settings = ctx.settings.collect.model_copy(update={"fulltext": False})
    state = await asyncio.to_thread(source_store.validators, ctx.store)
    collector = Collector(ctx.store, settings, allow_private=allow_private or settings.allow_private)
    collector.unfinished = len(specs)
    crashed: list[str] = []

    async def guarded(spec: SourceSpec) -> SourceReport | None:
        # A source whose code raises past the collector (a broken plugin) must not cancel the
        # task's other sources: they are stored, then the task fails and is retried.
        try:
            return await collector.run_source(spec, *state.get(spec.name, (None, None)))
        except Exception as exc:  # noqa: BLE001
            crashed.append(f"{spec.name}: {type(exc).__name__}: {exc}")
            return None

    try:
        async with asyncio.timeout(ctx.budget):
            reports = await asyncio.gather(*(guarded(spec) for spec in specs))
    finally:
        await collector.aclose()
    done = [r for r in reports if r is not None]
    # On one machine a database error is reported on the source; here the task is tried again
    # (the fetch repeats as a conditional GET), so what was fetched is not lost to a busy database.
    crashed += [f"{r.name}: {r.error}" for r in done if (r.error or "").startswith("cannot store")]
    if crashed:
        raise CollectError(f"{len(crashed)} source(s) crashed or not stored: " + "; ".join(crashed))
    return {
        "sources": len(done),
        "failed": sum(1 for r in done if r.status == "error"),
        "new": sum(r.new for r in done),
        "updated": sum(r.updated for r in done),
        "unchanged": sum(r.unchanged for r in done),
    }


def new_items(store: Store, settings: Settings, since: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Of the items added or updated since `since`: (url, source) of those whose article text
    the extraction stage should fetch, and every URL (for embedding)."""
    rows = changed_items(store, since)
    teaser = settings.collect.teaser_chars
    kinds: dict[str, tuple[bool, bool]] = {}  # source name → (fulltext, always_fulltext)
    for spec in commands.all_sources(store, settings):
        try:
            source = source_for(spec)
        except Exception:  # noqa: BLE001 - an unknown or broken kind has nothing to extract
            continue
        kinds[spec.name] = (source.fulltext, source.always_fulltext)
    wanted = []
    if settings.collect.fulltext:
        for url, name, length in rows:
            fulltext, always = kinds.get(name, (False, False))
            if always or (fulltext and length < teaser):
                wanted.append((url, name))
    return wanted, [url for url, _, _ in rows]


def extract_task(ctx: WorkContext, payload: dict[str, Any]) -> dict[str, Any]:
    return asyncio.run(_extract(ctx, payload["items"], bool(payload.get("allow_private"))))


async def _extract(ctx: WorkContext, pairs: list[list[str]], allow_private: bool) -> dict[str, Any]:
    settings = ctx.settings.collect
    stored = await asyncio.to_thread(ctx.store.items_by_url, [url for url, _ in pairs])
    by_source: dict[str, list[Item]] = defaultdict(list)
    for url, name in pairs:
        if url in stored:
            by_source[name].append(stored[url])
    specs = {spec.name: spec for spec in _specs(ctx, list(by_source))}
    http = make_client(settings, allow_private=allow_private or settings.allow_private)
    fulltext = FullText(ctx.store, http, settings.teaser_chars)
    log: list[FetchRecord] = []
    enriched: list[Item] = []
    try:
        async with asyncio.timeout(ctx.budget):
            for name, found in by_source.items():
                source = source_for(specs[name]) if name in specs else None
                enriched += await fulltext.enrich(found, log, source)
    finally:
        await http.aclose()
    filled = [item for item in enriched if len(item.content) > len(stored[item.url].content)]
    counts = await asyncio.to_thread(ctx.store.upsert_items, filled)
    return {"items": len(enriched), "filled": len(filled), "updated": counts.updated, "requests": len(log)}


_model_lock = threading.Lock()  # the model already uses both cores; its threads take turns


def embed_task(ctx: WorkContext, payload: dict[str, Any]) -> dict[str, Any]:
    items = ctx.store.items_by_url(payload["urls"])
    embedder = cached_embedder(ctx.store)
    with _model_lock:
        embedder.embed([story_text(item) for item in items.values()])
    return {"items": len(items), "embedded": embedder.misses, "cached": embedder.hits}
