"""One newsroom per test session: a home with the sample day (plus a hostile item) built once,
review switched on, two accounts, and a real `dailybrief serve` on a loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from dailybrief.app.build import sample_path
from dailybrief.models import Item
from dailybrief.store import Store

DAY = "2026-04-17"
PASSWORD = "correct horse 42"
HOSTILE_TITLE = '<img src=x onerror="window.__xss=1">Agents SDK <script>window.__xss=2</script> sandbox'
HOSTILE = {
    "url": "https://hostile.example/agents-sdk-sandbox", "title": HOSTILE_TITLE,
    "published": "2026-04-16T12:00:00+00:00", "source": "Hostile <b>Feed</b>", "source_kind": "blog", "lang": "en",
    "content": "OpenAI added sandbox execution to the Agents SDK, the post says. <script>window.__xss=3</script>",
}


def cli(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dailybrief", "--home", str(home), *args], input=stdin, check=False,
                          capture_output=True, text=True, timeout=300)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Newsroom:
    home: Path
    url: str
    proc: subprocess.Popen

    def login(self, name: str = "alice") -> httpx.Client:
        """An HTTP client logged in as `name` (cookies passed by hand: they are Secure)."""
        client = httpx.Client(base_url=self.url, timeout=120)
        page = client.get("/login")
        csrf = page.cookies["db_csrf"]
        client.cookies.set("db_csrf", csrf)
        reply = client.post("/login", data={"name": name, "password": PASSWORD, "csrf": csrf, "next": "/"})
        assert reply.status_code == 303, reply.text
        client.cookies.set("db_session", reply.cookies["db_session"])
        return client


def start_server(home: Path) -> Newsroom:
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "dailybrief", "--home", str(home), "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/login", timeout=2)
            return Newsroom(home, url, proc)
        except httpx.TransportError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stdout.read().decode()) from None
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("dailybrief serve did not answer")


def stop_server(room: Newsroom) -> None:
    room.proc.terminate()
    try:
        room.proc.wait(10)
    except subprocess.TimeoutExpired:
        room.proc.kill()


@pytest.fixture(scope="session")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("newsroom")
    items = home / "items.jsonl"
    items.write_text(sample_path().read_text("utf-8"), "utf-8")
    assert cli(home, "init").returncode == 0
    with Store.open(home) as store:  # stored as a source could deliver it (import would clean the markup)
        store.upsert_items([Item.model_validate(HOSTILE)])
    config = home / "dailybrief.toml"
    config.write_text(config.read_text("utf-8").replace('review = "off"', 'review = "on"', 1), "utf-8")
    assert cli(home, "import", str(items)).returncode == 0
    built = cli(home, "build", "--date", DAY, "--out", str(home / "reports"))
    assert built.returncode == 0, built.stderr
    for name, role in (("alice", "admin"), ("victor", "viewer")):
        added = cli(home, "users", "add", name, "--role", role, "--password-stdin", stdin=PASSWORD + "\n")
        assert added.returncode == 0, added.stderr
    return home


@pytest.fixture(scope="session")
def newsroom(built_home: Path):
    room = start_server(built_home)
    yield room
    stop_server(room)
