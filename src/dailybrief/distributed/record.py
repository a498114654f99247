"""Each try of a task, recorded in the shared database before and after it runs.

A task delivered again after it was done (its worker died before acknowledging it) is skipped.
A task whose tries outnumber `max_retries + 2` without ever finishing (each try killed its
worker, so no exception was ever counted by the broker) is recorded dead instead of run again:
a poisoned message must not take down every worker in turn. A task that exhausted its retries is
nacked by Dramatiq into the dead-letter queue; `DeadLetters` records it as dead here too.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from typing import Any

from dramatiq import Middleware
from dramatiq.middleware import Interrupt, TimeLimitExceeded

from ..store import Store
from ..store.tasks import fail_task, finish_task, start_task

log = logging.getLogger("dailybrief.worker")
log.addHandler(logging.NullHandler())


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def describe(exc: BaseException, time_limit: float | None = None) -> str:
    """One line about why a try failed."""
    if isinstance(exc, TimeLimitExceeded | TimeoutError):
        limit = f" of {time_limit:g} s" if time_limit else ""
        return f"timed out: exceeded the time limit{limit} ([queue] time_limit)"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def run_recorded(
    store: Store,
    stage: str,
    payload: dict[str, Any],
    body: Callable[[dict[str, Any]], dict[str, Any]],
    max_attempts: int,
    time_limit: float | None = None,
) -> None:
    """Run `body(payload)` as one try of the task named in `payload` (batch, key)."""
    batch, key = payload["batch"], payload["key"]
    record = start_task(store, batch, stage, key, worker_id())
    if record is None:
        log.warning("%s %s of run %s: no task record (the run's database?); skipped", stage, key, batch)
        return
    if record.state in ("done", "dead"):
        log.info("%s %s of run %s: already %s; skipped", stage, key, batch, record.state)
        return
    if record.attempts > max_attempts:
        error = f"gave up after {record.attempts - 1} tries that never finished (the worker died each time)"
        fail_task(store, batch, stage, key, error, dead=True)
        log.error("%s %s of run %s: dead: %s", stage, key, batch, error)
        return
    log.info("%s %s of run %s: try %d", stage, key, batch, record.attempts)
    try:
        result = body(payload)
    except (Exception, Interrupt) as exc:
        error = describe(exc, time_limit)
        fail_task(store, batch, stage, key, error, dead=False)
        log.warning("%s %s of run %s: try %d failed: %s", stage, key, batch, record.attempts, error)
        raise
    finish_task(store, batch, stage, key, result)
    log.info("%s %s of run %s: done %s", stage, key, batch, result)


class DeadLetters(Middleware):
    """Records a task as dead when Dramatiq gives up on it (retries exhausted: the message goes
    to the dead-letter queue), keeping its last error."""

    def __init__(self, store: Store, namespace: str):
        self.store = store
        self.prefix = f"{namespace}."

    def after_nack(self, broker: Any, message: Any) -> None:
        stage = message.actor_name.removeprefix(self.prefix)
        payload = message.args[0] if message.args else {}
        if not isinstance(payload, dict) or "batch" not in payload:
            return
        try:
            fail_task(self.store, payload["batch"], stage, payload["key"], None, dead=True)
        except Exception as exc:  # noqa: BLE001 - the message is dead-lettered whatever happens here
            log.error("cannot record dead task %s %s: %s", stage, payload.get("key"), exc)
        log.error(
            "%s %s of run %s: dead after %s retries",
            stage,
            payload["key"],
            payload["batch"],
            message.options.get("retries"),
        )
