"""Paused sources: `collect` skips them until they are resumed (a source named explicitly with
`collect --source` is still fetched). Kept apart from the sources table so a source defined in
dailybrief.toml can be paused without editing the file."""

from __future__ import annotations

from sqlalchemy import Column, String, Table, delete, select

from . import Store, now_iso
from .schema import metadata

source_pauses = Table(
    "source_pauses",
    metadata,
    Column("name", String, primary_key=True),
    Column("since", String, nullable=False),
    Column("by", String, nullable=False, default=""),
)


def pause_source(store: Store, name: str, by: str = "") -> None:
    with store.engine.begin() as conn:
        conn.execute(delete(source_pauses).where(source_pauses.c.name == name))
        conn.execute(source_pauses.insert().values(name=name, since=now_iso(), by=by))


def resume_source(store: Store, name: str) -> bool:
    """Resume a paused source; False when it was not paused."""
    with store.engine.begin() as conn:
        return conn.execute(delete(source_pauses).where(source_pauses.c.name == name)).rowcount > 0


def paused_sources(store: Store) -> dict[str, tuple[str, str]]:
    """Paused source names → (since, by)."""
    with store.engine.connect() as conn:
        return {r.name: (r.since, r.by) for r in conn.execute(select(source_pauses))}
