"""Review states on a real store: `review = off | on | auto`, approval bound to the version it
approved, rejection needs a reason, every version kept with a diff, stale saves refused."""

from __future__ import annotations

import pytest

from dailybrief.app import review
from dailybrief.config import load_settings
from dailybrief.errors import InputError, ReviewError
from dailybrief.models import Paragraph, Report, ReportSection

DAY = "2026-04-17"


def report(findings: list[dict]) -> Report:
    section = ReportSection(id="agents", title="智能体：工具", paragraphs=[Paragraph(text="第一段。")], stories=[])
    return Report(date=DAY, title="AI 技术每日分析", summary="摘要一句。", sections=[section], references=[],
                  stats={"verification": {"findings": findings}})


@pytest.fixture
def settings(home):
    return load_settings(home)


def test_auto_asks_for_review_only_when_the_verifier_found_something(store, settings):
    store.save_report(report([]))
    auto = settings.model_copy(update={"review": "auto"})
    assert not review.status(store, auto, DAY, "zh").required
    assert not review.status(store, settings, DAY, "zh").required  # off
    assert review.status(store, settings.model_copy(update={"review": "on"}), DAY, "zh").required
    scheduled = settings.model_copy(update={"schedule": settings.schedule.model_copy(update={"review": "required"})})
    assert review.mode(scheduled) == "on" and review.status(store, scheduled, DAY, "zh").required
    store.save_report(report([{"where": "summary", "text": "x", "reasons": ["figure"], "action": "removed"}]))
    current = review.status(store, auto, DAY, "zh")
    assert current.required and current.findings == 1 and current.version == 2
    with pytest.raises(ReviewError, match=f"dailybrief review approve {DAY}"):
        review.require_approval(store, auto, DAY, "zh")


def test_approval_holds_for_its_version_only(store, settings):
    on = settings.model_copy(update={"review": "on"})
    store.save_report(report([]))
    assert review.submit(store, on, DAY, "zh", "ed").state == "in_review"
    approved = review.approve(store, on, DAY, "zh", "chief")
    assert approved.state == "approved" and approved.approved_by == "chief" and approved.approved_at
    assert review.require_approval(store, on, DAY, "zh").approved
    with pytest.raises(InputError, match="say why"):
        review.reject(store, on, DAY, "zh", "chief", "  ")
    store.save_report(report([]).model_copy(update={"summary": "重新生成的摘要。"}))  # a rebuild
    rebuilt = review.status(store, on, DAY, "zh")
    assert rebuilt.state == "draft" and "changed since it was approved" in rebuilt.reason
    with pytest.raises(ReviewError):
        review.require_approval(store, on, DAY, "zh")


def test_edits_keep_every_version_and_refuse_a_stale_form(store, settings):
    store.save_report(report([]))
    first = review.status(store, settings, DAY, "zh")
    saved = review.edit(store, settings, DAY, "zh", "ed", first.version,
                        [review.Edit("title:0", "智能体：新标题"), review.Edit("para:0:0", "改写后的第一段。")])
    assert saved.version == first.version + 1
    with pytest.raises(ReviewError, match="changed since this page was loaded"):
        review.edit(store, settings, DAY, "zh", "other", first.version, [review.Edit("summary", "覆盖。")])
    with pytest.raises(InputError, match="para:0:9: no such field"):
        review.edit(store, settings, DAY, "zh", "ed", saved.version, [review.Edit("para:0:9", "x")])
    lines = review.diff(store, DAY, "zh", first.version, saved.version)
    assert "-## 1. 智能体：工具" in lines and "+[1.1] 改写后的第一段。" in lines
    assert [v.author for v in review.history(store, DAY, "zh")] == ["", "ed"]
