"""The web app, a scheduler-like loop and a CLI build write to one SQLite database at once
without "database is locked": WAL, a busy timeout and short write transactions."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading

from .conftest import DAY, start_server, stop_server

# A stand-in for the daily scheduler: keeps storing new items and reports through the store API.
LOOP = r"""
import sys, time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from dailybrief.models import Item
from dailybrief.store import Store
home, seconds = Path(sys.argv[1]), float(sys.argv[2])
store = Store.open(home)
report = next(store.reports("2026-04-17", "2026-04-18", "zh"))
start, n = time.monotonic(), 0
while time.monotonic() - start < seconds:
    when = datetime(2026, 4, 16, 12, tzinfo=timezone.utc) + timedelta(seconds=n)
    store.upsert_items([Item(url=f"https://loop.example/{n}-{k}", title=f"Loop item {n}-{k} about AI chips",
                             published=when, source="loop", lang="en", content="Nvidia and AMD chips.")
                        for k in range(10)])
    store.save_report(report.model_copy(update={"date": f"2026-03-{n % 28 + 1:02d}"}))
    n += 1
    time.sleep(0.02)
print(f"loop rounds {n}")
"""


def test_web_app_scheduler_loop_and_cli_build_at_once(built_home, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    with sqlite3.connect(built_home / "dailybrief.db") as src, sqlite3.connect(home / "dailybrief.db") as dst:
        src.backup(dst)
    (home / "dailybrief.toml").write_text((built_home / "dailybrief.toml").read_text("utf-8"), "utf-8")
    room = start_server(home)
    try:
        client = room.login()
        loop = subprocess.Popen([sys.executable, "-c", LOOP, str(home), "25"], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        build = subprocess.Popen([sys.executable, "-m", "dailybrief", "--home", str(home), "build", "--date", DAY,
                                  "--out", str(tmp_path / "out")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True)
        statuses: list[int] = []
        stop = threading.Event()

        def browse() -> None:
            n = 0
            while not stop.is_set():
                page = client.get(f"/review/{DAY}/zh")
                token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
                version = page.text.split('name="version" value="', 1)[1].split('"', 1)[0]
                statuses.append(page.status_code)
                if 'id="state">approved' in page.text:
                    statuses.append(client.post(f"/review/{DAY}/zh/state", data={
                        "csrf": token, "action": "reject", "reason": "load test", "version": version}).status_code)
                    continue
                summary = page.text.split('name="summary" rows="6">', 1)[1].split("</textarea>", 1)[0]
                edit = client.post(f"/review/{DAY}/zh/edit", data={"csrf": token, "version": version,
                                                                   "summary": f"{summary} {n}"})
                statuses.append(edit.status_code)
                statuses.append(client.get("/search", params={"q": f"chips {n % 5}"}).status_code)
                n += 1

        worker = threading.Thread(target=browse)
        worker.start()
        build_out, _ = build.communicate(timeout=600)
        loop_out, _ = loop.communicate(timeout=600)
        stop.set()
        worker.join(60)
    finally:
        stop_server(room)
    server_out = room.proc.stdout.read().decode()
    for name, out in (("build", build_out), ("loop", loop_out), ("server", server_out)):
        assert "locked" not in out.lower(), f"{name}: {out[-2000:]}"
    assert build.returncode == 0, build_out[-2000:]
    assert loop.returncode == 0 and "loop rounds" in loop_out
    # 409: an edit made from a page loaded before the concurrent build stored a new version
    assert len(statuses) > 10 and all(s in (200, 303, 409) for s in statuses), statuses
    assert statuses.count(303) >= 2  # edits did get saved while the others were writing
