"""The dates a data lead may state, as text a claim check can read: when each cited item was
published and which earlier reports its story continues (`write/lead.py` writes them, the
verifier checks them). They are metadata of the build, not words of the items, so the
verifier adds them to the sources of provenance sentences only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from ..models import Item

# A publication time's calendar date in any time zone lies between these two offsets.
_EARLIEST_ZONE, _LATEST_ZONE = timedelta(hours=-12), timedelta(hours=14)


def _date_forms(day: date) -> list[str]:
    return [f"{day.month} 月 {day.day} 日", f"{day:%B} {day.day}", day.isoformat()]


def date_facts(items: Iterable[Item], earlier_reports: Iterable[str] = ()) -> str:
    """One line per date form: the publication dates of `items` (in the zones where the
    report's may fall) and the dates of the earlier reports (YYYY-MM-DD)."""
    days: set[date] = set()
    for item in items:
        days |= {(item.published + _EARLIEST_ZONE).date(), (item.published + _LATEST_ZONE).date()}
    for earlier in earlier_reports:
        try:
            days.add(date.fromisoformat(earlier))
        except ValueError:
            continue  # not a report date: nothing to support
    return "\n".join(form for day in sorted(days) for form in _date_forms(day))
