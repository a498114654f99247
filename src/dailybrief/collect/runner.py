"""Collect every source concurrently and report per source.

`collect_sources` fetches all sources at once through one shared `HttpClient` (the global and
per-host limits keep it polite), normalises what each returns, fills in full text for teasers,
upserts the items by canonical URL, updates the source's ETag/Last-Modified and health, and
appends its fetch records to the fetch log. A failing source is recorded and never stops the
others. The `CollectSummary` says, per source, what was new, updated and unchanged, and the
run fails (exit code 1) only when every source failed.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

import httpx

from ..config import CollectSettings, SourceSpec
from ..errors import CollectError
from ..models import Item
from ..store import Store, UpsertCounts
from ..store import sources as source_store
from ..tuning import POOL_MIN_SOURCES, WRITE_BATCH, WRITE_DELAY
from .base import FetchOutcome, Offload, Source, SourceContext, defuse, prepare, prepared
from .fulltext import FullText
from .http import FetchRecord, HttpClient, make_client
from .kinds import source_for

Status = Literal["ok", "not modified", "error"]

# A run of at least POOL_MIN_SOURCES sources, with concurrency above 1 and a second core, parses
# and normalises fetched feeds in worker processes (`SourceContext.compute`): that work is most of
# the collector's CPU, and the event loop's core is then left to HTTP and the store. A concurrent
# run waits up to WRITE_DELAY seconds for WRITE_BATCH sources' results to queue before it stores
# them in one transaction. (Both in tuning.py.)


def _start_pool(settings: CollectSettings, sources: int) -> Offload | None:
    """Worker processes for a large concurrent run, or None (work runs inline): cores - 1
    workers (at most 3) plus one helper that parses only once fetching is over (`Offload`).

    Workers are forked, so they start at once with every module already imported; forking is
    only safe while this process has a single thread, so a run started beside other threads
    (a test's loopback server, an embedding application) stays inline.
    """
    cores = os.cpu_count() or 1
    if sources < POOL_MIN_SOURCES or settings.concurrency < 2 or cores < 2:
        return None
    if threading.active_count() != 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    fork = multiprocessing.get_context("fork")
    workers = ProcessPoolExecutor(max_workers=min(cores - 1, 3), mp_context=fork)
    helper = ProcessPoolExecutor(max_workers=1, mp_context=fork)
    started = [pool.submit(int) for pool in (workers, helper)]  # fork now, before the store's
    for future in started:  # writer thread exists
        future.result()
    return Offload(workers, helper)


@dataclass
class SourceReport:
    """The outcome of one source in one collect."""

    name: str
    kind: str
    status: Status = "ok"
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0  # failed requests of this source (fetch log entries with an error)
    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class CollectSummary:
    """Every source's report plus totals; `exit_code` is 1 only when every source failed."""

    sources: list[SourceReport]
    seconds: float = 0.0

    @property
    def failed(self) -> list[SourceReport]:
        return [report for report in self.sources if report.status == "error"]

    @property
    def all_failed(self) -> bool:
        return bool(self.sources) and len(self.failed) == len(self.sources)

    @property
    def exit_code(self) -> int:
        return 1 if self.all_failed else 0

    @property
    def totals(self) -> UpsertCounts:
        return UpsertCounts(
            sum(r.new for r in self.sources),
            sum(r.updated for r in self.sources),
            sum(r.unchanged for r in self.sources),
        )


class Collector:
    """One collect run over a store. Build it inside the event loop (it owns the client)."""

    def __init__(
        self,
        store: Store,
        settings: CollectSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        allow_private: bool | None = None,
        pool: Offload | None = None,
    ):
        self.store = store
        self.settings = settings
        self.http: HttpClient = make_client(settings, transport=transport, allow_private=allow_private)
        self.pool = pool
        if pool is not None:
            pool.idle = lambda: self.http.active == 0
        self.fulltext = FullText(store, self.http, settings.teaser_chars) if settings.fulltext else None
        self._queue: list[tuple[source_store.SourceWrite, asyncio.Future[UpsertCounts]]] = []
        self._writer: asyncio.Future[None] | None = None
        self.unfinished = 0  # sources of the run whose results are not queued for storing yet
        self._full = asyncio.Event()  # no more writes worth waiting for: store the queue now

    async def aclose(self) -> None:
        await self.http.aclose()
        if self.pool is not None:
            self.pool.shutdown(wait=True)

    async def fetch_one(self, source: Source, ctx: SourceContext) -> tuple[FetchOutcome | None, str | None]:
        """Run a source's fetch; (outcome, None) or (None, error message). Never raises."""
        deadline = self.settings.source_deadline
        try:
            async with asyncio.timeout(deadline):
                return await source.fetch(ctx), None
        except TimeoutError:
            return None, f"{source.name}: not finished within {deadline:g} s (source_deadline)"
        except CollectError as exc:
            return None, str(exc)
        except Exception as exc:  # noqa: BLE001 - one broken source must not stop the run
            return None, f"{source.name}: unexpected {type(exc).__name__}: {exc}"

    async def run_source(self, spec: SourceSpec, etag: str | None, modified: str | None) -> SourceReport:
        report = SourceReport(name=spec.name, kind=spec.kind)
        start = time.perf_counter()
        ctx = SourceContext(http=self.http, etag=etag, last_modified=modified, pool=self.pool)
        outcome: FetchOutcome | None
        error: str | None
        try:
            source = source_for(spec)
        except CollectError as exc:
            outcome, error = None, str(exc)
        else:
            # Without a full-text step the items go to the store as they are: store rows do.
            ctx.rows = self.fulltext is None or not (source.fulltext or source.always_fulltext)
            outcome, error = await self.fetch_one(source, ctx)
        items: list[Item] = []
        rows: list[tuple] = []
        if outcome is not None:
            report.warnings.extend(outcome.warnings)
            if outcome.not_modified:
                report.status = "not modified"
            if outcome.rows is not None:
                rows, dropped = outcome.rows, outcome.dropped
            else:
                items, dropped = prepared(outcome)
            if dropped:
                report.warnings.append(f"{dropped} entries without a usable URL skipped")
            if items and self.fulltext is not None and (source.fulltext or source.always_fulltext):
                try:
                    items = await self.fulltext.enrich(items, ctx.log, source)
                except Exception as exc:  # noqa: BLE001
                    report.warnings.append(f"full text failed: {type(exc).__name__}: {exc}")
        else:
            report.status = "error"
            report.error = error
        write = source_store.SourceWrite(
            name=spec.name,
            items=items,
            when=ctx.now,
            ok=outcome is not None,
            etag=outcome.etag if outcome else None,
            last_modified=outcome.last_modified if outcome else None,
            error=error,
            records=ctx.log,
            rows=rows,
        )
        try:
            counts = await self._save(write)
        except Exception as exc:  # noqa: BLE001 - the database failing is reported per source
            counts = UpsertCounts()
            report.status, report.error = "error", f"cannot store: {type(exc).__name__}: {exc}"
        report.new, report.updated, report.unchanged = counts.added, counts.updated, counts.unchanged
        report.requests = len(ctx.log)
        report.errors = sum(1 for record in ctx.log if record.error) or (1 if error else 0)
        report.bytes = sum(record.bytes for record in ctx.log)
        report.seconds = time.perf_counter() - start
        return report

    async def _save(self, write: source_store.SourceWrite) -> UpsertCounts:
        """Queue a source's results; one writer thread stores whatever has queued up in one
        transaction, so many sources finishing together cost one commit."""
        future: asyncio.Future[UpsertCounts] = asyncio.get_running_loop().create_future()
        self._queue.append((write, future))
        self.unfinished -= 1
        if self.unfinished <= 0 or len(self._queue) >= WRITE_BATCH:
            self._full.set()
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._queue:
            if self.settings.concurrency > 1 and len(self._queue) < WRITE_BATCH and self.unfinished > 0:
                # Let the sources finishing in the next moment join this transaction: one
                # commit (a WAL sync) per few writes instead of per write. A one-at-a-time run
                # has nothing to wait for, nor has the last write of a run.
                self._full.clear()
                try:
                    await asyncio.wait_for(self._full.wait(), WRITE_DELAY)
                except TimeoutError:
                    pass
            batch, self._queue = self._queue, []
            try:
                counts = await asyncio.to_thread(source_store.save_fetches, self.store, [write for write, _ in batch])
            except Exception as exc:  # noqa: BLE001
                for _, future in batch:
                    future.set_exception(exc)
            else:
                for (_, future), result in zip(batch, counts, strict=True):
                    future.set_result(result)


async def collect_async(
    store: Store,
    specs: Sequence[SourceSpec],
    settings: CollectSettings | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    allow_private: bool | None = None,
) -> CollectSummary:
    """Collect `specs` concurrently into `store` (the sources must be in the `sources` table
    for their state to be kept: see `store.sources.sync_config_sources`)."""
    settings = settings or CollectSettings()
    start = time.perf_counter()
    state = source_store.validators(store)
    collector = Collector(
        store,
        settings,
        transport=transport,
        allow_private=allow_private,
        pool=_start_pool(settings, len(specs)),
    )
    collector.unfinished = len(specs)
    try:
        reports = await asyncio.gather(
            *(collector.run_source(spec, *state.get(spec.name, (None, None))) for spec in specs)
        )
    finally:
        await collector.aclose()
    return CollectSummary(sources=list(reports), seconds=time.perf_counter() - start)


def collect_sources(
    store: Store,
    specs: Sequence[SourceSpec],
    settings: CollectSettings | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    allow_private: bool | None = None,
) -> CollectSummary:
    """Synchronous wrapper of `collect_async` (runs its own event loop)."""
    return asyncio.run(collect_async(store, specs, settings, transport=transport, allow_private=allow_private))


def fetch_records_summary(records: Sequence[FetchRecord]) -> str:
    """One line about a list of fetch records, for `sources test`."""
    failed = sum(1 for record in records if record.error)
    size = sum(record.bytes for record in records)
    return f"{len(records)} request(s), {size:,} bytes, {failed} with errors"


__all__ = [
    "CollectSummary",
    "Collector",
    "SourceReport",
    "collect_async",
    "collect_sources",
    "defuse",
    "prepare",
]
