"""Sections stage: assign ranked stories to taxonomy sections, and say why.

Score of a story for a section = similarity + keyword evidence:

- similarity: cosine of the story's centroid embedding with the section's description, embedded
  twice (English title + description, Chinese title + the description's Chinese words and
  keywords) and the better of the two taken, so a Chinese-only story is not penalised; then
  corrected for hubness: some descriptions sit close to any AI news (the "agents" text was
  nearest for model launches, deals and summits alike), so `HUB_CORRECTION` times a section's
  excess mean similarity over a reference corpus of AI news (`hubness`) is taken off;
- keyword evidence, weighted like the story tokens of the clustering: for each item, the
  section keywords it names (a plural and its singular count once, a keyword in the title
  twice), at most 2; the evidence is the mean over the story's items, times `KEYWORD_WEIGHT`.
  A story named by one item out of six gets a sixth of what a story whose every item names the
  keyword gets, so large stories no longer collect keywords just by having more text.

The best section wins; below `MIN_SCORE` the story goes to `other`. Then capacity: a section
shows at most `stories_per_section` stories, so a story that would be left out of its full best
section moves to its second-best section when that one scores within `MARGIN` and still has
room. Only non-empty sections appear, ordered by their most important story (ties by
`section_importance`: the strongest story plus a third of the next two), `other` last; the
same `section_importance` decides which sections fold. Beyond `max_sections` the weakest sections fold: each of their stories
goes to its best kept section that scores within `MARGIN` of its own and has room, else to
`other` (which then gathers several stories and is written as a list). Every decision is kept
in an `Assignment` (the pipeline puts them in `stats.sections_assignment`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np

from .. import tuning
from ..config import SectionSpec, Settings
from ..models import Section, Story
from .embed import TextEmbedder, default_embedder
from .keywords import Terms
from .stories import story_text

KEYWORD_WEIGHT = tuning.KEYWORD_WEIGHT  # see dailybrief/tuning.py
MIN_SCORE = tuning.MIN_SECTION_SCORE
MARGIN = tuning.SECTION_MARGIN
HUB_CORRECTION = tuning.SECTION_HUB_CORRECTION
OTHER = "other"
_HAN = re.compile(r"[\u3400-\u9fff]+")


@dataclass
class Assignment:
    """Where one story went and why (`stats.sections_assignment`)."""

    story: str
    title: str
    section: str
    score: float
    best: str
    best_score: float
    runner_up: str = ""
    runner_up_score: float = 0.0
    reason: str = ""
    scores: dict[str, float] = field(default_factory=dict)

    def as_stat(self) -> dict:
        out = asdict(self)
        out["title"] = out["title"][:120]
        return out


def _section_texts(spec: SectionSpec) -> tuple[str, str]:
    """English and Chinese descriptions of a section."""
    english = f"{spec.title_en or spec.title}. {spec.description}"
    han = [w for w in _HAN.findall(f"{spec.description} {' '.join(spec.keywords)}")]
    chinese = f"{spec.title}。{' '.join(dict.fromkeys(han))}" if han or spec.title != spec.title_en else english
    return english, chinese


def _stem(term: str) -> str:
    return term[:-1] if len(term) > 3 and term.endswith("s") and term.isascii() else term


def keyword_evidence(story: Story, terms: Terms) -> tuple[float, list[str]]:
    """Mean over items of min(2, distinct keywords named; title hits twice) / 2, and the
    keywords found."""
    if not terms or not story.items:
        return 0.0, []
    total = 0.0
    found: set[str] = set()
    for item in story.items:
        in_title = {_stem(t) for t in terms.find(item.title)}
        in_body = {_stem(t) for t in terms.find(item.text[:1500])} - in_title
        found |= in_title | in_body
        total += min(2.0, 2 * len(in_title) + len(in_body)) / 2
    return total / len(story.items), sorted(found)


@dataclass
class _Scored:
    story: Story
    ranked: list[tuple[float, str]]  # (score, section id), best first, only >= MIN_SCORE
    scores: dict[str, float]


def assign_sections(
    stories: list[Story], settings: Settings, language: str = "zh", embedder: TextEmbedder | None = None
) -> list[Section]:
    return assign_sections_explained(stories, settings, language, embedder)[0]


def assign_sections_explained(
    stories: list[Story], settings: Settings, language: str = "zh", embedder: TextEmbedder | None = None
) -> tuple[list[Section], list[Assignment]]:
    """Sections in report order and, per story, where it went and why."""
    specs = [s for s in settings.sections if s.id != OTHER]
    other_spec = next((s for s in settings.sections if s.id == OTHER), None) or SectionSpec(
        id=OTHER, title="其他动态", title_en="Other news"
    )
    capacity = max(1, min(settings.report.stories_per_section, settings.report.max_paragraphs))
    scored = score_stories(stories, specs, embedder or default_embedder())
    placing = _Placing(scored, capacity)
    placing.place_all()
    placing.fold(settings.report.max_sections)
    return placing.sections({s.id: s for s in specs}, other_spec, language)


def score_stories(stories: list[Story], specs: list[SectionSpec], embedder: TextEmbedder) -> list[_Scored]:
    """Each story's score for each section (similarity + keyword evidence), best first."""
    if specs:
        texts = [t for s in specs for t in _section_texts(s)]
        vectors = embedder.embed(texts).reshape(len(specs), 2, -1)
    terms = [Terms(s.keywords) for s in specs]
    similarity = _similarities(stories, vectors, embedder) if specs else {}
    scored: list[_Scored] = []
    for k, story in enumerate(stories):
        scores: dict[str, float] = {}
        if k in similarity:
            for spec, sim, term in zip(specs, similarity[k], terms):
                evidence, _ = keyword_evidence(story, term)
                scores[spec.id] = round(float(sim) + KEYWORD_WEIGHT * evidence, 4)
        ranked = sorted(((sc, sid) for sid, sc in scores.items() if sc >= MIN_SCORE), key=lambda r: (-r[0], r[1]))
        scored.append(_Scored(story, ranked, scores))
    return scored


def _similarities(stories: list[Story], vectors: np.ndarray, embedder: TextEmbedder) -> dict[int, np.ndarray]:
    """Story index -> cosine of its centroid with each section (the better of the two texts),
    less `HUB_CORRECTION` times the section's hubness (`hubness`)."""
    offsets = HUB_CORRECTION * hubness(vectors, embedder)
    rows: dict[int, np.ndarray] = {}
    for k, story in enumerate(stories):
        if story.items:
            centroid = embedder.embed([story_text(it) for it in story.items]).mean(axis=0)
            centroid /= np.linalg.norm(centroid) or 1.0
            rows[k] = (vectors @ centroid).max(axis=1) - offsets
    return rows


def hubness(vectors: np.ndarray, embedder: TextEmbedder) -> np.ndarray:
    """Per section, how much closer its texts sit to AI news in general than the average
    section does: its mean cosine over a reference corpus (the bundled sample day's items, real
    coverage of many kinds) minus the mean over all sections. Fixed, not taken from the day, so
    a day whose stories all belong to one section does not penalise that section."""
    texts = _reference_texts()
    if not texts:
        return np.zeros(len(vectors), dtype=np.float32)
    reference = embedder.embed(list(texts))
    cosines = (reference @ vectors.reshape(-1, vectors.shape[-1]).T).reshape(len(texts), len(vectors), 2).max(axis=2)
    per_section = cosines.mean(axis=0)
    return per_section - per_section.mean()


@lru_cache(maxsize=1)
def _reference_texts() -> tuple[str, ...]:
    """Title and lead of every item of the bundled sample days (as `story_text` makes them)."""
    texts: list[str] = []
    for path in sorted(resources.files("dailybrief").joinpath("samples").iterdir(), key=lambda p: p.name):
        if path.name.endswith(".jsonl"):
            for line in path.read_text("utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    texts.append(f"{row.get('title', '')}. {str(row.get('content', ''))[:400]}")
    return tuple(texts)


class _Placing:
    """Stories placed into sections, with the reason for each placement."""

    def __init__(self, scored: list[_Scored], capacity: int):
        self.scored, self.capacity = scored, capacity
        self.placed: dict[str, list[int]] = {}  # section id -> story indexes
        self.where: dict[int, tuple[str, str]] = {}  # story index -> (section, reason)

    def strongest_first(self, indexes: Iterable[int]) -> list[int]:
        return sorted(indexes, key=lambda k: (-self.scored[k].story.importance, self.scored[k].story.id))

    def place_all(self) -> None:
        """Strongest story first, so a full section is full of stronger stories; a story its
        best section has no room for takes a second-best section within MARGIN."""
        for k in self.strongest_first(range(len(self.scored))):
            s = self.scored[k]
            if not s.ranked:
                self.where[k] = (OTHER, f"no section scores {MIN_SCORE} or more")
                continue
            best_score, best = s.ranked[0]
            target, reason = best, "best match"
            if len(self.placed.get(best, [])) >= self.capacity and len(s.ranked) > 1:
                second_score, second = s.ranked[1]
                if best_score - second_score <= MARGIN and len(self.placed.get(second, [])) < self.capacity:
                    target = second
                    reason = f"best section {best} full ({self.capacity} stronger stories); second-best within {MARGIN}"
            self.placed.setdefault(target, []).append(k)
            self.where[k] = (target, reason)

    def fold(self, limit: int) -> None:
        """At most `limit` sections: keep the most important, re-place the folded ones' stories."""
        importance = {
            sid: section_importance([self.scored[k].story.importance for k in ks]) for sid, ks in self.placed.items()
        }
        kept = sorted(self.placed, key=lambda sid: (-importance[sid], sid))
        has_other = any(sec == OTHER for sec, _ in self.where.values())
        if len(kept) + (1 if has_other else 0) <= limit:
            return
        folded, kept = kept[limit - 1 :], kept[: limit - 1]
        moved = self.strongest_first(k for sid in folded for k in self.placed[sid])
        for sid in folded:
            self.placed.pop(sid)
        for k in moved:
            s, gone = self.scored[k], self.where[k][0]
            own = s.scores[gone]
            room = [
                (sc, sid)
                for sc, sid in s.ranked
                if sid in kept and len(self.placed[sid]) < self.capacity and own - sc <= MARGIN
            ]
            if room:
                sid = room[0][1]
                self.placed[sid].append(k)
                self.where[k] = (
                    sid,
                    f"section {gone} folded (beyond max_sections {limit}); "
                    f"next-best kept section within {MARGIN} with room",
                )
            else:
                self.where[k] = (OTHER, f"section {gone} folded (beyond max_sections {limit})")

    def sections(
        self, by_id: dict[str, SectionSpec], other_spec: SectionSpec, language: str
    ) -> tuple[list[Section], list[Assignment]]:
        """The sections in report order and one Assignment per story."""
        buckets: dict[str, list[Story]] = {}
        assignments: list[Assignment] = []
        for k, s in enumerate(self.scored):
            section, reason = self.where[k]
            buckets.setdefault(section, []).append(s.story.model_copy(update={"section": section}))
            best_score, best = s.ranked[0] if s.ranked else (0.0, OTHER)
            runner_score, runner = s.ranked[1] if len(s.ranked) > 1 else (0.0, "")
            assignments.append(
                Assignment(
                    story=s.story.id,
                    title=s.story.title,
                    section=section,
                    score=s.scores.get(section, 0.0),
                    best=best,
                    best_score=best_score,
                    runner_up=runner,
                    runner_up_score=runner_score,
                    reason=reason,
                    scores=dict(sorted(s.scores.items(), key=lambda kv: -kv[1])[:4]),
                )
            )
        return report_sections(buckets, by_id, other_spec, language), assignments


def report_sections(
    buckets: dict[str, list[Story]], by_id: dict[str, SectionSpec], other_spec: SectionSpec, language: str
) -> list[Section]:
    """The non-empty sections in report order: by importance, `other` last."""
    sections = [_section(by_id[sid], members, language) for sid, members in buckets.items() if sid != OTHER]
    # The day's lead story opens the report: sections by their most important story, ties by
    # their combined weight.
    sections.sort(key=section_order)
    if buckets.get(OTHER):
        sections.append(_section(other_spec, buckets[OTHER], language))
    return sections


def section_order(section: Section) -> tuple[float, float, str]:
    """Report order of sections: by their most important story, then their importance."""
    return (-max(s.importance for s in section.stories), -section.importance, section.id)


def section_importance(story_importances: list[float]) -> float:
    """The strongest story counts fully, the next two a third each; the rest not at all."""
    top = sorted(story_importances, reverse=True)[:3]
    return round(top[0] + sum(top[1:]) / 3, 3) if top else 0.0


def _section(spec: SectionSpec, stories: list[Story], language: str) -> Section:
    stories = sorted(stories, key=lambda s: (-s.importance, s.id))
    importance = section_importance([s.importance for s in stories])
    return Section(
        id=spec.id,
        title=spec.display_title(language),
        description=spec.description,
        stories=stories,
        importance=importance,
    )
