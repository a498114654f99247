"""The facts a data lead may state that are not words of the items, as text a claim check can
read: when each cited item was published, which earlier reports its story continues, and the
item's community engagement (points, comments). `write/lead.py` states them; the verifier adds
them to the sources of provenance sentences only (they are metadata of the build)."""

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
    lines = [form for day in sorted(days) for form in _date_forms(day)]
    return "\n".join(lines)


def lead_facts(item: Item, earlier_reports: Iterable[str] = ()) -> str:
    """`date_facts` of one item plus its engagement ("120 分、45 条评论", "120 points and 45 comments")."""
    facts = date_facts([item], earlier_reports)
    if item.score is not None or item.comments is not None:
        score, comments = item.score or 0, item.comments or 0
        facts += f"\n{score} 分、{comments} 条评论\n{score} points and {comments} comments"
    return facts
