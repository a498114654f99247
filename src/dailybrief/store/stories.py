"""Queries of the story engine: story builds (members and merge log, one record per build),
editor overrides (split/merge) that later builds apply, and items looked up by URL."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import delete, select

from ..models import Item, Story
from . import Store, _row_item, now_iso, schema
from .story_tables import story_builds, story_members, story_merges, story_overrides

OVERRIDE_KINDS = ("split", "merge")  # `corrections.add_correction` also records move, drop and pin


@dataclass
class MergeLogEntry:
    """Why an item sits where it does: a near-duplicate fold, a clustering join or an editor's
    correction (`kind` duplicate | story | editor)."""

    kind: str
    item_url: str
    into_url: str = ""
    story: str = ""
    score: float | None = None
    reason: str = ""


@dataclass
class StoredStory:
    id: str
    title: str
    status: str
    item_urls: list[str] = field(default_factory=list)


@dataclass
class StoryBuild:
    id: int
    date: str
    created: str
    embedder: str
    method: str
    stories: list[StoredStory]
    merges: list[MergeLogEntry]


@dataclass
class Override:
    id: int
    kind: str  # split | merge | move | drop | pin
    urls: list[str]
    date: str = ""
    note: str = ""
    created: str = ""
    target: str = ""  # move: the section id


def save_story_build(
    store: Store, date: str, stories: list[Story], merges: Iterable[MergeLogEntry],
    embedder: str = "", method: str = "",
) -> int:
    """Record one build's stories (in order, with their items) and merge log; return its id."""
    with store.engine.begin() as conn:
        build = conn.execute(
            story_builds.insert().values(date=date, created=now_iso(), embedder=embedder, method=method)
        ).inserted_primary_key[0]  # type: ignore[index]  # an insert always has its key
        members = [
            {"build": build, "story": story.id, "position": pos, "item_url": item.url,
             "title": story.title, "status": story.status}
            for pos, story in enumerate(stories)
            for item in story.items
        ]
        if members:
            conn.execute(story_members.insert(), members)
        rows = [
            {"build": build, "kind": m.kind, "story": m.story, "item_url": m.item_url,
             "into_url": m.into_url, "score": m.score, "reason": m.reason}
            for m in merges
        ]
        if rows:
            conn.execute(story_merges.insert(), rows)
    return int(build)


def latest_story_build(store: Store, date: str) -> StoryBuild | None:
    """The most recent build for a report date, or None."""
    with store.engine.connect() as conn:
        head = conn.execute(
            select(story_builds).where(story_builds.c.date == date).order_by(story_builds.c.id.desc()).limit(1)
        ).first()
        if head is None:
            return None
        stories: dict[str, StoredStory] = {}
        for row in conn.execute(
            select(story_members).where(story_members.c.build == head.id).order_by(story_members.c.position)
        ):
            story = stories.setdefault(row.story, StoredStory(row.story, row.title, row.status))
            story.item_urls.append(row.item_url)
        merges = [
            MergeLogEntry(row.kind, row.item_url, row.into_url, row.story, row.score, row.reason)
            for row in conn.execute(select(story_merges).where(story_merges.c.build == head.id))
        ]
    return StoryBuild(head.id, head.date, head.created, head.embedder, head.method, list(stories.values()), merges)


def prune_story_builds(store: Store, date: str, keep: int = 5) -> None:
    """Keep only the `keep` most recent builds of a date."""
    with store.engine.begin() as conn:
        ids = conn.execute(
            select(story_builds.c.id).where(story_builds.c.date == date).order_by(story_builds.c.id.desc())
        ).scalars().all()
        old = ids[keep:]
        if old:
            for table in (story_members, story_merges):
                conn.execute(delete(table).where(table.c.build.in_(old)))
            conn.execute(delete(story_builds).where(story_builds.c.id.in_(old)))


def add_override(store: Store, kind: str, urls: list[str], date: str = "", note: str = "") -> Override:
    if kind not in OVERRIDE_KINDS:
        raise ValueError(f"override kind must be one of {OVERRIDE_KINDS}, got {kind!r}")
    created = now_iso()
    with store.engine.begin() as conn:
        oid = conn.execute(
            story_overrides.insert().values(
                kind=kind, urls=json.dumps(urls, ensure_ascii=False), date=date, note=note, created=created
            )
        ).inserted_primary_key[0]  # type: ignore[index]  # an insert always has its key
    return Override(int(oid), kind, urls, date, note, created)


def overrides(store: Store) -> list[Override]:
    """The editor overrides not undone, oldest first (the order in which builds apply them)."""
    query = select(story_overrides).where(story_overrides.c.undone.is_(None)).order_by(story_overrides.c.id)
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [Override(r.id, r.kind, json.loads(r.urls), r.date, r.note, r.created, r.target) for r in rows]


def items_by_url(store: Store, urls: Iterable[str]) -> list[Item]:
    """Stored items whose canonical URL is in `urls` (unknown URLs are skipped)."""
    wanted = list(dict.fromkeys(urls))
    table = schema.items
    found: list[Item] = []
    with store.engine.connect() as conn:
        for start in range(0, len(wanted), 500):
            query = select(table).where(table.c.url.in_(wanted[start : start + 500]))
            found.extend(_row_item(row) for row in conn.execute(query))
    return found


def set_story_status(store: Store, build: int, statuses: dict[str, str]) -> None:
    """Record each story's novelty status (new | update | repeat) in a build."""
    with store.engine.begin() as conn:
        for story, status in statuses.items():
            conn.execute(
                story_members.update()
                .where((story_members.c.build == build) & (story_members.c.story == story))
                .values(status=status)
            )
