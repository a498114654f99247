"""Shared fixtures: every test gets its own home folder and database."""

from __future__ import annotations

from pathlib import Path

import pytest

from dailybrief.store import Store


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("DAILYBRIEF_HOME", str(path))
    monkeypatch.delenv("DAILYBRIEF_STORE_URL", raising=False)  # the SQLite default unless a test sets it
    return path


@pytest.fixture
def store(home: Path):
    with Store.open(home) as db:
        yield db

