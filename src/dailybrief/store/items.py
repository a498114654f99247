"""Item rows: how an `Item` is stored in the `items` table and read back, and the one batched
upsert that every writer of items uses (imports, collects)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Connection

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
        return UpsertCounts(self.added + other.added, self.updated + other.updated, self.unchanged + other.unchanged)


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
        rows.append(
            (
                item.url,
                item.title,
                _iso(item.published),
                item.source,
                item.source_kind,
                item.lang,
                item.content,
                item.summary,
                item.score,
                item.comments,
                stamp,
                item.content_hash,
                json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else "{}",
                bool(item.extra.get("date_guessed")),
            )
        )
    return rows


# The column order `item_rows` writes by hand (the same values as `_item_row`, built faster).
_FAST_COLUMNS = (
    "url",
    "title",
    "published",
    "source",
    "source_kind",
    "lang",
    "content",
    "summary",
    "score",
    "comments",
    "fetched",
    "content_hash",
    "extra",
)


def write_item_rows(conn: Connection, rows_of: Sequence[Sequence[tuple]]) -> list[UpsertCounts]:
    """Upsert batches of `item_rows` in order, in the caller's transaction; counts per batch.

    A URL already stored keeps its first fetch time, and a guessed publication time
    (`extra["date_guessed"]`) keeps the stored one, so an unchanged entry leaves its row
    unchanged. A new URL is added, a changed row updated; in a batch the last copy of a URL
    wins. The stored rows of all the URLs are read at once and written with a few `executemany`
    calls on the driver (SQLAlchemy's per-row statement handling was most of the cost).

    On PostgreSQL several workers write at once. New URLs are inserted with
    `ON CONFLICT (url) DO NOTHING RETURNING url`: a URL another writer stored since the read is
    not stored twice, and is settled against that writer's row like any stored one (counted
    updated or unchanged, not added), so each URL is added by exactly one writer. Inserts and
    updates go in URL order, so two writers lock rows in the same order and never deadlock.
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
    current.update(_read_rows(conn, columns, urls))
    inserts: list[tuple] = []
    updates: list[tuple] = []
    added_in: dict[str, int] = {}  # new URL -> the batch that counted it added
    guessed: set[str] = set()  # URLs whose last row had a guessed publication time
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
            if row[width]:
                guessed.add(url)
            else:
                guessed.discard(url)
        for url, values in rows_of_write.items():
            old = current.get(url)
            if old is None:
                inserts.append((*values, stamp, stamp))
                counts.added += 1
                added_in[url] = len(results)
            elif old != values:
                updates.append((*values, stamp, url))
                counts.updated += 1
            else:
                counts.unchanged += 1
            current[url] = values
        counts.unchanged += len(rows) - len(rows_of_write)  # in-batch duplicates of a URL
        results.append(counts)
    if postgres:
        inserts.sort(key=lambda values: values[url_at])
        updates.sort(key=lambda values: values[-1])  # stable: one URL's updates stay in batch order
        lost = _insert_new(conn, columns, inserts)
        if lost:
            updates = [u for u in updates if u[-1] not in lost] + _settle(
                conn, columns, lost, current, guessed, [results[added_in[url]] for url in sorted(lost)]
            )
            updates.sort(key=lambda values: values[-1])
    elif inserts:
        conn.exec_driver_sql(
            f"INSERT INTO items ({', '.join(columns)}, created, updated) VALUES ({markers(conn, len(columns) + 2)})",
            inserts,
        )
    if updates:  # after the inserts: a URL new in one write may change again in a later one
        mark = marker(conn)
        assignments = ", ".join(f"{name} = {mark}" for name in columns)
        conn.exec_driver_sql(f"UPDATE items SET {assignments}, updated = {mark} WHERE url = {mark}", updates)
    return results


def _settle(
    conn: Connection,
    columns: Sequence[str],
    lost: set[str],
    current: dict[str, tuple],
    guessed: set[str],
    counted: list[UpsertCounts],
) -> list[tuple]:
    """Compare the rows this write meant to add with the rows another writer stored first
    (`lost`, sorted; `counted[i]` counted the i-th as added): the UPDATE rows of those that differ."""
    at = {name: index for index, name in enumerate(columns)}
    theirs = _read_rows(conn, columns, sorted(lost))
    updates: list[tuple] = []
    for url, counts in zip(sorted(lost), counted, strict=True):
        mine, stored = list(current[url]), theirs[url]
        if stored[at["fetched"]]:  # their fetch was first
            mine[at["fetched"]] = _iso(datetime.fromisoformat(stored[at["fetched"]]))
        if url in guessed:
            mine[at["published"]] = _iso(datetime.fromisoformat(stored[at["published"]]))
        counts.added -= 1
        if tuple(mine) == stored:
            counts.unchanged += 1
        else:
            counts.updated += 1
            updates.append((*mine, _iso(datetime.now(UTC)), url))
    return updates


_INSERT_ROWS = 1000  # rows per multi-row INSERT on PostgreSQL (18 parameters each, under its 65,535)


def _insert_new(conn: Connection, columns: Sequence[str], inserts: list[tuple]) -> set[str]:
    """Insert rows of new URLs on PostgreSQL; return the URLs another writer stored first."""
    url_at = columns.index("url")
    lost: set[str] = set()
    width = len(columns) + 2
    for start in range(0, len(inserts), _INSERT_ROWS):
        chunk = inserts[start : start + _INSERT_ROWS]
        rows = ", ".join(f"({markers(conn, width)})" for _ in chunk)
        stored = conn.exec_driver_sql(
            f"INSERT INTO items ({', '.join(columns)}, created, updated) VALUES {rows}"
            " ON CONFLICT (url) DO NOTHING RETURNING url",
            tuple(value for values in chunk for value in values),
        )
        lost.update({values[url_at] for values in chunk} - set(stored.scalars()))
    return lost


def _read_rows(conn: Connection, columns: Sequence[str], urls: list[str]) -> dict[str, tuple]:
    """The stored rows (values in `columns` order) of `urls`, by URL."""
    url_at = columns.index("url")
    found: dict[str, tuple] = {}
    select_sql = f"SELECT {', '.join(columns)} FROM items WHERE url IN "
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        rows = conn.exec_driver_sql(select_sql + f"({markers(conn, len(chunk))})", tuple(chunk))
        found.update((row[url_at], tuple(row)) for row in rows)
    return found
