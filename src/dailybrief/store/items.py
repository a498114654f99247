"""Item rows: how an `Item` is stored in the `items` table and read back, and the one batched
upsert that every writer of items uses (imports, collects)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Connection, text

from ..models import Item, Mirror
from .dialect import marker, markers

UTC = timezone.utc


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def now_iso() -> str:
    return _iso(datetime.now(UTC))


@dataclass
class UpsertCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.added + other.added, self.updated + other.updated, self.unchanged + other.unchanged
        )


def _item_row(item: Item) -> dict[str, object]:
    extra = dict(item.extra)
    if item.mirrors:
        extra["mirrors"] = [m.model_dump() for m in item.mirrors]
    return {
        "url": item.url,
        "title": item.title,
        "published": _iso(item.published),
        "source": item.source,
        "source_kind": item.source_kind,
        "lang": item.lang,
        "content": item.content,
        "summary": item.summary,
        "score": item.score,
        "comments": item.comments,
        "fetched": _iso(item.fetched) if item.fetched else None,
        "content_hash": item.content_hash,
        "extra": json.dumps(extra, ensure_ascii=False, sort_keys=True),
    }


def _row_item(row) -> Item:  # noqa: ANN001 - a SQLAlchemy Row
    extra = json.loads(row.extra or "{}")
    mirrors = [Mirror.model_validate(m) for m in extra.pop("mirrors", [])]
    return Item(
        url=row.url,
        title=row.title,
        published=datetime.fromisoformat(row.published),
        source=row.source,
        source_kind=row.source_kind,
        lang=row.lang,
        content=row.content,
        summary=row.summary,
        score=row.score,
        comments=row.comments,
        fetched=datetime.fromisoformat(row.fetched) if row.fetched else None,
        mirrors=mirrors,
        extra=extra,
    )


# The columns `_item_row` fills, in its order (taken from it, so the two cannot drift apart).
ITEM_COLUMNS: tuple[str, ...] = tuple(
    _item_row(Item(url="https://example.com/", title="", published=datetime(2000, 1, 1, tzinfo=UTC)))
)
_URL_AT = ITEM_COLUMNS.index("url")


def item_rows(items: Iterable[Item]) -> list[tuple]:
    """Items as store rows: the `ITEM_COLUMNS` values of `_item_row`, then whether the item's
    publication time was guessed (`extra["date_guessed"]`). Plain tuples of str/int/None, so
    a worker process can build them and send them back far more cheaply than `Item`s."""
    if ITEM_COLUMNS != _FAST_COLUMNS:  # `_item_row` changed: take its values as they are
        return [(*_item_row(item).values(), bool(item.extra.get("date_guessed"))) for item in items]
    rows = []
    times: dict[datetime, str] = {}  # a feed's items share their fetch time
    for item in items:
        extra = item.extra
        if item.mirrors:
            extra = {**extra, "mirrors": [mirror.model_dump() for mirror in item.mirrors]}
        fetched = item.fetched
        if fetched is not None:
            stamp = times.get(fetched)
            if stamp is None:
                stamp = times[fetched] = _iso(fetched)
        else:
            stamp = None
        rows.append((
            item.url, item.title, _iso(item.published), item.source, item.source_kind, item.lang,
            item.content, item.summary, item.score, item.comments, stamp, item.content_hash,
            json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else "{}",
            bool(item.extra.get("date_guessed")),
        ))
    return rows


# The column order `item_rows` writes by hand (the same values as `_item_row`, built faster).
_FAST_COLUMNS = (
    "url", "title", "published", "source", "source_kind", "lang", "content", "summary", "score",
    "comments", "fetched", "content_hash", "extra",
)


def write_item_rows(conn: Connection, rows_of: Sequence[Sequence[tuple]]) -> list[UpsertCounts]:
    """Upsert batches of `item_rows` in order, in the caller's transaction; counts per batch.

    A URL already stored keeps its first fetch time, and a guessed publication time
    (`extra["date_guessed"]`) keeps the stored one, so an unchanged entry leaves its row
    unchanged. A new URL is added, a changed row updated; in a batch the last copy of a URL
    wins. The stored rows of all the URLs are read at once and written with a few `executemany`
    calls on the driver (SQLAlchemy's per-row statement handling was most of the cost).

    On PostgreSQL several workers write at once: the transaction first takes advisory locks on
    the hash buckets of its URLs (in order, so two writers never deadlock), so no other writer
    changes those URLs between this read and this write; the insert is also an
    `ON CONFLICT (url) DO UPDATE`, so a row can never be stored twice.
    """
    results: list[UpsertCounts] = []
    if not any(rows_of):
        return [UpsertCounts() for _ in rows_of]
    columns = ITEM_COLUMNS
    at = {name: index for index, name in enumerate(columns)}
    url_at, fetched_at, published_at = at["url"], at["fetched"], at["published"]
    width = len(columns)
    # The current row (values in `columns` order) of every URL of the batch: as stored, then
    # as this batch leaves it, so a later write sees what an earlier one stored.
    current: dict[str, tuple] = {}
    urls = list(dict.fromkeys(row[url_at] for rows in rows_of for row in rows))
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        _lock_urls(conn, urls)
    select_sql = f"SELECT {', '.join(columns)} FROM items WHERE url IN "
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        found = conn.exec_driver_sql(select_sql + f"({markers(conn, len(chunk))})", tuple(chunk))
        current.update((row[url_at], tuple(row)) for row in found)
    inserts: list[tuple] = []
    updates: list[tuple] = []
    for rows in rows_of:
        counts = UpsertCounts()
        stamp = _iso(datetime.now(UTC))
        rows_of_write: dict[str, tuple] = {}
        for row in rows:
            values = row[:width]
            url = values[url_at]
            stored = current.get(url)
            if stored is not None and (stored[fetched_at] or row[width]):
                # keep the first fetch time and a stored guessed date
                changed = list(values)
                if stored[fetched_at]:
                    changed[fetched_at] = _iso(datetime.fromisoformat(stored[fetched_at]))
                if row[width]:
                    changed[published_at] = _iso(datetime.fromisoformat(stored[published_at]))
                values = tuple(changed)
            rows_of_write[url] = values  # the last copy wins
        for url, values in rows_of_write.items():
            old = current.get(url)
            if old is None:
                inserts.append((*values, stamp, stamp))
                counts.added += 1
            elif old != values:
                updates.append((*values, stamp, url))
                counts.updated += 1
            else:
                counts.unchanged += 1
            current[url] = values
        counts.unchanged += len(rows) - len(rows_of_write)  # in-batch duplicates of a URL
        results.append(counts)
    if inserts:
        conflict = ""
        if postgres:  # unreachable under the locks; kept so a row is never stored twice
            kept = [name for name in (*columns, "updated") if name != "url"]
            conflict = " ON CONFLICT (url) DO UPDATE SET " + ", ".join(f"{n} = excluded.{n}" for n in kept)
        conn.exec_driver_sql(
            f"INSERT INTO items ({', '.join(columns)}, created, updated) "
            f"VALUES ({markers(conn, len(columns) + 2)}){conflict}",
            inserts,
        )
    if updates:  # after the inserts: a URL new in one write may change again in a later one
        mark = marker(conn)
        assignments = ", ".join(f"{name} = {mark}" for name in columns)
        conn.exec_driver_sql(f"UPDATE items SET {assignments}, updated = {mark} WHERE url = {mark}", updates)
    return results


_URL_LOCK = 0x75726C73  # "urls": the first key of the item writers' advisory locks
_BUCKETS = 256  # lock buckets: few enough for PostgreSQL's lock table, many enough to rarely wait


def _lock_urls(conn: Connection, urls: list[str]) -> None:
    """Take this transaction's advisory locks on the buckets of `urls`, lowest bucket first."""
    buckets = sorted({zlib.crc32(url.encode()) % _BUCKETS for url in urls})
    conn.execute(
        text("SELECT count(pg_advisory_xact_lock(:key, b)) FROM (SELECT unnest(CAST(:buckets AS int[])) AS b"
             " ORDER BY 1) AS ordered"),
        {"key": _URL_LOCK, "buckets": buckets},
    )
