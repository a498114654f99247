"""Use cases of the story engine for editors: list a date's stories (the CLI listing).

Corrections (split, merge, move, drop, pin, undo) are in `app/corrections.py`; the web app's
story browser view is `corrections.day_stories`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..config import Settings
from ..process.engine import latest_build, stories_for_day
from ..store import Store
from ..store.sources import with_stored_sources
from ..store.stories import StoryBuild, items_by_url
from .context import Workspace

__all__ = ["StoryListing", "list_stories", "story_build"]


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


def story_build(store: Store, settings: Settings, day: date, rebuild: bool = False) -> StoryBuild:
    """The last build of `day`, clustering the day first when it has none (or when asked)."""
    found = None if rebuild else latest_build(store, day)
    if found is None:
        stories_for_day(store, with_stored_sources(store, settings), day)
        found = latest_build(store, day)
    assert found is not None  # stories_for_day always records a build
    return found


def list_stories(ws: Workspace, day: date, rebuild: bool = False) -> StoryListing:
    """Stories of the last build for `day`, their items' titles and near-duplicate copies."""
    with ws.store() as store:
        build = story_build(store, ws.settings, day, rebuild)
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
