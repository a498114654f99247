"""Use cases on stored items: import a JSON Lines file, list the items of a report date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ..config import CONFIG_NAME, default_config_text, load_settings
from ..errors import InputError
from ..importer import ImportResult, import_file
from ..models import Item
from ..process.window import report_window
from .context import Workspace


@dataclass
class InitResult:
    config: Path
    database: Path
    sections: int
    sources: int


def init_home(ws: Workspace, force: bool = False) -> InitResult:
    """Write the starter dailybrief.toml into the home folder and create the database."""
    path = ws.home / CONFIG_NAME
    if path.exists() and not force:
        raise InputError(f"{path}: already exists (use --force to overwrite)")
    ws.home.mkdir(parents=True, exist_ok=True)
    path.write_text(default_config_text(), "utf-8")
    settings = load_settings(ws.home)
    with ws.store():
        pass
    return InitResult(path, ws.home / "dailybrief.db", len(settings.sections), len(settings.sources))


def import_items(ws: Workspace, file: Path) -> ImportResult:
    """Import items from JSON Lines (idempotent); bad lines come back as rejections."""
    with ws.store() as store:
        return import_file(store, file)


@dataclass
class ItemListing:
    items: list[Item]
    zone: ZoneInfo  # the report's time zone, for display
    window: tuple[datetime, datetime] | None = None


JSON_KEYS = ("url", "title", "source", "source_kind", "lang", "published", "content")


def list_items(ws: Workspace, day: date | None = None) -> ItemListing:
    """Stored items, oldest first; only those in `day`'s report window when given."""
    settings = ws.settings
    window = report_window(day, settings.report) if day else None
    with ws.store() as store:
        found = store.items(*window) if window else store.items()
    return ItemListing(found, settings.report.zone, window)


def item_rows(items: list[Item]) -> list[dict[str, object]]:
    """The JSON form of `dailybrief items --json` (and the web app's item list)."""
    rows = []
    for item in items:
        row = item.model_dump(mode="json", include=set(JSON_KEYS))
        row["content"] = item.text
        rows.append(row)
    return rows
