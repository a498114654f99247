"""The command line as an editor meets it: 80-column tables, times in the report's time zone,
plain help texts, `run` that writes no empty issue, reference titles with their own stop."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from rich.cells import cell_len

from clirun import run_cli
from dailybrief.models import Reference, Report
from dailybrief.render import render_report
from itemfiles import item, write_jsonl

LONG = "A very long headline about a model release " * 4


def run(home, *args, rc=0):
    return run_cli(home, *args, rc=rc, COLUMNS="80")


def test_items_fit_80_columns_one_line_each_in_the_report_time_zone(tmp_path):
    rows = [
        item(
            f"https://example.com/{n}",
            f"{LONG} {n}",
            published="2026-04-16T03:00:00Z",
            source="A source with a long outlet name",
        )
        for n in range(3)
    ]
    run(tmp_path, "import", str(write_jsonl(tmp_path / "in.jsonl", rows)))
    out = run(tmp_path, "items", "--date", "2026-04-17").stdout
    lines = out.rstrip("\n").split("\n")
    assert len(lines) == 1 + 3 + 1  # header, one line per item, the count
    assert all(cell_len(line) <= 80 for line in lines)
    assert all("2026-04-16 11:00" in line for line in lines[1:4])  # 03:00 UTC in Asia/Shanghai
    assert lines[-1] == "3 items; times in Asia/Shanghai"


def test_help_is_plain_text():
    out = subprocess.run(
        [sys.executable, "-m", "dailybrief", "build", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, COLUMNS="200"),
    ).stdout
    assert "<bool>" not in out and "╭" not in out
    assert "Output folder [default: HOME/reports]." in out


def test_run_writes_no_empty_issue_unless_asked(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dailybrief.toml").write_text("sources = []\n", "utf-8")
    out = tmp_path / "out"
    skipped = run(home, "run", "--date", "2026-04-17").stdout
    assert "no items for 2026-04-17: no report written" in skipped
    assert not (home / "reports" / "2026-04-17").exists()
    run(home, "run", "--date", "2026-04-17", "--allow-empty")
    assert json.loads((home / "reports" / "2026-04-17" / "report.json").read_text("utf-8"))["sections"] == []
    assert not out.exists()


def test_a_reference_title_with_its_own_stop_gets_no_period(tmp_path):
    report = Report(
        date="2026-04-17",
        title="AI 技术每日分析",
        summary="是真的吗[1]，还是假的[2]。",
        sections=[],
        references=[
            Reference(n=1, title="Is it real?", url="https://example.com/a"),
            Reference(n=2, title="真的吗？", url="https://example.com/b"),
        ],
    )
    result = render_report(report, tmp_path, formats=["md", "html", "wechat", "pdf"])
    assert not result.errors, result.errors
    md = (tmp_path / "report.md").read_text("utf-8")
    assert "*Is it real?* <" in md and "*真的吗？* <" in md
    for name, tag in (("report.html", "</cite>"), ("report.wechat.html", "</em>")):
        page = (tmp_path / name).read_text("utf-8")
        assert f"Is it real?{tag} " in page and f"真的吗？{tag} " in page, name
    pdf = subprocess.run(["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Is it real? " in pdf and "真的吗？." not in pdf and "Is it real?." not in pdf


def test_a_weight_given_with_sources_add_is_the_weight_ranking_uses(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dailybrief.toml").write_text("sources = []\n", "utf-8")
    run(home, "sources", "add", "Heavy", "https://example.com/feed.xml", "--kind", "rss", "--weight", "3.0")
    text = "Acme released Roadrunner 2, an open model that runs on one GPU, with weights and a technical report."
    rows = [
        item(
            "https://example.com/roadrunner",
            "Acme releases Roadrunner 2 open model",
            source="Heavy",
            source_kind="news",
            content=text,
        )
    ]
    run(home, "import", str(write_jsonl(tmp_path / "in.jsonl", rows)))
    run(home, "build", "--date", "2026-04-17", "--out", str(tmp_path / "out"))
    report = json.loads((tmp_path / "out" / "2026-04-17" / "report.json").read_text("utf-8"))
    (story,) = [s for section in report["sections"] for s in section["stories"]]
    assert story["importance"] >= 3.0  # one outlet of weight 3.0 (the kind alone would give 1.0)
