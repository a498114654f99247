"""Storage through SQLAlchemy Core: the one place that reads and writes the database.

`Store.open(home)` opens the SQLite file `dailybrief.db` in the home folder (created if needed);
`Store.open(home, url)` the database at a SQLAlchemy URL (`store.url`: SQLite or PostgreSQL).
Pending migrations are applied on open unless `migrate=False` (queue workers), in which case
`check_schema()` refuses a database that lacks one. Items are upserted by canonical URL: a new
URL is added, a changed title or text updates the row, anything else is left unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event, make_url, select, text
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..config import DB_NAME
from ..errors import StoreError
from ..models import Item, Report
from . import migrations, schema
from .items import UpsertCounts, _iso, _item_row, _row_item, item_rows, now_iso, write_item_rows  # noqa: F401 - store API

UTC = timezone.utc


def database_url(home: Path, url: str | None = None, name: str = DB_NAME) -> URL:
    """The URL to open: `url` (a bare `postgresql://` gets the psycopg driver), else the SQLite
    file `name` in `home`. An unusable URL is a StoreError naming the setting."""
    if not url:
        return make_url(f"sqlite:///{home / name}")
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"store.url: not a database URL: {url!r} (e.g. postgresql+psycopg://user@host/db)") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(f"store.url: {parsed.get_backend_name()!r} is not supported (sqlite or postgresql)")
    return parsed


def shown(url: URL) -> str:
    """The URL as messages show it: the password hidden."""
    return url.render_as_string(hide_password=True)


def _reason(exc: BaseException) -> str:
    """The first line of a driver error, without SQLAlchemy's background links."""
    inner = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(inner).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(inner).__name__


class Store:
    """A dailybrief database. Use `Store.open(home)`; close with `close()` or a `with` block."""

    def __init__(self, engine: Engine, path: Path | None = None, home: Path | None = None):
        self.engine = engine
        self.path = path  # the SQLite file; None for a server database
        self.home = home if home is not None else (path.parent if path else Path("."))

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @property
    def key(self) -> str:
        """Names this database among others (the file, or the URL without its password)."""
        return str(self.path) if self.path else shown(self.engine.url)

    @classmethod
    def open(cls, home: Path, url: str | None = None, *, migrate: bool = True, name: str = DB_NAME) -> Store:
        """Open the database of `home`, or the one at `url`; apply pending migrations unless
        `migrate` is False. An unreachable database is a StoreError naming `store.url`."""
        target = database_url(home, url, name)
        sqlite = target.get_backend_name() == "sqlite"
        if sqlite:
            try:
                home.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{home}: cannot create the home folder: {exc.strerror}") from None
        try:
            engine = _engine(target)
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError(f"store.url: cannot use {shown(target)}: {_reason(exc)}") from None
        path = Path(target.database) if sqlite and target.database else None
        where = str(path) if path else f"store.url: {shown(target)}"
        store = cls(engine, path, home)
        try:
            with engine.connect():
                pass
        except SQLAlchemyError as exc:
            engine.dispose()
            if sqlite:
                raise StoreError(f"{where}: cannot open the database: {_reason(exc)}") from None
            raise StoreError(f"{where}: cannot connect to the database: {_reason(exc)}") from None
        if migrate:
            try:
                store.migrate()
            except SQLAlchemyError as exc:
                engine.dispose()
                raise StoreError(f"{where}: cannot open the database: {_reason(exc)}") from None
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- migrations ---------------------------------------------------------------------------

    def migrate(self) -> list[str]:
        """Apply the migrations not yet applied (see `store.migrations`); return their names."""
        with self.engine.begin() as conn:
            return migrations.upgrade(conn)

    def missing_migrations(self) -> list[str]:
        """The migrations this code knows and the database lacks, oldest first."""
        with self.engine.connect() as conn:
            return migrations.missing(conn)

    def schema_version(self) -> str | None:
        """The last migration applied (None for an empty database)."""
        with self.engine.connect() as conn:
            return migrations.current(conn) or migrations._legacy_revision(conn)

    def check_schema(self) -> None:
        """Raise StoreError naming the first migration the database lacks (a worker opened with
        `migrate=False` calls this and refuses to run on an older schema)."""
        try:
            lacking = self.missing_migrations()
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.key}: cannot read the schema version: {_reason(exc)}") from None
        if lacking:
            raise StoreError(f"database at {self.key} lacks migration {lacking[0]} (run `dailybrief db upgrade`)")

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




def _engine(url: URL) -> Engine:
    if url.get_backend_name() != "sqlite":
        # pre_ping: a worker outlives server restarts; a short connect timeout keeps the
        # "cannot connect" line quick when the address is wrong
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # noqa: ANN001 - DB-API objects
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    return engine
