"""The database's schema version: which migrations it has, and applying the missing ones
(`dailybrief db current | upgrade`; queue workers refuse to run until it is current)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .context import Workspace


@dataclass
class SchemaStatus:
    database: str  # the SQLite file or the URL, password hidden
    current: str | None  # the last migration applied; None for an empty database
    head: str  # the last migration this code knows
    missing: list[str] = field(default_factory=list)  # not applied, oldest first
    applied: list[str] = field(default_factory=list)  # applied by this call


def current(ws: Workspace) -> SchemaStatus:
    """Where the database stands, without changing it."""
    with ws.store(migrate=False) as store:
        return _status(store)


def upgrade(ws: Workspace) -> SchemaStatus:
    """Apply the missing migrations; the status afterwards, with what was applied."""
    with ws.store(migrate=False) as store:
        applied = store.migrate()
        status = _status(store)
    status.applied = applied
    return status


def _status(store) -> SchemaStatus:  # noqa: ANN001 - a Store
    from ..store import migrations

    return SchemaStatus(store.key, store.schema_version(), migrations.head(), store.missing_migrations())
