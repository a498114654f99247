"""`dailybrief schedule`: the daily job at `schedule.time` in `schedule.timezone` with APScheduler 3.

One job, a CronTrigger in the configured IANA zone (so the local time holds across DST changes),
`misfire_grace_time` of `schedule.misfire_grace_hours` (a machine that slept through 08:00 still
runs at 09:30), `coalesce` (several missed times run once) and `max_instances=1`. On start, a
missed day (the last scheduled time has passed and its date has no successful run) is run at once.
The date a run works on is the local date of the scheduled time it stands for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from ..config import Settings
from ..store import Store
from ..store.runs import succeeded

log = logging.getLogger("dailybrief.schedule")
JOB_ID = "dailybrief-daily"
RunDate = Callable[[str, str], object]  # (date, trigger) → anything; the job itself


def daily_trigger(settings: Settings) -> CronTrigger:
    hour, minute = settings.schedule.time.split(":")
    return CronTrigger(hour=int(hour), minute=int(minute), timezone=settings.schedule.timezone)


def last_due(settings: Settings, now: datetime) -> datetime:
    """The latest scheduled time at or before `now`, in the schedule's zone."""
    zone = settings.schedule.zone
    local = now.astimezone(zone)
    hour, minute = (int(x) for x in settings.schedule.time.split(":"))
    day = local.date()
    while True:
        due = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
        if due <= local:
            return due
        day -= timedelta(days=1)


def due_date(settings: Settings, now: datetime) -> str:
    """The edition date a run started at `now` works on: the local date of the time it stands for."""
    return last_due(settings, now).date().isoformat()


def missed_date(settings: Settings, store: Store, now: datetime) -> str | None:
    """The date to catch up on start, or None (catch-up off, or that date already ran)."""
    if not settings.schedule.catch_up:
        return None
    day = due_date(settings, now)
    return None if succeeded(store, day) else day


def add_daily_job(scheduler: BaseScheduler, settings: Settings, run: RunDate,
                  now: Callable[[], datetime] = lambda: datetime.now().astimezone()) -> Job:
    """Register the daily job on `scheduler` (the real one, or a test's clocked one).

    APScheduler 3.11 fires a CronTrigger twice when its local time falls in the hour repeated at
    the end of DST (01:30 EDT, then 01:30 EST; seen in tests/publish/test_scheduler.py), so the
    job runs each date once per process; `run_daily` also skips a date that already succeeded.
    """
    done: set[str] = set()

    def fire() -> None:
        day = due_date(settings, now())
        if day in done:
            log.info("%s: already run by this scheduler (the local time repeated at a DST change)", day)
            return
        done.add(day)
        run(day, "schedule")

    return scheduler.add_job(
        fire,
        daily_trigger(settings),
        id=JOB_ID,
        name="dailybrief daily run",
        misfire_grace_time=int(settings.schedule.misfire_grace_hours * 3600),
        coalesce=True,
        max_instances=1,
        replace_existing=True,
    )


def serve(settings: Settings, store: Store, run: RunDate) -> None:
    """Catch up a missed day, then run the daily job until interrupted (blocking)."""
    now = datetime.now().astimezone()
    missed = missed_date(settings, store, now)
    if missed:
        log.info("catching up %s (its run at %s was missed)", missed, settings.schedule.time)
        run(missed, "catch-up")
    scheduler = BlockingScheduler(timezone=settings.schedule.timezone)
    job = add_daily_job(scheduler, settings, run)
    log.info("scheduled daily at %s %s", settings.schedule.time, settings.schedule.timezone)
    try:
        scheduler.start()
    finally:
        log.info("scheduler stopped (next run would have been %s)", getattr(job, "next_run_time", None))

