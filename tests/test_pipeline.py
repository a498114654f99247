"""End to end: the bundled sample day through the whole pipeline, and the Report contract."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from dailybrief.config import load_settings
from dailybrief.importer import import_file, read_file
from dailybrief.models import Report
from dailybrief.pipeline import BuildOptions, build
from dailybrief.process.window import report_window
from itemfiles import SAMPLE

DOCS = Path(__file__).resolve().parents[1] / "docs" / "report-json.md"
DAY = date(2026, 4, 17)
MARK = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    from dailybrief.store import Store

    with Store.open(home) as store:
        import_file(store, SAMPLE)
        result = build(store, load_settings(home), BuildOptions(day=DAY, out_dir=home / "reports", formats=("md", "html")))
    return home, result


def cited_numbers(report: Report) -> list[int]:
    texts = [report.summary] + [p.text for s in report.sections for p in s.paragraphs]
    return [int(n) for text in texts for n in MARK.findall(text)]


def test_every_citation_resolves_and_every_reference_is_cited(sample_build):
    _, result = sample_build
    report = result.report
    numbers = cited_numbers(report)
    assert numbers, "the report cites nothing"
    assert [r.n for r in report.references] == list(range(1, len(report.references) + 1))
    assert set(numbers) == {r.n for r in report.references}
    # numbered in order of first citation
    first_seen = list(dict.fromkeys(numbers))
    assert first_seen == sorted(first_seen)
    for section in report.sections:
        for paragraph in section.paragraphs:
            assert paragraph.citations == list(dict.fromkeys(int(n) for n in MARK.findall(paragraph.text)))


def test_report_contract_and_its_documentation(sample_build):
    home, result = sample_build
    data = json.loads((home / "reports" / "2026-04-17" / "report.json").read_text("utf-8"))
    for key in ("date", "title", "summary", "sections", "references", "stats"):
        assert key in data
    assert data["date"] == "2026-04-17"
    section = data["sections"][0]
    assert {"id", "title", "paragraphs", "stories"} <= set(section)
    assert {"text", "citations"} <= set(section["paragraphs"][0])
    assert {"id", "title", "item_urls", "importance"} <= set(section["stories"][0])
    assert {"n", "title", "url", "source", "published"} <= set(data["references"][0])
    assert {"items_in_window", "stories", "seconds"} <= set(data["stats"])
    Report.model_validate(data)
    documented = DOCS.read_text("utf-8")
    for name in list(Report.model_fields) + ["item_urls", "importance", "citations", "items_in_window", "seconds"]:
        assert f"`{name}`" in documented, f"{name} is not documented in docs/report-json.md"


def test_sample_report_shape(sample_build):
    _, result = sample_build
    report = result.report
    stats = report.stats
    assert 4 <= len(report.sections) <= 6
    assert stats["duplicates"] >= 3
    assert len(stats["dropped"]) >= 5
    for section in report.sections:
        assert 2 <= len(section.paragraphs) <= 4 or section.layout == "list"
        assert section.stories
    # stories that several sources cover, some in both languages
    multi = [s for sec in report.sections for s in sec.stories if len(s.item_urls) >= 3]
    assert len(multi) >= 8


def test_only_in_window_on_topic_items_are_cited(sample_build):
    home, result = sample_build
    items, _ = read_file(SAMPLE)
    start, end = report_window(DAY, load_settings(home).report)
    by_url = {i.url: i for i in items}
    for ref in result.report.references:
        cited = by_url[ref.url]
        assert start <= cited.published < end
        assert not str(cited.extra.get("story", "")).startswith("offtopic-")
    for sec in result.report.sections:
        for story in sec.stories:
            for url in story.item_urls:
                assert not str(by_url[url].extra.get("story", "")).startswith("offtopic-")


def test_english_report_from_the_same_stories(tmp_path):
    from dailybrief.store import Store

    with Store.open(tmp_path) as store:
        import_file(store, SAMPLE)
        result = build(store, load_settings(tmp_path), BuildOptions(day=DAY, out_dir=tmp_path / "r", language="en", formats=("md",)))
    report = result.report
    assert report.language == "en" and report.title == "AI Technology Daily Analysis"
    body = " ".join(p.text for s in report.sections for p in s.paragraphs)
    han = len(re.findall(r"[\u4e00-\u9fff]", body))
    assert han < len(body) * 0.05, "an English report should be written from English sentences"


def test_a_day_without_items_gives_a_short_report(tmp_path):
    from dailybrief.store import Store

    with Store.open(tmp_path) as store:
        result = build(store, load_settings(tmp_path), BuildOptions(day=date(2030, 1, 1), out_dir=tmp_path / "r", formats=("md",)))
    assert result.report.sections == [] and result.report.references == []
    assert "没有" in result.report.summary
    assert (tmp_path / "r" / "2030-01-01" / "report.md").exists()


def test_cli_demo_writes_the_four_files(tmp_path):
    out = tmp_path / "demo"
    proc = subprocess.run(
        [sys.executable, "-m", "dailybrief", "demo", "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    folder = out / "2026-04-17"
    for name in ("report.md", "report.html", "report.pdf", "report.json"):
        assert (folder / name).stat().st_size > 0
        assert str((folder / name).resolve()) in proc.stdout
    pdf_text = subprocess.run(["pdftotext", str(folder / "report.pdf"), "-"], capture_output=True, text=True).stdout
    assert "摘要" in pdf_text and "参考文献" in pdf_text
    report = Report.model_validate_json((folder / "report.json").read_text("utf-8"))
    assert set(cited_numbers(report)) == {r.n for r in report.references}


def test_chinese_sentences_also_cite_the_english_sources_they_report_on(sample_build):
    _, result = sample_build
    report = result.report
    english = [r for r in report.references if r.lang == "en"]
    # The company posts and wire stories behind the Chinese coverage are cited beside it.
    assert len(english) >= 10
    sources = {r.source for r in english}
    assert {"Anthropic", "OpenAI"} & sources or len(sources) >= 5
    assert report.stats["verification"]["unsupported"] == 0
