"""Relevance stage: drop off-topic items (and stories left empty), recording why.

A story is kept when one of its items is on topic; its items that name an exclude term (and no
include term) are dropped all the same. An item is on topic when it names one of the profile's include terms (the core of the domain:
"AI", "大模型", ...), when it names a section keyword and its embedding is at least somewhat close
to a taxonomy description, or when its embedding is close to one on its own. Section keywords
alone are not enough: "安全" or "funding" also occur in weather and market news. Exclude terms
drop an item unless it also names an include term.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..config import Settings
from ..models import Story
from .embed import TextEmbedder, default_embedder
from .keywords import Terms
from .stories import story_text

MIN_SIMILARITY = 0.3  # on topic by similarity alone
KEYWORD_SIMILARITY = 0.18  # on topic by a section keyword plus this much similarity


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
    stories: list[Story], settings: Settings, embedder: TextEmbedder | None = None
) -> RelevanceResult:
    embedder = embedder or default_embedder()
    include = Terms(settings.relevance.include)
    section_terms = Terms([k for s in settings.sections for k in s.keywords])
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
        verdicts = []
        for _item, text, sim in zip(story.items, texts, sims):
            included = include.find(text)
            excluded = exclude.find(text)
            keywords = section_terms.find(text)
            if excluded and not included:
                verdicts.append("exclude term: " + ", ".join(sorted(excluded)))
            elif included or sim >= MIN_SIMILARITY or (keywords and sim >= KEYWORD_SIMILARITY):
                verdicts.append("")
            else:
                hint = f", only section keywords: {', '.join(sorted(keywords))}" if keywords else ""
                verdicts.append(f"off topic (no AI term, similarity {sim:.2f}{hint})")
        # The story is the unit: an item that clustered with on-topic coverage of an event is
        # about that event even when its own words are thin (a model card, a short post).
        on_topic = any(not v for v in verdicts)
        members = []
        for item, verdict in zip(story.items, verdicts):
            if on_topic and not verdict.startswith("exclude"):
                members.append(item)
            else:
                dropped.append(Dropped(item.url, item.title, verdict or "story is off topic"))
        if members:
            kept.append(story.model_copy(update={"items": members}))
    return RelevanceResult(stories=kept, dropped=dropped)
