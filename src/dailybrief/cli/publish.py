"""`publish`, `site`, `schedule` and `runs`: deliver editions, build the archive, run the daily job."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..app import distributed as distributed_app
from ..app import parse_date
from ..app import publish as publish_app
from ..app.collect import today
from ._shared import cell, console, error, say, warn, workspace


def publish(
    date_: Annotated[str | None, typer.Option("--date", help="Edition date, YYYY-MM-DD [default: today in the report time zone].")] = None,
    channel: Annotated[list[str] | None, typer.Option("--channel", help="Only this channel (repeatable).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Write each channel's exact payloads to reports/D/publish/NAME/ instead of sending.")] = False,
    status: Annotated[bool, typer.Option("--status", help="Show what was delivered instead of sending.")] = False,
) -> None:
    """Send a built edition to every enabled channel; a re-run sends only what is missing."""
    ws = workspace()
    day = parse_date(date_) if date_ else today(ws)
    if status:
        print_deliveries(publish_app.deliveries(ws, day if date_ else None))
        return
    result = publish_app.publish(ws, day, channel or [], dry_run=dry_run)
    for c in result.channels:
        if c.dump_dir:
            say(f"{c.channel}: {c.parts} part(s) written to {c.dump_dir}")
        elif c.parts or not c.error:
            line = f"{c.channel}: sent {c.sent}/{c.parts}"
            line += f", {c.already_sent} sent earlier" if c.already_sent else ""
            line += f", {c.failed} failed, {c.skipped} held back" if c.failed else ""
            say(line)
        for note in c.notes:
            warn(f"{c.channel}: {note}")
        if c.error:
            error(c.error)
    if not result.channels:
        warn("no channels configured: add [[publish.channels]] to dailybrief.toml (docs/publishing.md)")
    if not result.ok:
        raise typer.Exit(1)


def print_deliveries(rows: list[publish_app.Delivery]) -> None:
    """One line per part; the last column (remote id, else the error or note) wraps instead of cutting."""
    table = Table(title="deliveries", box=None)
    for column in ("date", "channel", "part", "status", "tries", "updated (UTC)"):
        table.add_column(column, no_wrap=True)
    table.add_column("remote id / error", overflow="fold")
    for r in rows:
        style = {"failed": "red", "skipped": "yellow"}.get(r.status, "")
        detail = " · ".join(x for x in (r.remote_id, r.error, r.note) if x)
        table.add_row(cell(r.date), cell(r.channel), f"{r.part}/{r.total}", cell(r.status), str(r.attempts),
                      cell(r.updated[5:16].replace("T", " ")), cell(detail), style=style)
    console.print(table)
    if not rows:
        say("nothing delivered yet")


def site(out: Annotated[Path | None, typer.Option(help="Output folder [default: HOME/site].")] = None) -> None:
    """Build the static archive: index, edition pages with PDFs, section pages, feed, sitemap, search."""
    result = publish_app.site(workspace(), out)
    say(f"{result.editions} editions, {len(result.pages)} files in {result.out_dir}")
    for note in result.notes:
        warn(note)


def schedule(
    once: Annotated[bool, typer.Option("--once", help="Run the daily job now (for cron) and exit; non-zero when it fails.")] = False,
    force: Annotated[bool, typer.Option("--force", help="With --once: run even when the date already succeeded.")] = False,
    date_: Annotated[str | None, typer.Option("--date", help="With --once: the edition date [default: today].")] = None,
    allow_private: Annotated[bool, typer.Option("--allow-private", help="Allow private, loopback and link-local addresses.")] = False,
) -> None:
    """Run collect → build → review gate → publish every day at schedule.time (see docs/publishing.md)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore"):  # their INFO lines carry request URLs, which may hold tokens
        logging.getLogger(noisy).setLevel(logging.WARNING)
    ws = workspace()
    if not once:
        publish_app.schedule(ws)
        return
    day = parse_date(date_) if date_ else today(ws)
    result = publish_app.daily(ws, day, "manual" if force else "once", allow_private)
    say(f"{result.date}: {result.status}" + (f" ({result.error})" if result.error else ""))
    if result.alerted:
        say(f"alert: {result.alerted}")
    raise typer.Exit(result.exit_code)


def runs(
    limit: Annotated[int, typer.Option(help="How many runs to show.")] = 20,
    date_: Annotated[str | None, typer.Option("--date", help="Only runs of this date.")] = None,
    stages: Annotated[bool, typer.Option("--stages", help="Also show each run's stages and deliveries.")] = False,
) -> None:
    """The latest runs of the daily job: when, what happened, how long each stage took."""
    rows = publish_app.runs(workspace(), limit, parse_date(date_) if date_ else None)
    table = Table(title="runs", box=None)
    for column in ("id", "date", "trigger", "started", "status", "stages", "error"):
        table.add_column(column)
    for r in rows:
        timing = " ".join(f"{s.name} {s.seconds:.1f}s" + ("" if s.status == "ok" else f" {s.status}") for s in r.stages)
        table.add_row(str(r.id), cell(r.date), cell(r.trigger), cell(r.started[:19]), cell(r.status), cell(timing),
                      cell((r.error or "")[:80]), style={"failed": "red", "held": "yellow"}.get(r.status, ""))
    console.print(table)
    if stages:
        for r in rows:
            for s in r.stages:
                say(f"run {r.id} {s.name}: {s.status} ({s.seconds:.1f} s) {s.detail}")
            for name, d in r.deliveries.items():
                say(f"run {r.id} deliveries {name}: sent {d['sent']}/{d['parts']}" + "".join(f"; {n}" for n in d["notes"]))
    if not rows:
        say("no runs yet")
    failed = distributed_app.dead_tasks(workspace(), limit)
    if failed:  # queue tasks of distributed runs that failed every try, or wait for a retry
        tasks = Table(title="failed queue tasks", box=None)
        for column in ("run", "stage", "task", "state", "tries", "error"):
            tasks.add_column(column)
        for t in failed:
            tasks.add_row(cell(t.batch), cell(t.stage), cell(t.key), cell(t.state), str(t.attempts), cell(t.error or ""),
                          style="red" if t.state == "dead" else "yellow")
        console.print(tasks)


def register(app: typer.Typer) -> None:
    app.command()(publish)
    app.command()(site)
    app.command()(schedule)
    app.command()(runs)
