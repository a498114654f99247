"""Fixtures of the distributed tests: the real broker (RabbitMQ), Redis and database of the
machine, a queue namespace of each test's own (others use the same services), worker processes
started as a user starts them, and a source-kind plugin whose sources crash their task."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVER = os.environ.get("DAILYBRIEF_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
BROKER = os.environ.get("DAILYBRIEF_TEST_BROKER", "amqp://guest:guest@127.0.0.1:5672/%2F")
REDIS = os.environ.get("DAILYBRIEF_TEST_REDIS", "redis://127.0.0.1:6379/0")

PLUGIN = '''
from dailybrief.collect.base import Source


class Crashing(Source):
    """A broken plugin: building the source raises past the collector's error handling."""

    kind = "crashing"

    def __init__(self, spec):
        raise RuntimeError(f"{spec.name}: this plugin always crashes")

    async def fetch(self, ctx):
        raise AssertionError("never reached")
'''


@pytest.fixture
def plugin_path(tmp_path: Path) -> Path:
    """A folder holding the `crashing` source kind as an installed plugin (entry point)."""
    folder = tmp_path / "plugins"
    info = folder / "crashkind-0.1.dist-info"
    info.mkdir(parents=True)
    (folder / "crashkind.py").write_text(PLUGIN)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: crashkind\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[dailybrief.sources]\ncrashing = crashkind:Crashing\n")
    return folder


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new PostgreSQL database for this test (SQLAlchemy URL), dropped afterwards."""
    import psycopg

    name = f"dailybrief_queue_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    finally:
        with psycopg.connect(SERVER, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def namespace() -> Iterator[str]:
    """Queue names of this test only; its queues are deleted afterwards."""
    name = f"t{uuid.uuid4().hex[:10]}"
    yield name
    if BROKER.startswith("amqp"):
        import pika

        connection = pika.BlockingConnection(pika.URLParameters(BROKER))
        channel = connection.channel()
        for stage in ("collect", "extract", "embed", "build"):
            for suffix in ("", ".DQ", ".XQ"):
                channel.queue_delete(f"{name}.{stage}{suffix}")
        connection.close()


def queue_config(namespace: str, **values: object) -> str:
    lines = ["[queue]", f'broker = "{BROKER}"', f'redis = "{REDIS}"', f'namespace = "{namespace}"']
    lines += [f"{key} = {value!r}".replace("'", '"') for key, value in values.items()]
    return "\n".join(lines) + "\n"


class Worker:
    """`dailybrief worker` in its own process; its log lines are kept as they come."""

    def __init__(self, home: Path, env: dict[str, str], *args: str):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dailybrief", "--home", str(home), "worker", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_for(self, text: str, timeout: float = 60) -> str:
        """The first log line containing `text` (waits for it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if text in line:
                    return line
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no log line with {text!r}:\n" + "\n".join(self.lines[-30:]))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    """Started workers are stopped at the end of the test, whatever happened."""
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()
