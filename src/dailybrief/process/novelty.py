"""Novelty: each story against the stories of the last days' reports.

A story matches an earlier reported story when they share an item (canonical or copy URL), or
when their centroids are very close (`SIMILAR`), or close (`RELATED`) and they share a
distinctive name. A matched story whose items were all in earlier reports is a `repeat` (left
out of today's report); a matched story with new items is an `update`; the rest are `new`.
Each story carries the dates of the reports it was in (`earlier_reports`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .. import tuning
from ..models import Item, Report, Story
from .embed import TextEmbedder, default_embedder
from .stories import _LOWER_WORD, distinctive_tokens, story_text
from .story_pairs import STRONG_COSINE, item_signals, joins, signature

SIMILAR = tuning.NOVELTY_SIMILAR  # see dailybrief/tuning.py
RELATED = tuning.NOVELTY_RELATED


@dataclass
class Earlier:
    """A story as an earlier report showed it."""

    date: str
    id: str
    title: str
    item_urls: list[str]


@dataclass
class NoveltyResult:
    stories: list[Story]  # every story, status and earlier_reports set
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def reportable(self) -> list[Story]:
        return [s for s in self.stories if s.status != "repeat"]

    @property
    def repeats(self) -> list[Story]:
        return [s for s in self.stories if s.status == "repeat"]


def earlier_stories(reports: Iterable[Report]) -> list[Earlier]:
    return [
        Earlier(report.date, story.id, story.title, list(story.item_urls))
        for report in reports
        for section in report.sections
        for story in section.stories
    ]


def _urls(story: Story) -> set[str]:
    return {u for it in story.items for u in (it.url, *(m.url for m in it.mirrors))}


def _centroid(vectors: np.ndarray) -> np.ndarray:
    c = vectors.mean(axis=0)
    return c / (np.linalg.norm(c) or 1.0)


def mark_novelty(
    stories: list[Story], earlier: list[Earlier], earlier_items: dict[str, Item],
    embedder: TextEmbedder | None = None,
) -> NoveltyResult:
    """Set `status` and `earlier_reports` on each story (copies; order kept)."""
    if not earlier or not stories:
        fresh = [s.model_copy(update={"status": "new", "earlier_reports": []}) for s in stories]
        return NoveltyResult(fresh, {"new": len(fresh), "update": 0, "repeat": 0})
    embedder = embedder or default_embedder()
    names_of = lambda items: set().union(*(distinctive_tokens(it) for it in items)) if items else set()  # noqa: E731
    known = [[earlier_items[u] for u in e.item_urls if u in earlier_items] for e in earlier]
    dim = embedder.embed(["x"]).shape[1]
    old_centroids = np.vstack([
        _centroid(embedder.embed([story_text(it) for it in items])) if items else np.zeros(dim, dtype=np.float32)
        for items in known
    ])
    old_names = [names_of(items) for items in known]
    old_urls = [set(e.item_urls) for e in earlier]

    signals = _Signals([*(it for items in known for it in items), *(it for s in stories for it in s.items)])
    old_signals = [[signals.of(it) for it in items] for items in known]
    marked: list[Story] = []
    counts = {"new": 0, "update": 0, "repeat": 0}
    for story in stories:
        urls = _urls(story)
        centroid = _centroid(embedder.embed([story_text(it) for it in story.items]))
        sims = old_centroids @ centroid
        names = names_of(story.items)
        mine = [signals.of(it) for it in story.items]
        matched = [
            k for k in range(len(earlier))
            if urls & old_urls[k] or sims[k] >= SIMILAR or (sims[k] >= RELATED and names & old_names[k])
            or signals.same_event(mine, old_signals[k], float(sims[k]))
        ]
        if not matched:
            status, dates = "new", []
        else:
            seen = set().union(*(old_urls[k] for k in matched))
            status = "repeat" if urls <= seen else "update"
            dates = sorted({earlier[k].date for k in matched})
        counts[status] += 1
        marked.append(story.model_copy(update={"status": status, "earlier_reports": dates}))
    return NoveltyResult(marked, counts)


class _Signals:
    """Names, Chinese pieces and amounts of the items compared (process/story_pairs.py): one
    story continues another when it carries the other's signature, as a small story joins a
    bigger one within a day; here "rare" is counted over today's and the earlier items."""

    def __init__(self, items: list[Item]):
        plain = {w for it in items for w in _LOWER_WORD.findall(f"{it.title} {it.text}")}
        self._by_url = {it.url: item_signals(it, plain) for it in items}
        self.df = Counter(sig for sigs in self._by_url.values() for sig in sigs)

    def of(self, item: Item) -> set[str]:
        return self._by_url[item.url]

    def same_event(self, mine: list[set[str]], theirs: list[set[str]], cosine: float) -> bool:
        if not mine or not theirs:
            return False
        if cosine < STRONG_COSINE:
            return False
        a, b = set().union(*mine), set().union(*theirs)
        # Across days a story is often one item on each side: a name both carry and no other
        # item does is enough, and several rare Chinese pieces count without a strong one.
        return (joins(cosine, a & signature(theirs, self.df, len(mine), 1), need_strong=False)
                or joins(cosine, b & signature(mine, self.df, len(theirs), 1), need_strong=False))
