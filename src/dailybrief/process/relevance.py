"""Relevance stage: drop off-topic items (and stories left empty), recording why.

An item is on topic when it names one of the profile's include terms or a section keyword, or
when its embedding is close to one of the taxonomy descriptions. Exclude terms drop an item
unless it also names an include term.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..config import Settings
from ..models import Story
from .embed import Embedder, default_embedder
from .keywords import Terms
from .stories import story_text

MIN_SIMILARITY = 0.3


@dataclass
class Dropped:
    url: str
    title: str
    reason: str


@dataclass
class RelevanceResult:
    stories: list[Story]
    dropped: list[Dropped] = field(default_factory=list)


def filter_relevant(
    stories: list[Story], settings: Settings, embedder: Embedder | None = None
) -> RelevanceResult:
    embedder = embedder or default_embedder()
    include = Terms(settings.relevance.include + [k for s in settings.sections for k in s.keywords])
    exclude = Terms(settings.relevance.exclude)
    descriptions = [s.description for s in settings.sections if s.description]
    section_vectors = embedder.embed(descriptions) if descriptions else None

    kept: list[Story] = []
    dropped: list[Dropped] = []
    for story in stories:
        texts = [story_text(item) for item in story.items]
        sims = (
            (embedder.embed(texts) @ section_vectors.T).max(axis=1)
            if section_vectors is not None
            else np.zeros(len(texts))
        )
        members = []
        for item, text, sim in zip(story.items, texts, sims):
            included = include.find(text)
            excluded = exclude.find(text)
            if excluded and not included:
                dropped.append(Dropped(item.url, item.title, "exclude term: " + ", ".join(sorted(excluded))))
            elif not included and sim < MIN_SIMILARITY:
                dropped.append(Dropped(item.url, item.title, f"off topic (similarity {sim:.2f}, no AI term)"))
            else:
                members.append(item)
        if members:
            kept.append(story.model_copy(update={"items": members}))
    return RelevanceResult(stories=kept, dropped=dropped)
