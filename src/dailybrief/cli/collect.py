"""`collect` and `run`: fetch the sources, then (for `run`) build the day's report."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Optional

import typer
from rich.table import Table

from ..app import collect as collect_app
from ..app import distributed as distributed_app
from ..app import parse_date
from ..app.collect import CollectSummary
from ..app.distributed import DistributedRun
from ._shared import cell, console, error, error_cause, one_line_table, say, workspace
from .build import print_build, print_paths, progress_bar

ALLOW_PRIVATE = "Allow private, loopback and link-local addresses."


def summary_table(summary: CollectSummary) -> Table:
    """One line per source (its error or warnings cut to the width left) and a total line."""
    title = f"Collected {len(summary.sources)} sources in {summary.seconds:.1f} s"
    widths = {"source": 18, "status": 8}
    columns = ("source", "status", "new", "upd", "same", "err", "detail")
    table = one_line_table(*columns, title=title, widths=widths)
    for report in summary.sources:
        style = {"error": "red", "not modified": "dim"}.get(report.status, "")
        detail = error_cause(report.error or "; ".join(report.warnings))  # full text: sources list -v
        table.add_row(
            cell(report.name),
            cell(report.status),
            str(report.new),
            str(report.updated),
            str(report.unchanged),
            str(report.errors),
            cell(detail),
            style=style,
        )
    totals = summary.totals
    table.add_row(
        "total",
        "",
        str(totals.added),
        str(totals.updated),
        str(totals.unchanged),
        str(sum(r.errors for r in summary.sources)),
        "",
        style="bold",
    )
    return table


def summary_line(summary: CollectSummary) -> str:
    """The outcome in one sentence, with the commonest causes of failure (three at most)."""
    totals, failed = summary.totals, summary.failed
    line = f"{len(summary.sources) - len(failed)} of {len(summary.sources)} sources fetched"
    if failed:
        causes = Counter(failure_cause(report.error or "") for report in failed)
        line += f"; {len(failed)} failed ({'; '.join(f'{count} {cause}' for cause, count in causes.most_common(3))}"
        line += "; ...)" if len(causes) > 3 else ")"
    line += f"; {totals.added} new, {totals.updated} updated items"
    return line + ("" if totals.added or totals.updated else " (nothing new)")


def failure_cause(error: str) -> str:
    """A short class of an error line: what most failures of a run share."""
    for needle, cause in CAUSES:
        if needle in error:
            return cause
    return "other errors"


CAUSES = (
    ("cannot resolve", "cannot resolve the host: no network or DNS?"),
    ("private, loopback or link-local", "private addresses"),
    ("timed out", "timed out"),
    ("HTTP 4", "refused by the server (HTTP 4xx)"),
    ("HTTP 5", "server errors (HTTP 5xx)"),
)


def show(summary: CollectSummary) -> None:
    console.print(summary_table(summary))
    say(summary_line(summary))


def collect(
    source: Annotated[Optional[str], typer.Option("--source", help="Collect only this source.")] = None,
    allow_private: Annotated[bool, typer.Option("--allow-private", help=ALLOW_PRIVATE)] = False,
    distributed: Annotated[
        bool, typer.Option("--distributed", help="Collect, extract and embed through `dailybrief worker` processes.")
    ] = False,
) -> None:
    """Fetch every source concurrently and store new and updated items; prints a table per source."""
    if distributed:
        if source is not None:
            error("--distributed collects every source; leave out --source")
            raise typer.Exit(2)
        show_distributed(distributed_app.collect_distributed(workspace(), allow_private, progress=stage_progress))
        return
    summary = collect_app.collect(workspace(), source=source, allow_private=allow_private)
    show(summary)
    if summary.exit_code:
        raise typer.Exit(summary.exit_code)


def stage_progress(stage: str, states: Counter[str]) -> None:
    say(f"{stage}: " + ", ".join(f"{n} {state}" for state, n in sorted(states.items())))


def show_distributed(run: DistributedRun) -> None:
    """One line per stage (tasks, seconds, counts), then each dead task and its last error."""
    for stage in run.stages:
        tasks = ", ".join(f"{n} {state}" for state, n in sorted(stage.tasks.items())) or "no tasks"
        counts = ", ".join(f"{value} {name}" for name, value in stage.totals.items())
        say(f"{stage.name}: {tasks} in {stage.seconds:.1f} s" + (f"; {counts}" if counts else ""))
    for task in run.dead:
        error(f"dead {task.stage} task {task.key} after {task.attempts} tries: {task.error}")
    say(
        f"run {run.batch}: {run.seconds:.1f} s"
        + (f"; {len(run.dead)} dead task(s), see `dailybrief runs`" if run.dead else "")
    )
    if run.exit_code:
        raise typer.Exit(run.exit_code)


def run(
    date_: Annotated[
        Optional[str], typer.Option("--date", help="Report date, YYYY-MM-DD [default: today in the report time zone].")
    ] = None,
    allow_private: Annotated[bool, typer.Option("--allow-private", help=ALLOW_PRIVATE)] = False,
    allow_empty: Annotated[
        bool, typer.Option("--allow-empty", help="Write the report even when the date has no items.")
    ] = False,
) -> None:
    """Collect, then build the report for a date (today by default)."""
    ws = workspace()
    day = parse_date(date_) if date_ else collect_app.today(ws)

    def collected(summary: CollectSummary) -> None:
        show(summary)
        if summary.exit_code:
            error("every source failed; building from what is stored")

    with progress_bar("collecting") as progress:
        result = collect_app.run(ws, day, allow_private, progress, on_collected=collected, allow_empty=allow_empty)
    if result.built is None:
        say(result.skipped)
    else:
        print_build(result.built)
        print_paths(result.built)
    if result.exit_code:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(collect)
    app.command()(run)
