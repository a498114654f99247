"""What differs between SQLite and PostgreSQL in the statements the store writes by hand.

Both dialects have `INSERT ... ON CONFLICT`; SQLAlchemy builds it through dialect-specific
`insert` constructs with the same API, so `insert(conn, table)` picks the one of the connection.
Hand-written driver SQL (`exec_driver_sql`, for speed) needs the driver's parameter marker.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert(conn: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT of `table` that supports `on_conflict_do_nothing` / `on_conflict_do_update`."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def marker(conn: Connection) -> str:
    """The positional parameter marker of the connection's driver (`?` or `%s`)."""
    return "%s" if conn.dialect.paramstyle in ("format", "pyformat") else "?"


def markers(conn: Connection, count: int) -> str:
    """`count` comma-separated parameter markers."""
    return ", ".join([marker(conn)] * count)
