"""`sources ...`: add, list, remove, pause, resume, test and OPML import/export of the sources `collect` reads."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Optional
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from ..app import sources as sources_app
from ..app.sources import SourceStatus
from ._shared import cell, console, error, error_cause, note, one_line_table, say, warn, workspace

group = typer.Typer(help="Manage the sources that `collect` reads.", no_args_is_help=True)


@group.command("add")
def add(
    name: Annotated[str, typer.Argument(help="A unique name.")],
    url: Annotated[str, typer.Argument(help="Feed, listing page, API or channel URL.")],
    kind: Annotated[str, typer.Option("--kind", help="rss, page, reddit, hackernews, arxiv, github or youtube.")],
    weight: Annotated[float, typer.Option(help="Ranking weight (1.0 = neutral).")] = 1.0,
    lang: Annotated[str, typer.Option(help="Language of the source's items (zh, en, ...).")] = "",
    source_kind: Annotated[
        Optional[str], typer.Option("--source-kind", help="news, blog, paper, forum, video, press, release or other.")
    ] = None,
    selector: Annotated[str, typer.Option(help="CSS selector for article links (page sources).")] = "",
) -> None:
    """Add a source to the database (beside those in dailybrief.toml)."""
    spec = sources_app.add(
        workspace(), name, url, kind, weight=weight, lang=lang, source_kind=source_kind, selector=selector
    )
    say(f"added {spec.name} ({spec.kind}) {spec.url}")


def sources_table(statuses: Sequence[SourceStatus], zone: ZoneInfo | None = None) -> Table:
    """The table printed by `sources list`: one line per source at 80 columns, the last success
    in `zone` (default UTC), the cause of the last error cut to fit (in full with --verbose)."""
    zone = zone or ZoneInfo("UTC")
    now = datetime.now(zone)
    widths = {"name": 18, "kind": 8, "last success": 12}
    columns = ("name", "kind", "last success", "fails", "items 7d", "last error")
    title = f"{len(statuses)} sources; times in {zone.key}"
    table = one_line_table(*columns, title=title, widths=widths)
    for status in statuses:
        table.add_row(
            cell(status.name + ("" if status.origin == "config" else " +")),
            cell(status.kind),
            cell(_when(status.last_success, zone, now)),
            str(status.failures),
            str(status.items_7d),
            cell(error_cause(status.last_error or "")),
            style="red" if status.failures else "",
        )
    return table


def _when(iso: str | None, zone: ZoneInfo, now: datetime) -> str:
    """``04-17 08:00`` this year, ``2025-12-01`` before; ``never`` without a success."""
    if not iso:
        return "never"
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso[:12]
    local = (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(zone)
    return local.strftime("%m-%d %H:%M" if local.year == now.year else "%Y-%m-%d")


@group.command("list")
def list_(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print each last error in full.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """Sources with their health: last success, last error, consecutive failures, items in 7 days."""
    statuses = sources_app.list_all(workspace())
    if as_json:
        sys.stdout.write(json.dumps([asdict(s) for s in statuses], ensure_ascii=False, indent=2) + "\n")
        return
    console.print(sources_table(statuses, workspace().settings.report.zone))
    say("+ added with `sources add` (the others are in dailybrief.toml)")
    if verbose:
        for status in statuses:
            if status.last_error:
                say(f"{status.name} ({status.kind}): {status.last_error}")


@group.command("remove")
def remove(name: Annotated[str, typer.Argument(help="A source added with `sources add`.")]) -> None:
    """Remove a source added by command."""
    sources_app.remove(workspace(), name)
    say(f"removed {name}")


@group.command("pause")
def pause(name: Annotated[str, typer.Argument(help="A source name (from dailybrief.toml or `sources add`).")]) -> None:
    """Pause a source: `collect` skips it until `sources resume NAME`."""
    from ..app.accounts import login_name

    sources_app.pause(workspace(), name, login_name())
    say(f"paused {name}; collect skips it until `dailybrief sources resume {name}`")


@group.command("resume")
def resume(name: Annotated[str, typer.Argument(help="A paused source.")]) -> None:
    """Resume a paused source."""
    sources_app.resume(workspace(), name)
    say(f"resumed {name}")


@group.command("test")
def test(
    name: Annotated[str, typer.Argument(help="Source name.")],
    allow_private: Annotated[bool, typer.Option("--allow-private", help="Allow private addresses.")] = False,
) -> None:
    """Fetch a source once and print what would be stored (stores nothing)."""
    result = sources_app.try_source(workspace(), name, allow_private=allow_private)
    if result.error:
        error(result.error)
        raise typer.Exit(1)
    for found in result.items:
        extra = ""
        if found.score is not None or found.comments is not None:
            extra = f"  (score {found.score or 0}, comments {found.comments or 0})"
        say(f"{found.published:%Y-%m-%d %H:%M}  {found.title}  {found.url}{extra}")
    for warning in result.warnings:
        warn(warning)
    total = sum(r.bytes for r in result.records)
    say(f"{len(result.items)} items, {len(result.records)} requests, {total} bytes")


@group.command("import-opml")
def import_opml(file: Annotated[Path, typer.Argument(help="An OPML file of feeds.")]) -> None:
    """Add every feed of an OPML file as an rss source."""
    result = sources_app.import_opml(workspace(), file)
    say(f"imported {len(result.added)} sources")
    for entry, reason in result.bad:
        note(f"skipped {entry}: {reason}")
    if result.bad and not result.added:
        raise typer.Exit(1)


@group.command("export-opml")
def export_opml() -> None:
    """Print every source as OPML."""
    sys.stdout.write(sources_app.export_opml(workspace()))


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="sources")
