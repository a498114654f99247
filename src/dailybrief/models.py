"""Domain objects that travel between pipeline stages.

`Item` is one piece of news as stored; `Story` groups items about one event; `Section` groups
stories under a taxonomy heading. `Report` is the contract between writing and rendering: every
renderer and publisher reads a `Report` and nothing else, and `report.json` is its serialisation
(documented in docs/report-json.md).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, with_config
from typing_extensions import TypedDict

SourceKind = Literal["news", "blog", "paper", "forum", "video", "press", "release", "other"]
SOURCE_KINDS: tuple[str, ...] = ("news", "blog", "paper", "forum", "video", "press", "release", "other")
StoryStatus = Literal["new", "update", "repeat"]


class Mirror(BaseModel):
    """A syndicated or duplicate copy of an item, kept as an extra source."""

    url: str
    source: str = ""
    title: str = ""


class Item(BaseModel):
    """One news item, keyed by its canonical URL."""

    url: str
    title: str
    published: datetime  # always timezone-aware (UTC once normalised)
    source: str = ""
    source_kind: SourceKind = "other"
    lang: str = ""
    content: str = ""
    summary: str = ""
    score: int | None = None
    comments: int | None = None
    fetched: datetime | None = None
    mirrors: list[Mirror] = Field(default_factory=list)
    # Free-form extras from the input (e.g. a gold `story` label in evaluation sets).
    extra: dict[str, Any] = Field(default_factory=dict)

    @property
    def text(self) -> str:
        """The best body text available: full content, else the summary."""
        return self.content or self.summary

    @property
    def content_hash(self) -> str:
        body = "\x1f".join([self.title, self.text])
        return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]

    @property
    def source_count(self) -> int:
        """Independent sources: the item itself plus copies from other outlets."""
        outlets = {self.source} | {m.source for m in self.mirrors if m.source}
        return max(1, len(outlets))


class Story(BaseModel):
    """Items about the same event, possibly in several languages."""

    id: str
    title: str
    items: list[Item]
    section: str = ""
    importance: float = 0.0
    status: StoryStatus = "new"
    reasons: list[str] = Field(default_factory=list)  # why its items were grouped
    earlier_reports: list[str] = Field(default_factory=list)  # dates of reports that had it

    @property
    def lead(self) -> Item:
        return self.items[0]


class Section(BaseModel):
    """A taxonomy section with the stories assigned to it, ordered by importance."""

    id: str
    title: str
    description: str = ""
    stories: list[Story]
    importance: float = 0.0


# --- the Report contract -------------------------------------------------------------------


class Paragraph(BaseModel):
    """A paragraph of prose; `text` carries [n] markers that resolve to `Report.references`.

    When `lead` is set the paragraph is one entry of a numbered story list and renderers show
    the lead in bold before the text.
    """

    text: str
    citations: list[int] = Field(default_factory=list)
    lead: str | None = None


class ReportStory(BaseModel):
    id: str
    title: str
    item_urls: list[str]
    importance: float
    status: StoryStatus = "new"
    earlier_reports: list[str] = Field(default_factory=list)


class ReportSection(BaseModel):
    id: str
    title: str
    paragraphs: list[Paragraph]
    stories: list[ReportStory]
    layout: Literal["prose", "list"] = "prose"


class Reference(BaseModel):
    n: int
    title: str
    url: str
    source: str = ""
    published: str = ""  # ISO 8601
    lang: str = ""


class Contact(BaseModel):
    """One entry of the closing contact page: a name, a description and an optional QR target."""

    name: str
    description: str = ""
    qr_label: str = ""
    qr_url: str = ""
    qr_image: str = ""  # a supplied QR image as a data URI (PNG or JPEG); printed instead of one from qr_url


class Organisation(BaseModel):
    name: str = ""
    partner: str = ""
    website: str = ""
    contact_title: str = ""
    contacts: list[Contact] = Field(default_factory=list)


# -- build statistics (report.json `stats`; documented field by field in docs/report-json.md) --
# TypedDicts: dicts at run time (every consumer reads them as such), checked by pydantic when a
# Report is made or loaded and by the type checker in code. Every key is optional (a hand-made,
# edited or older report.json may lack any); unknown keys are kept.

_KEEP_EXTRA = ConfigDict(extra="allow")


@with_config(_KEEP_EXTRA)
class WindowStat(TypedDict, total=False):
    start: str
    end: str


@with_config(_KEEP_EXTRA)
class MergeStat(TypedDict, total=False):
    kept: str
    dropped: str
    score: float
    reason: str


@with_config(_KEEP_EXTRA)
class DroppedStat(TypedDict, total=False):
    url: str
    title: str
    reason: str


@with_config(_KEEP_EXTRA)
class RepeatStat(TypedDict, total=False):
    id: str
    title: str
    earlier_reports: list[str]


@with_config(_KEEP_EXTRA)
class CacheStat(TypedDict, total=False):
    hits: int
    misses: int


@with_config(_KEEP_EXTRA)
class AssignmentStat(TypedDict, total=False):
    story: str
    title: str
    section: str
    score: float
    best: str
    best_score: float
    runner_up: str
    runner_up_score: float
    reason: str
    scores: dict[str, float]


@with_config(_KEEP_EXTRA)
class WriterStat(TypedDict, total=False):
    writer: str
    left_out: list[dict[str, Any]]
    requested: str
    fallback: str
    endpoint: str
    model: str
    requests: int
    cache_hits: int
    retries: int
    input_tokens: int
    output_tokens: int
    request_seconds: float
    repairs: int
    seconds: float
    estimated_cost_usd: float
    fallbacks: list[dict[str, Any]]
    selected_items: int
    selected_item_tokens: int
    day_title: str


@with_config(_KEEP_EXTRA)
class FindingStat(TypedDict, total=False):
    where: str
    text: str
    reasons: list[str]
    action: str


@with_config(_KEEP_EXTRA)
class VerificationStat(TypedDict, total=False):
    sentences: int
    supported: int
    unsupported: int
    unchecked: list[str]  # Chinese names the cited items could not confirm or refute
    empty: list[str]  # report parts left with no supported sentence
    findings: list[FindingStat]


@with_config(_KEEP_EXTRA)
class BuildStats(TypedDict, total=False):
    """How a report was made: what each stage did. Every key is optional (a hand-made or older
    report.json may lack any of them)."""

    window: WindowStat
    items_in_window: int
    duplicates: int
    merges: list[MergeStat]
    stories: int
    stories_written: int
    sections: int
    dropped: list[DroppedStat]
    embedder: str
    story_build: int
    clustering: str
    story_merges: int
    overrides_applied: int
    novelty: dict[str, int]
    repeats: list[RepeatStat]
    embedding_cache: CacheStat
    sections_assignment: list[AssignmentStat]
    writer: WriterStat
    verification: VerificationStat
    seconds: dict[str, float]
    report_url: str


class Report(BaseModel):
    """Everything a renderer needs; `report.json` is `Report.model_dump_json()`."""

    date: str  # YYYY-MM-DD
    title: str
    language: str = "zh"
    organisation: Organisation = Field(default_factory=Organisation)
    summary: str
    summary_citations: list[int] = Field(default_factory=list)
    sections: list[ReportSection]
    references: list[Reference]
    stats: BuildStats = Field(default_factory=lambda: BuildStats())
    generated_at: str = ""

    def reference(self, n: int) -> Reference:
        return self.references[n - 1]
