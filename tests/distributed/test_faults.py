"""A worker killed mid-run loses nothing, and a poisoned source ends dead without blocking the
rest: two real `dailybrief worker` processes on the machine's RabbitMQ, Redis and PostgreSQL
(a database of the test's own), feeds served over HTTP on 127.0.0.x, the daily job run with
`[queue] execution = "distributed"`. A worker on a database that lacks a migration refuses to
start and names it."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.clirun import run_cli

from dailybrief.store import Store
from dailybrief.store.embeddings import EmbeddingCache
from dailybrief.store.tasks import batch_tasks, failed_tasks

from .conftest import Worker, queue_config
from .feeds import FeedServer

FEEDS = 24
ENTRIES = 6
SEED = 15  # the moment of the kill is drawn from this seed


def write_config(home: Path, namespace: str, servers: list[FeedServer], db_url: str) -> None:
    sources = []
    for feed in range(FEEDS):
        url = servers[feed % len(servers)].feed_url(feed)
        sources.append(f'[[sources]]\nname = "feed {feed}"\nkind = "rss"\nurl = "{url}"\nlang = "en"\n')
    sources.append('[[sources]]\nname = "poison"\nkind = "crashing"\nurl = "http://127.0.0.9:9/feed.xml"\n')
    queue = queue_config(
        namespace,
        execution="distributed",
        sources_per_task=2,
        extract_batch=20,
        embed_batch=64,
        max_retries=2,
        min_backoff=0.2,
        max_backoff=1.0,
        time_limit=60.0,
        threads=2,
        wait=150.0,
    )
    home.mkdir(parents=True, exist_ok=True)
    (home / "dailybrief.toml").write_text(
        f'[store]\nurl = "{db_url}"\n\n[collect]\nallow_private = true\n\n' + queue + "\n" + "\n".join(sources), "utf-8"
    )


def test_a_killed_worker_loses_nothing_and_a_poisoned_source_ends_dead(
    tmp_path: Path, namespace: str, plugin_path: Path, workers: list[Worker], pg_url: str
) -> None:
    servers = [FeedServer(f"127.0.0.{n}", ENTRIES, latency=0.4) for n in (1, 2, 3)]
    home = tmp_path / "home"
    write_config(home, namespace, servers, pg_url)
    Store.open(home, pg_url).close()  # workers never migrate: the database is made first
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin_path), os.environ.get("PYTHONPATH", "")])}
    try:
        victim, survivor = (Worker(home, env, "--processes", "1", "--threads", "2") for _ in range(2))
        workers += [victim, survivor]
        for worker in workers:
            worker.wait_for("worker started")

        daily = subprocess.Popen(
            [sys.executable, "-m", "dailybrief", "--home", str(home), "schedule", "--once", "--date", "2026-04-17"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        line = victim.wait_for(": try 1", timeout=60)
        time.sleep(random.Random(SEED).uniform(0.05, 0.3))
        os.kill(victim.pid, signal.SIGKILL)
        victim.proc.wait(10)
        in_flight = re.search(r"(collect|extract|embed|build) (\S+) of run (\S+): try 1", line)
        assert in_flight, line
        output, _ = daily.communicate(timeout=170)
    finally:
        for server in servers:
            server.close()
    assert daily.returncode == 0, output + "\n".join(survivor.lines[-40:])
    assert "2026-04-17: ok" in output

    with Store.open(home, pg_url) as store:
        items = store.items()
        urls = [item.url for item in items]
        by_source = {f"feed {feed}": 0 for feed in range(FEEDS)}
        for item in items:
            by_source[item.source] += 1
        lost = FEEDS * ENTRIES - len(set(urls))
        duplicated = len(urls) - len(set(urls))
        print(f"items {len(urls)}, lost {lost}, duplicated {duplicated}")
        assert (lost, duplicated) == (0, 0)
        assert set(by_source.values()) == {ENTRIES}, by_source  # every source collected, each once
        assert all("Independent researchers" in item.content for item in items)  # extracted
        assert EmbeddingCache(store).count() >= len(items)  # embedded before the build
        assert list(store.reports("2026-04-17", "2026-04-18"))  # and built

        stage, key, batch = in_flight.groups()
        killed = next(t for t in batch_tasks(store, batch, stage) if t.key == key)
        assert killed.state == "done" and killed.attempts >= 2, killed  # delivered again, finished
        assert not killed.worker.endswith(f":{victim.pid}"), killed

        collect = batch_tasks(store, batch, "collect")
        dead = [t for t in collect if t.state == "dead"]
        assert [t.payload["sources"] for t in dead] == [["poison"]]
        assert "this plugin always crashes" in (dead[0].error or "")
        assert all(t.state == "done" for t in collect if t not in dead)
        assert [t.key for t in failed_tasks(store)] == [dead[0].key]

    shown = run_cli(home, "runs", "--stages", COLUMNS="200").stdout
    assert "failed queue tasks" in shown and "dead" in shown and "always crashes" in shown
