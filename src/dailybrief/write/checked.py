"""Verify a written report, and never publish a part the verifier emptied.

When verification removes every sentence of a section (or of the summary) — a model that wrote
only unsupported prose — that part is written again by the extractive writer, whose sentences
come from the items themselves, and the report is verified again. A report that still has no
supported section is not written at all: a `WriterError` says so in one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from ..errors import WriterError
from ..models import BuildStats, Item, Report, Section
from .assemble import build_report
from .base import WriteContext
from .draft import Draft
from .extractive import ExtractiveWriter
from .verify import Verification, verify_report


def verified_report(
    built: Report,
    draft: Draft,
    sections: list[Section],
    context: WriteContext,
    items: Mapping[str, Item],
    *,
    keep_unsupported: bool = False,
) -> tuple[Report, Verification]:
    """`built` (the report of `draft`) verified against `items`; emptied parts rewritten
    extractively (listed in `stats.writer.emptied`)."""
    settings, day, language = context.settings, context.date, context.language
    stats = dict(built.stats)
    # the in-process model behind the store's embedding cache: the verifier's sentences are not
    # worth a database write (and a write here would contend with other writers of the store)
    embedder = getattr(context.embedder, "embedder", context.embedder)
    if draft.notes.get("writer") == "extractive":
        # copied sentences say what their items say; the meaning check is for written prose
        # (and costs a build tens of seconds of embedding on a busy machine)
        embedder = None
    report = built
    cleaned, result = verify_report(report, items, keep_unsupported=keep_unsupported, embedder=embedder)
    if not result.empty:
        return cleaned, result
    refilled = _refill(draft, sections, context, result.empty)
    notes = {**draft.notes, "emptied": list(result.empty)}
    report = build_report(refilled, sections, settings, day, language, cast(BuildStats, {**stats, "writer": notes}))
    earlier = {story.id: story.earlier_reports for s in built.sections for story in s.stories}
    for section in report.sections:
        for story in section.stories:
            story.earlier_reports = earlier.get(story.id, [])
    cleaned, second = verify_report(report, items, keep_unsupported=keep_unsupported, embedder=embedder)
    second.findings = result.findings + second.findings
    cleaned.stats["verification"] = second.as_stats()
    if not any(section.paragraphs for section in cleaned.sections) and any(
        paragraph.text for section in report.sections for paragraph in section.paragraphs
    ):
        raise WriterError(
            f"verify: no sentence of the {day} report is supported by its cited items, "
            "even written extractively; nothing was published"
        )
    return cleaned, second


def _refill(draft: Draft, sections: list[Section], context: WriteContext, empty: list[str]) -> Draft:
    """`draft` with each emptied section (and summary) written by the extractive writer."""
    extractive = ExtractiveWriter()
    by_id = {section.id: section for section in sections}
    drafted = list(draft.sections)
    for where in empty:
        if where.startswith("section "):
            index = int(where.split()[1]) - 1
            drafted[index] = extractive.write_section(by_id[drafted[index].id], context)
    summary = draft.summary
    if "summary" in empty:
        summary = extractive.write_summary([by_id[d.id] for d in drafted], drafted, context)
    return draft.model_copy(update={"sections": drafted, "summary": summary})
