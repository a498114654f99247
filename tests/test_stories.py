"""Story clustering on labelled data: the bundled sample day and the dev set in tests/data."""

from pathlib import Path

import pytest

from dailybrief.importer import read_file
from dailybrief.models import Item
from dailybrief.process.evaluate import evaluate_clustering
from dailybrief.process.stories import cluster
from itemfiles import SAMPLE

DEV = Path(__file__).parent / "data" / "clustering-dev.jsonl"


@pytest.mark.parametrize("path, target", [(SAMPLE, 0.95), (DEV, 0.90)])
def test_bcubed_f1_on_labelled_sets(path, target):
    items, rejected = read_file(path)
    assert not rejected
    score = evaluate_clustering(items)
    assert score.f1 >= target, score


def _item(url, title, text, lang):
    from datetime import datetime, timezone

    return Item(url=url, title=title, content=text, lang=lang, source=url.split("/")[2],
                published=datetime(2026, 4, 16, 10, tzinfo=timezone.utc))


def test_cross_language_coverage_joins_and_same_company_events_stay_apart():
    items = [
        _item("https://openai.com/index/agents-sdk", "The next evolution of the Agents SDK",
              "OpenAI added native sandbox execution to the Agents SDK and separated the harness from compute.", "en"),
        _item("https://www.jiqizhixin.com/a/1", "OpenAI 升级 Agents SDK：原生沙盒执行上线",
              "OpenAI 对 Agents SDK 进行重要升级，新增原生沙盒执行，并将 harness 与计算层分离。", "zh"),
        _item("https://apnews.com/article/openai-spud", "OpenAI shifts its focus to business users",
              "OpenAI is pulling resources from consumer products such as Sora toward enterprise customers and readies a model code-named Spud.", "en"),
        _item("https://36kr.com/p/1", "OpenAI 收缩消费端，押注企业市场",
              "OpenAI 正将资源从 Sora 等消费产品转向企业客户，并准备推出代号 Spud 的新模型。", "zh"),
    ]
    stories = cluster(items)
    groups = sorted(sorted(i.url for i in s.items) for s in stories)
    assert groups == [
        ["https://36kr.com/p/1", "https://apnews.com/article/openai-spud"],
        ["https://openai.com/index/agents-sdk", "https://www.jiqizhixin.com/a/1"],
    ]
    assert all(s.reasons for s in stories)  # every merge is explained


def test_bad_texts_do_not_crash():
    items = [
        _item("https://e.com/1", "🚀🚀🚀", "", ""),
        _item("https://e.com/2", "x", "", "en"),
        _item("https://e.com/3", "AI 模型 model 混合 mixed 文本", "短", "zh"),
    ]
    stories = cluster(items)
    assert sum(len(s.items) for s in stories) == 3
