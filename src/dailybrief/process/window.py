"""The report window: which publication times belong to the report for a date."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from ..config import ReportSettings


def report_window(
    day: date, report: ReportSettings, hours: float | None = None
) -> tuple[datetime, datetime]:
    """[start, end) in UTC: the `hours` (default report.window_hours) that end at the cut-off
    time of `day` in the configured time zone."""
    end_local = datetime.combine(day, report.cutoff_time, tzinfo=report.zone)
    end = end_local.astimezone(timezone.utc)
    return end - timedelta(hours=hours or report.window_hours), end
