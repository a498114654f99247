"""The shared `metadata` and the core tables (items, sources, fetch log, articles, reports, LLM
cache). Other tables are defined beside the queries that use them, on the same `metadata`.

These definitions serve the queries; the tables are created and changed only by the Alembic
revisions in store/migrations/versions (a schema change is a new revision there and an edit here).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
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
