"""`db current | upgrade`: the database's migrations (SQLite file or `store.url`)."""

from __future__ import annotations

import typer

from ..app import db
from ._shared import say, workspace

group = typer.Typer(help="The database's schema: show its migration, apply missing ones.", no_args_is_help=True)


@group.command("current")
def current() -> None:
    """The last migration the database has, and any it lacks."""
    status = db.current(workspace())
    say(f"{status.database}: at {status.current or '(empty)'}; this version of dailybrief knows up to {status.head}")
    if status.missing:
        say(f"missing {len(status.missing)}: {', '.join(status.missing)} (run `dailybrief db upgrade`)")


@group.command("upgrade")
def upgrade() -> None:
    """Apply the missing migrations (safe to run again; several machines may run it at once)."""
    status = db.upgrade(workspace())
    if status.applied:
        say(f"{status.database}: applied {len(status.applied)}: {', '.join(status.applied)}; now at {status.current}")
    else:
        say(f"{status.database}: already at {status.current}")


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="db")
