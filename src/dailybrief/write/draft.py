"""What a writer produces before references are numbered: sentences that name the item URLs
they come from. `assemble.build_report` turns a `Draft` into the `Report` contract."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class DraftSentence(BaseModel):
    text: str
    sources: list[str] = Field(default_factory=list)  # item URLs the sentence is drawn from
    # "copied" from an item, a "quote" in another language with its attribution, or the
    # section's data "lead" in the writer's own words from the build's figures.
    kind: Literal["copied", "quote", "lead"] = "copied"


class DraftParagraph(BaseModel):
    sentences: list[DraftSentence]
    lead: str | None = None


class DraftSection(BaseModel):
    id: str
    title: str
    paragraphs: list[DraftParagraph]
    layout: Literal["prose", "list"] = "prose"
    story_ids: list[str] = Field(default_factory=list)  # the stories written up, in order


class Draft(BaseModel):
    title: str
    summary: list[DraftSentence]
    sections: list[DraftSection]
    notes: dict[str, object] = Field(default_factory=dict)  # writer statistics for `stats`
