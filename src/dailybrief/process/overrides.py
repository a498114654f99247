"""Editor corrections of story grouping, applied after clustering on every build.

An override names items by URL (canonical or a syndicated copy's), so it survives rebuilds
and new items arriving: `split` takes the named items out of whatever stories hold them and
makes them one story of their own; `merge` joins every story holding a named item into one.
Overrides apply oldest first, so a later one can undo an earlier one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..models import Item, Story
from .stories import story_id


class OverrideLike(Protocol):
    id: int
    kind: str
    urls: list[str]


@dataclass
class Applied:
    """What one override changed: `kind`, the override id, the item URLs moved and where to."""

    override: int
    kind: str
    story: str
    item_urls: list[str] = field(default_factory=list)


def _urls(item: Item) -> set[str]:
    return {item.url, *(m.url for m in item.mirrors)}


def _rebuild(items: list[Item], template: Story, reasons: list[str]) -> Story:
    items = sorted(items, key=lambda it: (it.published, it.url))
    return template.model_copy(update={"id": story_id(items[0]), "items": items, "title": items[0].title,
                                       "reasons": reasons})


def apply_overrides(stories: list[Story], overrides: Sequence[OverrideLike]) -> tuple[list[Story], list[Applied]]:
    """Return the corrected stories and a record of each override that changed something."""
    stories = list(stories)
    applied: list[Applied] = []
    for override in overrides:
        named = set(override.urls)
        hits = [k for k, s in enumerate(stories) if any(_urls(it) & named for it in s.items)]
        if not hits:
            continue
        if override.kind == "split":
            moved = [it for k in hits for it in stories[k].items if _urls(it) & named]
            if len(hits) == 1 and len(moved) == len(stories[hits[0]].items):
                continue  # already a story of their own
            rest: list[Story] = []
            for k in hits:
                left = [it for it in stories[k].items if not _urls(it) & named]
                if left:
                    rest.append(_rebuild(left, stories[k], stories[k].reasons))
            note = f"editor split (override {override.id})"
            split = _rebuild(moved, stories[hits[0]], [note])
            first = hits[0]
            stories = [s for k, s in enumerate(stories) if k not in hits]
            stories[first:first] = [*rest, split]
            applied.append(Applied(override.id, "split", split.id, [it.url for it in moved]))
        elif override.kind == "merge":
            if len(hits) < 2:
                continue
            items = [it for k in hits for it in stories[k].items]
            note = f"editor merge (override {override.id})"
            reasons = [r for k in hits for r in stories[k].reasons] + [note]
            merged = _rebuild(items, stories[hits[0]], reasons)
            first = hits[0]
            stories = [s for k, s in enumerate(stories) if k not in hits]
            stories.insert(first, merged)
            applied.append(Applied(override.id, "merge", merged.id, [it.url for it in items]))
    return stories, applied
