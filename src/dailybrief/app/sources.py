"""Use cases on sources: add, list with health, remove, test once, OPML import and export."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..collect import commands
from ..collect.commands import OpmlImport, SourceTest
from ..collect.kinds import known_kinds
from ..config import SourceSpec
from ..errors import CollectError
from ..store.pauses import pause_source, paused_sources, resume_source
from ..store.sources import SourceStatus
from .context import Workspace

__all__ = [
    "OpmlImport",
    "SourceStatus",
    "SourceTest",
    "add",
    "export_opml",
    "import_opml",
    "list_all",
    "kinds",
    "pause",
    "paused",
    "remove",
    "resume",
    "try_source",
]


def add(
    ws: Workspace,
    name: str,
    url: str,
    kind: str,
    weight: float = 1.0,
    lang: str = "",
    source_kind: str | None = None,
    selector: str = "",
) -> SourceSpec:
    """Add a source to the database (beside those in dailybrief.toml); CollectError on a bad one."""
    spec = commands.make_spec(name, url, kind, weight, lang, source_kind, selector)
    return commands.add_source(ws.home, ws.settings, spec)


def list_all(ws: Workspace, now: datetime | None = None) -> list[SourceStatus]:
    """Every source with its health: last success, last error, failures in a row, items in 7 days."""
    return commands.list_sources(ws.home, ws.settings, now)


def remove(ws: Workspace, name: str) -> None:
    """Remove a source added by command (config sources are edited in dailybrief.toml)."""
    commands.remove_source(ws.home, ws.settings, name)


def try_source(ws: Workspace, name: str, allow_private: bool = False) -> SourceTest:
    """Fetch one source once and return what would be stored (stores nothing)."""
    return commands.test_source(ws.home, ws.settings, name, allow_private=allow_private)


def import_opml(ws: Workspace, file: Path) -> OpmlImport:
    """Add every feed of an OPML file as an rss source."""
    return commands.import_opml(ws.home, ws.settings, file)


def export_opml(ws: Workspace) -> str:
    """Every source as an OPML document."""
    return commands.export_opml(ws.home, ws.settings)


def kinds() -> list[str]:
    """The source kinds `add` accepts (built in and from plugins)."""
    return known_kinds()


def pause(ws: Workspace, name: str, by: str = "") -> None:
    """Pause a source: `collect` skips it until it is resumed."""
    if name not in {s.name for s in list_all(ws)}:
        raise CollectError(f"no source named {name!r}")
    with ws.store() as store:
        pause_source(store, name, by)


def resume(ws: Workspace, name: str) -> None:
    with ws.store() as store:
        if not resume_source(store, name):
            raise CollectError(f"{name!r} is not paused")


def paused(ws: Workspace) -> dict[str, tuple[str, str]]:
    """Paused source names → (since, by)."""
    with ws.store() as store:
        return paused_sources(store)
