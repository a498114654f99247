"""What each stored build did, read from its report's stats: stage timings, verification
findings, the writer's requests, tokens and cost (the page until the runs table exists)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..models import Report
from ..store import Store, schema
from ..write.llm import usage_line


@dataclass
class BuildInfo:
    date: str
    language: str
    created: str
    seconds: dict[str, float]
    items: int
    stories: int
    sections: int
    verification: dict = field(default_factory=dict)
    writer: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    usage: str = ""  # the writer's requests, tokens and cost (as the CLI prints them)


def builds(store: Store, limit: int = 60) -> list[BuildInfo]:
    t = schema.reports
    query = select(t.c.report, t.c.created).order_by(t.c.created.desc()).limit(limit)
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    out = []
    for body, created in rows:
        report = Report.model_validate_json(body)
        stats = report.stats
        writer = stats.get("writer", {}) if isinstance(stats.get("writer"), dict) else {}
        out.append(BuildInfo(report.date, report.language, created, stats.get("seconds", {}),
                             stats.get("items_in_window", 0), stats.get("stories", 0), stats.get("sections", 0),
                             dict(stats.get("verification", {})), dict(writer), list(writer.get("errors", [])),  # type: ignore[call-overload]
                             usage_line(writer) or str(writer.get("writer", ""))))
    return out
