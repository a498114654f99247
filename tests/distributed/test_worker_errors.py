"""A worker that cannot work says why in one line and exits 1: an unreachable broker or Redis
(naming the setting and the address), or a database that lacks a migration (naming it)."""

from __future__ import annotations

from pathlib import Path

from tests.clirun import run_cli

from .conftest import BROKER, REDIS


def configure(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "dailybrief.toml").write_text(text, "utf-8")


def test_an_unreachable_broker_or_redis_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    home = tmp_path / "home"
    configure(home, f'[queue]\nbroker = "amqp://guest:secret@127.0.0.1:1/%2F"\nredis = "{REDIS}"\n')
    proc = run_cli(home, "worker", rc=1)
    lines = proc.stderr.strip().splitlines()
    assert lines == ["error: [queue] broker = amqp://guest:***@127.0.0.1:1/%2F: cannot connect (Connection refused)"]
    configure(home, f'[queue]\nbroker = "{BROKER}"\nredis = "redis://127.0.0.1:1/0"\n')
    proc = run_cli(home, "collect", "--distributed", rc=1)
    assert proc.stderr.strip().splitlines() == [
        "error: [queue] redis = redis://127.0.0.1:1/0: cannot connect (Error 111 connecting to 127.0.0.1:1. Connection refused.)"
    ]


def test_a_worker_on_an_older_schema_refuses_to_run_and_names_the_migration(
    tmp_path: Path, pg_url: str, namespace: str
) -> None:
    home = tmp_path / "home"
    configure(
        home, f'[store]\nurl = "{pg_url}"\n[queue]\nbroker = "{BROKER}"\nredis = "{REDIS}"\nnamespace = "{namespace}"\n'
    )
    proc = run_cli(home, "worker", rc=1)
    assert "lacks migration 0001_items (run `dailybrief db upgrade`)" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
