"""Benchmark: collect 1,000 feeds of 30 entries from loopback servers with 100 ms latency.

Prints the wall time of a first collect (everything new), of a second collect (every feed
answers 304), of a sequential one-feed-at-a-time collect over the same feeds into a fresh
database (the same code with concurrency 1), their ratio, and the peak memory (max RSS) of
the collecting process (and of its parse workers). The feed servers run in a child process so
they do not share the collector's GIL; they listen on several 127.0.0.x addresses so the feeds
are spread over hosts as real subscriptions are (the per-host limit applies per address). The
server's own CPU time is printed too: it shares the machine's cores with the collector.
Both collects use the same code and settings except concurrency; a run of >= 16 sources with
concurrency > 1 parses in worker processes (`tuning.POOL_MIN_SOURCES`: cores - 1 workers plus
a helper for the backlog, `base.Offload`), the sequential loop (concurrency 1) parses inline,
as a one-at-a-time loop would. The "parse workers" CPU and memory cover all of them.

    .venv/bin/python benchmarks/collect_bench.py [--feeds 1000] [--entries 30] [--hosts 50]
        [--latency 0.1] [--sequential N]   # N feeds for the sequential loop (default: all)

Targets (issue 3): first collect >= 30x faster than sequential; second collect < 15 s;
peak memory < 500 MB. Not a test: it prints figures for docs/collect.md.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from email.utils import formatdate
from pathlib import Path

import dailybrief.collect.kinds  # noqa: F401 - import every kind before timing anything
from dailybrief.collect.runner import collect_async
from dailybrief.config import CollectSettings, SourceSpec
from dailybrief.store import Store
from dailybrief.store import sources as source_store

PARAGRAPH = (
    "The laboratory released a model that it says matches larger systems on reasoning "
    "benchmarks while using a fraction of the compute; independent researchers are testing it. "
)


def feed_body(feed: int, entries: int) -> bytes:
    items = []
    for n in range(entries):
        items.append(
            f"<item><title>Feed {feed} story {n}: a model release</title>"
            f"<link>https://news{feed % 97}.example.com/{feed}/{n}</link>"
            f"<guid>https://news{feed % 97}.example.com/{feed}/{n}</guid>"
            f"<pubDate>{formatdate(1736150400 - n * 3600, usegmt=True)}</pubDate>"
            f"<description>&lt;p&gt;{PARAGRAPH * 6}&lt;/p&gt;</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {feed}</title><link>https://example.com/{feed}</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


# -- the servers (child process) -------------------------------------------------------------


async def _serve(hosts: list[str], port: int, entries: int, latency: float, ready) -> None:  # noqa: ANN001
    cache: dict[int, bytes] = {}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                feed = int(path.rsplit("/", 1)[-1].split(".")[0])
                etag = f'"feed-{feed}-v1"'
                await asyncio.sleep(latency)
                if headers.get("if-none-match") == etag:
                    writer.write(f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nContent-Length: 0\r\n\r\n".encode())
                else:
                    if feed not in cache:
                        cache[feed] = feed_body(feed, entries)
                    body = cache[feed]
                    writer.write(
                        f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
                        f"ETag: {etag}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
                    )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError, ValueError):
            pass
        finally:
            writer.close()

    servers = [await asyncio.start_server(handle, host, port, backlog=1024) for host in hosts]
    ready.set()
    await asyncio.gather(*(server.serve_forever() for server in servers))


def _server_process(hosts: list[str], port: int, entries: int, latency: float, ready) -> None:  # noqa: ANN001
    asyncio.run(_serve(hosts, port, entries, latency, ready))


# -- the client ------------------------------------------------------------------------------


def specs_for(feeds: int, hosts: list[str], port: int) -> list[SourceSpec]:
    return [
        SourceSpec(
            name=f"feed {n}",
            kind="rss",
            url=f"http://{hosts[n % len(hosts)]}:{port}/feed/{n}.xml",
            lang="en",  # as every source in the shipped config has
        )
        for n in range(feeds)
    ]


def timed_collect(home: Path, specs: list[SourceSpec], settings: CollectSettings) -> tuple[float, int, int, int]:
    with Store.open(home) as store:
        source_store.sync_config_sources(store, specs)
        start = time.perf_counter()
        summary = asyncio.run(collect_async(store, specs, settings, allow_private=True))
        seconds = time.perf_counter() - start
    statuses = [r.status for r in summary.sources]
    return seconds, summary.totals.added, statuses.count("not modified"), len(summary.failed)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process, from /proc (0 where there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=30)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--sequential", type=int, default=None, help="feeds in the sequential loop")
    parser.add_argument("--port", type=int, default=18731)
    args = parser.parse_args()

    hosts = [f"127.0.0.{n + 1}" for n in range(args.hosts)]
    ready = multiprocessing.Event()
    server = multiprocessing.Process(
        target=_server_process, args=(hosts, args.port, args.entries, args.latency, ready), daemon=True
    )
    server.start()
    if not ready.wait(30):
        sys.exit("feed servers did not start")
    settings = CollectSettings(allow_private=True, fulltext=False)
    specs = specs_for(args.feeds, hosts, args.port)
    load_before = os.getloadavg()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp) / "concurrent"
            server_cpu = _cpu_seconds(server.pid)
            cpu = time.process_time()
            first, added, _, failed1 = timed_collect(home, specs, settings)
            cpu = time.process_time() - cpu
            server_cpu = _cpu_seconds(server.pid) - server_cpu
            workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            workers_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
            workers_cpu_s = workers_cpu.ru_utime + workers_cpu.ru_stime
            print(f"first collect:  {first:7.2f} s  {added} items added, {failed1} sources failed")
            print(
                f"  CPU: collector {cpu:.2f} s, parse workers {workers_cpu_s:.2f} s, "
                f"feed server {server_cpu:.2f} s"
            )
            second, _, not_modified, failed2 = timed_collect(home, specs, settings)
            print(f"second collect: {second:7.2f} s  {not_modified} of {len(specs)} answered 304, {failed2} failed")
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            sample = specs[: args.sequential or len(specs)]
            sequential_settings = settings.model_copy(update={"concurrency": 1, "per_host": 1})
            seq, seq_added, _, _ = timed_collect(Path(tmp) / "sequential", sample, sequential_settings)
            seq_full = seq * len(specs) / len(sample)
            note = "" if len(sample) == len(specs) else f" (measured on {len(sample)} feeds, scaled)"
            print(f"sequential:     {seq_full:7.2f} s  {seq_added} items added{note}")
    finally:
        server.terminate()
        server.join(5)
    print(f"ratio sequential / first collect: {seq_full / first:5.1f}x   (target >= 30x)")
    print(f"second collect (all 304):        {second:5.2f} s  (target < 15 s)")
    print(f"peak memory (max RSS, collector): {peak_mb:5.0f} MB (target < 500 MB); "
          f"largest parse worker {workers_mb:.0f} MB (forked, pages shared with the collector)")
    load_after = os.getloadavg()
    print(f"load average (1 min) before / after: {load_before[0]:.2f} / {load_after[0]:.2f} "
          f"on {os.cpu_count()} cores")
    print(
        f"settings: concurrency {settings.concurrency}, per_host {settings.per_host}, "
        f"{args.feeds} feeds x {args.entries} entries on {args.hosts} loopback hosts, "
        f"{args.latency * 1000:.0f} ms latency per response"
    )


if __name__ == "__main__":
    main()
