"""The daily job: collect → build → review gate → publish, for one date, at most once.

The review decision is `app.publish.review_gate`, passed in as `DailySteps.gate`.
`run_daily` takes the date's lock in the database, skips a scheduled date that already has a
successful run, times each stage, records the run in `runs` (stages, errors, deliveries) and,
when the run fails, sends one alert to `schedule.alert_channel`. The stages themselves are
given as `DailySteps`, so the scheduler, a manual `run` and tests drive the same job.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from ..errors import DailybriefError, LockHeld
from ..publish.deliver import PublishResult
from ..store import Store
from ..store.runs import (
    StageRecord,
    date_lock,
    finish_run,
    start_run,
    succeeded,
)
from .alert import send_alert

log = logging.getLogger("dailybrief.schedule")
log.addHandler(logging.NullHandler())  # a library: no output unless the front end configures logging


@dataclass
class GateResult:
    passed: bool
    reason: str  # one line, shown in the run log


@dataclass
class DailySteps:
    """The stages of one day. Each returns a one-line summary or raises `DailybriefError`."""

    collect: Callable[[], str]
    build: Callable[[str], str]  # date → summary
    publish: Callable[[str], PublishResult]  # date → what each channel did
    gate: Callable[[str], GateResult]  # date → may it be published (app.publish.review_gate)


@dataclass
class DailyResult:
    date: str
    status: str  # ok | failed | held | skipped
    run_id: int | None = None
    stages: list[StageRecord] = field(default_factory=list)
    deliveries: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    alerted: str = ""  # what the alert channel answered, or why it could not be sent

    @property
    def exit_code(self) -> int:
        return 1 if self.status == "failed" else 0


class _Stages:
    """Runs stages one after another, timing, logging and recording each."""

    def __init__(self, date: str):
        self.date = date
        self.records: list[StageRecord] = []

    def run(self, name: str, step: Callable[[], Any],
            describe: Callable[[Any], tuple[str, str]] = lambda value: ("ok", str(value))) -> Any:
        """`step()`, recorded as `describe(value)` = (status, detail); errors as failed, re-raised."""
        started = time.perf_counter()
        log.info("%s %s: started", self.date, name)
        try:
            value = step()
        except DailybriefError as exc:
            self._add(name, "failed", str(exc), started)
            raise
        except Exception as exc:
            self._add(name, "failed", f"{type(exc).__name__}: {exc}", started)
            raise DailybriefError(f"{name}: {type(exc).__name__}: {exc}") from exc
        self._add(name, *describe(value), started=started)
        return value

    def _add(self, name: str, status: str, detail: str, started: float) -> None:
        record = StageRecord(name, status, round(time.perf_counter() - started, 3), " ".join(detail.split()))
        self.records.append(record)
        level = logging.ERROR if status == "failed" else logging.INFO
        log.log(level, "%s %s: %s (%.1f s) %s", self.date, name, status, record.seconds, record.detail)


def run_daily(
    store: Store,
    settings: Settings,
    date: str,
    steps: DailySteps,
    trigger: str = "schedule",
    env: Mapping[str, str] | None = None,
) -> DailyResult:
    """Run the day's job once for `date`; see the module docstring."""
    if trigger != "manual" and succeeded(store, date):
        log.info("%s: already published by an earlier run; nothing to do", date)
        return DailyResult(date, "skipped", error="already done")
    try:
        with date_lock(store, date) as owner:
            run_id = start_run(store, date, trigger, owner)
            result = _stages(store, settings, date, steps)
            result.run_id = run_id
            finish_run(store, run_id, result.status, result.stages, result.deliveries, result.error or None)
    except LockHeld as exc:
        log.warning("%s: skipped: %s", date, exc)
        return DailyResult(date, "skipped", error=str(exc))
    if result.status == "failed" and settings.schedule.alert_channel:
        result.alerted = send_alert(settings, result_text(result), env)
        log.info("%s: alert: %s", date, result.alerted)
    log.info("%s: run %s %s", date, result.run_id, result.status)
    return result


def _stages(store: Store, settings: Settings, date: str, steps: DailySteps) -> DailyResult:
    stages = _Stages(date)
    result = DailyResult(date, "ok", stages=stages.records)
    try:
        stages.run("collect", steps.collect)
    except DailybriefError as exc:  # a failed collect still builds from what is stored
        result.status, result.error = "failed", str(exc)
    try:
        stages.run("build", lambda: steps.build(date))
        gate = stages.run("review", lambda: steps.gate(date), lambda g: ("ok" if g.passed else "held", g.reason))
        if not gate.passed:
            result.status = "held" if result.status == "ok" else result.status
            return result
        published: PublishResult = stages.run(
            "publish", lambda: steps.publish(date), lambda p: ("ok" if p.ok else "failed", _publish_line(p)))
    except DailybriefError as exc:
        result.status, result.error = "failed", str(exc)
        return result
    result.deliveries = {c.channel: _counts(c) for c in published.channels}
    if not published.ok:
        result.status = "failed"
        result.error = result.error or "; ".join(c.error for c in published.channels if c.error)
    return result


def _counts(channel: Any) -> dict[str, Any]:
    counts = {k: getattr(channel, k) for k in ("parts", "sent", "already_sent", "failed", "skipped")}
    return counts | {"error": channel.error, "notes": list(channel.notes)}


def _publish_line(published: PublishResult) -> str:
    parts = []
    for c in published.channels:
        state = f"sent {c.sent}/{c.parts}" + (f", {c.already_sent} earlier" if c.already_sent else "")
        parts.append(f"{c.channel}: " + (c.error if c.error and not c.parts else state))
        parts += [note if note.startswith(f"channel {c.channel}:") else f"{c.channel}: {note}" for note in c.notes]
    return "; ".join(parts) or "no channels configured"


def result_text(result: DailyResult) -> str:
    """The alert message: what failed, in a few lines."""
    lines = [f"dailybrief: the run of {result.date} failed (run {result.run_id})", result.error]
    lines += [f"{s.name}: {s.status} {s.detail}".strip() for s in result.stages if s.status != "ok"]
    return "\n".join(line for line in lines if line)

