"""Where an edition lives: its folder of rendered files and its page on the archive site.

`build` renders the report language's edition of date D into `reports/D/`; the daily job builds
another language into `reports/LANG/D/`. `edition_folder` finds either (a `reports/D/` folder
counts only when its report.json is in the wanted language). Page paths and URLs come from
`Settings.edition_path` / `Settings.edition_url`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date as date_cls
from datetime import timedelta
from pathlib import Path

from ..config import Settings
from ..errors import InputError
from ..models import Report
from ..store import Store
from .base import Edition


@dataclass
class SiteEdition:
    """An edition as the archive site lists it and its search page indexes it."""

    report: Report
    path: str  # relative to the site root, e.g. 2026-04-17/
    summary: str  # the 摘要 without citation markers
    pdf_bytes: int = 0


def folder_language(folder: Path) -> str:
    """The language of the report rendered in `folder` (its report.json), "" when unknown."""
    try:
        return str(json.loads((folder / "report.json").read_text("utf-8")).get("language", ""))
    except (OSError, ValueError, AttributeError):
        return ""


def build_folder(reports_dir: Path, language: str, settings: Settings) -> Path:
    """The `out_dir` a build of `language` should use (it adds the date itself)."""
    return reports_dir if language == settings.report.language else reports_dir / language


def edition_folder(reports_dir: Path, date: str, language: str, settings: Settings) -> Path | None:
    """The folder holding the rendered files of this edition, or None."""
    for folder in (build_folder(reports_dir, language, settings) / date, reports_dir / date):
        if folder.is_dir() and folder_language(folder) in (language, ""):
            return folder
    return None


def stored_report(store: Store, date: str, language: str) -> Report:
    after = (date_cls.fromisoformat(date) + timedelta(days=1)).isoformat()
    report = next(iter(store.reports(date, after, language)), None)
    if report is None:
        raise InputError(f"no {language} report stored for {date}: run `dailybrief build --date {date}` first")
    return report


def load_edition(store: Store, settings: Settings, reports_dir: Path, date: str, language: str) -> Edition:
    """The stored report of `date` in `language` with the files `build` rendered for it."""
    report = stored_report(store, date, language)
    folder = edition_folder(reports_dir, date, language, settings)
    out = folder or build_folder(reports_dir, language, settings) / date
    return Edition.from_folder(report, out, settings.edition_url(date, language))
