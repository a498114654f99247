"""The pipeline with a fake chat model (canned answers, call history), and the command line
against the loopback Chat Completions server: build, rebuild from the cache, verify."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from llmfakes import ChatServer, FakeModel

from dailybrief.config import load_settings
from dailybrief.importer import import_file
from dailybrief.pipeline import BuildOptions, build
from dailybrief.store import Store
from dailybrief.write.llm import MapReduceWriter

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src" / "dailybrief" / "samples" / "2026-04-17.jsonl"
DAY = date(2026, 4, 17)
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("llm-home")
    with Store.open(path) as store:
        import_file(store, SAMPLE)
    return path


def build_with(home: Path, model: FakeModel, language: str):
    writer = MapReduceWriter(model)
    with Store.open(home) as store:
        options = BuildOptions(day=DAY, out_dir=home / "out", language=language, formats=("md",), writer_instance=writer)
        return build(store, load_settings(home), options)


def test_pipeline_with_a_fake_model_zh(home: Path) -> None:
    model = FakeModel()
    report = build_with(home, model, "zh").report
    notes = report.stats["writer"]
    assert notes["requests"] == len(model.calls) <= report.stats["stories_written"] + len(report.sections) + 2
    assert all(CJK.search(s.title) for s in report.sections) and any("：" in s.title for s in report.sections)
    assert any(s.layout == "list" and all(p.lead for p in s.paragraphs) for s in report.sections)
    verification = report.stats["verification"]
    assert verification["sentences"] > 40 and verification["unsupported"] <= 2, verification["findings"]
    marks = {int(n) for text in [report.summary] + [p.text for s in report.sections for p in s.paragraphs]
             for n in re.findall(r"\[(\d+)\]", text)}
    assert marks == {r.n for r in report.references}


def test_pipeline_with_a_fake_model_en_stays_in_english(home: Path) -> None:
    report = build_with(home, FakeModel(), "en").report
    for section in report.sections:
        for paragraph in section.paragraphs:
            assert len(CJK.findall(paragraph.text)) < 5, paragraph.text
    assert report.language == "en" and report.stats["verification"]["sentences"] > 20
    assert report.stats["writer"]["fallbacks"] == []
    # the fake model's stand-ins for translations ("The source, written in zh, … lorem") say
    # nothing their items say: the semantic check removes them, and only them
    findings = report.stats["verification"]["findings"]
    assert findings and all(f["text"].startswith("The source, written in zh") for f in findings), findings
    assert all("no sentence of the cited items says this" in f["reasons"][0] for f in findings)


def cli(home: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dailybrief", "--home", str(home), *args],
        capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})},
    )


def test_cli_openai_build_rebuild_from_cache_and_verify(home: Path, tmp_path: Path) -> None:
    key = "sk-cli-SECRET-42"
    env = {"OPENAI_API_KEY": key}
    with ChatServer() as server:
        first = cli(home, "build", "--date", "2026-04-17", "--out", str(tmp_path), "--writer", "openai",
                    "--base-url", server.base_url, "--model", "cli-model", env=env)
        assert first.returncode == 0, first.stderr
        sent = len(server.requests)
        assert sent > 0 and {body["model"] for _, body in server.requests} == {"cli-model"}
        assert re.search(rf"llm cli-model: {sent} requests \(0 cached\)", first.stdout)
        again = cli(home, "build", "--date", "2026-04-17", "--out", str(tmp_path), "--writer", "openai",
                    "--base-url", server.base_url, "--model", "cli-model", env=env)
        assert again.returncode == 0 and len(server.requests) == sent  # zero requests on rebuild
        assert f"0 requests ({sent} cached)" in again.stdout
    report_path = tmp_path / "2026-04-17" / "report.json"
    assert key not in report_path.read_text("utf-8") and key not in first.stdout + first.stderr
    ok = cli(home, "verify", str(report_path))
    assert ok.returncode == 0, ok.stdout
    data = json.loads(report_path.read_text("utf-8"))
    data["sections"][0]["paragraphs"][0]["text"] = "据 Zephyra Labs 统计，OpenAI 估值 9520 亿美元[1]。"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    bad = cli(home, "verify", str(tampered))
    assert bad.returncode == 1 and "Zephyra" in bad.stdout and "9520 亿美元" in bad.stdout


def test_cli_extractive_report_passes_the_verifier_and_bad_llm_setup_falls_back(home: Path, tmp_path: Path) -> None:
    env = {"OPENAI_API_KEY": ""}
    proc = cli(home, "build", "--date", "2026-04-17", "--out", str(tmp_path), "--writer", "openai",
               "--base-url", "https://llm.invalid/v1", env=env)
    assert proc.returncode == 0
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: llm.api_key_env: the environment variable OPENAI_API_KEY is not set "
                        "(export it with your key for https://llm.invalid/v1) — wrote the extractive report instead"]
    report = json.loads((tmp_path / "2026-04-17" / "report.json").read_text("utf-8"))
    assert report["stats"]["writer"]["writer"] == "extractive"
    assert report["stats"]["verification"]["unsupported"] == 0, report["stats"]["verification"]["findings"]
