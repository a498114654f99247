"""Storage tests run on both dialects: `db_url` is None for the SQLite file in the home folder,
or the URL of a PostgreSQL database made for the one test on 127.0.0.1:5432 and dropped after.

PostgreSQL runs on every machine this project is tested on; when it cannot be reached the
PostgreSQL cases fail with the reason (they are never skipped).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from dailybrief.store import Store

SERVER = os.environ.get("DAILYBRIEF_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin() -> psycopg.Connection:
    try:
        return psycopg.connect(SERVER, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {SERVER} is unreachable (the storage tests need it): {exc}".splitlines()[0])


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test (SQLAlchemy URL); dropped afterwards."""
    name = f"dailybrief_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    finally:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str | None:
    """None (SQLite in the home folder) or a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db(home: Path, db_url: str | None) -> Iterator[Store]:
    """A migrated store on each dialect."""
    with Store.open(home, db_url) as store:
        yield store
