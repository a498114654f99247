"""Helpers for tests that write item files (JSON Lines) and find the bundled data."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "src" / "dailybrief" / "samples" / "2026-04-17.jsonl"


def write_jsonl(path: Path, rows: list) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def item(url: str, title: str, published: str | None = "2026-04-16T10:00:00Z", **extra) -> dict:
    return {"url": url, "title": title, "published": published, **extra}
