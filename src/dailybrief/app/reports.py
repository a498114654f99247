"""Use cases on a stored report.json: verify it against the stored items, render it again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..models import Report
from ..render import RenderResult, load_report, render_report
from ..write.verify import Verification, verify_report
from .context import Workspace


@dataclass
class VerifyOutcome:
    report: Report  # the cleaned report (unsupported sentences removed or marked)
    result: Verification
    written: Path | None = None


def cited_urls(report: Report) -> set[str]:
    """Every URL a report cites: references and the items of its stories."""
    return {r.url for r in report.references} | {
        u for section in report.sections for story in section.stories for u in story.item_urls
    }


def verify_file(
    ws: Workspace, report_file: Path, write: Path | None = None, keep_unsupported: bool = False
) -> VerifyOutcome:
    """Check every sentence of a report.json against the stored items it cites."""
    report = load_report(report_file)
    with ws.store() as store:
        items = store.items_by_url(cited_urls(report))
    from ..process.embed import default_embedder  # the embedding model loads only for `verify`

    cleaned, result = verify_report(report, items, keep_unsupported=keep_unsupported, embedder=default_embedder())
    if write:
        write.write_text(cleaned.model_dump_json(indent=2), "utf-8")
    return VerifyOutcome(cleaned, result, write)


def render_file(ws: Workspace, report_file: Path, formats: list[str], out: Path | None = None) -> RenderResult:
    """Render a report.json again (after an edit) without re-running the pipeline."""
    report = load_report(report_file)
    return render_report(
        report, out or report_file.parent, formats=formats, template_dir=ws.template_dir,
        file_mode=ws.settings.report.mode,
    )
