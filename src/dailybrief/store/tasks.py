"""Queue task records: one row per task of a distributed run (collect, extract, embed, build).

The broker holds the messages; this table holds what became of them, in the shared database, so
a run can wait for its fan-out (the barrier), a task delivered again after its worker died can
see it was already done, and a task that failed every try stays visible as `dead` (with its last
error) in `dailybrief runs`. States: queued → running → done, or → retrying → … → dead.
Created by the migration `queue_0001_tasks` (store/migrations/versions/).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Integer, String, Table, Text, UniqueConstraint, select, update

from . import Store
from .schema import items, metadata

TERMINAL = ("done", "dead")

tasks = Table(
    "tasks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch", String, nullable=False, index=True),  # one distributed run
    Column("stage", String, nullable=False),  # collect | extract | embed | build
    Column("key", String, nullable=False),  # what the task works on, e.g. host#chunk
    Column("payload", Text, nullable=False, default="{}"),  # JSON: the message's arguments
    Column("state", String, nullable=False),  # queued | running | retrying | done | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("worker", String),  # host:pid of the last worker that took it
    Column("queued", String, nullable=False),
    Column("started", String),
    Column("finished", String),
    Column("error", Text),  # the last failure, one line
    Column("result", Text),  # JSON: what the task did (counts)
    UniqueConstraint("batch", "stage", "key"),
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class TaskRecord:
    batch: str
    stage: str
    key: str
    state: str
    attempts: int
    worker: str | None
    queued: str
    started: str | None
    finished: str | None
    error: str | None
    payload: dict[str, Any]
    result: dict[str, Any]


def _record(row: Any) -> TaskRecord:
    data = dict(row._mapping)
    data.pop("id")
    data["payload"] = json.loads(data["payload"] or "{}")
    data["result"] = json.loads(data["result"] or "{}")
    return TaskRecord(**data)


def add_tasks(store: Store, batch: str, stage: str, payloads: dict[str, dict[str, Any]]) -> list[str]:
    """Record the tasks `payloads` (key → arguments) as queued; keys already recorded for this
    batch and stage are left as they are. Returns the keys added."""
    with store.engine.begin() as conn:
        query = select(tasks.c.key).where((tasks.c.batch == batch) & (tasks.c.stage == stage))
        known = set(conn.execute(query).scalars())
        stamp = _now()
        rows = [
            {
                "batch": batch,
                "stage": stage,
                "key": key,
                "payload": json.dumps(payload, ensure_ascii=False),
                "state": "queued",
                "attempts": 0,
                "queued": stamp,
            }
            for key, payload in payloads.items()
            if key not in known
        ]
        if rows:
            conn.execute(tasks.insert(), rows)
    return [str(row["key"]) for row in rows]


def _where(batch: str, stage: str, key: str) -> Any:
    return (tasks.c.batch == batch) & (tasks.c.stage == stage) & (tasks.c.key == key)


def start_task(store: Store, batch: str, stage: str, key: str, worker: str) -> TaskRecord | None:
    """Count one more try of a task and mark it running; its record (None when unknown)."""
    with store.engine.begin() as conn:
        values = {"state": "running", "attempts": tasks.c.attempts + 1, "worker": worker, "started": _now()}
        done = tasks.c.state.in_(TERMINAL)
        conn.execute(update(tasks).where(_where(batch, stage, key) & ~done).values(**values))
        row = conn.execute(select(tasks).where(_where(batch, stage, key))).first()
    return _record(row) if row is not None else None


def finish_task(store: Store, batch: str, stage: str, key: str, result: dict[str, Any]) -> None:
    values = {"state": "done", "finished": _now(), "error": None, "result": json.dumps(result, ensure_ascii=False)}
    with store.engine.begin() as conn:
        conn.execute(update(tasks).where(_where(batch, stage, key)).values(**values))


def fail_task(store: Store, batch: str, stage: str, key: str, error: str | None, dead: bool) -> None:
    """Record a failed try: `retrying` (the broker will deliver it again) or `dead`; `error`
    None keeps the error recorded by the last try."""
    values: dict[str, Any] = {"state": "dead" if dead else "retrying"}
    if error is not None:
        values["error"] = " ".join(error.split())[:2000]
    if dead:
        values["finished"] = _now()
    with store.engine.begin() as conn:
        conn.execute(update(tasks).where(_where(batch, stage, key) & (tasks.c.state != "done")).values(**values))


def batch_tasks(store: Store, batch: str, stage: str | None = None) -> list[TaskRecord]:
    query = select(tasks).where(tasks.c.batch == batch).order_by(tasks.c.id)
    if stage:
        query = query.where(tasks.c.stage == stage)
    with store.engine.connect() as conn:
        return [_record(row) for row in conn.execute(query)]


def stage_states(store: Store, batch: str, stage: str) -> Counter[str]:
    """How many tasks of a batch's stage are in each state."""
    query = select(tasks.c.state).where((tasks.c.batch == batch) & (tasks.c.stage == stage))
    with store.engine.connect() as conn:
        return Counter(conn.execute(query).scalars())


def failed_tasks(store: Store, limit: int = 20, batch: str | None = None) -> list[TaskRecord]:
    """Dead tasks and tasks waiting for a retry, latest first (what `dailybrief runs` shows)."""
    query = select(tasks).where(tasks.c.state.in_(("dead", "retrying"))).order_by(tasks.c.id.desc()).limit(limit)
    if batch:
        query = query.where(tasks.c.batch == batch)
    with store.engine.connect() as conn:
        return [_record(row) for row in conn.execute(query)]


def changed_items(store: Store, since: str) -> list[tuple[str, str, int]]:
    """(url, source, length of its text) of the items added or updated at or after `since`
    (ISO 8601, UTC): the new items a distributed collect hands to extraction and embedding."""
    since = since[:19]  # the items table keeps whole seconds
    query = (
        select(items.c.url, items.c.source, items.c.content, items.c.summary)
        .where(items.c.updated >= since)
        .order_by(items.c.id)
    )
    with store.engine.connect() as conn:
        return [(url, source, len(content or summary or "")) for url, source, content, summary in conn.execute(query)]
