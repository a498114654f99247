"""Migrations on both dialects: a new database reaches the head, a database of the old runner is
recognised and kept, a store opened without migrating refuses an older schema, and `db upgrade`
brings it up to date (also when several processes start at once)."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import inspect, text
from tests.clirun import run_cli

from dailybrief.errors import StoreError
from dailybrief.store import Store, migrations
from dailybrief.store.corrections import corrections
from dailybrief.store.embeddings import EmbeddingCache
from dailybrief.store.llm_cache import LLMCache
from dailybrief.store.pauses import paused_sources
from dailybrief.store.runs import list_runs
from dailybrief.store.search import search, sync_index
from dailybrief.store.users import authenticate

LEGACY_DUMP = Path(__file__).parent / "data" / "legacy-4513a5c.sql"
TABLES = {
    "items",
    "sources",
    "fetch_log",
    "articles",
    "reports",
    "llm_cache",
    "embeddings",
    "story_builds",
    "story_members",
    "story_merges",
    "story_overrides",
    "deliveries",
    "users",
    "sessions",
    "report_versions",
    "report_reviews",
    "review_events",
    "search_docs",
    "search_state",
    "source_pauses",
    "runs",
    "run_locks",
}


def test_a_new_database_gets_every_migration(db: Store) -> None:
    assert db.schema_version() == migrations.head() == migrations.revisions()[-1]
    assert db.missing_migrations() == []
    assert TABLES <= set(inspect(db.engine).get_table_names())
    assert db.migrate() == []  # nothing left to do on the next open
    columns = {c["name"] for c in inspect(db.engine).get_columns("story_overrides")}
    assert {"author", "target", "undone", "undone_by"} <= columns


def test_the_revisions_start_with_the_old_migration_names_in_order() -> None:
    assert migrations.revisions()[:12] == [
        "0001_items",
        "0002_sources_fetch_log_articles",
        "0003_reports",
        "0004_llm_cache",
        "0005_story_engine",
        "publish_0001_deliveries",
        "web_0001_users_sessions",
        "web_0002_review",
        "web_0003_search",
        "web_0004_corrections",
        "web_0005_source_pauses",
        "publish_0002_runs",
    ]


def _legacy_home(tmp_path: Path) -> Path:
    home = tmp_path / "legacy"
    home.mkdir()
    conn = sqlite3.connect(home / "dailybrief.db")
    conn.executescript(LEGACY_DUMP.read_text("utf-8"))
    conn.close()
    return home


def test_a_database_of_the_old_runner_is_stamped_and_nothing_is_lost(tmp_path: Path) -> None:
    home = _legacy_home(tmp_path)
    with Store.open(home) as store:
        assert store.schema_version() == migrations.head()
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == migrations.head()
            assert conn.execute(text("SELECT count(*) FROM _migrations")).scalar_one() == 12  # kept as it was
        items = store.items()
        assert [item.url for item in items] == ["https://example.com/a", "https://example.org/b"]
        assert items[0].title == "OpenAI 发布新的大模型"
        assert authenticate(store, "editor1", "a long password").role == "editor"
        assert [(c.kind, c.author) for c in corrections(store)] == [("drop", "editor1")]
        answer = LLMCache(store).get("http://127.0.0.1:1/v1", "m", "h1")
        assert answer is not None and (answer.text, answer.input_tokens) == ("答案", 3)
        vector = EmbeddingCache(store).get("use-test", ["k1"])["k1"]
        assert np.array_equal(vector, np.array([0.5, -1.0, 2.0], dtype=np.float32))
        assert set(paused_sources(store)) == {"Org"}
        assert [run.status for run in list_runs(store)] == ["ok"]
        hits, total = search(store, "大模型")  # the index built by the old code still answers
        assert total == 1 and hits[0].ref == "item:https://example.com/a"
        # and the new code writes into it
        item = items[1].model_copy(update={"title": "Open-weight model tops the benchmark again"})
        assert store.upsert_items([item]).updated == 1
        assert sync_index(store, ZoneInfo("Asia/Shanghai")) == 1
        assert search(store, "again")[1] == 1


def test_a_store_opened_without_migrating_refuses_an_older_schema(home: Path, db_url: str | None) -> None:
    older = migrations.revisions()[-2]
    with Store.open(home, db_url, migrate=False) as store:
        with pytest.raises(StoreError) as empty:
            store.check_schema()
        assert "lacks migration 0001_items (run `dailybrief db upgrade`)" in empty.value.message
        with store.engine.begin() as conn:
            migrations.upgrade(conn, older)
        assert store.schema_version() == older
        with pytest.raises(StoreError) as behind:
            store.check_schema()
        assert behind.value.message == (
            f"database at {store.key} lacks migration {migrations.head()} (run `dailybrief db upgrade`)"
        )
        assert "postgres@" in store.key or store.key.endswith("dailybrief.db")


def test_db_upgrade_and_current_on_the_command_line(home: Path, db_url: str | None) -> None:
    env = {"DAILYBRIEF_STORE_URL": db_url} if db_url else {}
    before = run_cli(home, "db", "current", **env).stdout
    count = len(migrations.revisions())
    assert "at (empty)" in before and f"missing {count}: 0001_items" in before
    upgraded = run_cli(home, "db", "upgrade", **env).stdout
    assert f"applied {count}: 0001_items" in upgraded and f"now at {migrations.head()}" in upgraded
    assert f"already at {migrations.head()}" in run_cli(home, "db", "upgrade", **env).stdout
    after = run_cli(home, "db", "current", **env).stdout
    assert f"at {migrations.head()}" in after and "missing" not in after
    if db_url:  # the setting reached the command: the PostgreSQL database has the tables
        with Store.open(home, db_url, migrate=False) as store:
            assert store.missing_migrations() == []
        assert not (home / "dailybrief.db").exists()


def _open(home: str, url: str) -> None:
    Store.open(Path(home), url).close()


def test_processes_starting_at_once_migrate_once(tmp_path: Path, pg_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_open, args=(str(tmp_path), pg_url)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    with Store.open(tmp_path, pg_url, migrate=False) as store:
        store.check_schema()


def test_an_unreachable_database_is_one_line_naming_the_setting(home: Path) -> None:
    with pytest.raises(StoreError) as refused:
        Store.open(home, "postgresql+psycopg://reporter:s3cret@127.0.0.1:1/news")
    message = refused.value.message
    assert message.startswith("store.url: postgresql+psycopg://reporter:***@127.0.0.1:1/news: cannot connect")
    assert "s3cret" not in str(refused.value) and "\n" not in str(refused.value)
    with pytest.raises(StoreError, match=r"^store.url: not a database URL: 'nonsense'"):
        Store.open(home, "nonsense")
    with pytest.raises(StoreError, match="'mysql' is not supported"):
        Store.open(home, "mysql://x@127.0.0.1/db")


def test_the_cli_names_the_setting_when_the_database_is_unreachable(home: Path) -> None:
    proc = run_cli(home, "db", "current", rc=1, DAILYBRIEF_STORE_URL="postgresql://u:pw@127.0.0.1:1/x")
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("error: store.url: postgresql+psycopg://u:***@127.0.0.1:1/x: cannot connect to the database")
    assert "pw@" not in proc.stderr


def test_a_bare_postgresql_url_uses_psycopg(home: Path, pg_url: str) -> None:
    with Store.open(home, pg_url.replace("postgresql+psycopg://", "postgresql://")) as store:
        assert store.dialect == "postgresql" and store.path is None
        store.check_schema()
