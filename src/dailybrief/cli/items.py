"""`init`, `import` and `items`: set up a home folder, bring items in, list them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..app import items as items_app
from ..app import parse_date
from ._shared import cell, console, note, one_line_table, say, workspace


def init(
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing dailybrief.toml.")] = False,
) -> None:
    """Write a starter dailybrief.toml (report, organisation, taxonomy, sources) into the home folder."""
    done = items_app.init_home(workspace(), force)
    say(f"wrote {done.config} ({done.sections} sections, {done.sources} sources); database {done.database}")


def import_(file: Annotated[Path, typer.Argument(help="A JSON Lines file, one item a line.")]) -> None:
    """Import items from JSON Lines (url, title, published required). Idempotent."""
    result = items_app.import_items(workspace(), file)
    for rejection in result.rejected:
        note(f"{file}:{rejection.line}: rejected: {rejection.reason}")
    for cut in result.truncated:
        note(f"{file}:{cut.line}: stored, {cut.reason}")
    c = result.counts
    say(f"added {c.added}, updated {c.updated}, unchanged {c.unchanged}, rejected {len(result.rejected)}")


def items(
    date_: Annotated[
        Optional[str], typer.Option("--date", help="Only items in the report window of this date (YYYY-MM-DD).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List stored items, oldest first."""
    listing = items_app.list_items(workspace(), parse_date(date_) if date_ else None)
    if as_json:
        sys.stdout.write(json.dumps(items_app.item_rows(listing.items), ensure_ascii=False, indent=2) + "\n")
        return
    widths = {"published": 16, "source": 12, "kind": 7}
    table = one_line_table("published", "source", "kind", "lang", "title", widths=widths)
    for item in listing.items:
        table.add_row(
            cell(item.published.astimezone(listing.zone).strftime("%Y-%m-%d %H:%M")),
            cell(item.source),
            cell(item.source_kind),
            cell(item.lang),
            cell(item.title),
        )
    console.print(table)
    say(f"{len(listing.items)} items; times in {listing.zone.key}")


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command("import")(import_)
    app.command()(items)
