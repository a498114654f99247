"""Two writer processes upserting the same items into one PostgreSQL database at once (as queue
workers collecting overlapping feeds do): every URL is stored once, added by exactly one of them,
and nothing fails."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from dailybrief.models import Item
from dailybrief.store import Store

URLS = 600
BATCH = 40


def _items(offset: int) -> list[Item]:
    """All the URLs, in an order that differs per writer (so batches overlap differently)."""
    start = datetime(2026, 4, 16, tzinfo=UTC)
    order = [(i * 7 + offset) % URLS for i in range(URLS)]
    return [
        Item(
            url=f"https://shared.example/{n}",
            title=f"item {n}",
            published=start + timedelta(minutes=n),
            source="shared",
            content=f"text {n}",
        )
        for n in order
    ]


def _writer(home: str, url: str, offset: int, start, results) -> None:  # noqa: ANN001 - multiprocessing objects
    items = _items(offset)
    with Store.open(Path(home), url, migrate=False) as store:
        store.check_schema()
        start.wait(60)
        added = 0
        for i in range(0, len(items), BATCH):
            added += store.upsert_items(items[i : i + BATCH]).added
        results.put((offset, added))


def test_two_writers_store_each_url_once(tmp_path: Path, pg_url: str) -> None:
    Store.open(tmp_path, pg_url).close()  # migrated once, as `db upgrade` would
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    writers = [context.Process(target=_writer, args=(str(tmp_path), pg_url, n, start, results)) for n in (0, 3)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(180)
    assert [writer.exitcode for writer in writers] == [0, 0]
    added = dict(results.get(timeout=5) for _ in writers)
    assert sum(added.values()) == URLS  # each URL added by exactly one writer
    with Store.open(tmp_path, pg_url, migrate=False) as store:
        with store.engine.connect() as conn:
            rows, distinct = conn.execute(text("SELECT count(*), count(DISTINCT url) FROM items")).one()
        assert rows == distinct == URLS
        assert store.upsert_items(_items(5)).unchanged == URLS  # idempotent: a third pass changes nothing
