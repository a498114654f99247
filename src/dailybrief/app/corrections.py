"""Story corrections as editors make them from the CLI or the web app: item and story references
resolved exactly (canonical URLs; an unknown one is an error naming it), recorded with who and
when, listed and undone; and the story browser's view of a day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..config import Settings
from ..errors import InputError
from ..process.normalise import canonical_url
from ..store import Store
from ..store.corrections import Correction, add_correction, corrections, undo_correction
from ..store.stories import MergeLogEntry, StoryBuild, items_by_url
from .stories import story_build

KINDS = ("split", "merge", "move", "drop", "pin")


def resolve_refs(store: Store, settings: Settings, refs: list[str], day: date | None) -> list[str]:
    """Item URLs (canonical, stored) for item URLs and story ids (`s-…`, which need `day`)."""
    urls: list[str] = []
    for ref in refs:
        if ref.startswith("s-"):
            if day is None:
                raise InputError(f"{ref}: a story id needs --date to find its items")
            story = next((s for s in story_build(store, settings, day).stories if s.id == ref), None)
            if story is None:
                raise InputError(f"{ref}: no such story on {day}")
            urls.extend(story.item_urls)
            continue
        try:
            url = canonical_url(ref)
        except ValueError:
            raise InputError(f"{ref}: not an item URL or a story id (s-…)") from None
        if not items_by_url(store, [url]):
            shown = "" if url == ref else f" (canonical form {url})"
            raise InputError(f"{ref}: no stored item has this URL{shown}")
        urls.append(url)
    return list(dict.fromkeys(urls))


@dataclass
class Corrected:
    correction: Correction
    stories: list[tuple[str, str, int]] = field(default_factory=list)  # (id, title, items) now holding them


def correct(store: Store, settings: Settings, kind: str, refs: list[str], *, day: date | None = None,
            author: str = "", note: str = "", target: str = "") -> Corrected:
    """Record a correction (split | merge | move | drop | pin); with `day`, re-cluster that day
    and return the stories that now hold the named items."""
    if kind not in KINDS:
        raise InputError(f"correction: expected one of {', '.join(KINDS)}, got {kind!r}")
    if kind == "merge" and len(refs) < 2 and not (refs and refs[0].startswith("s-")):
        raise InputError("merge: name at least two stories or items")
    if kind == "move" and target not in {s.id for s in settings.sections}:
        raise InputError(f"move: no section {target!r} (sections: {', '.join(s.id for s in settings.sections)})")
    urls = resolve_refs(store, settings, refs, day)
    saved = add_correction(store, kind, urls, date=day.isoformat() if day else "", note=note, author=author,
                           target=target)
    result = Corrected(saved)
    if day is not None:
        for story in story_build(store, settings, day, rebuild=True).stories:
            if set(story.item_urls) & set(urls):
                result.stories.append((story.id, story.title, len(story.item_urls)))
    return result


def list_corrections(store: Store, day: date | None = None) -> list[Correction]:
    return corrections(store, day.isoformat() if day else None)


def undo(store: Store, settings: Settings, correction_id: int, by: str = "") -> Correction:
    """Undo a correction; its day (when it has one) is re-clustered without it."""
    undone = undo_correction(store, correction_id, by)
    if undone.date:
        story_build(store, settings, date.fromisoformat(undone.date), rebuild=True)
    return undone


@dataclass
class ItemView:
    url: str
    title: str
    source: str
    lang: str
    published: str
    copies: list[str] = field(default_factory=list)


@dataclass
class StoryView:
    id: str
    title: str
    status: str
    items: list[ItemView]
    merges: list[MergeLogEntry]
    section: str = ""
    placement: str = ""  # why it sits in its section (from the day's report)
    corrections: list[Correction] = field(default_factory=list)


@dataclass
class DayStories:
    day: str
    build: StoryBuild
    stories: list[StoryView]
    corrections: list[Correction]


def day_stories(store: Store, settings: Settings, day: date, language: str) -> DayStories:
    """The story browser's view: stories with items, merge log, placement reasons, corrections."""
    build = story_build(store, settings, day)
    urls = [u for s in build.stories for u in s.item_urls]
    found = {it.url: it for it in items_by_url(store, urls)}
    report = next(iter(store.reports(day.isoformat(), _next(day), language)), None)
    placed = {a["story"]: a for a in (report.stats.get("sections_assignment", []) if report else [])}
    every = corrections(store)
    views = []
    for story in build.stories:
        members = set(story.item_urls)
        items = [ItemView(u, found[u].title if u in found else u, found[u].source if u in found else "",
                          found[u].lang if u in found else "",
                          found[u].published.isoformat(timespec="minutes") if u in found else "",
                          [m.url for m in found[u].mirrors] if u in found else []) for u in story.item_urls]
        merges = [m for m in build.merges if m.item_url in members or m.into_url in members]
        where: dict[str, Any] = dict(placed.get(story.id, {}))
        touching = [c for c in every if members & set(c.urls)]
        views.append(StoryView(story.id, story.title, story.status, items, merges, where.get("section", ""),
                               where.get("reason", ""), touching))
    return DayStories(day.isoformat(), build, views, [c for c in every if c.date == day.isoformat()])


def _next(day: date) -> str:
    return (day + timedelta(days=1)).isoformat()
