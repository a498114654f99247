"""Full-text search on both engines (SQLite FTS5, PostgreSQL tsvector + GIN): Chinese and English
queries, every word must match, the better match first, filters, facets and the web snippets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text

from dailybrief.app.search import run_search
from dailybrief.config import load_settings
from dailybrief.models import Item, Paragraph, Report, ReportSection, ReportStory
from dailybrief.store import Store
from dailybrief.store.search import Filters, facets, search, sync_index

ZONE = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 4, 16, 6, tzinfo=UTC)


def _items() -> list[Item]:
    return [
        Item(
            url="https://cn.example/1",
            title="英伟达发布新一代推理芯片",
            published=DAY,
            source="新华社",
            content="英伟达今天发布推理芯片，推理速度提升三倍。大模型推理成本下降。",
            lang="zh",
        ),
        Item(
            url="https://cn.example/2",
            title="开源大模型登顶榜单",
            published=DAY,
            source="机器之心",
            content="一款开源大模型在推理基准上登顶。",
            lang="zh",
        ),
        Item(
            url="https://en.example/3",
            title="Open-weight model tops reasoning benchmark",
            published=DAY,
            source="The Verge",
            content="The benchmark measures reasoning. Benchmark results for the model.",
            lang="en",
        ),
        Item(
            url="https://en.example/4",
            title="Chip export rules tighten",
            published=DAY,
            source="Reuters",
            content="New export rules for chips; one model maker comments.",
            lang="en",
        ),
    ]


def _report() -> Report:
    section = ReportSection(
        id="research",
        title="模型架构与前沿研究",
        paragraphs=[Paragraph(text="开源大模型在推理基准上登顶，英伟达发布推理芯片 [1]。", citations=[1])],
        stories=[ReportStory(id="s1", title="开源大模型", item_urls=["https://cn.example/2"], importance=1.0)],
    )
    return Report(
        date="2026-04-17",
        title="AI 技术每日分析",
        summary="今日：开源大模型与推理芯片。",
        sections=[section],
        references=[],
    )


def _indexed(db: Store) -> Store:
    db.upsert_items(_items())
    db.save_report(_report())
    assert sync_index(db, ZONE) == 6  # 4 items, the summary and one section
    assert sync_index(db, ZONE) == 0  # nothing changed since
    return db


def test_chinese_and_english_queries(db: Store) -> None:
    _indexed(db)
    hits, total = search(db, "推理芯片")
    assert total >= 2 and {h.ref for h in hits} >= {"item:https://cn.example/1", "report:2026-04-17:zh:research"}
    assert hits[0].ref == "item:https://cn.example/1"  # the item about it ranks first
    hits, total = search(db, "大模型")
    assert {h.ref for h in hits} == {
        "item:https://cn.example/1",
        "item:https://cn.example/2",
        "report:2026-04-17:zh:summary",
        "report:2026-04-17:zh:research",
    }
    hits, total = search(db, "benchmark")
    assert total == 1 and hits[0].url == "https://en.example/3"
    hits, total = search(db, "Model")  # case does not matter
    assert {h.url for h in hits} == {"https://en.example/3", "https://en.example/4"}
    assert search(db, "benchmark chip")[1] == 0  # every word must match, and no text has both
    assert search(db, "export model")[1] == 1
    assert search(db, "区块链") == ([], 0)
    assert search(db, "，。") == ([], 0)  # no words at all


def test_filters_facets_and_reindexing(db: Store) -> None:
    _indexed(db)
    assert {h.kind for h in search(db, "大模型", Filters(kind="report"))[0]} == {"report"}
    placed = search(db, "开源", Filters(section="research", kind="item"))[0]
    assert [h.url for h in placed] == ["https://cn.example/2"]  # the report put this item in research
    assert search(db, "大模型", Filters(source="新华社"))[1] == 1
    assert search(db, "大模型", Filters(since="2026-04-18"))[1] == 0
    assert facets(db) == (["research"], ["Reuters", "The Verge", "新华社", "机器之心"])
    # changed in the same second as the last sync (stamps are whole seconds): still indexed
    changed = _items()[3].model_copy(update={"title": "Chip export rules tighten for benchmark runs"})
    db.upsert_items([changed])
    assert sync_index(db, ZONE) == 1
    assert search(db, "benchmark")[1] == 2
    with db.engine.connect() as conn:  # the old row was replaced, not duplicated
        assert conn.execute(text("SELECT count(*) FROM search_docs")).scalar_one() == 6


def test_the_web_search_snippets(db: Store, home: Path) -> None:
    _indexed(db)
    results = run_search(db, load_settings(home), "推理芯片", Filters())
    first = results.results[0]
    assert first.hit.url == "https://cn.example/1"
    assert ("推理", True) in first.title or ("芯片", True) in first.title
    assert any(matched for _, matched in first.snippet)
    assert results.sections == ["research"]
