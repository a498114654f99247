"""The report window: which publication times belong to the report for a date.

Dates are checked against a sane range first (`check_date`): a date such as 0001-01-01 or
9999-12-31 would overflow when the window is moved into UTC, and no news is that old or new.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from ..config import ReportSettings
from ..errors import InputError

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)


class DateRangeError(InputError, ValueError):
    """A date outside EARLIEST..LATEST (an InputError for commands, a ValueError for parsers)."""


def check_date(day: date, what: str = "date") -> date:
    """`day` itself when it lies within EARLIEST..LATEST; DateRangeError (one line) otherwise."""
    if not EARLIEST <= day <= LATEST:
        raise DateRangeError(
            f"{what}: {day.isoformat()} is outside the supported range "
            f"{EARLIEST.isoformat()} to {LATEST.isoformat()}"
        )
    return day


def report_window(
    day: date, report: ReportSettings, hours: float | None = None
) -> tuple[datetime, datetime]:
    """[start, end) in UTC: the `hours` (default report.window_hours) that end at the cut-off
    time of `day` in the configured time zone."""
    check_date(day)
    end_local = datetime.combine(day, report.cutoff_time, tzinfo=report.zone)
    end = end_local.astimezone(timezone.utc)
    return end - timedelta(hours=hours or report.window_hours), end
