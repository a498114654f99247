"""Rank stage: the importance of each story.

importance = weight of independent outlets (syndicated copies count once; official sources and
wire services weigh more than aggregators) + a small bonus for syndication reach + engagement
(score and comments, normalised per source kind over the day) + recency within the window.
"""

from __future__ import annotations

import math
from datetime import datetime

from .. import tuning
from ..config import Settings
from ..models import Item, Story

KIND_WEIGHTS = tuning.KIND_WEIGHTS  # see dailybrief/tuning.py
WIRE_SERVICES = {"ap news", "associated press", "reuters", "bloomberg", "afp", "新华社", "xinhua"}


def source_weight(item: Item, settings: Settings) -> float:
    for spec in settings.sources:
        if spec.name == item.source:
            return spec.weight
    if item.source.lower() in WIRE_SERVICES:
        return tuning.WIRE_WEIGHT
    return KIND_WEIGHTS.get(item.source_kind, 0.6)


def _engagement(item: Item) -> float:
    return math.log1p(max(0, item.score or 0) + 2 * max(0, item.comments or 0))


def rank_stories(stories: list[Story], settings: Settings, start: datetime, end: datetime) -> list[Story]:
    """Return the stories with `importance` set, most important first."""
    peak: dict[str, float] = {}
    for story in stories:
        for item in story.items:
            peak[item.source_kind] = max(peak.get(item.source_kind, 0.0), _engagement(item))
    span = max((end - start).total_seconds(), 1.0)

    ranked = []
    for story in stories:
        outlets: dict[str, float] = {}
        for item in story.items:
            key = (item.source or item.url).lower()
            outlets[key] = max(outlets.get(key, 0.0), source_weight(item, settings))
        reach = sum(len(item.mirrors) for item in story.items)
        engaged = [_engagement(item) / peak[item.source_kind] for item in story.items if peak.get(item.source_kind)]
        engagement = max(engaged, default=0.0)
        newest = max(item.published for item in story.items)
        recency = min(1.0, max(0.0, 1 - (end - newest).total_seconds() / span))
        importance = sum(outlets.values()) + tuning.REACH_WEIGHT * reach + engagement + tuning.RECENCY_WEIGHT * recency
        lead = max(story.items, key=lambda it: (source_weight(it, settings), len(it.text)))
        ranked.append(story.model_copy(update={"importance": round(importance, 3), "title": lead.title}))
    ranked.sort(key=lambda s: (-s.importance, s.id))
    return ranked
