"""Use cases of the story engine for editors: list a date's stories, split or merge them.

Corrections are stored as overrides that every later build applies (see store/stories.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..errors import InputError
from ..process.engine import latest_build, stories_for_day
from ..store import Store
from ..store.stories import Override, StoredStory, StoryBuild, add_override, items_by_url
from .context import Workspace

__all__ = ["Correction", "StoryListing", "correct", "list_stories"]


@dataclass
class StoryListing:
    """A date's last story build with what an editor needs beside it."""

    build: StoryBuild
    titles: dict[str, str] = field(default_factory=dict)  # item URL → title
    sources: dict[str, str] = field(default_factory=dict)  # item or copy URL → source name
    copies: dict[str, list[str]] = field(default_factory=dict)  # item URL → near-duplicate copies

    @property
    def item_count(self) -> int:
        return sum(len(story.item_urls) for story in self.build.stories)


def _story_build(ws: Workspace, store: Store, day: date, rebuild: bool = False) -> StoryBuild:
    """The last build of `day`, clustering the day first when it has none (or when asked)."""
    found = None if rebuild else latest_build(store, day)
    if found is None:
        stories_for_day(store, ws.settings, day)
        found = latest_build(store, day)
    assert found is not None  # stories_for_day always records a build
    return found


def list_stories(ws: Workspace, day: date, rebuild: bool = False) -> StoryListing:
    """Stories of the last build for `day`, their items' titles and near-duplicate copies."""
    with ws.store() as store:
        build = _story_build(ws, store, day, rebuild)
        listing = StoryListing(build)
        # Copies folded into an item: from the build's merge log, plus copies the item already
        # carried when it was stored.
        for merge in build.merges:
            if merge.kind == "duplicate" and merge.into_url:
                listing.copies.setdefault(merge.into_url, []).append(merge.item_url)
        urls = [u for story in build.stories for u in story.item_urls]
        found = items_by_url(store, urls + [u for c in listing.copies.values() for u in c])
    listing.titles = {it.url: it.title for it in found}
    listing.sources = {it.url: it.source for it in found}
    for it in found:
        for mirror in it.mirrors:
            listing.sources.setdefault(mirror.url, mirror.source)
            if mirror.url not in listing.copies.get(it.url, []):
                listing.copies.setdefault(it.url, []).append(mirror.url)
    return listing


@dataclass
class Correction:
    override: Override
    urls: list[str]
    affected: list[StoredStory] = field(default_factory=list)  # after the rebuild, when a date was given


def _resolve(ws: Workspace, store: Store, refs: list[str], day: date | None) -> list[str]:
    """Item URLs of `refs`: URLs as given, story ids (`s-…`) expanded to their items."""
    urls: list[str] = []
    for ref in refs:
        if not ref.startswith("s-"):
            urls.append(ref)
            continue
        if day is None:
            raise InputError(f"{ref}: a story id needs --date to find its items")
        story = next((s for s in _story_build(ws, store, day).stories if s.id == ref), None)
        if story is None:
            raise InputError(f"{ref}: no such story on {day}")
        urls.extend(story.item_urls)
    return urls


def correct(ws: Workspace, kind: str, refs: list[str], day: date | None = None, note: str = "") -> Correction:
    """Store a split or merge override; with `day`, rebuild that day's stories to show the effect."""
    if kind == "merge" and len(refs) < 2 and not (refs and refs[0].startswith("s-")):
        raise InputError("merge: name at least two stories or items")
    with ws.store() as store:
        urls = _resolve(ws, store, refs, day)
        saved = add_override(store, kind, urls, day.isoformat() if day else "", note)
        result = Correction(saved, urls)
        if day is not None:
            wanted = set(urls)
            result.affected = [s for s in _story_build(ws, store, day, rebuild=True).stories if set(s.item_urls) & wanted]
    return result
