"""`serve`: the newsroom web app (archive, search, stories, review, sources, builds)."""

from __future__ import annotations

from typing import Annotated

import typer

from ._shared import say, workspace


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
) -> None:
    """Run the newsroom web app: archive, search, stories, review, sources, builds."""
    from ..web.server import (
        run_server,  # imported here: the web stack loads only for this command
    )

    ws = workspace()
    settings = ws.settings
    say(f"dailybrief web app on http://{host}:{port}/ (home {ws.home}); Ctrl-C stops it")
    run_server(ws.home, settings, host, port)


def register(app: typer.Typer) -> None:
    app.command()(serve)
