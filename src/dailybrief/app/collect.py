"""Use cases that fetch: collect every source (or one), and `run` = collect then build a date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from ..collect import commands
from ..collect.runner import CollectSummary, SourceReport
from ..store.runs import date_lock
from .build import BuildRequest, BuildResult, Progress, build_day
from .context import Workspace
from .items import list_items

__all__ = ["CollectSummary", "RunResult", "SourceReport", "collect", "run", "today"]


def collect(ws: Workspace, source: str | None = None, allow_private: bool = False) -> CollectSummary:
    """Fetch every source (or the one named) concurrently and store new and updated items."""
    return commands.collect(ws.home, ws.settings, source=source, allow_private=allow_private)


def today(ws: Workspace) -> date:
    """Today in the report's time zone (the default date of `run`)."""
    return datetime.now(ws.settings.report.zone).date()


@dataclass
class RunResult:
    collected: CollectSummary
    built: BuildResult | None  # None: nothing to report on (see `skipped`)
    skipped: str = ""

    @property
    def exit_code(self) -> int:
        """1 when every source failed or an output could not be written."""
        return 1 if self.collected.exit_code or (self.built and self.built.errors) else 0


def run(
    ws: Workspace,
    day: date,
    allow_private: bool = False,
    progress: Progress | None = None,
    on_collected: Callable[[CollectSummary], None] | None = None,
    allow_empty: bool = False,
) -> RunResult:
    """Collect, then build `day` from what is stored (even when every source failed). A date
    with no items in its window gets no report unless `allow_empty`: an empty issue is not news.

    Holds the date's lock (`store.runs`) so the scheduler never builds the same date meanwhile;
    `LockHeld` names the process that has it.
    """
    with ws.store() as store, date_lock(store, day.isoformat()):
        summary = collect(ws, allow_private=allow_private)
        if on_collected:
            on_collected(summary)
        if not allow_empty and not list_items(ws, day).items:
            return RunResult(summary, None, f"no items for {day}: no report written (--allow-empty writes one anyway)")
        built = build_day(ws, BuildRequest(day=day), progress)
    return RunResult(summary, built)
