"""The second pass over a day's stories (process/story_pairs.py), on real excerpts."""

import json
from pathlib import Path

from dailybrief.importer import read_file
from dailybrief.models import Story
from dailybrief.process.story_pairs import amounts, cjk_names, merge_small_stories

CASE = Path(__file__).parent / "data" / "real" / "2025-11-17_gemini3-week"


def _items_of(*stories):
    labels = json.loads((CASE / "labels.json").read_text("utf-8"))["items"]
    items, _ = read_file(CASE / "items.jsonl")
    by_url = {it.url: it for it in items}
    return {s: [by_url[u] for u, v in labels.items() if v["story"] == s and not v["out_of_window"]] for s in stories}


def test_amounts_are_the_same_across_languages():
    assert amounts("Microsoft and Nvidia have agreed to invest up to $15 billion") == {"1.5e+10"}
    assert amounts("合計投資人工智慧（AI）新創公司Anthropic最多150億美元") == {"1.5e+10"}
    assert amounts("英伟达实现营收570.06亿美元") == amounts("Revenue climbed 62% to a record $57.01 billion.")
    assert amounts("a 62% increase") == set()


def test_chinese_pieces_need_no_segmentation():
    assert {"千问", "阿里"} <= cjk_names("阿里巴巴推出了名为“千问App”的全新应用")


def _story(sid, items):
    return Story(id=sid, title=items[0].title, items=items)


def test_a_traditional_chinese_report_joins_the_deal_it_reports():
    found = _items_of("msanth")["msanth"]
    chinese = [it for it in found if "輝達、微軟將向" in it.title]
    rest = [it for it in found if it not in chinese]
    merged, log = merge_small_stories([_story("deal", rest), _story("single", chinese)])
    assert len(merged) == 1 and len(merged[0].items) == len(found)
    assert log[0].into_id == "deal" and "$1.5e+10" in log[0].shared


def test_an_unrelated_small_story_stays_apart():
    found = _items_of("msanth", "cloudflare", "olmo3")
    stories = [_story("deal", found["msanth"]), _story("outage", found["cloudflare"][:1]),
               _story("olmo", found["olmo3"][:1])]
    merged, log = merge_small_stories(stories)
    assert [s.id for s in merged] == ["deal", "outage", "olmo"] and log == []
