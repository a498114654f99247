"""The extractive writer at section level on the bundled sample day: no repeated figure in a
section, quote budget per item, no open endings or dangling openers, data leads, section titles
that name stories, a 摘要 with one sentence per section, and sections in order of their most
important story."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, datetime, timezone

import pytest

from dailybrief.config import Settings, load_settings
from dailybrief.importer import import_file, read_file
from dailybrief.models import Section, Story
from dailybrief.pipeline import BuildOptions, build
from dailybrief.process.rank import rank_stories
from dailybrief.write.base import WriteContext
from dailybrief.write.editing import opener
from dailybrief.write.extractive import QUOTE_SENTENCES, ExtractiveWriter, lang_of
from dailybrief.write.numbers import SOFT_UNITS, quantities
from itemfiles import SAMPLE

DAY = date(2026, 4, 17)
# Gold stories of the sample day grouped into sections by hand.
SECTIONS = {
    "business": ["openai-enterprise-pivot"],
    "agents": ["claude-opus-4-7", "openai-agents-sdk-update", "tinyfish-agent-web-infra", "gemma4-local-agents-nvidia"],
    "safety": ["claude-mythos-fear-marketing", "eu-ai-act-omnibus-delay"],
    "research": ["parcae-looped-lm", "resbm-macrocosmos", "officearena-agent-benchmark"],
}
TITLES = {"business": "大模型商业与战略", "agents": "智能体与开发工具", "safety": "安全、政策与伦理", "research": "模型架构与前沿研究"}


@pytest.fixture(scope="module")
def drafted():
    items, _ = read_file(SAMPLE)
    by_story = defaultdict(list)
    for item in items:
        by_story[item.extra.get("story")].append(item)
    settings = Settings()
    start, end = datetime(2026, 4, 16, tzinfo=timezone.utc), datetime(2026, 4, 17, tzinfo=timezone.utc)
    sections = []
    for sid, labels in SECTIONS.items():
        stories = rank_stories([Story(id=label, title=by_story[label][0].title, items=by_story[label]) for label in labels],
                               settings, start, end)
        sections.append(Section(id=sid, title=TITLES[sid], stories=stories))
    context = WriteContext(date=DAY.isoformat(), language="zh", settings=settings)
    return sections, ExtractiveWriter().write(sections, context)


def _figures(text: str) -> list[tuple[float, str | None]]:
    return [(q.value, q.unit) for q in quantities(text) if q.unit not in SOFT_UNITS or q.unit is None]


def test_no_figure_is_stated_twice_in_a_section(drafted):
    _, draft = drafted
    for section in draft.sections:
        sentences = [s.text for p in section.paragraphs for s in p.sentences if s.kind != "lead"]
        counts = Counter(f for text in sentences for f in set(_figures(text)))
        assert not [f for f, n in counts.items() if n > 1], section.id


def test_quote_budget_and_several_sources(drafted):
    _, draft = drafted
    per_item = Counter(s.sources[0] for sec in draft.sections for p in sec.paragraphs for s in p.sentences
                       if s.kind != "lead")
    assert max(per_item.values()) <= QUOTE_SENTENCES
    business = [s.sources[0] for p in draft.sections[0].paragraphs for s in p.sentences if s.kind != "lead"]
    assert len(set(business)) >= 3, "an 11-item story draws on several sources"


def test_no_open_ending_and_no_dangling_opener(drafted):
    _, draft = drafted
    for section in draft.sections:
        for paragraph in section.paragraphs:
            previous = None
            for sentence in paragraph.sentences:
                assert not re.search(r"[；：;:，,]\s*$", sentence.text), sentence.text
                assert "有二：一是" not in sentence.text or "二是" in sentence.text
                if sentence.kind == "copied" and opener(sentence.text):
                    assert previous is not None and previous.sources[0] == sentence.sources[0], sentence.text
                previous = sentence


def test_data_lead_and_titles_that_name_the_stories(drafted):
    sections, draft = drafted
    agents = draft.sections[1]
    assert agents.title.startswith("智能体与开发工具：") and "TinyFish" in agents.title
    assert "Opus 4.7" in agents.title and "Agents SDK" in agents.title
    item_titles = {it.title for sec in sections for st in sec.stories for it in st.items}
    for section in draft.sections:
        assert section.title.split("：", 1)[-1] not in item_titles  # never a copied headline
        lead = section.paragraphs[0].sentences[0]
        assert lead.kind == "lead" and "最早报道" in lead.text and lang_of(lead.text) == "zh"


def test_summary_has_one_sentence_per_section_in_order(drafted):
    sections, draft = drafted
    assert len(draft.summary) == len(draft.sections)
    for sentence, section in zip(draft.summary, sections):
        top = {it.url for it in section.stories[0].items}
        assert sentence.sources[0] in top
        assert sentence.kind != "lead"


def test_sample_day_sections_follow_their_lead_story_and_verify(tmp_path):
    from dailybrief.store import Store

    with Store.open(tmp_path) as store:
        import_file(store, SAMPLE)
        result = build(store, load_settings(tmp_path), BuildOptions(day=DAY, out_dir=tmp_path / "r", formats=("md",)))
    report = result.report
    tops = [max(s.importance for s in sec.stories) for sec in report.sections if sec.id != "other"]
    assert tops == sorted(tops, reverse=True)
    assert report.stats["verification"]["unsupported"] == 0
    assert "本期共梳理" not in report.summary  # no count template
    assert report.stats["writer"]["language"]["not_in_report_language"] * 3 <= report.stats["writer"]["language"]["sentences"]


def test_an_english_only_day_in_a_zh_report_quotes_and_warns(tmp_path):
    """The sample day's English items alone, built as a zh report: no English sentence in the
    report's own voice, the build summary counts them and `build` warns in one line."""
    from dailybrief.store import Store
    from dailybrief.write.extractive import language_line

    rows = [line for line in SAMPLE.read_text("utf-8").splitlines() if '"lang": "en"' in line]
    english = tmp_path / "english.jsonl"
    english.write_text("\n".join(rows) + "\n", "utf-8")
    with Store.open(tmp_path) as store:
        import_file(store, english)
        result = build(store, load_settings(tmp_path), BuildOptions(day=DAY, out_dir=tmp_path / "r", formats=("md",)))
    counts = result.report.stats["writer"]["language"]
    assert counts["not_in_report_language"] * 3 > counts["sentences"] > 0
    assert any("--writer local" in w for w in result.warnings)
    assert language_line(result.report.stats["writer"]).startswith("language: ")
    for section in result.report.sections:
        for paragraph in section.paragraphs:
            for sentence in re.split(r"(?<=[。])", re.sub(r"“[^”]*”", "“”", paragraph.text)):
                assert not re.search(r"[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}", sentence), sentence  # no English voice
    assert result.report.stats["verification"]["unsupported"] == 0
