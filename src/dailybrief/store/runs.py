"""The daily job's records: `runs` (one row per run, with its stages, timings, errors and
deliveries) and `run_locks` (one row per date being built or published).

A lock is a row keyed by the date: `INSERT ... ON CONFLICT DO NOTHING` stores it for exactly one
process (the primary key decides, in SQLite and PostgreSQL alike: on PostgreSQL a second insert
waits on the first one's row lock until it commits, then does nothing), so two schedulers on any
machines, or a scheduler and a manual `run`, never work on one date at once. A row, unlike a
session advisory lock, outlives the connection, names its owner for `LockHeld`, and works on
SQLite too. A lock left by a crashed process expires after `ttl`.
Created by migration `publish_0002_runs` (store/migrations).
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Column, Integer, String, Table, Text, select

from ..errors import LockHeld
from . import Store
from .dialect import insert
from .schema import metadata

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("date", String, nullable=False, index=True),  # the edition date, YYYY-MM-DD
    Column("trigger", String, nullable=False),  # schedule | catch-up | once (cron) | manual (forced)
    Column("owner", String, nullable=False),  # host:pid:token of the process
    Column("started", String, nullable=False),
    Column("finished", String),
    Column("status", String, nullable=False),  # running | ok | failed | held | skipped
    Column("stages", Text, nullable=False, default="[]"),  # JSON list of StageRecord
    Column("deliveries", Text, nullable=False, default="{}"),  # JSON: channel → counts
    Column("error", Text),
)

run_locks = Table(
    "run_locks",
    metadata,
    Column("date", String, primary_key=True),
    Column("owner", String, nullable=False),
    Column("acquired", String, nullable=False),
    Column("expires", String, nullable=False),
)


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def new_owner() -> str:
    """An id for this process's lock and runs: host, pid and a random token."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire_lock(store: Store, date: str, owner: str, ttl: timedelta = timedelta(hours=6)) -> None:
    """Take the lock of `date` or raise `LockHeld` naming who has it."""
    now = _now()
    values = {"date": date, "owner": owner, "acquired": _iso(now), "expires": _iso(now + ttl)}
    with store.engine.begin() as conn:
        stale = (run_locks.c.date == date) & (run_locks.c.expires < _iso(now))
        conn.execute(run_locks.delete().where(stale))
        statement = insert(conn, run_locks).values(**values).on_conflict_do_nothing().returning(run_locks.c.date)
        taken = conn.execute(statement).first() is not None
    if taken:
        return
    with store.engine.connect() as conn:
        row = conn.execute(select(run_locks).where(run_locks.c.date == date)).first()
    holder = f"{row.owner} since {row.acquired}" if row else "another process"
    raise LockHeld(f"{date} is being built or published by {holder}")


def release_lock(store: Store, date: str, owner: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(run_locks.delete().where((run_locks.c.date == date) & (run_locks.c.owner == owner)))


@contextmanager
def date_lock(store: Store, date: str, owner: str | None = None) -> Iterator[str]:
    """Hold the lock of `date` for the block; yields the owner id."""
    owner = owner or new_owner()
    acquire_lock(store, date, owner)
    try:
        yield owner
    finally:
        release_lock(store, date, owner)


@dataclass
class StageRecord:
    name: str
    status: str  # ok | failed | held | skipped
    seconds: float
    detail: str = ""  # one line: what the stage did or why it failed


@dataclass
class RunRecord:
    id: int
    date: str
    trigger: str
    owner: str
    started: str
    finished: str | None
    status: str
    stages: list[StageRecord] = field(default_factory=list)
    deliveries: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def start_run(store: Store, date: str, trigger: str, owner: str) -> int:
    with store.engine.begin() as conn:
        result = conn.execute(runs.insert().values(
            date=date, trigger=trigger, owner=owner, started=_iso(_now()), status="running"))
        return int(result.inserted_primary_key[0])  # type: ignore[index]  # an insert always has its key


def finish_run(store: Store, run_id: int, status: str, stages: list[StageRecord],
               deliveries: dict[str, Any], error: str | None = None) -> None:
    values = {
        "finished": _iso(_now()), "status": status, "error": error,
        "stages": json.dumps([vars(s) for s in stages], ensure_ascii=False),
        "deliveries": json.dumps(deliveries, ensure_ascii=False),
    }
    with store.engine.begin() as conn:
        conn.execute(runs.update().where(runs.c.id == run_id).values(**values))


def _record(row: Any) -> RunRecord:
    data = dict(row._mapping)
    data["stages"] = [StageRecord(**s) for s in json.loads(data["stages"] or "[]")]
    data["deliveries"] = json.loads(data["deliveries"] or "{}")
    return RunRecord(**data)


def list_runs(store: Store, limit: int = 20, date: str | None = None) -> list[RunRecord]:
    """The latest runs first."""
    query = select(runs).order_by(runs.c.id.desc()).limit(limit)
    if date:
        query = query.where(runs.c.date == date)
    with store.engine.connect() as conn:
        return [_record(row) for row in conn.execute(query)]


def succeeded(store: Store, date: str) -> bool:
    """Whether a run of `date` finished ok (the scheduler never redoes such a date)."""
    query = select(runs.c.id).where((runs.c.date == date) & (runs.c.status == "ok")).limit(1)
    with store.engine.connect() as conn:
        return conn.execute(query).first() is not None
