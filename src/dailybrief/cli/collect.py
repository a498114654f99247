"""`collect` and `run`: fetch the sources, then (for `run`) build the day's report."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table

from ..app import collect as collect_app
from ..app import parse_date
from ..app.collect import CollectSummary
from ._shared import cell, console, error, workspace
from .build import print_build, print_paths, progress_bar

ALLOW_PRIVATE = "Allow private, loopback and link-local addresses."


def summary_table(summary: CollectSummary) -> Table:
    """The per-source table printed at the end of `collect` and `run`."""
    table = Table(title=cell(f"Collected {len(summary.sources)} sources in {summary.seconds:.1f} s"))
    for column, justify in (
        ("source", "left"),
        ("kind", "left"),
        ("status", "left"),
        ("new", "right"),
        ("updated", "right"),
        ("unchanged", "right"),
        ("errors", "right"),
        ("detail", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for report in summary.sources:
        style = {"error": "red", "not modified": "dim"}.get(report.status, "")
        detail = report.error or "; ".join(report.warnings)
        table.add_row(
            cell(report.name),
            cell(report.kind),
            cell(report.status),
            str(report.new),
            str(report.updated),
            str(report.unchanged),
            str(report.errors),
            cell(detail[:120]),
            style=style,
        )
    totals = summary.totals
    table.add_row(
        "total",
        "",
        f"{len(summary.failed)} failed",
        str(totals.added),
        str(totals.updated),
        str(totals.unchanged),
        str(sum(r.errors for r in summary.sources)),
        "",
        style="bold",
    )
    return table


def collect(
    source: Annotated[Optional[str], typer.Option("--source", help="Collect only this source.")] = None,
    allow_private: Annotated[bool, typer.Option("--allow-private", help=ALLOW_PRIVATE)] = False,
) -> None:
    """Fetch every source concurrently and store new and updated items; prints a table per source."""
    summary = collect_app.collect(workspace(), source=source, allow_private=allow_private)
    console.print(summary_table(summary))
    if summary.exit_code:
        raise typer.Exit(summary.exit_code)


def run(
    date_: Annotated[
        Optional[str], typer.Option("--date", help="Report date, YYYY-MM-DD [default: today in the report time zone].")
    ] = None,
    allow_private: Annotated[bool, typer.Option("--allow-private", help=ALLOW_PRIVATE)] = False,
) -> None:
    """Collect, then build the report for a date (today by default)."""
    ws = workspace()
    day = parse_date(date_) if date_ else collect_app.today(ws)

    def collected(summary: CollectSummary) -> None:
        console.print(summary_table(summary))
        if summary.exit_code:
            error("every source failed; building from what is stored")

    with progress_bar("collecting") as progress:
        result = collect_app.run(ws, day, allow_private, progress, on_collected=collected)
    print_build(result.built)
    print_paths(result.built)
    if result.exit_code:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(collect)
    app.command()(run)
