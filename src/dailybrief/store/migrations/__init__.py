"""Schema migrations, managed by Alembic and run from code (no alembic.ini).

The revisions in `versions/` are the old append-only list of named migrations, ported one for
one: each revision id is the old name (`0001_items` ... `publish_0002_runs`), so a database
that the old runner migrated is recognised by its `_migrations` table and stamped with the
last name recorded there, and nothing in it is touched. A revision is never edited once it has
landed: a schema change is a new revision whose `down_revision` is the current head.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

HERE = Path(__file__).parent
LEGACY_TABLE = "_migrations"  # the old runner's record of applied names
# Taken by every process that migrates a PostgreSQL database, so two never migrate at once.
_PG_LOCK = 0x6461696C  # "dail"


@cache
def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config


@cache
def script() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def revisions() -> list[str]:
    """Every revision id, oldest first."""
    return [rev.revision for rev in reversed(list(script().walk_revisions()))]


def head() -> str:
    return script().get_current_head() or ""


def current(conn: Connection) -> str | None:
    """The revision the database is at (None for an empty or unstamped database)."""
    heads = MigrationContext.configure(conn).get_current_heads()
    return heads[0] if heads else None


def missing(conn: Connection) -> list[str]:
    """The revisions not applied to the database, oldest first (a legacy database counts as
    at its last recorded name)."""
    at = current(conn) or _legacy_revision(conn)
    names = revisions()
    return names[names.index(at) + 1 :] if at in names else names


def upgrade(conn: Connection, to: str = "head") -> list[str]:
    """Bring the database to revision `to` (the head) in the caller's transaction; return what ran."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
    if current(conn) is None and (legacy := _legacy_revision(conn)):
        _stamp(conn, legacy)
    todo = missing(conn)
    if to != "head":
        todo = todo[: todo.index(to) + 1] if to in todo else []
    if todo:
        _run(conn, to)
    return todo


def _legacy_revision(conn: Connection) -> str | None:
    """The last revision a pre-Alembic database applied: the longest prefix of the revision list
    recorded in its `_migrations` table (None when it has no such table)."""
    if not inspect(conn).has_table(LEGACY_TABLE):
        return None
    done = {row[0] for row in conn.execute(text(f"SELECT name FROM {LEGACY_TABLE}"))}
    last = None
    for name in revisions():
        if name not in done:
            break
        last = name
    return last


def _stamp(conn: Connection, revision: str) -> None:
    MigrationContext.configure(conn).stamp(script(), revision)


def _run(conn: Connection, destination: str) -> None:
    scripts = script()

    def steps(rev, _context):  # noqa: ANN001, ANN202 - Alembic's callback signature
        return scripts._upgrade_revs(destination, rev)

    with EnvironmentContext(_config(), scripts, fn=steps, destination_rev=destination) as env:
        env.configure(connection=conn)
        with env.begin_transaction():
            env.run_migrations()
