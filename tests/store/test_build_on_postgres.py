"""A user's day on PostgreSQL, end to end through the command line: `store.url` set by the
environment, `db upgrade`, import the sample day, build it twice (the second build reuses the
stored embeddings); the demo never writes into the configured server."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from tests.clirun import run_cli

from dailybrief.app import Workspace
from dailybrief.app.build import demo_workspace
from dailybrief.store import Store
from dailybrief.store.embeddings import EmbeddingCache


def test_import_and_build_the_sample_day_on_postgresql(home: Path, tmp_path: Path, pg_url: str) -> None:
    env = {"DAILYBRIEF_STORE_URL": pg_url}
    run_cli(home, "db", "upgrade", **env)
    sample = resources.files("dailybrief").joinpath("samples/2026-04-17.jsonl")
    imported = run_cli(home, "import", str(sample), **env).stdout
    assert "added 101" in imported
    out = tmp_path / "out"
    run_cli(home, "build", "--date", "2026-04-17", "--out", str(out), **env)
    report = json.loads((out / "2026-04-17" / "report.json").read_text("utf-8"))
    assert len(report["sections"]) >= 4 and report["references"]
    with Store.open(home, pg_url, migrate=False) as store:
        assert store.count_items() == 101
        assert [r.date for r in store.reports("2026-04-17", "2026-04-18")] == ["2026-04-17"]
        assert EmbeddingCache(store).count() > 0
    assert not (home / "dailybrief.db").exists()  # nothing went to the SQLite default
    again = run_cli(home, "build", "--date", "2026-04-17", "--out", str(out), **env)
    assert json.loads((out / "2026-04-17" / "report.json").read_text("utf-8"))["sections"] == report["sections"]
    assert again.returncode == 0


def test_the_demo_stays_on_sqlite_when_a_server_is_configured(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAILYBRIEF_STORE_URL", pg_url)
    ws = demo_workspace()
    assert ws.settings.store.url == pg_url
    with ws.store() as store:  # the demo's sample day never goes into a shared database
        assert store.dialect == "sqlite" and store.path == ws.home / "dailybrief.db"
    with Workspace(ws.home).store() as store:
        assert store.dialect == "postgresql"  # an ordinary workspace follows the setting
