"""Where an edition lives: its folder of rendered files and its page on the archive site.

The site puts the report language's edition of date D at `D/` and other languages at `D/LANG/`;
with `site.base_url` set, `edition_url` is the absolute address every channel links to.
"""

from __future__ import annotations

from datetime import date as date_cls
from datetime import timedelta
from pathlib import Path

from ..config import Settings
from ..errors import InputError
from ..store import Store
from .base import Edition


def edition_path(date: str, language: str, settings: Settings) -> str:
    """The edition page's path relative to the site root, e.g. ``2026-04-17/`` or ``2026-04-17/en/``."""
    return f"{date}/" if language == settings.report.language else f"{date}/{language}/"


def edition_url(date: str, language: str, settings: Settings) -> str:
    """The absolute URL of the edition page, or "" when `site.base_url` is not set."""
    base = settings.site.base_url
    return base + edition_path(date, language, settings) if base else ""


def load_edition(store: Store, settings: Settings, reports_dir: Path, date: str, language: str) -> Edition:
    """The stored report of `date` in `language` with the files `build` rendered for it."""
    after = (date_cls.fromisoformat(date) + timedelta(days=1)).isoformat()
    report = next(iter(store.reports(date, after, language)), None)
    if report is None:
        raise InputError(f"no {language} report stored for {date}: run `dailybrief build --date {date}` first")
    return Edition.from_folder(report, reports_dir / date, edition_url(date, language, settings))
