"""What every command module shares: the workspace chosen by --home, the two consoles, and
printing helpers that never interpret text from items, sources or servers as rich markup.

Every string that comes from outside (titles, URLs, source names, error texts) is printed
through `say`/`warn`/`error` or put into tables with `cell`: markup is off, control characters
are replaced, so a feed title such as `[/]` or `[link=file:///etc/passwd]` prints as written.
"""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..app import Workspace

console = Console(soft_wrap=True, markup=False, highlight=False)
err = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)

_workspace = Workspace.at(None)

# C0 and C1 control characters except tab and newline: terminal escape sequences start here.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def set_home(home: Path | str | None) -> None:
    global _workspace
    _workspace = Workspace.at(home)


def use(workspace: Workspace) -> Workspace:
    """Make `workspace` the current one (the demo builds in a fresh home)."""
    global _workspace
    _workspace = workspace
    return workspace


def workspace() -> Workspace:
    return _workspace


def clean(text: object) -> str:
    """Text safe to show in a terminal: control characters become U+FFFD."""
    return _CONTROL.sub("\ufffd", str(text))


def cell(text: object, style: str = "") -> Text:
    """A table cell holding `text` literally (never parsed as markup)."""
    return Text(clean(text), style=style)


def one_line_table(*columns: str, title: str | None = None, widths: dict[str, int] | None = None) -> Table:
    """A borderless table whose rows never wrap: each column but the last keeps the width in
    `widths` (default: its header, numbers 5), the last takes what is left, and values too long
    for their column end in an ellipsis. Readable at 80 columns; the full text is in the
    command's --json or --verbose output."""
    table = Table(title=cell(title) if title else None, box=None, pad_edge=False, title_justify="left", expand=True)
    widths = widths or {}
    for name in columns:
        numeric = name in NUMERIC_COLUMNS
        last = name == columns[-1]
        width = widths.get(name, max(len(name), 3 if numeric else 4))
        table.add_column(
            name,
            justify="right" if numeric else "left",
            no_wrap=True,
            overflow="ellipsis",
            ratio=1 if last else None,
            min_width=None if last else width,
            max_width=None if last else width,
        )
    return table


LEADING_URL = re.compile(r"^https?://\S+?: ")  # errors name the URL first; tables show the cause


def error_cause(error: str) -> str:
    """An error line without its leading URL (the source's own, known from the row)."""
    return LEADING_URL.sub("", error)


NUMERIC_COLUMNS = frozenset({"new", "upd", "same", "err", "fails", "items 7d", "weight"})


def say(text: object) -> None:
    console.print(clean(text))


def warn(text: object) -> None:
    err.print("warning: " + clean(text))


def error(text: object) -> None:
    err.print("error: " + clean(text))


def note(text: object) -> None:
    """A line on stderr without a prefix (e.g. rejected input lines)."""
    err.print(clean(text))
