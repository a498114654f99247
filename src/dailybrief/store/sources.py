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

from ..config import Settings, SourceSpec
from ..errors import CollectError
from ..models import Item
from . import Store, schema
from .dialect import marker, markers
from .items import UpsertCounts, item_rows, write_item_rows

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


def all_sources(store: Store, config: Sequence[SourceSpec]) -> list[SourceSpec]:
    """Config sources in file order, then command-added ones by name (the config wins a clash)."""
    config_names = {spec.name for spec in config}
    return list(config) + [spec for spec in command_sources(store) if spec.name not in config_names]


def with_stored_sources(store: Store, settings: Settings) -> Settings:
    """`settings` whose `sources` are every source, config and database: resolved once, so
    dedupe, ranking and display use the weight given with `sources add --weight` too."""
    return settings.model_copy(update={"sources": all_sources(store, settings.sources)})


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
        counts: dict[str, int] = dict(
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

    Items follow the rules of `items.write_item_rows`, which `Store.upsert_items` uses too.
    One transaction for many sources keeps a 1,000-feed collect network-bound.
    """
    with store.engine.begin() as conn:
        results = write_item_rows(conn, [write.all_rows() for write in writes])
        m = marker(conn)
        for write in writes:
            if write.ok:
                conn.exec_driver_sql(
                    f"UPDATE sources SET last_success = {m}, failures = 0, "
                    f"etag = coalesce({m}, etag), last_modified = coalesce({m}, last_modified) "
                    f"WHERE name = {m}",
                    (_iso(write.when), write.etag, write.last_modified, write.name),
                )
            else:
                conn.exec_driver_sql(
                    f"UPDATE sources SET last_error = {m}, failures = failures + 1 WHERE name = {m}",
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
                f"VALUES ({markers(conn, 7)})",
                logs,
            )
    return results
