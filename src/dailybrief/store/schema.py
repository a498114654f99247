"""Tables and the append-only list of named migrations applied when a database is opened.

A migration is never edited once it has landed: schema changes are new entries at the end of
`MIGRATIONS`. Each entry is a name and a function that takes an open connection.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Connection,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", String, nullable=False, unique=True),  # canonical URL
    Column("title", Text, nullable=False),
    Column("published", String, nullable=False, index=True),  # ISO 8601, UTC
    Column("source", String, nullable=False, default=""),
    Column("source_kind", String, nullable=False, default="other"),
    Column("lang", String, nullable=False, default=""),
    Column("content", Text, nullable=False, default=""),
    Column("summary", Text, nullable=False, default=""),
    Column("score", Integer),
    Column("comments", Integer),
    Column("fetched", String),
    Column("content_hash", String, nullable=False),
    Column("extra", Text, nullable=False, default="{}"),  # JSON object
    Column("created", String, nullable=False),
    Column("updated", String, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("name", String, primary_key=True),
    Column("kind", String, nullable=False),
    Column("url", String, nullable=False),
    Column("source_kind", String, nullable=False, default="news"),
    Column("weight", Float, nullable=False, default=1.0),
    Column("lang", String, nullable=False, default=""),
    Column("options", Text, nullable=False, default="{}"),  # JSON: selector, keywords, ...
    Column("origin", String, nullable=False, default="command"),  # command | config
    Column("etag", String),
    Column("last_modified", String),
    Column("last_success", String),
    Column("last_error", Text),
    Column("failures", Integer, nullable=False, default=0),
)

fetch_log = Table(
    "fetch_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String, nullable=False, index=True),
    Column("url", String, nullable=False),
    Column("started", String, nullable=False),
    Column("status", Integer),
    Column("bytes", Integer, nullable=False, default=0),
    Column("seconds", Float, nullable=False, default=0.0),
    Column("error", Text),
)

articles = Table(
    "articles",
    metadata,
    Column("url", String, primary_key=True),  # canonical URL of the article page
    Column("text", Text, nullable=False),
    Column("fetched", String, nullable=False),
    Column("status", Integer),
)

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("date", String, nullable=False),
    Column("language", String, nullable=False),
    Column("report", Text, nullable=False),  # report.json
    Column("created", String, nullable=False),
    UniqueConstraint("date", "language"),
)

llm_cache = Table(
    "llm_cache",
    metadata,
    Column("key", String, primary_key=True),  # sha256 of endpoint, model and prompt hash
    Column("endpoint", String, nullable=False),
    Column("model", String, nullable=False),
    Column("prompt_hash", String, nullable=False),
    Column("response", Text, nullable=False),  # the message content
    Column("input_tokens", Integer, nullable=False, default=0),
    Column("output_tokens", Integer, nullable=False, default=0),
    Column("created", String, nullable=False),
)


def _create(*tables: Table) -> Callable[[Connection], None]:
    def apply(conn: Connection) -> None:
        for table in tables:
            table.create(conn, checkfirst=True)

    return apply


MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = [
    ("0001_items", _create(items)),
    ("0002_sources_fetch_log_articles", _create(sources, fetch_log, articles)),
    ("0003_reports", _create(reports)),
    ("0004_llm_cache", _create(llm_cache)),
    ("0005_story_engine", lambda conn: _story_engine(conn)),
    ("publish_0001_deliveries", lambda conn: _publish_deliveries(conn)),
    ("web_0001_users_sessions", lambda conn: _web("users", "create_user_tables")(conn)),
    ("web_0002_review", lambda conn: _web("review", "create_review_tables")(conn)),
    ("web_0003_search", lambda conn: _web("search", "create_search_tables")(conn)),
    ("web_0004_corrections", lambda conn: _web("corrections", "migrate_corrections")(conn)),
    ("web_0005_source_pauses", lambda conn: _web("pauses", "create_pause_table")(conn)),
    ("publish_0002_runs", lambda conn: _publish_runs(conn)),
]


def _story_engine(conn: Connection) -> None:
    from .story_tables import create_story_tables  # defined beside the queries that use them

    create_story_tables(conn)


def _publish_deliveries(conn: Connection) -> None:
    from .deliveries import create_deliveries  # defined beside the queries that use it

    create_deliveries(conn)


def _web(module: str, function: str) -> Callable[[Connection], None]:
    """A table-creating function of the web app's store modules (defined beside their queries)."""
    from importlib import import_module

    return getattr(import_module(f"{__package__}.{module}"), function)


def _publish_runs(conn: Connection) -> None:
    from .runs import create_runs  # defined beside the queries that use them

    create_runs(conn)
