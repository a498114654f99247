"""`users add | list`: accounts for the web app."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..app import accounts
from ._shared import say, workspace

group = typer.Typer(help="Accounts for the web app (dailybrief serve).", no_args_is_help=True)


@group.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option("--role", help="viewer, editor or admin.")] = "editor",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Create a web app account (the password is asked for, or read from stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    with workspace().store() as store:
        user = accounts.create_user(store, name, password, role)
    say(f"user {user.name} ({user.role}) added")


@group.command("list")
def list_() -> None:
    """Web app accounts and their roles."""
    with workspace().store() as store:
        for user in accounts.users(store):
            say(f"{user.name} {user.role}")


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="users")
