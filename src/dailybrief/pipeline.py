"""Runs the stages for one report date: select → dedupe → stories → relevance → rank →
sections → write → verify → render, timing each stage.

Each stage is a function from domain objects to domain objects; this module only wires them,
records what each one did in `stats`, and reports progress through an optional callback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .config import Settings
from .models import Report
from .process.dedupe import dedupe
from .process.engine import cached_embedder, cluster_stories, novelty
from .process.overrides import Placement
from .process.rank import rank_stories, source_weight
from .process.relevance import filter_relevant
from .process.sections import assign_sections_explained
from .process.window import report_window
from .store import Store
from .store.sources import with_stored_sources
from .store.stories import overrides
from .write.assemble import build_report
from .write.base import WriteContext, Writer
from .write.extractive import language_warnings
from .write.llm import make_writer, writer_warnings
from .write.verify import verify_report

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
    # writer options (see write/llm.py make_writer); `writer_instance` overrides `writer` (tests)
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
    """Build, store and render the report for `options.day`."""
    timer = _Timer(progress)
    language = options.language
    settings = with_stored_sources(store, settings)  # source weights: config and `sources add`
    with timer.stage("select"):
        start, end = report_window(options.day, settings.report, options.window_hours)
        items = store.items(start, end)
    with timer.stage("dedupe"):
        deduped = dedupe(items, {item.source: source_weight(item, settings) for item in items})
    with timer.stage("stories"):
        embedder = cached_embedder(store)  # vectors cached per text hash in the database
        clustered = cluster_stories(store, options.day, deduped, embedder)
        stories = clustered.stories
    with timer.stage("relevance"):
        relevant = filter_relevant(stories, settings, embedder)
        placement = Placement(overrides(store))  # the editor's drop, pin and move corrections
    with timer.stage("rank"):
        ranked = rank_stories(placement.select(relevant.stories, stories), settings, start, end)
        # Novelty against the last 7 days of reports: repeats are left out of the report.
        fresh = novelty(store, options.day, language, ranked, embedder, build=clustered.build)
        ranked = placement.select(fresh.reportable, fresh.stories)
    with timer.stage("sections"):
        sections, placements = assign_sections_explained(ranked, settings, language, embedder)
        sections = placement.move(sections, settings.sections, language, placements)
    with timer.stage("write"):
        writer = options.writer_instance or make_writer(options.writer, settings, store, options)
        context = WriteContext(
            date=options.day.isoformat(), language=language, settings=settings, items_in_window=len(items),
            embedder=embedder,
        )
        draft = writer.write(sections, context)
        stats = {
            "window": {"start": start.isoformat(), "end": end.isoformat()},
            "items_in_window": len(items),
            "duplicates": deduped.duplicates,
            "merges": [vars(m) for m in deduped.merges],
            "stories": len(relevant.stories),
            "stories_written": sum(len(s.story_ids) for s in draft.sections),
            "sections": len(draft.sections),
            "dropped": [vars(d) for d in relevant.dropped],
            "embedder": embedder.name,
            "story_build": clustered.build,
            "clustering": clustered.method,
            "story_merges": sum(1 for m in clustered.merge_log if m.kind == "story"),
            "overrides_applied": clustered.overrides_applied,
            "novelty": fresh.counts,
            "repeats": [
                {"id": s.id, "title": s.title, "earlier_reports": s.earlier_reports} for s in fresh.repeats
            ],
            "embedding_cache": {"hits": embedder.hits, "misses": embedder.misses},
            "sections_assignment": [a.as_stat() for a in placements],
            "writer": draft.notes,
        }
        report = build_report(draft, sections, settings, options.day.isoformat(), language, stats)
        earlier = {story.id: story.earlier_reports for story in fresh.stories}
        for report_section in report.sections:
            for report_story in report_section.stories:
                report_story.earlier_reports = earlier.get(report_story.id, [])
    with timer.stage("verify"):
        known = {item.url: item for item in items} | {item.url: item for item in deduped.items}
        report, _ = verify_report(report, known, keep_unsupported=options.keep_unsupported)
        store.save_report(report)
    result = BuildResult(report=report, warnings=writer_warnings(draft.notes) + language_warnings(draft.notes))
    with timer.stage("render"):
        from .render import render_report
        from .render.context import write_atomic

        out = options.out_dir / options.day.isoformat()
        if settings.site.base_url:  # report.txt and every channel link to the edition's page
            report.stats["report_url"] = settings.edition_url(report.date, language)
        rendered = render_report(
            report, out, formats=options.formats, template_dir=options.template_dir,
            history=section_history(store, report), file_mode=settings.report.mode,
        )
        result.paths = {path.name: path for path in rendered.written}
        result.errors = list(rendered.errors)
    report.stats["seconds"] = timer.seconds
    store.save_report(report)
    json_path = out / "report.json"
    try:
        write_atomic(json_path, report.model_dump_json(indent=2), settings.report.mode)
        result.paths[json_path.name] = json_path
    except OSError as exc:
        result.errors.append(f"{json_path}: cannot write: {exc.strerror}")
    return result
