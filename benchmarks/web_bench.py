"""Load test of `dailybrief serve` on loopback: report and search pages with 30 days stored.

Builds the bundled sample day once, stores it as 30 daily reports (2026-03-19 … 2026-04-17) with
30 date-shifted copies of its items (3,180 items), starts the web app on a free loopback port,
logs in, warms every page up once (the report page is rendered once per version and the search
index is filled on the first search), then sends a fixed number of requests per page with a
fixed number of client threads and prints p50/p99 latency and requests per second.

    .venv/bin/python benchmarks/web_bench.py [--requests 300] [--clients 4]

Targets (issue 13, 2-core machine): report page p99 < 100 ms, search p99 < 300 ms.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from dailybrief.app.build import sample_path
from dailybrief.importer import read_file
from dailybrief.store import Store
from web.conftest import PASSWORD, cli, start_server, stop_server

DAYS = 30
LAST = date(2026, 4, 17)
QUERIES = ["智能体", "OpenAI", "大模型 融资", "open-weight model", "芯片", "Anthropic Mythos", "benchmark", "推理"]


def prepare(home: Path) -> list[str]:
    """Store 30 days of reports and items; return the report dates."""
    assert cli(home, "import", str(sample_path())).returncode == 0
    built = cli(home, "build", "--date", LAST.isoformat(), "--out", str(home / "reports"))
    assert built.returncode == 0, built.stderr
    items, _ = read_file(sample_path())
    days = [(LAST - timedelta(days=k)).isoformat() for k in range(DAYS)]
    with Store.open(home) as store:
        report = next(store.reports(LAST.isoformat(), (LAST + timedelta(days=1)).isoformat(), "zh"))
        for k, day in enumerate(days[1:], 1):
            store.save_report(report.model_copy(update={"date": day}))
            store.upsert_items(it.model_copy(update={"url": f"{it.url}#copy-{k}".replace("#", "?copy="),
                                                     "published": it.published - timedelta(days=k)})
                               for it in items)
    added = cli(home, "users", "add", "bench", "--role", "editor", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    return days


def measure(room, paths: list[str], clients: int) -> tuple[list[float], float]:
    """Latencies (s) of fetching every path once, spread over `clients` threads; and wall time."""
    sessions = [room.login("bench") for _ in range(clients)]
    todo = iter(paths)
    lock = threading.Lock()
    latencies: list[float] = []

    def work(client) -> None:
        while True:
            with lock:
                path = next(todo, None)
            if path is None:
                return
            started = time.perf_counter()
            reply = client.get(path)
            elapsed = time.perf_counter() - started
            assert reply.status_code == 200, (path, reply.status_code)
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=work, args=(s,)) for s in sessions]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - started


def report(name: str, latencies: list[float], wall: float) -> None:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"{name:<8} {len(ordered):>5} requests  p50 {statistics.median(ordered) * 1000:7.1f} ms  "
          f"p99 {p99 * 1000:7.1f} ms  max {ordered[-1] * 1000:7.1f} ms  {len(ordered) / wall:7.1f} req/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per page kind")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="dailybrief-webbench-"))
    t0 = time.perf_counter()
    days = prepare(home)
    print(f"stored {len(days)} reports and {Store.open(home).count_items()} items in {time.perf_counter() - t0:.1f} s")
    room = start_server(home)
    try:
        reports = [f"/report/{d}/zh" for d in days]
        searches = [f"/search?q={q}" for q in QUERIES] + [f"/search?q={q}&since={days[10]}&kind=item" for q in QUERIES]
        t1 = time.perf_counter()
        measure(room, reports + searches, 1)  # warm-up: each page once
        print(f"warm-up (each report rendered once, search index filled): {time.perf_counter() - t1:.1f} s")
        for name, pool in (("report", reports), ("search", searches)):
            paths = list(itertools.islice(itertools.cycle(pool), args.requests))
            report(name, *measure(room, paths, args.clients))
    finally:
        stop_server(room)
    print(f"clients {args.clients}; loopback http://127.0.0.1; home {home}")


if __name__ == "__main__":
    main()
