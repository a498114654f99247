"""The section's layout: the model may write a numbered story list (one entry per story, with a
bold lead) for a section of three or more stories; the answer is validated and repaired."""

from __future__ import annotations

import json
from collections import deque
from datetime import datetime, timezone

from llmfakes import ChatServer, FakeModel

from dailybrief.config import LLMSettings, Settings
from dailybrief.models import Item, Section, Story
from dailybrief.write.base import WriteContext
from dailybrief.write.llm import MapReduceWriter
from dailybrief.write.openai_compat import ChatClient

WHEN = datetime(2026, 4, 16, 10, tzinfo=timezone.utc)
TEXTS = [
    ("Parcae 架构发布", "UCSD 和 Together AI 提出 Parcae，生成质量追平两倍规模的 Transformer。代码已开源。"),
    ("ResBM 激活压缩 128 倍", "Macrocosmos 提出 ResBM，把阶段间激活压缩 128 倍。损失只有小幅上升。"),
    ("英伟达发布量子模型 Ising", "NVIDIA 发布 Ising，一组加速量子计算研究的开源 AI 模型。它面向校准和纠错两个问题。"),
]


def research(n: int = 3) -> list[Section]:
    stories = []
    for i, (title, text) in enumerate(TEXTS[:n]):
        item = Item(url=f"https://ex.org/{i}", title=title, published=WHEN, lang="zh", source="源", content=text)
        stories.append(Story(id=f"s{i}", title=title, items=[item], importance=3 - i))
    return [Section(id="research", title="研究", stories=stories)]


def context() -> WriteContext:
    return WriteContext(date="2026-04-17", language="zh", settings=Settings())


def answer(layout: str, paragraphs: list[dict]) -> str:
    return json.dumps({"headline": "研究：更小、更快", "layout": layout, "paragraphs": paragraphs}, ensure_ascii=False)


def test_the_loopback_model_writes_a_numbered_story_list(monkeypatch) -> None:
    with ChatServer() as server:
        settings = LLMSettings(backend="openai", base_url=server.base_url, model="m", api_key_env="NO_SUCH_KEY_ENV")
        draft = MapReduceWriter(ChatClient(settings)).write(research(), context())
        section_request = next(b for _, b in server.requests if b["messages"][0]["content"].startswith("TASK: section"))
    system, _example, _answer, user = (m["content"] for m in section_request["messages"])
    assert '"list"' in system and '"lead"' in system and "Length: about 500 Chinese characters" in user
    section = draft.sections[0]
    assert section.layout == "list" and [p.lead for p in section.paragraphs] == [t for t, _ in TEXTS]
    assert [p.sentences[0].sources for p in section.paragraphs] == [[f"https://ex.org/{i}"] for i in range(3)]
    assert section.story_ids == ["s0", "s1", "s2"] and draft.notes["repairs"] == 0


def test_a_canned_list_answer_is_kept_in_the_order_written() -> None:
    canned = answer("list", [
        {"lead": "ResBM", "text": "Macrocosmos 提出 ResBM，把激活压缩 128 倍[2]。"},
        {"lead": "Parcae", "text": "Parcae 追平两倍规模的 Transformer[1]。代码已开源[1]。"},
        {"lead": "Ising", "text": "NVIDIA 发布 Ising[3]。"},
    ])
    model = FakeModel(script=deque([canned]))
    draft = MapReduceWriter(model, concurrency=1).write(research(), context())
    section = draft.sections[0]
    assert section.layout == "list" and [p.lead for p in section.paragraphs] == ["ResBM", "Parcae", "Ising"]
    assert [s.text for s in section.paragraphs[1].sentences] == ["Parcae 追平两倍规模的 Transformer。", "代码已开源。"]
    assert section.story_ids == ["s1", "s0", "s2"]


def test_invalid_lists_get_one_repair_that_says_why() -> None:
    cases = [
        (research(2), answer("list", [{"lead": "a", "text": "甲[1]。"}, {"lead": "b", "text": "乙[2]。"}]),
         "needs 3 or more stories"),
        (research(), answer("list", [{"lead": "a", "text": "甲[1]。乙[2]。"}, {"lead": "b", "text": "丙[3]。"}]),
         "list entry 1 cites sources of 2 stories"),
        (research(), answer("list", [{"lead": None, "text": "甲[1]。"}, {"lead": "b", "text": "乙[2]。"},
                                     {"lead": "c", "text": "丙[3]。"}]), 'list entry 1 has no "lead"'),
        (research(), answer("prose", [{"text": "这段没有引用。"}]), "cites no source number"),
    ]
    for sections, canned, problem in cases:
        model = FakeModel(script=deque([canned]))
        draft = MapReduceWriter(model, concurrency=1).write(sections, context())
        repair = model.calls[1]
        assert [m["role"] for m in repair] == ["system", "user", "assistant", "user", "assistant", "user"]
        assert problem in repair[-1]["content"], repair[-1]["content"]
        assert draft.notes["repairs"] == 1 and draft.notes["fallbacks"] == []


def test_prose_answers_and_the_sentence_form_are_accepted() -> None:
    canned = json.dumps({"headline": "研究：两条路线", "paragraphs": [
        {"sentences": [{"text": "Macrocosmos 提出 ResBM。", "cite": [2]}]},
        {"lead": "ignored in prose", "text": "Parcae 追平两倍规模的 Transformer [1, 3]。"},
    ]}, ensure_ascii=False)
    draft = MapReduceWriter(FakeModel(script=deque([canned])), concurrency=1).write(research(), context())
    section = draft.sections[0]
    assert section.layout == "prose" and [p.lead for p in section.paragraphs] == [None, None]
    assert section.paragraphs[1].sentences[0].sources == ["https://ex.org/0", "https://ex.org/2"]
    assert section.paragraphs[1].sentences[0].text == "Parcae 追平两倍规模的 Transformer。"
