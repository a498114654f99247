"""The daily trigger in APScheduler under a fake clock: across midnight, across both DST changes
of America/New_York, a machine that slept (coalesce, misfire grace), and catch-up on start.

APScheduler reads the time with `datetime.now` in its scheduler and executor modules; the test
replaces that one name with a clock it moves by hand, and drives the real scheduler's job
processing with a synchronous executor.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler

from dailybrief.config import Settings
from dailybrief.schedule.scheduler import add_daily_job, due_date, missed_date
from dailybrief.store.runs import finish_run, start_run


class Clock:
    now_utc = datetime(2000, 1, 1, tzinfo=UTC)


class FakeDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        return Clock.now_utc.astimezone(tz) if tz else Clock.now_utc.replace(tzinfo=None)


class ClockedScheduler(BaseScheduler):
    """A real APScheduler scheduler whose wake-ups the test performs itself."""

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)

    def wakeup(self) -> None:
        pass

    def tick(self) -> None:
        self._process_jobs()


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> type[Clock]:
    import apscheduler.executors.base
    import apscheduler.schedulers.base

    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", FakeDatetime)
    monkeypatch.setattr(apscheduler.executors.base, "datetime", FakeDatetime)
    return Clock


def drive(settings: Settings, start: datetime, end: datetime, step: timedelta) -> list[tuple[str, str]]:
    """Move the clock from start to end, waking the scheduler at each step; (date, UTC time) per run."""
    Clock.now_utc = start.astimezone(UTC)
    runs: list[tuple[str, str]] = []
    scheduler = ClockedScheduler(timezone=settings.schedule.timezone, executors={"default": DebugExecutor()})
    scheduler.start()
    add_daily_job(scheduler, settings, lambda day, trigger: runs.append((day, Clock.now_utc.strftime("%m-%d %H:%M"))),
                  now=lambda: Clock.now_utc)
    while Clock.now_utc < end.astimezone(UTC):
        Clock.now_utc += step
        scheduler.tick()
    scheduler.shutdown(wait=False)
    return runs


def schedule(time: str, zone: str) -> Settings:
    return Settings.model_validate({"schedule": {"time": time, "timezone": zone}})


def test_just_after_midnight_in_shanghai_is_the_new_local_date(fake_clock) -> None:
    settings = schedule("00:05", "Asia/Shanghai")
    start = datetime(2026, 4, 16, 23, 0, tzinfo=settings.schedule.zone)
    runs = drive(settings, start, start + timedelta(days=2), timedelta(minutes=5))
    # 00:05 in Shanghai is 16:05 UTC of the day before: the edition date is the local one.
    assert runs == [("2026-04-17", "04-16 16:05"), ("2026-04-18", "04-17 16:05")]


def test_spring_forward_keeps_local_time_once_a_day(fake_clock) -> None:
    settings = schedule("08:00", "America/New_York")
    start = datetime(2026, 3, 6, 20, 0, tzinfo=settings.schedule.zone)
    runs = drive(settings, start, start + timedelta(days=3), timedelta(minutes=10))
    assert runs == [("2026-03-07", "03-07 13:00"), ("2026-03-08", "03-08 12:00"), ("2026-03-09", "03-09 12:00")]


def test_a_time_inside_the_repeated_hour_runs_once_in_autumn(fake_clock) -> None:
    settings = schedule("01:30", "America/New_York")
    start = datetime(2026, 10, 31, 12, 0, tzinfo=settings.schedule.zone)
    runs = drive(settings, start, start + timedelta(days=2), timedelta(minutes=10))
    assert [day for day, _ in runs] == ["2026-11-01", "2026-11-02"]  # 01:30 happens twice on 11-01


def test_a_time_inside_the_skipped_hour_still_runs_that_day(fake_clock) -> None:
    settings = schedule("02:30", "America/New_York")
    start = datetime(2026, 3, 7, 12, 0, tzinfo=settings.schedule.zone)
    runs = drive(settings, start, start + timedelta(days=2), timedelta(minutes=10))
    assert [day for day, _ in runs] == ["2026-03-08", "2026-03-09"]  # 02:30 does not exist on 03-08


def test_slept_through_the_time_runs_once_within_grace_and_not_after(fake_clock) -> None:
    settings = schedule("08:00", "Asia/Shanghai")
    zone = settings.schedule.zone
    woke_in_grace = drive(settings, datetime(2026, 4, 17, 7, 0, tzinfo=zone),
                          datetime(2026, 4, 17, 12, 0, tzinfo=zone), timedelta(hours=5))
    assert woke_in_grace == [("2026-04-17", "04-17 04:00")]  # once, at wake-up (12:00 local)
    woke_too_late = drive(settings, datetime(2026, 4, 17, 7, 0, tzinfo=zone),
                          datetime(2026, 4, 17, 15, 0, tzinfo=zone), timedelta(hours=8))
    assert woke_too_late == []  # 7 h late > 6 h grace: left to catch-up on the next start


def test_catch_up_on_start_only_for_a_date_without_a_successful_run(store) -> None:
    settings = schedule("08:00", "Asia/Shanghai")
    zone = settings.schedule.zone
    assert missed_date(settings, store, datetime(2026, 4, 17, 7, 59, tzinfo=zone)) == "2026-04-16"
    assert missed_date(settings, store, datetime(2026, 4, 17, 8, 0, tzinfo=zone)) == "2026-04-17"
    run_id = start_run(store, "2026-04-17", "schedule", "test")
    finish_run(store, run_id, "failed", [], {})
    assert missed_date(settings, store, datetime(2026, 4, 17, 20, 0, tzinfo=zone)) == "2026-04-17"
    finish_run(store, start_run(store, "2026-04-17", "catch-up", "test"), "ok", [], {})
    assert missed_date(settings, store, datetime(2026, 4, 17, 20, 0, tzinfo=zone)) is None
    off = Settings.model_validate({"schedule": {"catch_up": False}})
    assert missed_date(off, store, datetime(2026, 4, 18, 20, 0, tzinfo=zone)) is None


def test_due_date_across_dst_in_utc_terms() -> None:
    settings = schedule("08:00", "America/New_York")
    assert due_date(settings, datetime(2026, 3, 8, 11, 59, tzinfo=UTC)) == "2026-03-07"  # 07:59 EDT
    assert due_date(settings, datetime(2026, 3, 8, 12, 0, tzinfo=UTC)) == "2026-03-08"  # 08:00 EDT
    assert due_date(settings, datetime(2026, 11, 1, 12, 59, tzinfo=UTC)) == "2026-10-31"  # 07:59 EST
    assert due_date(settings, datetime(2026, 11, 1, 13, 0, tzinfo=UTC)) == "2026-11-01"
