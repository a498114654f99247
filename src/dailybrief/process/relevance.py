"""Relevance stage: drop off-topic items (and stories left empty), recording why.

A story is kept when one of its items is on topic; its items that name an exclude term (and no
include term) are dropped all the same. An item is on topic when AI is what it is about: its
title names one of the profile's include terms (the core of the domain: "AI", "大模型", ...), or
its lead (title and first 400 characters) names them at least twice, or names one next to a
section keyword. A single include term in passing and nothing else of the domain ("ChatGPT threw
errors" in an outage report) counts no more than a section keyword: it needs an embedding at
least somewhat close to a taxonomy description. An item is also on topic
when its embedding is close to a description on its own. Section keywords alone are not enough:
"安全" or "funding" also occur in weather and market news. Exclude terms drop an item unless it
also names an include term.
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
KEYWORD_SIMILARITY = 0.18  # on topic by a section keyword (or one passing AI term) plus this
LEAD_MENTIONS = 2  # include terms named this often in the lead make the item about AI


@dataclass
class Dropped:
    url: str
    title: str
    reason: str


@dataclass
class RelevanceResult:
    stories: list[Story]
    dropped: list[Dropped] = field(default_factory=list)


def filter_relevant(stories: list[Story], settings: Settings, embedder: TextEmbedder | None = None) -> RelevanceResult:
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
        for item, text, sim in zip(story.items, texts, sims):
            verdicts.append(_verdict(item.title, text, float(sim), include, section_terms, exclude))
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


def _verdict(title: str, text: str, sim: float, include: Terms, section_terms: Terms, exclude: Terms) -> str:
    """Why an item is off topic, or "" when it is on topic."""
    included = include.find(text)
    excluded = exclude.find(text)
    if excluded and not included:
        return "exclude term: " + ", ".join(sorted(excluded))
    section_words = section_terms.find(text)
    # Two signs of the domain make it the subject: the title, a second mention, or a keyword.
    about_ai = bool(include.find(title)) or include.count(text) >= LEAD_MENTIONS
    about_ai = about_ai or bool(included and section_words)
    keywords = section_words | included  # a passing AI term weighs as a keyword
    if about_ai or sim >= MIN_SIMILARITY or (keywords and sim >= KEYWORD_SIMILARITY):
        return ""
    if included:
        return f"off topic (AI term only in passing: {', '.join(sorted(included))}, similarity {sim:.2f})"
    hint = f", only section keywords: {', '.join(sorted(keywords))}" if keywords else ""
    return f"off topic (no AI term, similarity {sim:.2f}{hint})"
