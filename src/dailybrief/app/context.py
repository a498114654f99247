"""The workspace every use case runs in: the home folder, its settings and its store.

A front end makes one `Workspace` per command or request (settings are read once per workspace,
so a long-running server sees edits to dailybrief.toml on the next request).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from ..config import Settings, load_settings, resolve_home
from ..errors import InputError
from ..process.window import check_date
from ..store import Store


@dataclass
class Workspace:
    home: Path
    embedded: bool = False  # always the SQLite file in the home, whatever store.url says (the demo)

    @classmethod
    def at(cls, home: str | Path | None = None) -> Workspace:
        """--home, else $DAILYBRIEF_HOME, else ./.dailybrief."""
        return cls(resolve_home(home))

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.home)

    def store(self, *, migrate: bool = True) -> Store:
        """Open the database (`store.url`, else dailybrief.db in the home) and apply pending
        migrations unless `migrate` is False; use as a context manager."""
        url = None if self.embedded else self.settings.store.url or None
        return Store.open(self.home, url, migrate=migrate)

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def template_dir(self) -> Path:
        return self.home / "templates"

    @property
    def prompt_dir(self) -> Path:
        return self.home / "prompts"


def parse_date(value: str, option: str = "--date") -> date:
    """A YYYY-MM-DD date within the supported range, or InputError naming the option."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option}: expected a date as YYYY-MM-DD, got {value!r}") from None
    return check_date(day, option)
