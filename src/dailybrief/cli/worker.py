"""`worker`: take distributed tasks from the broker (collect, extract, embed, build)."""

from __future__ import annotations

import logging
import os
from typing import Annotated, Optional

import typer

from ..app import distributed as distributed_app
from ._shared import workspace


def worker(
    queues: Annotated[
        str, typer.Option("--queues", help="Comma-separated queues to take tasks from.")
    ] = "collect,extract,embed,build",
    processes: Annotated[int, typer.Option("--processes", min=1, max=64, help="Worker processes.")] = 1,
    threads: Annotated[
        Optional[int],
        typer.Option("--threads", min=1, max=64, help="Tasks per process at once [default: queue.threads]."),
    ] = None,
) -> None:
    """Run a queue worker until stopped (SIGTERM or Ctrl-C finishes the running tasks first)."""
    stages = distributed_app.parse_queues(queues)
    logging.basicConfig(
        level=logging.DEBUG if os.environ.get("DAILYBRIEF_DEBUG") else logging.INFO,
        format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s",
    )
    for noisy in ("pika", "alembic", "httpx", "httpcore"):  # per-connection and per-request lines
        logging.getLogger(noisy).setLevel(logging.WARNING)
    distributed_app.worker(workspace(), stages, processes, threads)


def register(app: typer.Typer) -> None:
    app.command()(worker)
