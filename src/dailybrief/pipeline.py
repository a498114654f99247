"""Runs the stages for one report date: select → dedupe → stories → relevance → rank →
sections → write → verify → render, timing each stage.

`STAGES` is the one list of stages, in order; stage "x" is the method `_Build.x`, which calls
the stage's own function (domain objects in, domain objects out) and keeps its output for the
next stages. This module only wires them, records what each did in `stats` (`BuildStats`) and
reports progress through an optional callback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import cast

from .config import Settings
from .models import AssignmentStat, BuildStats, DroppedStat, Item, MergeStat, Report, Section, WriterStat
from .process.dedupe import DedupeResult, dedupe
from .process.embed import CachedEmbedder
from .process.engine import StoriesResult, cached_embedder, cluster_stories, novelty
from .process.novelty import NoveltyResult
from .process.overrides import Placement
from .process.rank import rank_stories, source_weight
from .process.relevance import RelevanceResult, filter_relevant
from .process.sections import Assignment, assign_sections_explained
from .process.window import report_window
from .render import render_report
from .render.context import write_atomic
from .store import Store
from .store.sources import with_stored_sources
from .store.stories import overrides
from .write.assemble import build_report
from .write.base import WriteContext, Writer
from .write.checked import verified_report
from .write.draft import Draft
from .write.extractive import language_warnings
from .write.llm import writer_warnings
from .write.writers import make_writer

STAGES = ("select", "dedupe", "stories", "relevance", "rank", "sections", "write", "verify", "render")
Progress = Callable[[str, str], None]  # (stage, "start" | "done")


@dataclass
class BuildOptions:
    day: date
    out_dir: Path
    language: str = "zh"
    window_hours: float | None = None
    writer: str = "extractive"
    formats: tuple[str, ...] = ("all",)
    template_dir: Path | None = None
    # writer options (see write/writers.py make_writer); `writer_instance` overrides `writer` (tests)
    base_url: str | None = None
    model: str | None = None
    strict: bool = False
    refresh: bool = False
    keep_unsupported: bool = False
    prompt_dir: Path | None = None
    writer_instance: Writer | None = None


@dataclass
class BuildResult:
    report: Report
    paths: dict[str, Path] = field(default_factory=dict)  # file name → path written
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. the LLM writer fell back


class _Timer:
    def __init__(self, progress: Progress | None):
        self.seconds: dict[str, float] = {}
        self.progress = progress

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.progress:
            self.progress(name, "start")
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(time.perf_counter() - started, 3)
            if self.progress:
                self.progress(name, "done")


def section_history(store: Store, report: Report, days: int = 14) -> list[tuple[str, dict[str, int]]]:
    """Stories per section title for the `days` reports up to and including `report`."""
    day = date.fromisoformat(report.date)
    since = (day - timedelta(days=days - 1)).isoformat()
    earlier = [r for r in store.reports(since, report.date, report.language)]
    return [
        (r.date, {s.title.split("：")[0].split(": ")[0]: len(s.stories) for s in r.sections})
        for r in [*earlier, report]
    ]


def build(store: Store, settings: Settings, options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build, store and render the report for `options.day`: each stage of `STAGES` in turn."""
    run = _Build(store, with_stored_sources(store, settings), options)  # weights: config and `sources add`
    timer = _Timer(progress)
    for name in STAGES:
        with timer.stage(name):
            getattr(run, name)()
    return run.finish(timer.seconds)


@dataclass
class _Build:
    """One build's state. Each method is one stage: it reads what the stages before it left
    here and adds its own output (stage "x" is method `x`, in the order of `STAGES`)."""

    store: Store
    settings: Settings
    options: BuildOptions
    items: list[Item] = field(default_factory=list)
    window: tuple[datetime, datetime] | None = None
    deduped: DedupeResult | None = None
    embedder: CachedEmbedder | None = None
    clustered: StoriesResult | None = None
    relevant: RelevanceResult | None = None
    fresh: NoveltyResult | None = None
    placed: list[Section] = field(default_factory=list)  # the sections stage's output
    placements: list[Assignment] = field(default_factory=list)
    placement: Placement = field(default_factory=lambda: Placement([]))  # the editor's corrections
    draft: Draft | None = None
    report: Report | None = None
    result: BuildResult | None = None

    def select(self) -> None:
        """The stored items published in the date's window."""
        self.window = report_window(self.options.day, self.settings.report, self.options.window_hours)
        self.items = self.store.items(*self.window)

    def dedupe(self) -> None:
        """Near-duplicates folded into the item from the weightiest source."""
        weights = {item.source: source_weight(item, self.settings) for item in self.items}
        self.deduped = dedupe(self.items, weights)

    def stories(self) -> None:
        """Items about one event clustered into a story (corrections applied, build recorded)."""
        assert self.deduped is not None
        self.embedder = cached_embedder(self.store)  # vectors cached per text hash in the database
        self.clustered = cluster_stories(self.store, self.options.day, self.deduped, self.embedder)

    def relevance(self) -> None:
        """Off-topic stories dropped."""
        assert self.clustered is not None
        self.relevant = filter_relevant(self.clustered.stories, self.settings, self.embedder)
        self.placement = Placement(overrides(self.store))  # the editor's drop, pin and move corrections

    def rank(self) -> None:
        """Importance set (pinned stories kept, dropped ones out); stories an earlier report
        already had (last 7 days) left out."""
        assert self.relevant is not None and self.clustered is not None and self.window is not None
        selected = self.placement.select(self.relevant.stories, self.clustered.stories)
        ranked = rank_stories(selected, self.settings, *self.window)
        self.fresh = novelty(
            self.store, self.options.day, self.options.language, ranked, self.embedder, build=self.clustered.build
        )

    def sections(self) -> None:
        """Stories placed into taxonomy sections, with the reason for each placement; the
        editor's moves applied."""
        assert self.fresh is not None
        reportable = self.placement.select(self.fresh.reportable, self.fresh.stories)
        language = self.options.language
        placed, self.placements = assign_sections_explained(reportable, self.settings, language, self.embedder)
        self.placed = self.placement.move(placed, self.settings.sections, language, self.placements)

    def write(self) -> None:
        """The writer's draft, assembled into a Report with its stats."""
        options = self.options
        writer = options.writer_instance or make_writer(options.writer, self.settings, self.store, options)
        context = WriteContext(
            date=options.day.isoformat(),
            language=options.language,
            settings=self.settings,
            items_in_window=len(self.items),
            embedder=self.embedder,
        )
        self.context = context
        self.draft = writer.write(self.placed, context)
        day = options.day.isoformat()
        self.report = build_report(self.draft, self.placed, self.settings, day, options.language, self.stats())
        assert self.fresh is not None
        earlier = {story.id: story.earlier_reports for story in self.fresh.stories}
        for report_section in self.report.sections:
            for report_story in report_section.stories:
                report_story.earlier_reports = earlier.get(report_story.id, [])

    def stats(self) -> BuildStats:
        """What each stage did (report.json `stats`, see docs/report-json.md)."""
        assert self.deduped and self.clustered and self.relevant and self.fresh and self.draft and self.window
        assert self.embedder is not None
        clustered, fresh = self.clustered, self.fresh
        return {
            "window": {"start": self.window[0].isoformat(), "end": self.window[1].isoformat()},
            "items_in_window": len(self.items),
            "duplicates": self.deduped.duplicates,
            "merges": [cast(MergeStat, vars(m)) for m in self.deduped.merges],
            "stories": len(self.relevant.stories),
            "stories_written": sum(len(s.story_ids) for s in self.draft.sections),
            "sections": len(self.draft.sections),
            "dropped": [cast(DroppedStat, vars(d)) for d in self.relevant.dropped],
            "embedder": self.embedder.name,
            "story_build": clustered.build,
            "clustering": clustered.method,
            "story_merges": sum(1 for m in clustered.merge_log if m.kind == "story"),
            "overrides_applied": clustered.overrides_applied,
            "novelty": fresh.counts,
            "repeats": [{"id": s.id, "title": s.title, "earlier_reports": s.earlier_reports} for s in fresh.repeats],
            "embedding_cache": {"hits": self.embedder.hits, "misses": self.embedder.misses},
            "sections_assignment": [cast(AssignmentStat, a.as_stat()) for a in self.placements],
            "writer": cast(WriterStat, self.draft.notes),
        }

    def verify(self) -> None:
        """Every sentence checked against the items it cites; the report stored."""
        assert self.report is not None and self.deduped is not None and self.draft is not None
        known = {item.url: item for item in self.items} | {item.url: item for item in self.deduped.items}
        # emptied parts are rewritten extractively; nothing left → a one-line WriterError
        self.report, _ = verified_report(
            self.report, self.draft, self.placed, self.context, known, keep_unsupported=self.options.keep_unsupported
        )
        self.store.save_report(self.report)

    def render(self) -> None:
        """Every requested format written; a failing format is an error line, not a failure."""
        assert self.report is not None and self.draft is not None
        if self.settings.site.base_url:  # report.txt and every channel link to the edition's page
            self.report.stats["report_url"] = self.settings.edition_url(self.report.date, self.options.language)
        notes = self.draft.notes
        organisation = self.settings.organisation.edition(self.options.language).warnings  # missing _en keys
        self.result = BuildResult(
            report=self.report, warnings=writer_warnings(notes) + language_warnings(notes) + organisation
        )
        rendered = render_report(
            self.report,
            self.out_dir,
            formats=self.options.formats,
            template_dir=self.options.template_dir,
            history=section_history(self.store, self.report),
            file_mode=self.settings.report.mode,
        )
        self.result.paths = {path.name: path for path in rendered.written}
        self.result.errors = list(rendered.errors)

    @property
    def out_dir(self) -> Path:
        return self.options.out_dir / self.options.day.isoformat()

    def finish(self, seconds: dict[str, float]) -> BuildResult:
        """The timings recorded, the report stored again and written as report.json."""
        assert self.report is not None and self.result is not None
        self.report.stats["seconds"] = seconds
        self.store.save_report(self.report)
        json_path = self.out_dir / "report.json"
        try:
            write_atomic(json_path, self.report.model_dump_json(indent=2), self.settings.report.mode)
            self.result.paths[json_path.name] = json_path
        except OSError as exc:
            self.result.errors.append(f"{json_path}: cannot write: {exc.strerror}")
        return self.result
