"""Relevance on real coverage: an item is kept when AI is what it is about, not when an AI name
occurs in passing. Items are read verbatim from tests/data/real (public pages, URLs there)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from dailybrief.config import Settings, default_config_text
from dailybrief.models import Item, Story
from dailybrief.process.relevance import filter_relevant

CASE = Path(__file__).parents[1] / "data" / "real" / "2025-11-17_gemini3-week" / "items.jsonl"
# The Cloudflare outage of 18 November 2025: one report names ChatGPT among the sites it broke.
OUTAGE = [
    "https://isyourwebsitedownrightnow.com/blog/cloudflare-global-outage-november-18-2025-what-happened-timeline-what-you-should-do-next",
    "https://thepixelpakistan.com/?p=4367",
]
OUTAGE_TITLE = "When One Company Takes Down Half the Internet"
# On topic although its title names no AI term: the Qwen app, aimed at ChatGPT (named twice).
QWEN_APP_TITLE = "奥特曼未及喘息，阿里携枪已至"


def _case_items() -> list[Item]:
    return [Item.model_validate(json.loads(line)) for line in CASE.read_text("utf-8").splitlines() if line.strip()]


def _pick(items: list[Item], urls: list[str] = (), titles: list[str] = ()) -> list[Item]:
    picked = [i for i in items if i.url in urls or i.title in titles]
    assert len(picked) == len(urls) + len(titles)
    return picked


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings.model_validate(tomllib.loads(default_config_text()))


def test_real_excerpt_names_chatgpt_in_passing():
    passing = _pick(_case_items(), titles=[OUTAGE_TITLE])[0]
    assert "ChatGPT threw errors" in passing.text  # the excerpt this test is about


def test_outage_story_that_names_chatgpt_in_passing_is_dropped(settings: Settings):
    items = _case_items()
    outage = _pick(items, urls=OUTAGE, titles=[OUTAGE_TITLE])
    result = filter_relevant([Story(id="outage", title=outage[0].title, items=outage)], settings)
    assert result.stories == []
    reasons = {d.title: d.reason for d in result.dropped}
    assert "AI term only in passing: chatgpt" in reasons[OUTAGE_TITLE]


def test_item_whose_lead_is_about_an_ai_product_is_kept(settings: Settings):
    qwen = _pick(_case_items(), titles=[QWEN_APP_TITLE])
    result = filter_relevant([Story(id="qwen", title=qwen[0].title, items=qwen)], settings)
    assert [i.title for s in result.stories for i in s.items] == [QWEN_APP_TITLE]
    assert result.dropped == []


def test_ai_term_in_the_title_keeps_an_item(settings: Settings):
    # Its title names an AI term (NVIDIA); it sits far from every section description (~0.16).
    title = "NVIDIA third quarter fiscal 2026 results"
    item = _pick(_case_items(), titles=[title])
    result = filter_relevant([Story(id="nv", title=title, items=item)], settings)
    assert [i.title for s in result.stories for i in s.items] == [title]
