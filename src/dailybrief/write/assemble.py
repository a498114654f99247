"""Draft → Report: number references in order of first citation and attach story records.

References are numbered 1..N in the order they are first cited (the summary first, then the
sections in order), so every reference is cited at least once by construction.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..config import Settings
from ..models import (
    BuildStats,
    Item,
    Paragraph,
    Reference,
    Report,
    ReportSection,
    ReportStory,
    Section,
)
from ..process.furniture import display_title
from .draft import Draft, DraftSentence


class _Numbering:
    def __init__(self, items: dict[str, Item]):
        self.items = items
        self.numbers: dict[str, int] = {}

    def cite(self, url: str) -> int:
        if url not in self.numbers:
            self.numbers[url] = len(self.numbers) + 1
        return self.numbers[url]

    def render(self, sentences: list[DraftSentence]) -> tuple[str, list[int]]:
        parts: list[str] = []
        cited: list[int] = []
        for sentence in sentences:
            numbers = sorted(self.cite(url) for url in dict.fromkeys(sentence.sources) if url in self.items)
            marks = "".join(f"[{n}]" for n in numbers)
            parts.append(_attach(sentence.text.strip(), marks))
            cited.extend(n for n in numbers if n not in cited)
        text = ""
        for part in parts:
            text += part if not text or _is_cjk_end(text) else " " + part
        return text, cited

    def references(self) -> list[Reference]:
        refs = []
        for url, n in sorted(self.numbers.items(), key=lambda kv: kv[1]):
            item = self.items[url]
            refs.append(
                Reference(
                    n=n,
                    title=display_title(item.title),  # forum tags ("[D]") are not shown
                    url=item.url,
                    source=item.source,
                    published=item.published.isoformat(timespec="minutes"),
                    lang=item.lang,
                )
            )
        return refs


def _attach(text: str, marks: str) -> str:
    """Put citation marks before the sentence's final punctuation in Chinese, after it in English."""
    if not marks:
        return text
    if text and text[-1] in "。！？；":
        return text[:-1] + marks + text[-1]
    return text + marks


def _is_cjk_end(text: str) -> bool:
    return bool(text) and text[-1] in "。！？；”」"


def build_report(
    draft: Draft,
    sections: list[Section],
    settings: Settings,
    date: str,
    language: str,
    stats: BuildStats | None = None,
) -> Report:
    items = {item.url: item for section in sections for story in section.stories for item in story.items}
    numbering = _Numbering(items)
    summary, summary_citations = numbering.render(draft.summary)
    by_id = {section.id: section for section in sections}

    report_sections = []
    for drafted in draft.sections:
        section = by_id[drafted.id]
        paragraphs = []
        for paragraph in drafted.paragraphs:
            text, cited = numbering.render(paragraph.sentences)
            if text:
                paragraphs.append(Paragraph(text=text, citations=cited, lead=paragraph.lead))
        stories = {story.id: story for story in section.stories}
        written = [stories[sid] for sid in drafted.story_ids if sid in stories]
        report_sections.append(
            ReportSection(
                id=drafted.id,
                title=drafted.title,
                paragraphs=paragraphs,
                layout=drafted.layout,
                stories=[
                    ReportStory(
                        id=story.id,
                        title=story.title,
                        item_urls=[u for it in story.items for u in [it.url, *(m.url for m in it.mirrors)]],
                        importance=story.importance,
                        status=story.status,
                    )
                    for story in written
                ],
            )
        )
    return Report(
        date=date,
        title=draft.title,
        language=language,
        organisation=settings.organisation.edition(language).organisation,
        summary=summary,
        summary_citations=summary_citations,
        sections=report_sections,
        references=numbering.references(),
        stats=BuildStats(**(stats or {})),
        generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
