"""Crash and resume: `collect` and `build` subprocesses killed with SIGKILL at seeded random
moments leave a consistent database (PRAGMA integrity_check) and no partial report file; the
next run completes, with every item stored exactly once and the killed runs' temporary files
removed."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest

from .conftest import make_home
from .server import entry, rss

SEED = 20260417
FEEDS = 10  # below the collector's worker-pool threshold: the whole run is one process
PER_FEED = 40
SAMPLE = Path(__file__).resolve().parents[2] / "src" / "dailybrief" / "samples" / "2026-04-17.jsonl"


class _SlowFeeds(BaseHTTPRequestHandler):
    """Feed n holds PER_FEED items and answers after a short pause, so a collect run lasts long
    enough to be killed in the middle of fetching, parsing or storing."""

    protocol_version = "HTTP/1.1"

    def __init__(self, port_box: list[int], *args, **kwargs):  # noqa: ANN002, ANN003
        self.port_box = port_box
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802
        n = int(self.path.rsplit("/", 1)[-1])
        time.sleep(0.05 * n)
        base = f"http://127.0.0.1:{self.port_box[0]}"
        body = rss("".join(
            entry(f"Feed {n} story {k} about AI models", f"{base}/a/{n}/{k}", "Text. " * 50,
                  "Thu, 16 Apr 2026 10:00:00 GMT")
            for k in range(PER_FEED)
        )).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture
def feeds():
    box: list[int] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_SlowFeeds, box))
    box.append(server.server_address[1])
    Thread(target=server.serve_forever, daemon=True).start()
    yield lambda n: f"http://127.0.0.1:{box[0]}/feed/{n}"
    server.shutdown()
    server.server_close()


def _start(home: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dailybrief", "--home", str(home), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=home)


def _kill_after(proc: subprocess.Popen, seconds: float) -> bool:
    """SIGKILL `proc` after `seconds` unless it finished; True when it was killed."""
    try:
        proc.wait(seconds)
        return False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def _integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def test_collect_killed_at_random_points_resumes_cleanly(tmp_path, feeds):
    rng = random.Random(SEED)
    home = make_home(tmp_path, {f"feed{n}": feeds(n) for n in range(FEEDS)})
    killed = 0
    for _ in range(5):
        proc = _start(home, "collect")
        killed += _kill_after(proc, rng.uniform(0.5, 3.0))
        if (home / "dailybrief.db").exists():
            assert _integrity(home / "dailybrief.db") == "ok"
    assert killed >= 3, "the kills must land while collect runs"
    final = _start(home, "collect")
    assert final.wait(120) == 0, final.stderr.read().decode()[-2000:]
    assert _integrity(home / "dailybrief.db") == "ok"
    con = sqlite3.connect(home / "dailybrief.db")
    try:
        total, distinct = con.execute("select count(*), count(distinct url) from items").fetchone()
        per_source = dict(con.execute("select source, count(*) from items group by source"))
    finally:
        con.close()
    assert total == distinct == FEEDS * PER_FEED
    assert per_source == {f"feed{n}": PER_FEED for n in range(FEEDS)}


def _complete(path: Path) -> bool:
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    if path.suffix == ".json":
        json.loads(data)
        return True
    if path.suffix == ".html":
        return data.rstrip().endswith(b"</html>")
    return len(data) > 0


def test_build_killed_at_random_points_leaves_no_partial_report(tmp_path):
    rng = random.Random(SEED + 1)
    home = tmp_path / "home"
    subset = tmp_path / "items.jsonl"  # a third of the sample day: a shorter build, same stages
    subset.write_text("".join(SAMPLE.read_text("utf-8").splitlines(keepends=True)[::3]), "utf-8")
    subprocess.run([sys.executable, "-m", "dailybrief", "--home", str(home), "import", str(subset)],
                   check=True, capture_output=True, timeout=120)
    out = tmp_path / "out"
    day = out / "2026-04-17"
    args = ("build", "--date", "2026-04-17", "--out", str(out))
    killed = 0
    for _ in range(3):
        proc = _start(home, *args)
        killed += _kill_after(proc, rng.uniform(1.5, 6.0))
        assert _integrity(home / "dailybrief.db") == "ok"
        for path in day.glob("report.*") if day.exists() else []:
            assert _complete(path), f"{path.name} is partial after a kill"
    assert killed >= 1, "at least one kill must land while build runs"
    final = _start(home, *args)
    assert final.wait(180) == 0, final.stderr.read().decode()[-2000:]
    assert _integrity(home / "dailybrief.db") == "ok"
    names = sorted(p.name for p in day.iterdir() if p.is_file())
    assert [n for n in names if n.startswith(".")] == [], "temporary files of killed builds are removed"
    assert {"report.md", "report.html", "report.pdf", "report.json"} <= set(names)
    assert all(_complete(day / n) for n in names)
    con = sqlite3.connect(home / "dailybrief.db")
    try:
        assert con.execute("select count(*) from reports where date = '2026-04-17'").fetchone()[0] == 1
    finally:
        con.close()
