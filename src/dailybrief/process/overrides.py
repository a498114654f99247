"""Editor corrections of stories, applied on every build.

An override names items by URL (canonical or a syndicated copy's), so it survives rebuilds
and new items arriving. Grouping, after clustering (`apply_overrides`): `split` takes the named
items out of whatever stories hold them and makes them one story of their own; `merge` joins
every story holding a named item into one. Placement (`Placement`): `drop` leaves the story
holding a named item out of the report, `pin` keeps it in (past the relevance filter and the
novelty check, first in its section), `move` puts it in the section `target`. Overrides apply
oldest first, so a later one wins over an earlier one; an undone one is not applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..config import SectionSpec
from ..models import Item, Section, Story
from .sections import Assignment, section_importance, section_order
from .stories import story_id


class OverrideLike(Protocol):
    id: int
    kind: str
    urls: list[str]
    target: str


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
        if override.kind not in ("split", "merge"):
            continue
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


def _story_urls(story: Story) -> set[str]:
    return {u for it in story.items for u in _urls(it)}


@dataclass
class Placement:
    """The drop, pin and move corrections of a build, applied to its stories and sections."""

    overrides: Sequence[OverrideLike]

    def _last(self, story: Story, kinds: tuple[str, ...]) -> OverrideLike | None:
        urls = _story_urls(story)
        hits = [o for o in self.overrides if o.kind in kinds and urls & set(o.urls)]
        return hits[-1] if hits else None

    def dropped(self, story: Story) -> OverrideLike | None:
        """The drop correction that applies to `story` (a later pin wins over it)."""
        last = self._last(story, ("drop", "pin"))
        return last if last is not None and last.kind == "drop" else None

    def pinned(self, story: Story) -> OverrideLike | None:
        last = self._last(story, ("drop", "pin"))
        return last if last is not None and last.kind == "pin" else None

    def select(self, kept: list[Story], every: list[Story]) -> list[Story]:
        """`kept` without dropped stories, plus pinned stories of `every` that were filtered out,
        each pinned story ranked first."""
        ids = {s.id for s in kept}
        chosen = [s for s in kept if self.dropped(s) is None]
        chosen += [s for s in every if s.id not in ids and self.pinned(s) is not None]
        top = max((s.importance for s in chosen), default=0.0)
        out = []
        for story in chosen:
            pin = self.pinned(story)
            if pin is not None:
                story = story.model_copy(update={"importance": round(top + 1.0, 4), "status": "new",
                                                 "reasons": [*story.reasons, f"editor pin (override {pin.id})"]})
            out.append(story)
        return sorted(out, key=lambda s: -s.importance)

    def move(self, sections: list[Section], specs: Sequence[SectionSpec], language: str,
             assignments: Sequence[Assignment] = ()) -> list[Section]:
        """Sections with each moved story in its target section (created when the day had none);
        the moved stories' `assignments` say so."""
        explained = {a.story: a for a in assignments}
        moved = False
        by_id = {s.id: s for s in sections}
        spec_by_id = {s.id: s for s in specs}
        for section in list(sections):
            for story in list(section.stories):
                last = self._last(story, ("move",))
                if last is None or last.target == section.id or last.target not in spec_by_id:
                    continue
                section.stories.remove(story)
                moved = True
                target = by_id.get(last.target)
                if target is None:
                    spec = spec_by_id[last.target]
                    target = Section(id=spec.id, title=spec.display_title(language), description=spec.description,
                                     stories=[])
                    by_id[spec.id] = target
                target.stories.append(story.model_copy(update={"section": target.id}))
                if story.id in explained:
                    explained[story.id].section = target.id
                    explained[story.id].reason = f"editor move (override {last.id})"
        if not moved:
            return sections  # the report order stays as assigned
        out = [s for s in by_id.values() if s.stories]
        for section in out:
            section.stories.sort(key=lambda st: (-st.importance, st.id))
            section.importance = section_importance([st.importance for st in section.stories])
        return sorted(out, key=lambda s: (s.id == "other", *section_order(s)))
