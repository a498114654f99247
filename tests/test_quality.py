"""The real evaluation cases, the report-quality detectors and `dailybrief eval report`."""

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dailybrief.cli import app
from dailybrief.errors import EvalError
from dailybrief.models import Paragraph, Reference, Report, ReportSection, ReportStory
from dailybrief.process.normalise import canonical_url
from dailybrief.quality import prose
from dailybrief.quality.cases import load_case
from dailybrief.quality.runner import CaseRun, DayRun
from dailybrief.quality.scoring import (
    memory,
    placement,
    prose_checks,
    section_agreement,
)
from dailybrief.store.stories import MergeLogEntry, StoredStory, StoryBuild

REAL = Path(__file__).parent / "data" / "real"
CASES = sorted(p for p in REAL.iterdir() if p.is_dir())


# -- the cases --------------------------------------------------------------------------------


def test_there_are_three_real_windows_of_sixty_items_or_more():
    assert len(CASES) >= 3
    for folder in CASES:
        rows = [json.loads(line) for line in (folder / "items.jsonl").read_text("utf-8").splitlines()]
        assert len(rows) >= 60, folder.name
        assert len({r["source_kind"] for r in rows}) >= 4, folder.name
        assert {r["lang"] for r in rows} == {"en", "zh"}
        assert all(len(r["content"]) <= 600 for r in rows)


def test_one_case_is_at_least_a_quarter_chinese():
    shares = []
    for folder in CASES:
        rows = [json.loads(line) for line in (folder / "items.jsonl").read_text("utf-8").splitlines()]
        shares.append(sum(r["lang"] == "zh" for r in rows) / len(rows))
    assert max(shares) >= 0.25


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
def test_every_item_is_labelled_and_every_label_names_an_item(folder):
    case = load_case(folder)
    urls = {canonical_url(json.loads(line)["url"]) for line in (folder / "items.jsonl").read_text("utf-8").splitlines()}
    assert urls == set(case.items)
    assert len(case.report_days) == 5
    off = [u for u, g in case.items.items() if g.off_topic]
    oow = [u for u, g in case.items.items() if g.out_of_window]
    assert off and oow
    assert {g.story for g in case.items.values()} == set(case.stories)
    assert all(s.section for s in case.stories.values())


def _case_folder(tmp_path, labels):
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "items.jsonl").write_text(
        '{"url": "https://example.com/a", "title": "A", "published": "2025-11-18T10:00:00Z"}\n', "utf-8")
    if labels is not None:
        (folder / "labels.json").write_text(labels, "utf-8")
    return folder


def test_a_missing_label_file_is_named(tmp_path):
    with pytest.raises(EvalError, match=r"labels\.json: label file missing"):
        load_case(_case_folder(tmp_path, None))


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ("{not json", r"labels\.json: not valid JSON"),
        ('{"report_days": ["2025-11-19"], "items": {}}', r"labels\.json: missing key 'stories'"),
        ('{"report_days": ["2025-11-19"], "items": {}, "stories": {"s": {"section": "sports"}}}',
         r"labels\.json: story 's' has unknown section 'sports'"),
        ('{"report_days": ["2025-11-19"], "stories": {}, "items": {"https://example.com/a": {"story": "x"}}}',
         r"labels\.json: item https://example.com/a names unknown story 'x'"),
        ('{"report_days": ["19 Nov"], "stories": {}, "items": {}}', r"'report_days' must be a list of YYYY-MM-DD"),
    ],
)
def test_a_malformed_label_file_is_named_with_the_problem(tmp_path, labels, message):
    with pytest.raises(EvalError, match=message):
        load_case(_case_folder(tmp_path, labels))


# -- the detectors, on real excerpts ----------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Tony Cheng · published Apr 15, 2026 · seen 5d",
        "OpinionSignals & Early TrendsIdeas & Deep Analysis",
        "structure|1️⃣ 三级笔记",
        "🚀 什么是 Google Antigravity?✨ 核心亮点",
        "发布时间:2025-11-21 01:05:14 浏览量:14",
        "By signing in or creating an account, you agree with Associated Broadcasting Company's Terms & Conditions.",
        "Home / Technology / Tech News / OpenAI to rival WhatsApp as it tests group chats in ChatGPT",
        "AI PM 编辑部 · 2025年12月03日 · 10 阅读 · AI/人工智能",
    ],
)
def test_page_furniture_is_detected(sentence):
    assert prose.is_furniture(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "作为高效JavaScript/TypeScript运行时,Bun的性能优势与Anthropic在AI安全与模型架构上的领先能力相结合[3]。",
        "12月1日,DeepSeek-AI 悄然上线了他们的全新一代大规模语言模型 DeepSeek-V3.2,并在 Hugging Face 和 ModelScope 上同步开源[2]。",
        "Revenue climbed 62% to a record $57.01 billion.",
        "Gemini 3.1 Pro由 LayerLens 最早报道，NetworkCraft随后跟进[7][10]。",
    ],
)
def test_news_sentences_are_not_furniture(sentence):
    assert not prose.is_furniture(sentence)


def test_report_language_ignores_attributed_quotations():
    assert prose.in_language("据 TechCrunch 报道：“Amazon launches Trainium3 with four times the performance.”[2]", "zh")
    assert not prose.in_language("Amazon Web Services has unveiled its latest AI chip, Trainium3[1].", "zh")
    assert prose.in_language("AWS推出搭載Trainium3晶片的UltraServers伺服器[1]。", "zh")
    assert not prose.in_language("阿里巴巴开源了新一代大模型 Qwen 3.5-Plus[1]。", "en")
    # Outlet names in a Chinese sentence, and quotations that nest, from real reports.
    assert prose.in_language("Cloudflare由 ogunlana.net 最早报道，IsYourWebsiteDownRightNow、The Pixel Pakistan随后跟进[2][9]。", "zh")
    assert prose.in_language("据 Cineplex360 报道：“Pichai has cautioned against the “irrationality” of the boom.”[4]。", "zh")
    assert len(prose.sentences("据 SiliconANGLE 报道：“U.S. President Donald Trump could sign an order.”[3]。")) == 1


def test_openers_and_unfinished_enumerations():
    assert prose.dangling_opener("与此同时，谷歌发布了 Gemini 3[2]。")
    assert prose.dangling_opener("However, the data shows a tight race in pure coding tasks.")
    assert not prose.dangling_opener("谷歌发布了 Gemini 3[2]。")
    assert prose.incomplete("争议核心有二：一是 Seedance 2.0 的训练数据来源。")
    assert not prose.incomplete("争议核心有二：一是训练数据来源，二是生成内容的肖像权。")
    assert prose.incomplete("在 SWE-bench Verified 上，Gemini 3 Pro 得分 76.2%；")


def test_repeated_figures_and_near_duplicates_in_a_section():
    section = [
        "英伟达Q3营收570.06亿美元,同比增长62%[1]。",
        "数据中心业务营收512亿美元[2]。",
        "第三季度英伟达收入为570.06亿美元,这也是连续九个季度营收持续增长[3]。",
    ]
    assert prose.repeated_facts(section) == 1
    assert prose.figures("Revenue climbed 62% to a record $57.01 billion in 2025.") == {"62", "57.01"}
    assert prose.figures("据 Cineplex360 报道：“…”") == set()  # a number inside a name is not a figure
    # a version after a name and a number inside a hyphenated identifier are parts of names
    assert prose.figures("Grok 4.20 由 Abdulaziz Alshamsi 最早报道，延续 2 月 18 日的报道[6]。") == set()
    assert prose.figures("Qwen3.6-35B-A3B 是一款 35B 参数的模型。") == {"35"}
    assert prose.figures("营收 4.20 亿美元") == {"4.20"}


# -- scoring, on a hand-made two-day run ------------------------------------------------------


def _case_and_run():
    folder = CASES[0]
    case = load_case(folder)
    by_story = {}
    for url, gold in case.items.items():
        by_story.setdefault(gold.story, []).append(url)
    g3, nvq3, cloud = by_story["g3"], by_story["nvq3"], by_story["cloudflare"]

    def day(d, stories, shown, primary=None):
        sections = [ReportSection(id=sec, title=sec, paragraphs=[Paragraph(text=text)], stories=[
            ReportStory(id=sid, title=sid, item_urls=urls, importance=1.0)]) for sec, sid, urls, text in shown]
        report = Report(date=d, title="t", summary="", sections=sections,
                        references=[Reference(n=1, title="x", url=g3[0])])
        build = StoryBuild(1, d, "", "", "", [StoredStory(sid, sid, status, urls) for sid, status, urls in stories],
                           [MergeLogEntry("duplicate", a, b) for a, b in (primary or {}).items()])
        window = [u for _, _, urls in stories for u in urls]
        return DayRun(date.fromisoformat(d), report, build, {u: u for u in window}, window)

    day1 = day("2025-11-19", [("s1", "new", g3[:2]), ("s2", "new", cloud[:1])],
               [("research", "s1", g3[:2], "谷歌发布 Gemini 3[1]。"), ("other", "s2", cloud[:1], "Cloudflare 故障。")])
    day2 = day("2025-11-20", [("s3", "update", g3[2:4]), ("s4", "update", nvq3[:2])],
               [("research", "s3", g3[2:4], "Gemini 3 继续上线[1]。"), ("compute", "s4", nvq3[:2], "英伟达营收。")])
    return case, CaseRun(case, [day1, day2], {})


def test_placement_counts_shown_off_topic_items():
    case, run = _case_and_run()
    values = placement(case, run)
    assert values["placed"] == 1.0
    assert values["offtopic_shown"] == 1
    assert values["oow_shown"] == 0


def test_memory_counts_recognised_continuations_and_false_updates():
    case, run = _case_and_run()
    values = memory(case, run)
    assert values["continuations"] == 1 and values["recognised"] == 1.0
    assert values["new_stories"] == 2  # g3 on day 1, nvq3 on day 2 (cloudflare is off-topic)
    assert values["false_update"] == 0.5  # nvq3 was new but marked update


def test_section_agreement_is_a_rand_index_over_placed_items():
    case, run = _case_and_run()
    assert section_agreement(case, run) == 1.0


def test_prose_checks_count_foreign_sentences():
    _, run = _case_and_run()
    counts = prose_checks(run, "zh")
    assert counts["sentences"] == 4 and counts["foreign"] == 0
    assert prose_checks(run, "en")["foreign"] == 4


# -- the command --------------------------------------------------------------------------------


def test_eval_report_builds_a_small_case_in_a_temporary_home(tmp_path, monkeypatch):
    """Two days of a real case; the user's home (DAILYBRIEF_HOME) is never created."""
    source = CASES[1]
    labels = json.loads((source / "labels.json").read_text("utf-8"))
    rows = [json.loads(line) for line in (source / "items.jsonl").read_text("utf-8").splitlines()]
    keep = [r for r in rows if r["published"][:10] in ("2025-12-01", "2025-12-02")][:18]
    folder = tmp_path / "small"
    folder.mkdir()
    (folder / "items.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in keep), "utf-8")
    labels["report_days"] = ["2025-12-02", "2025-12-03"]
    labels["items"] = {r["url"]: labels["items"][r["url"]] for r in keep}
    (folder / "labels.json").write_text(json.dumps(labels, ensure_ascii=False), "utf-8")
    home = tmp_path / "user-home"
    monkeypatch.setenv("DAILYBRIEF_HOME", str(home))
    result = CliRunner().invoke(app, ["eval", "report", str(folder), "--markdown"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("| 2025-12-01"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert "18 items" in cells[0]
    assert 0.5 <= float(cells[1]) <= 1.0  # story F1
    assert not home.exists()


def test_eval_report_names_a_broken_case(tmp_path):
    folder = _case_folder(tmp_path, '{"stories": {}}')
    result = CliRunner().invoke(app, ["eval", "report", str(folder)])
    assert result.exit_code != 0
    assert "labels.json: missing key 'report_days'" in str(result.exception) + result.output
