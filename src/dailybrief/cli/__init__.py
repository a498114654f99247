"""The `dailybrief` command line: parses arguments, calls `dailybrief.app`, prints.

One module per command group. Every public module in this package (name not starting with `_`)
is loaded at start-up and must define

    def register(app: typer.Typer) -> None:
        app.command()(my_command)                       # top-level commands, or
        app.add_typer(group, name="publish")            # a command group

so a new front-end command (e.g. `cli/publish.py`, `cli/serve.py`) needs no edit elsewhere.
Commands take the workspace from `_shared.workspace()`, call one `dailybrief.app` function and
print its result with `_shared` helpers; they import nothing from the stages (collect/, process/,
write/, render/, store/), which a test checks. Library code raises `DailybriefError`; `main`
prints its one-line `message` on stderr and exits 1, so commands need no error handling of their own.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import DailybriefError
from . import _shared

# Modules listed here come first in `--help`, in this order; any other module follows by name.
FIRST = ("items", "build", "collect", "sources", "stories")

app = typer.Typer(
    help="Turn one day of AI-technology news into a cited, publication-quality report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _global(
    home: Annotated[
        Optional[Path],
        typer.Option(
            "--home",
            help="Folder holding dailybrief.toml and the database (env DAILYBRIEF_HOME; default ./.dailybrief).",
        ),
    ] = None,
) -> None:
    _shared.set_home(home)


def command_modules() -> list[str]:
    """Names of the command-group modules, in `--help` order."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [n for n in FIRST if n in names] + [n for n in names if n not in FIRST]


def _plain_help(typer_app: typer.Typer) -> None:
    """Plain help for every group: rich help mode reads "[default: ...]" in a help text as
    markup (leaving "Output folder .") and shows `<bool>` after flags."""
    typer_app.rich_markup_mode = None
    for info in typer_app.registered_groups:
        if info.typer_instance is not None:
            _plain_help(info.typer_instance)


for _name in command_modules():
    importlib.import_module(f"{__name__}.{_name}").register(app)
_plain_help(app)


def main() -> None:
    try:
        app()
    except DailybriefError as exc:
        _shared.error(exc.message)
        sys.exit(1)
