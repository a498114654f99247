"""Runs a case: imports its items into a fresh temporary home (never the user's home), builds
every report day in order (so novelty sees the earlier days' reports) and keeps what scoring
needs from each build. The temporary home is deleted afterwards unless asked to keep it.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..config import CONFIG_NAME, load_settings
from ..errors import InputError
from ..importer import import_file
from ..models import Item, Report
from ..pipeline import BuildOptions, build
from ..process.window import report_window
from ..store import Store
from ..store.stories import StoryBuild, latest_story_build
from .cases import Case


@dataclass
class DayRun:
    day: date
    report: Report
    stories: StoryBuild  # every story of the day (repeats too) with its status
    primary: dict[str, str]  # any item URL → the URL of the item it was folded into (itself if kept)
    window: list[str]  # URLs of the items in the day's window


@dataclass
class CaseRun:
    case: Case
    days: list[DayRun] = field(default_factory=list)
    items: dict[str, Item] = field(default_factory=dict)  # every imported item by URL
    home: Path | None = None


@dataclass
class RunOptions:
    writer: str = "extractive"
    language: str = "zh"
    base_url: str | None = None
    model: str | None = None
    keep_home: bool = False


def _primary(build_record: StoryBuild) -> dict[str, str]:
    primary = {url: url for story in build_record.stories for url in story.item_urls}
    for merge in build_record.merges:
        if merge.kind == "duplicate":
            primary[merge.item_url] = merge.into_url
    return primary


def _build_day(store: Store, home: Path, day: date, options: RunOptions) -> DayRun:
    settings = load_settings(home)
    built = build(store, settings, BuildOptions(
        day=day, out_dir=home / "reports", language=options.language, writer=options.writer,
        formats=("md",), base_url=options.base_url, model=options.model,
    ))
    record = latest_story_build(store, day.isoformat())
    if record is None:
        raise InputError(f"{day}: the build recorded no stories")
    start, end = report_window(day, settings.report)
    return DayRun(day, built.report, record, _primary(record), [it.url for it in store.items(start, end)])


def run_case(case: Case, options: RunOptions | None = None) -> CaseRun:
    """Import the case into a temporary home and build each report day in order."""
    options = options or RunOptions()
    home = Path(tempfile.mkdtemp(prefix="dailybrief-eval-"))
    run = CaseRun(case, home=home)
    try:
        (home / CONFIG_NAME).write_text(case.config, "utf-8")
        with Store.open(home) as store:
            imported = import_file(store, case.items_path)
            if imported.rejected:
                first = imported.rejected[0]
                raise InputError(f"{case.items_path}:{first.line}: rejected: {first.reason}")
            run.items = {it.url: it for it in store.items()}
            for day in case.report_days:
                run.days.append(_build_day(store, home, day, options))
    finally:
        if not options.keep_home:
            shutil.rmtree(home, ignore_errors=True)
            run.home = None
    return run
