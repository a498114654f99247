"""Shared fixtures: every test gets its own home folder and database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dailybrief.store import Store

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "dailybrief" / "samples" / "2026-04-17.jsonl"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("DAILYBRIEF_HOME", str(path))
    return path


@pytest.fixture
def store(home: Path):
    with Store.open(home) as db:
        yield db


def write_jsonl(path: Path, rows: list) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def item(url: str, title: str, published: str = "2026-04-16T10:00:00Z", **extra) -> dict:
    return {"url": url, "title": title, "published": published, **extra}
