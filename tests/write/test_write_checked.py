"""A report whose parts the verifier empties is not published as if it were fine (issue 14,
bug 6): emptied sections and summary are rewritten extractively; nothing left is an error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from dailybrief.config import load_settings
from dailybrief.errors import WriterError
from dailybrief.importer import import_file
from dailybrief.pipeline import BuildOptions, build
from dailybrief.store import Store
from dailybrief.write.base import WriteContext
from dailybrief.write.checked import verified_report
from dailybrief.write.draft import Draft, DraftParagraph, DraftSection, DraftSentence

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src" / "dailybrief" / "samples" / "2026-04-17.jsonl"
DAY = date(2026, 4, 17)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("checked-home")
    with Store.open(path) as store:
        import_file(store, SAMPLE)
    return path


class WrongFigures:
    """A writer whose every sentence states a figure its item does not (what a small model did)."""

    id = "wrong-figures"

    def __init__(self) -> None:
        self.seen: tuple = ()

    def write(self, sections, context: WriteContext) -> Draft:
        self.seen = (sections, context)
        drafted = [
            DraftSection(
                id=s.id,
                title=s.title,
                story_ids=[st.id for st in s.stories[:2]],
                paragraphs=[
                    DraftParagraph(
                        sentences=[DraftSentence(text="该公司估值 98765 亿美元。", sources=[st.items[0].url])]
                    )
                    for st in s.stories[:2]
                ],
            )
            for s in sections
        ]
        summary = [DraftSentence(text="全行业营收增长 777%。", sources=[sections[0].stories[0].items[0].url])]
        return Draft(title="t", summary=summary, sections=drafted, notes={"writer": self.id})


def test_sections_emptied_by_verification_fall_back_to_the_extractive_writer(home: Path) -> None:
    writer = WrongFigures()
    with Store.open(home) as store:
        options = BuildOptions(day=DAY, out_dir=home / "out", formats=("md",), writer_instance=writer)
        report = build(store, load_settings(home), options).report
    emptied = report.stats["writer"]["emptied"]
    assert "summary" in emptied and len(emptied) == len(report.sections) + 1
    assert report.summary and all(section.paragraphs for section in report.sections)
    assert "98765" not in json.dumps([p.text for s in report.sections for p in s.paragraphs], ensure_ascii=False)
    verification = report.stats["verification"]
    assert verification["unsupported"] >= len(report.sections)  # the model's sentences, listed
    assert verification["supported"] > 20

    # nothing supported at all (the items' text is not available): one clear error
    sections, context = writer.seen
    draft = writer.write(sections, context)
    with pytest.raises(WriterError, match="no sentence of the 2026-04-17 report is supported"):
        from dailybrief.write.assemble import build_report

        built = build_report(draft, sections, context.settings, context.date, context.language, {})
        verified_report(built, draft, sections, context, {})


def test_verify_exits_1_on_a_report_with_sections_but_no_sentences(home: Path, tmp_path: Path) -> None:
    report = json.loads((ROOT / "tests" / "data" / "report-sample.json").read_text("utf-8"))
    report["summary"] = ""
    for section in report["sections"]:
        section["paragraphs"] = []
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report, ensure_ascii=False), "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "dailybrief", "--home", str(home), "verify", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "0/0 sentences supported" in done.stdout and "no sentence to verify" in done.stdout
