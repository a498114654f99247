"""Queries of the collector: sources and their fetch state, the fetch log, the article cache.

Sources come from two places. Those in dailybrief.toml are mirrored into the `sources` table
with origin 'config' on every collect (so their ETag, Last-Modified and health survive between
runs); those added with `dailybrief sources add` live only here, with origin 'command'.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from ..config import SourceSpec
from ..errors import CollectError
from ..models import Item
from . import Store, UpsertCounts, _item_row, schema

UTC = timezone.utc
_OPTION_KEYS = ("selector", "keywords")


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


@dataclass
class SourceStatus:
    """A source as `sources list` shows it."""

    name: str
    kind: str
    url: str
    origin: str  # config | command
    last_success: str | None = None
    last_error: str | None = None
    failures: int = 0
    items_7d: int = 0
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchLogEntry:
    source: str
    url: str
    started: datetime
    status: int | None
    bytes: int
    seconds: float
    error: str | None


def _row_values(spec: SourceSpec, origin: str) -> dict[str, object]:
    options = {key: getattr(spec, key) for key in _OPTION_KEYS if getattr(spec, key)}
    return {
        "name": spec.name,
        "kind": spec.kind,
        "url": spec.url,
        "source_kind": spec.source_kind,
        "weight": spec.weight,
        "lang": spec.lang,
        "options": json.dumps(options, ensure_ascii=False, sort_keys=True),
        "origin": origin,
    }


def _row_spec(row) -> SourceSpec:  # noqa: ANN001 - a SQLAlchemy Row
    options = json.loads(row.options or "{}")
    return SourceSpec(
        name=row.name,
        kind=row.kind,
        url=row.url,
        source_kind=row.source_kind,
        weight=row.weight,
        lang=row.lang,
        **{key: value for key, value in options.items() if key in _OPTION_KEYS},
    )


def sync_config_sources(store: Store, specs: Sequence[SourceSpec]) -> None:
    """Mirror the config's sources into the table, keeping each one's fetch state.

    A config source whose name was also added by command takes over that row (the config
    wins); rows of config sources no longer in the file are removed.
    """
    table = schema.sources
    names = [spec.name for spec in specs]
    with store.engine.begin() as conn:
        existing = {row.name for row in conn.execute(select(table.c.name))}
        for spec in specs:
            values = _row_values(spec, "config")
            if spec.name in existing:
                conn.execute(table.update().where(table.c.name == spec.name).values(**values))
            else:
                conn.execute(table.insert().values(**values, failures=0))
        stale = table.delete().where(table.c.origin == "config")
        if names:
            stale = stale.where(table.c.name.not_in(names))
        conn.execute(stale)


def command_sources(store: Store) -> list[SourceSpec]:
    """Sources added with `sources add` or `sources import-opml`, by name."""
    table = schema.sources
    query = select(table).where(table.c.origin == "command").order_by(table.c.name)
    with store.engine.connect() as conn:
        return [_row_spec(row) for row in conn.execute(query)]


def add_source(store: Store, spec: SourceSpec) -> None:
    """Store a command-added source; raises CollectError if the name is taken."""
    try:
        with store.engine.begin() as conn:
            conn.execute(schema.sources.insert().values(**_row_values(spec, "command"), failures=0))
    except IntegrityError:
        raise CollectError(f"a source named {spec.name!r} already exists") from None


def remove_source(store: Store, name: str) -> str | None:
    """Delete a source row; return its origin, or None when there was no such source."""
    table = schema.sources
    with store.engine.begin() as conn:
        origin = conn.execute(select(table.c.origin).where(table.c.name == name)).scalar()
        if origin is not None:
            conn.execute(table.delete().where(table.c.name == name))
    return origin


def source_statuses(store: Store, since: datetime) -> dict[str, SourceStatus]:
    """Every stored source with its health and the items it added since `since`."""
    table = schema.sources
    items = schema.items
    with store.engine.connect() as conn:
        counts = dict(
            conn.execute(
                select(items.c.source, func.count())
                .where(items.c.created >= _iso(since))
                .group_by(items.c.source)
            ).all()
        )
        rows = conn.execute(select(table).order_by(table.c.name)).all()
    return {
        row.name: SourceStatus(
            name=row.name,
            kind=row.kind,
            url=row.url,
            origin=row.origin,
            last_success=row.last_success,
            last_error=row.last_error,
            failures=row.failures or 0,
            items_7d=counts.get(row.name, 0),
            etag=row.etag,
            last_modified=row.last_modified,
        )
        for row in rows
    }


def validators(store: Store) -> dict[str, tuple[str | None, str | None]]:
    """name -> (etag, last_modified) of every stored source."""
    table = schema.sources
    with store.engine.connect() as conn:
        rows = conn.execute(select(table.c.name, table.c.etag, table.c.last_modified)).all()
    return {row.name: (row.etag, row.last_modified) for row in rows}


def record_success(
    store: Store, name: str, when: datetime, etag: str | None, last_modified: str | None
) -> None:
    """Mark a successful fetch: new validators (when the server sent any), failures reset."""
    with store.engine.begin() as conn:
        _success(conn, name, when, etag, last_modified)


def _success(
    conn: Connection, name: str, when: datetime, etag: str | None, last_modified: str | None
) -> None:
    values: dict[str, object] = {"last_success": _iso(when), "failures": 0}
    if etag is not None:
        values["etag"] = etag
    if last_modified is not None:
        values["last_modified"] = last_modified
    conn.execute(schema.sources.update().where(schema.sources.c.name == name).values(**values))


def record_failure(store: Store, name: str, error: str) -> None:
    """Mark a failed fetch: the error kept, consecutive failures counted up."""
    with store.engine.begin() as conn:
        _failure(conn, name, error)


def _failure(conn: Connection, name: str, error: str) -> None:
    table = schema.sources
    conn.execute(
        table.update()
        .where(table.c.name == name)
        .values(last_error=error[:2000], failures=table.c.failures + 1)
    )


def log_fetches(store: Store, source: str, records: Iterable[object]) -> None:
    """Append fetch records (objects with url, started, status, bytes, seconds, error)."""
    with store.engine.begin() as conn:
        _log(conn, source, records)


def _log(conn: Connection, source: str, records: Iterable[object]) -> None:
    rows = [
        {
            "source": source,
            "url": record.url,  # type: ignore[attr-defined]
            "started": _iso(record.started),  # type: ignore[attr-defined]
            "status": record.status,  # type: ignore[attr-defined]
            "bytes": record.bytes,  # type: ignore[attr-defined]
            "seconds": round(record.seconds, 4),  # type: ignore[attr-defined]
            "error": record.error,  # type: ignore[attr-defined]
        }
        for record in records
    ]
    if rows:
        conn.execute(schema.fetch_log.insert(), rows)


def fetch_log(store: Store, source: str | None = None, limit: int = 100) -> list[FetchLogEntry]:
    """The latest fetch-log entries, newest first."""
    table = schema.fetch_log
    query = select(table).order_by(table.c.id.desc()).limit(limit)
    if source is not None:
        query = query.where(table.c.source == source)
    with store.engine.connect() as conn:
        return [
            FetchLogEntry(
                source=row.source,
                url=row.url,
                started=datetime.fromisoformat(row.started),
                status=row.status,
                bytes=row.bytes,
                seconds=row.seconds,
                error=row.error,
            )
            for row in conn.execute(query)
        ]


def cached_articles(store: Store, urls: Iterable[str]) -> dict[str, str]:
    """Canonical article URL -> extracted text, for the URLs already in the cache."""
    wanted = list(dict.fromkeys(urls))
    found: dict[str, str] = {}
    table = schema.articles
    with store.engine.connect() as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = select(table.c.url, table.c.text).where(table.c.url.in_(chunk))
            found.update(dict(conn.execute(query).all()))
    return found


def save_article(store: Store, url: str, text: str, status: int | None, when: datetime) -> None:
    """Cache an article's extracted text (an empty text records a failed extraction)."""
    table = schema.articles
    with store.engine.begin() as conn:
        conn.execute(table.delete().where(table.c.url == url))
        conn.execute(table.insert().values(url=url, text=text, fetched=_iso(when), status=status))


def stored_times(store: Store, urls: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """Canonical URL -> (published, fetched) as stored, for the URLs already in `items`.

    The collector keeps an item's first fetch time (and a guessed publication time) so that
    fetching an unchanged entry again leaves its row unchanged.
    """
    with store.engine.connect() as conn:
        return _stored_times(conn, urls)


def _stored_times(conn: Connection, urls: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    wanted = list(dict.fromkeys(urls))
    table = schema.items
    found: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(wanted), 500):
        query = select(table.c.url, table.c.published, table.c.fetched).where(
            table.c.url.in_(wanted[start : start + 500])
        )
        found.update({row.url: (row.published, row.fetched) for row in conn.execute(query)})
    return found


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


@dataclass
class SourceWrite:
    """Everything one source's fetch stores: items (or their `item_rows`), new validators or
    an error, fetch records."""

    name: str
    items: Sequence[Item]
    when: datetime
    ok: bool
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    records: Sequence[object] = ()
    rows: Sequence[tuple] = ()  # `item_rows`, stored after `items`

    def all_rows(self) -> list[tuple]:
        return item_rows(self.items) + list(self.rows) if self.items else list(self.rows)


def save_fetches(store: Store, writes: Sequence[SourceWrite]) -> list[UpsertCounts]:
    """Store the results of several sources in one transaction; counts per write.

    Items already stored keep their first fetch time, and a guessed publication time
    (`extra["date_guessed"]`) keeps the stored one, so an unchanged entry leaves its row
    unchanged. One transaction for many sources keeps a 1,000-feed collect network-bound.

    The writes are applied in order with the same rules as `_keep_times` + `_upsert` per
    write, but the batch reads the stored rows of all its URLs at once and writes with a few
    `executemany` calls on the driver (SQLAlchemy's per-row statement handling was most of
    the cost of storing a 30-entry feed).
    """
    results: list[UpsertCounts] = []
    with store.engine.begin() as conn:
        _save_items(conn, writes, results)
        for write in writes:
            if write.ok:
                conn.exec_driver_sql(
                    "UPDATE sources SET last_success = ?, failures = 0, "
                    "etag = coalesce(?, etag), last_modified = coalesce(?, last_modified) "
                    "WHERE name = ?",
                    (_iso(write.when), write.etag, write.last_modified, write.name),
                )
            else:
                conn.exec_driver_sql(
                    "UPDATE sources SET last_error = ?, failures = failures + 1 WHERE name = ?",
                    ((write.error or "failed")[:2000], write.name),
                )
        logs = [
            (
                write.name,
                record.url,  # type: ignore[attr-defined]
                _iso(record.started),  # type: ignore[attr-defined]
                record.status,  # type: ignore[attr-defined]
                record.bytes,  # type: ignore[attr-defined]
                round(record.seconds, 4),  # type: ignore[attr-defined]
                record.error,  # type: ignore[attr-defined]
            )
            for write in writes
            for record in write.records
        ]
        if logs:
            conn.exec_driver_sql(
                "INSERT INTO fetch_log (source, url, started, status, bytes, seconds, error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                logs,
            )
    return results


def _save_items(conn: Connection, writes: Sequence[SourceWrite], results: list[UpsertCounts]) -> None:
    """Upsert the items of `writes` in order, appending each write's counts to `results`."""
    rows_of = [write.all_rows() for write in writes]
    if not any(rows_of):
        results.extend(UpsertCounts() for _ in writes)
        return
    columns = ITEM_COLUMNS
    at = {name: index for index, name in enumerate(columns)}
    url_at, fetched_at, published_at = at["url"], at["fetched"], at["published"]
    width = len(columns)
    # The current row (values in `columns` order) of every URL of the batch: as stored, then
    # as this batch leaves it, so a later write sees what an earlier one stored.
    current: dict[str, tuple] = {}
    urls = list(dict.fromkeys(row[url_at] for rows in rows_of for row in rows))
    select_sql = f"SELECT {', '.join(columns)} FROM items WHERE url IN "
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        rows = conn.exec_driver_sql(select_sql + f"({', '.join('?' * len(chunk))})", tuple(chunk))
        current.update((row[url_at], tuple(row)) for row in rows)
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
        conn.exec_driver_sql(
            f"INSERT INTO items ({', '.join(columns)}, created, updated) "
            f"VALUES ({', '.join('?' * (len(columns) + 2))})",
            inserts,
        )
    if updates:  # after the inserts: a URL new in one write may change again in a later one
        assignments = ", ".join(f"{name} = ?" for name in columns)
        conn.exec_driver_sql(f"UPDATE items SET {assignments}, updated = ? WHERE url = ?", updates)


def upsert_items_bulk(store: Store, items: Sequence[Item]) -> UpsertCounts:
    """`Store.upsert_items` with the same rules, batched: one SELECT for the batch's URLs,
    one executemany INSERT for new rows, an UPDATE only for changed rows (~40x faster than a
    query pair per item). The lead may fold this into `Store.upsert_items`."""
    with store.engine.begin() as conn:
        return _upsert(conn, items)


def _keep_times(conn: Connection, items: list[Item]) -> list[Item]:
    stored = _stored_times(conn, [item.url for item in items])
    kept = []
    for item in items:
        if item.url in stored:
            published, fetched = stored[item.url]
            update: dict[str, object] = {}
            if fetched:
                update["fetched"] = datetime.fromisoformat(fetched)
            if item.extra.get("date_guessed"):
                update["published"] = datetime.fromisoformat(published)
            item = item.model_copy(update=update) if update else item
        kept.append(item)
    return kept


def _upsert(conn: Connection, items: Sequence[Item]) -> UpsertCounts:
    counts = UpsertCounts()
    if not items:
        return counts
    table = schema.items
    stamp = _iso(datetime.now(UTC))
    rows: dict[str, dict[str, object]] = {}
    for item in items:
        rows[item.url] = _item_row(item)  # the last copy of a URL wins
    columns = [table.c[key] for key in next(iter(rows.values()))]
    existing: dict[str, object] = {}
    urls = list(rows)
    for start in range(0, len(urls), 500):
        query = select(table.c.id, *columns).where(table.c.url.in_(urls[start : start + 500]))
        existing.update({row.url: row for row in conn.execute(query)})
    new = [dict(row, created=stamp, updated=stamp) for url, row in rows.items() if url not in existing]
    if new:
        conn.execute(table.insert(), new)
    counts.added = len(new)
    for url, row in rows.items():
        old = existing.get(url)
        if old is None:
            continue
        if any(getattr(old, key) != value for key, value in row.items()):
            conn.execute(table.update().where(table.c.id == old.id).values(**row, updated=stamp))  # type: ignore[attr-defined]
            counts.updated += 1
        else:
            counts.unchanged += 1
    counts.unchanged += len(items) - len(rows)  # in-batch duplicates of a URL
    return counts
