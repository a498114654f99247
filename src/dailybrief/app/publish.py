"""Use cases of publishing: send an edition to the channels, show what was delivered, build the
archive site, run the daily job (once, or on a schedule) and list its runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ..errors import CollectError, RenderError, ReviewError
from ..publish.base import Edition
from ..publish.deliver import PublishResult, publish_edition, select_channels
from ..publish.editions import build_folder, load_edition, stored_report
from ..publish.site import SiteResult, build_site
from ..schedule.job import DailyResult, DailySteps, GateResult, run_daily
from ..schedule.scheduler import serve
from ..store.deliveries import Delivery, list_deliveries
from ..store.runs import RunRecord, list_runs
from .build import BuildRequest, build_day
from .collect import collect
from .context import Workspace
from .distributed import build_distributed, collect_distributed, run_line
from .review import mark_published, require_approval
from .review import mode as review_mode

__all__ = [
    "DailyResult", "Delivery", "PublishResult", "RunRecord", "SiteResult", "daily", "daily_steps", "deliveries",
    "publish", "review_gate", "runs", "schedule", "site",
]


def publish(ws: Workspace, day: date, channels: Sequence[str] = (), dry_run: bool = False) -> PublishResult:
    """Send the stored edition of `day` to every enabled channel (or those named), each part once.

    With `dry_run`, write each channel's exact payloads to `reports/D/publish/NAME/` instead.
    """
    settings = ws.settings
    specs = select_channels(settings, channels)
    with ws.store() as store:
        cache: dict[str, Edition] = {}

        def edition(language: str) -> Edition:  # loaded once per language
            if language not in cache:
                cache[language] = load_edition(store, settings, ws.reports_dir, day.isoformat(), language)
            return cache[language]

        stored_report(store, day.isoformat(), settings.report.language)  # a clear error before any channel
        languages = list(dict.fromkeys(spec.language or settings.report.language for spec in specs)) or [settings.report.language]
        if not dry_run:  # the review gate: a ReviewError saying how to approve (app/review.py)
            for language in languages:
                require_approval(store, settings, day.isoformat(), language)
        result = publish_edition(store, settings, edition, specs, dry_run=dry_run)
        if result.ok and not dry_run and specs:
            for language in languages:
                mark_published(store, settings, day.isoformat(), language)
        return result


def deliveries(ws: Workspace, day: date | None = None) -> list[Delivery]:
    """The `deliveries` rows of one date (every date when None)."""
    with ws.store() as store:
        return list_deliveries(store, day.isoformat() if day else None)


def site(ws: Workspace, out: Path | None = None) -> SiteResult:
    """Render the archive of every stored report into `out` [default: HOME/site]."""
    with ws.store() as store:
        reports = list(store.reports("0000-00-00", "9999-99-99"))
    return build_site(ws.settings, reports, ws.reports_dir, out or ws.home / "site")


def review_gate(ws: Workspace, day: date) -> GateResult:
    """Whether the editions of `day` may be published: the one place the daily job decides it.

    With the review setting in force off (`app.review.mode`) it passes; otherwise every language
    built must be approved in the review workflow.
    """
    settings = ws.settings
    if review_mode(settings) == "off":
        return GateResult(True, "review off")
    with ws.store() as store:
        for language in languages(ws):
            try:
                require_approval(store, settings, day.isoformat(), language)
            except ReviewError as exc:
                return GateResult(False, exc.message)
    return GateResult(True, f"approved (review = {review_mode(settings)})")


def languages(ws: Workspace) -> list[str]:
    """The editions the daily job builds and publishes."""
    return list(ws.settings.schedule.languages or [ws.settings.report.language])


def daily_steps(ws: Workspace, allow_private: bool = False) -> DailySteps:
    """The real stages of the daily job: collect, build each configured language, publish."""
    settings = ws.settings

    distributed = settings.queue.execution == "distributed"

    def collect_step() -> str:
        if distributed:  # collect, extract and embed on the workers ([queue] execution)
            run = collect_distributed(ws, allow_private)
            if run.exit_code:
                raise CollectError(f"no collect task finished ({run_line(run)}); building from what is stored")
            return run_line(run)
        summary = collect(ws, allow_private=allow_private)
        line = f"{len(summary.sources)} sources, {summary.totals.added} new, {len(summary.failed)} failed"
        if summary.exit_code:
            raise CollectError(f"every source failed ({line}); building from what is stored")
        return line

    def build_step(day: str) -> str:
        if distributed:  # on a worker of the build queue, after the fan-out above has finished
            run = build_distributed(ws, date.fromisoformat(day), languages(ws))
            if run.exit_code:
                raise RenderError(f"the build task did not finish: {run_line(run)}")
            return run_line(run)
        lines = []
        for language in languages(ws):
            request = BuildRequest(day=date.fromisoformat(day), language=language,
                                   out_dir=build_folder(ws.reports_dir, language, settings))
            built = build_day(ws, request)
            if built.errors:
                raise RenderError(f"{language}: {built.errors[0]}")
            lines.append(f"{language}: {len(built.report.sections)} sections, {len(built.report.references)} references")
        return "; ".join(lines)

    return DailySteps(collect=collect_step, build=build_step, publish=lambda day: publish(ws, date.fromisoformat(day)),
                      gate=lambda day: review_gate(ws, date.fromisoformat(day)))


def daily(ws: Workspace, day: date, trigger: str = "manual", allow_private: bool = False) -> DailyResult:
    """Run the daily job for `day` once: collect, build, review gate, publish (logged in `runs`)."""
    with ws.store() as store:
        return run_daily(store, ws.settings, day.isoformat(), daily_steps(ws, allow_private), trigger)


def schedule(ws: Workspace) -> None:
    """Run the daily job at `schedule.time` until interrupted, catching up a missed day first."""
    with ws.store() as store:
        serve(ws.settings, store, lambda day, trigger: daily(ws, date.fromisoformat(day), trigger))


def runs(ws: Workspace, limit: int = 20, day: date | None = None) -> list[RunRecord]:
    """The latest runs of the daily job, newest first."""
    with ws.store() as store:
        return list_runs(store, limit, day.isoformat() if day else None)
