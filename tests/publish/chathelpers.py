"""Shared pieces of the chat webhook tests: a long edition that must be split, and one call of
the real publish loop with the environment the channels read their secrets from."""

from __future__ import annotations

import re
from pathlib import Path

from dailybrief.config import Settings
from dailybrief.models import Report
from dailybrief.publish.base import Edition
from dailybrief.publish.deliver import PublishResult, publish_edition, select_channels

URL = "https://news.example.org/2026-04-17/"
LINK = re.compile(r"\[[^\]\n]*\]\([^)\s]*\)")


def long_report(report: Report, paragraphs: int = 30) -> Report:
    """The sample report with a 摘要 long enough to need several parts on every service: Chinese,
    English, emoji (two UTF-16 units each), links and bold text in every paragraph."""
    chunks = []
    for n in range(1, paragraphs + 1):
        chunks.append(
            f"第 {n} 段：英伟达与 OpenAI 的最新进展显示，**智能体基础设施**正在快速成熟 🚀，"
            f"详见[第 {n} 篇报道 · 原文](https://example.org/news/{n}?ref=brief&lang=zh)。"
            f"Analysts said agentic workloads grew {n * 7}% quarter on quarter, see "
            f"[the write-up {n}](https://example.com/a/{n}/long-path-segment). " + "补充说明。" * 40
        )
    return report.model_copy(update={"summary": "\n\n".join(chunks)})


def edition_for(report: Report, tmp_path: Path, url: str = URL) -> Edition:
    out = tmp_path / "reports" / report.date
    out.mkdir(parents=True, exist_ok=True)
    return Edition.from_folder(report, out, url)


def settings_for(*channels: dict, retries: int = 2) -> Settings:
    return Settings.model_validate({"publish": {"channels": list(channels), "retries": retries, "backoff": 0.01}})


def run(store, settings: Settings, edition: Edition, env: dict, sleeps: list | None = None, dry_run: bool = False) -> PublishResult:
    return publish_edition(
        store, settings, lambda language: edition, select_channels(settings), dry_run=dry_run, env=env,
        sleep=sleeps.append if sleeps is not None else (lambda s: None),
    )


def links_of(text: str) -> list[str]:
    return LINK.findall(text)
