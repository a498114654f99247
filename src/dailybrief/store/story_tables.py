"""Tables of the story engine: the embedding cache, story builds with their members and merge
log, and editor overrides. Created by migration 0005_story_engine (store/migrations)."""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Integer, String, Table, Text

from .schema import metadata
from .types import Vector

embeddings = Table(
    "embeddings",
    metadata,
    Column("model", String, primary_key=True),
    Column("key", String, primary_key=True),  # hash of the embedded text (derived from item content)
    Column("dim", Integer, nullable=False),
    Column("vector", Vector, nullable=False),  # float32: a blob on SQLite, real[] on PostgreSQL
    Column("created", String, nullable=False),
)

story_builds = Table(
    "story_builds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("date", String, nullable=False, index=True),  # report date, YYYY-MM-DD
    Column("created", String, nullable=False),
    Column("embedder", String, nullable=False, default=""),
    Column("method", String, nullable=False, default=""),  # exact | ann
)

story_members = Table(
    "story_members",
    metadata,
    Column("build", Integer, ForeignKey("story_builds.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("story", String, nullable=False),
    Column("position", Integer, nullable=False),  # story order in the build
    Column("item_url", String, nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("status", String, nullable=False, default="new"),
)

story_merges = Table(
    "story_merges",
    metadata,
    Column("build", Integer, ForeignKey("story_builds.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String, nullable=False),  # duplicate | story | editor
    Column("story", String, nullable=False, default=""),
    Column("item_url", String, nullable=False),
    Column("into_url", String, nullable=False, default=""),
    Column("score", Float),
    Column("reason", Text, nullable=False, default=""),
)

story_overrides = Table(
    "story_overrides",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String, nullable=False),  # split | merge | move | drop | pin
    Column("urls", Text, nullable=False),  # JSON array of item URLs
    Column("date", String, nullable=False, default=""),  # the report date it was made on
    Column("note", Text, nullable=False, default=""),
    Column("created", String, nullable=False),
    # Added by migration web_0004_corrections (see store/corrections.py):
    Column("author", String, nullable=False, default=""),
    Column("target", String, nullable=False, default=""),  # move: the section id
    Column("undone", String),  # when the correction was undone (kept, no longer applied)
    Column("undone_by", String),
)
