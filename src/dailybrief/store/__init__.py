"""SQLite storage through SQLAlchemy Core: the one place that reads and writes the database.

`Store.open(home)` creates the folder and the database if needed and applies pending
migrations. Items are upserted by canonical URL: a new URL is added, a changed title or text
updates the row, anything else is left unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..models import Item, Report
from . import schema
from .items import UpsertCounts, _iso, _item_row, _row_item, item_rows, now_iso, write_item_rows  # noqa: F401 - store API

UTC = timezone.utc


class Store:
    """A dailybrief database. Use `Store.open(home)`; close with `close()` or a `with` block."""

    def __init__(self, engine: Engine, path: Path | None = None):
        self.engine = engine
        self.path = path

    @classmethod
    def open(cls, home: Path, name: str = "dailybrief.db") -> Store:
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{home}: cannot create the home folder: {exc.strerror}") from None
        path = home / name
        engine = create_engine(f"sqlite:///{path}")

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001 - DB-API objects
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        store = cls(engine, path)
        try:
            store.migrate()
        except SQLAlchemyError as exc:
            raise StoreError(f"{path}: cannot open the database: {getattr(exc, 'orig', None) or exc}") from None
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- migrations ---------------------------------------------------------------------------

    def migrate(self) -> list[str]:
        """Apply the migrations not yet recorded; return their names."""
        applied: list[str] = []
        with self.engine.begin() as conn:
            conn.execute(
                text("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied TEXT)")
            )
            done = {row[0] for row in conn.execute(text("SELECT name FROM _migrations"))}
            for name, apply in schema.MIGRATIONS:
                if name in done:
                    continue
                apply(conn)
                conn.execute(
                    text("INSERT INTO _migrations (name, applied) VALUES (:n, :a)"),
                    {"n": name, "a": now_iso()},
                )
                applied.append(name)
        return applied

    # -- items --------------------------------------------------------------------------------

    def upsert_items(self, items: Iterable[Item]) -> UpsertCounts:
        """Add or update items by canonical URL in one transaction (see `items.write_item_rows`)."""
        with self.engine.begin() as conn:
            return write_item_rows(conn, [item_rows(items)])[0]

    def items(self, start: datetime | None = None, end: datetime | None = None) -> list[Item]:
        """Items published in [start, end), oldest first; all items without bounds."""
        table = schema.items
        query = select(table).order_by(table.c.published, table.c.id)
        if start is not None:
            query = query.where(table.c.published >= _iso(start))
        if end is not None:
            query = query.where(table.c.published < _iso(end))
        with self.engine.connect() as conn:
            return [_row_item(row) for row in conn.execute(query)]

    def items_by_url(self, urls: Iterable[str]) -> dict[str, Item]:
        """The stored items with these canonical URLs, by URL (unknown URLs are absent)."""
        table = schema.items
        wanted = sorted(set(urls))
        found: dict[str, Item] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                query = select(table).where(table.c.url.in_(wanted[i : i + 500]))
                found.update((row.url, _row_item(row)) for row in conn.execute(query))
        return found

    def count_items(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM items")).scalar_one()

    # -- reports ------------------------------------------------------------------------------

    def save_report(self, report: Report) -> None:
        table = schema.reports
        body = report.model_dump_json()
        with self.engine.begin() as conn:
            conn.execute(
                table.delete().where(
                    (table.c.date == report.date) & (table.c.language == report.language)
                )
            )
            conn.execute(
                table.insert().values(
                    date=report.date, language=report.language, report=body, created=now_iso()
                )
            )

    def reports(self, since: str, before: str, language: str | None = None) -> Iterator[Report]:
        """Stored reports with since <= date < before (dates as YYYY-MM-DD), oldest first."""
        table = schema.reports
        query = (
            select(table.c.report)
            .where((table.c.date >= since) & (table.c.date < before))
            .order_by(table.c.date)
        )
        if language:
            query = query.where(table.c.language == language)
        with self.engine.connect() as conn:
            rows = conn.execute(query).scalars().all()
        for body in rows:
            yield Report.model_validate_json(body)


