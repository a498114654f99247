"""Shared fixtures: the sample report and one rendering of every format (done once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dailybrief.models import Report
from dailybrief.render import RenderResult, load_report, render_report

SAMPLE = Path(__file__).parent.parent / "data" / "report-sample.json"
HISTORY = [
    (f"2026-04-{d:02d}", {"大模型商业": d % 4 + 1, "AI 智能体": (d * 3) % 5, "底层架构": d % 3 + 1})
    for d in range(4, 18)
]


@pytest.fixture(scope="session")
def sample_report() -> Report:
    return load_report(SAMPLE)


@pytest.fixture(scope="session")
def rendered(sample_report: Report, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RenderResult]:
    out = tmp_path_factory.mktemp("rendered")
    result = render_report(sample_report, out, formats=["all"], history=HISTORY)
    return out, result


