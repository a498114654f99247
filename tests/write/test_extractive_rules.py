"""The extractive writer's sentence rules on real excerpts (verbatim, short, with their URLs):
referring openers, open enumerations and endings, relative dates, attributed quotations."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from dailybrief.config import Settings
from dailybrief.models import Item, Section, Story
from dailybrief.write.base import WriteContext
from dailybrief.write.editing import (
    absolute_dates,
    close_semicolons,
    ends_open,
    incomplete_enumeration,
    opener,
    without_opener,
)
from dailybrief.write.extractive import ExtractiveWriter, language_warnings

ITHOME = "https://ithome.com/0/844/946.htm"
HYPER = "https://hyper.ai/en/headlines/1f58e63f4ecf213badc24082722e71d7"
TYYE = "https://tyye.cn/post_1712844402h2j.html"


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("同时,系统正从单集群转向多集群架构,未来的训练可能涉及 1000 万块 GPU 规模的协作学习,其容错能力需要进一步提升。", "connective"),  # ITHOME
        ("不过,这也帮助 OpenAI 打造了更为强大的技术栈:如今可以仅用 5-10 人便复刻出 GPT-4 级别的大模型。", "connective"),  # ITHOME
        ("其中,位置输入能力指的是根据指定的区域回答问题(下方左图);位置输出能力指的则是定位对话中提及的物体(下方右图):", "reference"),  # TYYE
        ("This new release outperforms OpenAI’s GPT-4.1 on several agentic-coding benchmarks, adding another layer "
         "of complexity to OpenAI’s strategic plann", "reference"),  # HYPER
        ("However, the deadline came and went with no release.", "connective"),  # https://ailatestbyte.com/?p=2280
        ("GPT-4.5 项目启动于两年前,是 OpenAI 迄今为止最周密的计划,涉及数百人团队协作。", None),  # ITHOME
    ],
)
def test_openers_are_recognised(sentence: str, kind: str | None) -> None:
    found = opener(sentence)
    assert (found[0] if found else None) == kind


def test_a_dropped_connective_can_uncover_a_reference() -> None:
    # ITHOME: without "不过" the sentence opens on "这也", which refers to what came before.
    rest = without_opener("不过,这也帮助 OpenAI 打造了更为强大的技术栈。")
    assert rest.startswith("这也") and opener(rest)[0] == "reference"
    assert without_opener("However, the deadline came and went with no release.") == "The deadline came and went with no release."


@pytest.mark.parametrize(
    ("sentence", "incomplete"),
    [
        ("这样做带来了两个好处:", True),  # TYYE, a list follows on the page
        ("争议核心有二：一是 TurboQuant 是否充分、准确地引用了南洋理工大学团队此前提出的 RaBitQ。", True),  # issue 10
        ("争议核心有二：一是引用是否充分；二是对比实验是否公平。", False),
        ("The complaint, raised by people familiar with RaBitQ, is twofold.", True),
        ("Instead, OpenAI cited:", True),  # https://ailatestbyte.com/?p=2280
    ],
)
def test_open_enumerations_and_endings(sentence: str, incomplete: bool) -> None:
    assert (incomplete_enumeration(sentence) or ends_open(sentence)) is incomplete


def test_inner_semicolons_close_into_one_sentence() -> None:
    # TYYE: "…(下方左图);位置输出…" — a Chinese "；" would split the sentence once it is cited.
    assert close_semicolons("熟练的人类平均需要 38 步操作，完成率为 91%；最强智能体不到一半；") == (
        "熟练的人类平均需要 38 步操作，完成率为 91%，最强智能体不到一半。"
    )


PUBLISHED = datetime(2025, 7, 11, 21, 0, tzinfo=timezone.utc)  # a Friday evening in New York


@pytest.mark.parametrize(
    ("sentence", "dated", "dropped"),
    [
        # https://sd114.wiki/15658.html
        ("OpenAI 于今日正式推出其最新旗舰模型 —— GPT-5,标志着 ChatGPT 进入一个全新阶段。",
         "OpenAI 于 7 月 12 日正式推出其最新旗舰模型 —— GPT-5,标志着 ChatGPT 进入一个全新阶段。",
         "OpenAI 正式推出其最新旗舰模型 —— GPT-5,标志着 ChatGPT 进入一个全新阶段。"),
        # HYPER
        ("Sam Altman, CEO of OpenAI, announced on Friday that the release of the company’s open AI model has been delayed.",
         "Sam Altman, CEO of OpenAI, announced on July 11 that the release of the company’s open AI model has been delayed.",
         "Sam Altman, CEO of OpenAI, announced that the release of the company’s open AI model has been delayed."),
    ],
)
def test_relative_dates_become_absolute_in_the_report_timezone(sentence: str, dated: str, dropped: str) -> None:
    # Published 21:00 UTC on Friday 11 July = Saturday 12 July 05:00 in Shanghai: "今日" is the 12th,
    # while "on Friday" (the nearest Friday on or before the 12th) is the 11th.
    assert absolute_dates(sentence, PUBLISHED, "Asia/Shanghai", 2025) == (dated, dropped)


def _item(url: str, title: str, text: str, lang: str, source: str, kind: str = "news", when: datetime = PUBLISHED) -> Item:
    return Item(url=url, title=title, published=when, source=source, source_kind=kind, lang=lang, content=text)


def _context(language: str = "zh") -> WriteContext:
    return WriteContext(date="2025-07-12", language=language, settings=Settings())


def test_a_foreign_only_story_is_quoted_with_attribution_in_a_zh_report() -> None:
    # HYPER and https://techdrops.net/post/open-ai-delays-open-model-launch-indefinitely-focusing-on-safety
    items = [
        _item(HYPER, "OpenAI Delays Model Release for Safety Testing, Sam Altman Confirms",
              "Sam Altman, CEO of OpenAI, announced on Friday that the release of the company’s open AI model, "
              "originally scheduled for the following week, has been delayed indefinitely. OpenAI’s open model "
              "release is particularly significant as it marks the company’s first such release in years.",
              "en", "HyperAI"),
        _item("https://techdrops.net/post/open-ai-delays-open-model-launch-indefinitely-focusing-on-safety",
              "OpenAI Delays Open Model Launch Indefinitely: Focusing on Safety",
              "Sam Altman, the CEO, announced that the release is being delayed indefinitely. If you remember, it "
              "was already pushed back once this summer.", "en", "TechDrops", "blog"),
    ]
    sections = [Section(id="business", title="大模型商业与战略", stories=[Story(id="s", title=items[0].title, items=items)])]
    draft = ExtractiveWriter().write(sections, _context())
    body = [s for p in draft.sections[0].paragraphs for s in p.sentences]
    quotes = [s for s in body if s.kind == "quote"]
    assert quotes and len(quotes) <= 2
    for quote in quotes:
        assert quote.text.startswith(("据 HyperAI 报道：“", "TechDrops 在博客中写道：“")) and quote.text.endswith("”。")
    assert not [s for s in body if s.kind == "copied"]  # never the report's own voice
    notes = draft.notes["language"]
    assert notes["not_in_report_language"] == len(quotes) and "does not translate" in notes["why"]
    assert language_warnings(draft.notes)  # more than a third of the prose is English


def test_report_language_sentences_are_preferred_and_no_warning() -> None:
    text = (
        "GPT-4.5 项目启动于两年前,是 OpenAI 迄今为止最周密的计划,涉及数百人团队协作,阿尔特曼称 OpenAI 为了这一项目几乎是“全员上阵”。"
        "研发过程中,OpenAI 团队遇到了不少“灾难性问题”。"
        "不过,这也帮助 OpenAI 打造了更为强大的技术栈:如今可以仅用 5-10 人便复刻出 GPT-4 级别的大模型。"
        "同时,系统正从单集群转向多集群架构,未来的训练可能涉及 1000 万块 GPU 规模的协作学习,其容错能力需要进一步提升。"
    )
    zh = _item(ITHOME, "OpenAI 揭秘 GPT-4.5 训练:10 万块 GPU,几乎全员上阵,出现“灾难性问题”", text, "zh", "IT之家")
    en = _item(HYPER, "OpenAI Delays Model Release", "Sam Altman, CEO of OpenAI, announced on Friday that the "
               "release has been delayed indefinitely. OpenAI’s open model release is particularly significant.",
               "en", "HyperAI")
    story = Story(id="s", title=zh.title, items=[zh, en])
    draft = ExtractiveWriter().write([Section(id="research", title="模型架构与前沿研究", stories=[story])], _context())
    body = [s for p in draft.sections[0].paragraphs for s in p.sentences if s.kind != "lead"]
    assert body and all(s.kind == "copied" for s in body)
    assert not any(s.text.startswith(("不过", "同时", "这也")) for s in body)  # openers with nothing before them
    assert len(body) <= 2  # one item quoted at most twice
    assert not language_warnings(draft.notes)


def test_traditional_chinese_openers_and_an_enumeration_of_versions() -> None:
    # tests/data/real/2025-12-01_reinvent-week: https://news.cnyes.com/news/id/6259779 and
    # http://www.china-epc.com/appbspiderujVuk.html
    assert opener("此舉正值 Google 推出廣受好評的 Gemini 3 模型後，AI 產業競爭白熱化之際。")[0] == "reference"
    assert incomplete_enumeration(
        "作为“为Agent构建的推理优先模型”,DeepSeek-V3.2包含两个版本:DeepSeek-V3.2:V3.2-Exp的官方继任者,"
        "平衡了推理能力与生成长度,性能对标GPT-5,现已上线App、Web端及API。"
    )


def test_a_bare_weekday_after_a_verb_is_a_relative_date() -> None:
    # The AP wire story of the sample day: published 13:10 UTC on Thursday 16 April 2026.
    published = datetime(2026, 4, 16, 13, 10, tzinfo=timezone.utc)
    sentence = "OpenAI is moving engineers and computing capacity away, the ChatGPT maker confirmed Thursday."
    dated, dropped = absolute_dates(sentence, published, "Asia/Shanghai", 2026)
    assert dated.endswith("confirmed on April 16.") and dropped.endswith("maker confirmed.")
    assert absolute_dates("Monday's event was big.", published, "Asia/Shanghai", 2026)[0] == "Monday's event was big."
