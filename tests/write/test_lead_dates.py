"""The data lead's dates: who reported a story first and on which day, and which earlier report
it continues ("延续 11 月 18 日的报道"). The dates are the build's own metadata (publication
times, earlier reports), so the writer and the verifier both check them against that metadata,
not against the items' words. Items: the real Grok 4.1 excerpts of the Gemini 3 week
(tests/data/real/2025-11-17_gemini3-week, public pages)."""

from __future__ import annotations

import json

from dailybrief.models import Item, Paragraph, Reference, Report, ReportSection, ReportStory, Story
from dailybrief.write.lead import data_lead
from dailybrief.write.provenance import date_facts
from dailybrief.write.verify import verify_report
from itemfiles import ROOT

CASE = ROOT / "tests" / "data" / "real" / "2025-11-17_gemini3-week" / "items.jsonl"


def _grok() -> list[Item]:
    rows = [json.loads(line) for line in CASE.read_text("utf-8").splitlines() if line.strip()]
    items = [Item.model_validate(r) for r in rows if "Grok 4.1" in r["title"]]
    assert len(items) >= 2, "the case holds two Grok 4.1 pages"
    return sorted(items, key=lambda it: it.published)


def test_a_new_story_says_when_it_was_first_reported() -> None:
    items = _grok()
    lead = data_lead(Story(id="g", title=items[0].title, items=items), "Grok 4.1", "zh", "UTC", items)
    assert lead is not None
    when = items[0].published
    assert f"由 {items[0].source} 于 {when.month} 月 {when.day} 日最早报道" in lead.text
    assert "延续" not in lead.text


def test_an_update_says_which_report_it_continues_and_not_a_first_date() -> None:
    items = _grok()
    story = Story(id="g", title=items[0].title, items=items, status="update", earlier_reports=["2025-11-16"])
    lead = data_lead(story, "Grok 4.1", "zh", "UTC", items)
    assert lead is not None
    assert "延续 11 月 16 日的报道" in lead.text
    assert "日最早报道" not in lead.text  # first reported before this day's items: no date for "first"
    english = data_lead(story, "Grok 4.1", "en", "UTC", items)
    assert english is not None and "continuing the report of 2025-11-16" in english.text


def test_date_facts_cover_every_zone_and_the_earlier_reports() -> None:
    item = _grok()[0]  # published 2025-11-17 12:00 UTC
    facts = date_facts([item], ["2025-11-14"])
    assert "11 月 17 日" in facts and "November 17" in facts and "11 月 14 日" in facts
    # 12:00 UTC is 11-17 from UTC-12 to UTC+11 and 11-18 from UTC+12 on
    assert "11 月 18 日" in facts and "11 月 16 日" not in facts


def _report(sentence: str, earlier: list[str]) -> tuple[Report, dict[str, Item]]:
    items = _grok()
    refs = [Reference(n=n, title=it.title, url=it.url) for n, it in enumerate(items, 1)]
    story = ReportStory(
        id="g",
        title="Grok 4.1",
        item_urls=[it.url for it in items],
        importance=1,
        status="update" if earlier else "new",
        earlier_reports=earlier,
    )
    section = ReportSection(
        id="research", title="模型架构与前沿研究", paragraphs=[Paragraph(text=sentence)], stories=[story]
    )
    report = Report(date="2025-11-19", title="t", language="zh", summary="", sections=[section], references=refs)
    return report, {it.url: it for it in items}


def test_the_verifier_checks_a_continuation_against_the_earlier_reports() -> None:
    source = _grok()[0].source
    sentence = f"Grok 4.1 由 {source} 最早报道，延续 11 月 16 日的报道[1]。"
    report, items = _report(sentence, ["2025-11-16"])
    _, result = verify_report(report, items)
    assert result.findings == []
    # the same sentence for a story no report of 16 November had
    report, items = _report(sentence, ["2025-11-15"])
    _, result = verify_report(report, items)
    assert result.findings and "figure '16 日' is not in the cited items" in result.findings[0].reasons


def test_the_verifier_checks_the_first_report_date_against_publication() -> None:
    first = _grok()[0]
    when = first.published
    right = f"Grok 4.1 由 {first.source} 于 {when.month} 月 {when.day} 日最早报道[1]。"
    wrong = f"Grok 4.1 由 {first.source} 于 {when.month} 月 {when.day + 3} 日最早报道[1]。"
    report, items = _report(right, [])
    assert verify_report(report, items)[1].findings == []
    report, items = _report(wrong, [])
    assert verify_report(report, items)[1].findings


def test_engagement_is_stated_from_the_items_points_and_comments() -> None:
    from itemfiles import SAMPLE

    rows = [json.loads(line) for line in SAMPLE.read_text("utf-8").splitlines() if line.strip()]
    opus = [Item.model_validate(r) for r in rows if r["story"] == "claude-opus-4-7"]
    lead = data_lead(Story(id="o", title=opus[0].title, items=opus), "Opus 4.7", "zh", "UTC", opus)
    assert lead is not None and "r/ClaudeAI 上获 1540 分、402 条评论" in lead.text
    # the verifier reads the same metadata, and a wrong count fails
    reddit = next(it for it in opus if it.score == 1540)
    refs = [Reference(n=1, title=reddit.title, url=reddit.url)]
    story = ReportStory(id="o", title="Opus 4.7", item_urls=[reddit.url], importance=1)

    def findings(text: str) -> list:
        section = ReportSection(
            id="agents", title="智能体与开发工具", paragraphs=[Paragraph(text=text)], stories=[story]
        )
        report = Report(date="2026-04-17", title="t", language="zh", summary="", sections=[section], references=refs)
        return verify_report(report, {reddit.url: reddit})[1].findings

    assert findings(f"{reddit.source} 上获 1540 分、402 条评论[1]。") == []
    assert findings(f"{reddit.source} 上获 1540 分、4020 条评论[1]。")
