"""Sections stage: assign ranked stories to taxonomy sections.

A story goes to the section whose description is closest to the story's centroid embedding,
nudged by section keywords found in its items. Weak matches go to `other`. Only non-empty
sections appear, ordered by importance (the sum of their three strongest stories), `other`
last; beyond `max_sections` the weakest sections fold into `other`.
"""

from __future__ import annotations

import numpy as np

from ..config import SectionSpec, Settings
from ..models import Section, Story
from .embed import Embedder, default_embedder
from .keywords import Terms
from .stories import story_text

KEYWORD_BONUS = 0.06
MAX_KEYWORD_BONUS = 0.24
MIN_SCORE = 0.12
OTHER = "other"


def _section_text(spec: SectionSpec) -> str:
    return f"{spec.title_en or spec.title}. {spec.description}"


def assign_sections(
    stories: list[Story], settings: Settings, language: str = "zh", embedder: Embedder | None = None
) -> list[Section]:
    embedder = embedder or default_embedder()
    specs = [s for s in settings.sections if s.id != OTHER]
    other_spec = next((s for s in settings.sections if s.id == OTHER), None) or SectionSpec(
        id=OTHER, title="其他动态", title_en="Other news"
    )
    vectors = embedder.embed([_section_text(s) for s in specs]) if specs else np.zeros((0, 1))
    terms = [Terms(s.keywords) for s in specs]

    buckets: dict[str, list[Story]] = {}
    for story in stories:
        centroid = embedder.embed([story_text(it) for it in story.items]).mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        text = " ".join(story_text(it) for it in story.items)
        best_id, best_score = OTHER, MIN_SCORE
        for spec, vector, term in zip(specs, vectors, terms):
            bonus = min(MAX_KEYWORD_BONUS, KEYWORD_BONUS * len(term.find(text)))
            score = float(centroid @ vector) + bonus
            if score > best_score:
                best_id, best_score = spec.id, score
        buckets.setdefault(best_id, []).append(story.model_copy(update={"section": best_id}))

    by_id = {s.id: s for s in specs}
    sections = [
        _section(by_id[sid], members, language) for sid, members in buckets.items() if sid != OTHER
    ]
    sections.sort(key=lambda s: (-s.importance, s.id))
    limit = settings.report.max_sections
    other_members = buckets.get(OTHER, [])
    if len(sections) + (1 if other_members else 0) > limit:
        keep = limit - 1
        for extra in sections[keep:]:
            other_members += [s.model_copy(update={"section": OTHER}) for s in extra.stories]
        sections = sections[:keep]
    if other_members:
        sections.append(_section(other_spec, other_members, language))
    return sections


def _section(spec: SectionSpec, stories: list[Story], language: str) -> Section:
    stories = sorted(stories, key=lambda s: (-s.importance, s.id))
    importance = round(sum(s.importance for s in stories[:3]), 3)
    return Section(
        id=spec.id,
        title=spec.display_title(language),
        description=spec.description,
        stories=stories,
        importance=importance,
    )
