"""Benchmark: a distributed run with 1, 2 and 4 worker processes against the single-process path.

Serves FEEDS loopback feeds of ENTRIES entries each (every other entry a teaser whose article
page must be fetched and extracted) from a child process on HOSTS addresses 127.0.0.x, each
answer after a seeded 50-150 ms delay. Then, for each worker count, in a fresh home: starts
`dailybrief worker --processes N`, runs `collect_distributed` (collect → extract → embed,
each stage behind its barrier) and prints items/s per stage; and, in another fresh home, the
single-process path on the same input: the collector with full text inline, then embedding of
the new items with the same cached embedder. Prints a Markdown table for docs/scaling.md.

    nice -n 10 .venv/bin/python benchmarks/distributed_bench.py [--feeds 5000] [--entries 2]
        [--hosts 50] [--workers 1,2,4] [--embed-sample 1000] [--broker amqp://...] [--redis redis://...]

The database is SQLite in each home unless --store-url names a server (`[store] url`).
Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from email.utils import formatdate
from pathlib import Path

from dailybrief.app import Workspace
from dailybrief.app.distributed import collect_distributed, embed_distributed
from dailybrief.collect.runner import collect_async
from dailybrief.config import load_settings
from dailybrief.process.engine import cached_embedder
from dailybrief.process.stories import story_text
from dailybrief.store import Store
from dailybrief.store import sources as source_store
from dailybrief.store.tasks import changed_items

TEXT = (
    "The laboratory released a model that it says matches larger systems on reasoning benchmarks "
    "while using a fraction of the compute; independent researchers are testing it. "
)


def feed_body(base: str, feed: int, entries: int) -> bytes:
    items = []
    for n in range(entries):
        teaser = n % 2 == 0  # every other entry carries only a teaser: its article is extracted
        text = f"Lab {feed} released model {n}." if teaser else TEXT * 6
        items.append(
            f"<item><title>Feed {feed} story {n}: model {feed}.{n}</title>"
            f"<link>{base}/article/{feed}/{n}.html</link><guid>{base}/article/{feed}/{n}.html</guid>"
            f"<pubDate>{formatdate(1776340800 - n * 600, usegmt=True)}</pubDate>"
            f"<description>{text}</description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {feed}</title>'
        f"<link>{base}/</link>{''.join(items)}</channel></rss>"
    ).encode()


def article_body(feed: int, entry: int) -> bytes:
    body = f"Model {feed}.{entry}: " + TEXT * 8
    return (
        f"<html><head><title>Model {feed}.{entry}</title></head><body><nav>Home | News | About</nav>"
        f"<article><h1>Model {feed}.{entry}</h1><p>{body}</p><p>{body}</p></article>"
        "<footer>Copyright</footer></body></html>"
    ).encode()


async def _serve(hosts: list[str], port: int, entries: int, ready) -> None:  # noqa: ANN001
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                host = next((v.strip() for k, _, v in (x.partition(":") for x in lines[1:]) if k.lower() == "host"), "")
                await asyncio.sleep(random.Random(path).uniform(0.05, 0.15))  # seeded per URL
                parts = path.strip("/").split("/")
                if parts[0] == "feed":
                    body, kind, status = (
                        feed_body(f"http://{host}", int(parts[1].split(".")[0]), entries),
                        "application/rss+xml",
                        200,
                    )
                elif parts[0] == "article":
                    body, kind, status = article_body(int(parts[1]), int(parts[2].split(".")[0])), "text/html", 200
                else:
                    body, kind, status = b"", "text/plain", 404
                writer.write(
                    f"HTTP/1.1 {status} X\r\nContent-Type: {kind}; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError, ValueError):
            pass
        finally:
            writer.close()

    servers = [await asyncio.start_server(handle, host, port, backlog=1024) for host in hosts]
    ready.set()
    await asyncio.gather(*(server.serve_forever() for server in servers))


def _server_process(hosts: list[str], port: int, entries: int, ready) -> None:  # noqa: ANN001
    asyncio.run(_serve(hosts, port, entries, ready))


def write_home(home: Path, args: argparse.Namespace, hosts: list[str], namespace: str) -> None:
    lines = [
        "[collect]",
        "allow_private = true",
        "robots = false",
        "[queue]",
        f'broker = "{args.broker}"',
        f'redis = "{args.redis}"',
        f'namespace = "{namespace}"',
        f"threads = {args.threads}",
        "wait = 7200",
    ]
    if args.store_url:
        lines += ["[store]", f'url = "{args.store_url}"']
    for n in range(args.feeds):
        url = f"http://{hosts[n % len(hosts)]}:{args.port}/feed/{n}.xml"
        lines += ["[[sources]]", f'name = "feed {n}"', 'kind = "rss"', f'url = "{url}"', 'lang = "en"']
    home.mkdir(parents=True)
    (home / "dailybrief.toml").write_text("\n".join(lines) + "\n", "utf-8")
    Store.open(home, args.store_url or None).close()  # workers never migrate: make the schema first


def distributed(home: Path, workers: int, args: argparse.Namespace, namespace: str) -> dict[str, float]:
    """Collect and extract all feeds through the workers, then embed `--embed-sample` of the
    new items through them (embedding is the slowest stage: a sample keeps the run short)."""
    log = open(home / "worker.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dailybrief",
            "--home",
            str(home),
            "worker",
            "--processes",
            str(workers),
            "--threads",
            str(args.threads),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while (home / "worker.log").read_text().count("worker started") < workers:
            if time.monotonic() > deadline or proc.poll() is not None:
                sys.exit("workers did not start:\n" + (home / "worker.log").read_text()[-2000:])
            time.sleep(0.2)
        ws = Workspace.at(home)
        run = collect_distributed(ws, embed=False)
        with Store.open(home) as store:
            sample = [url for url, _, _ in changed_items(store, "2000-01-01")][: args.embed_sample]
        embedded = embed_distributed(ws, sample)
    finally:
        proc.terminate()
        proc.wait(900)
        log.close()
        drop_queues(args.broker, namespace)
    figures = {"total": run.seconds + embedded.seconds, "dead": float(len(run.dead) + len(embedded.dead))}
    for stage in run.stages + embedded.stages:
        figures[f"{stage.name} s"] = stage.seconds
        figures[f"{stage.name} items"] = float(
            {
                # a retried collect task finds the items of its first try stored: unchanged
                "collect": stage.totals["new"] + stage.totals["updated"] + stage.totals["unchanged"],
                "extract": stage.totals["filled"],
                "embed": stage.totals["items"],
            }[stage.name]
        )
    return figures


def drop_queues(broker: str, namespace: str) -> None:
    if broker.startswith("amqp"):
        import pika

        connection = pika.BlockingConnection(pika.URLParameters(broker))
        channel = connection.channel()
        for stage in ("collect", "extract", "embed", "build"):
            for suffix in ("", ".DQ", ".XQ"):
                channel.queue_delete(f"{namespace}.{stage}{suffix}")
        connection.close()


def single(home: Path, embed_sample: int) -> dict[str, float]:
    settings = load_settings(home)
    with Store.open(home) as store:
        source_store.sync_config_sources(store, settings.sources)
        since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        start = time.perf_counter()
        summary = asyncio.run(collect_async(store, settings.sources, settings.collect, allow_private=True))
        collect_s = time.perf_counter() - start
        rows = changed_items(store, since)
        items = store.items_by_url([url for url, _, _ in rows])
        sample = [items[url] for url, _, _ in rows if url in items][:embed_sample]
        start = time.perf_counter()
        cached_embedder(store).embed([story_text(item) for item in sample])
        embed_s = time.perf_counter() - start
        filled = sum(1 for item in items.values() if len(item.content) > 600)
    return {
        "collect s": collect_s,
        "collect items": float(summary.totals.added),
        "extract items": float(filled),
        "embed s": embed_s,
        "embed items": float(len(sample)),
        "total": collect_s + embed_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=5000)
    parser.add_argument("--entries", type=int, default=2)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=18931)
    parser.add_argument("--broker", default="amqp://guest:guest@127.0.0.1:5672/%2F")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--store-url", default="", help="[store] url (default: SQLite in each home)")
    parser.add_argument("--no-single", action="store_true")
    parser.add_argument("--embed-sample", type=int, default=1000, help="new items embedded (the slowest stage)")
    args = parser.parse_args()

    hosts = [f"127.0.0.{n + 1}" for n in range(args.hosts)]
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=_server_process, args=(hosts, args.port, args.entries, ready), daemon=True)
    server.start()
    if not ready.wait(30):
        sys.exit("feed servers did not start")
    results: dict[str, dict[str, float]] = {}
    load = os.getloadavg()[0]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for workers in [int(n) for n in args.workers.split(",")]:
                home = Path(tmp) / f"w{workers}"
                namespace = f"bench{uuid.uuid4().hex[:8]}"
                write_home(home, args, hosts, namespace)
                results[f"{workers} worker process(es)"] = figures = distributed(home, workers, args, namespace)
                print(f"{workers} workers: {figures}", flush=True)
            if not args.no_single:
                home = Path(tmp) / "single"
                write_home(home, args, hosts, "single")
                results["single process (SQLite, no queue)"] = figures = single(home, args.embed_sample)
                print(f"single: {figures}", flush=True)
    finally:
        server.terminate()
        server.join(5)

    print(
        f"\n{args.feeds} feeds x {args.entries} entries on {args.hosts} hosts, 50-150 ms per request; "
        f"{os.cpu_count()} cores, load average {load:.1f} before, {os.getloadavg()[0]:.1f} after\n"
    )
    print("| run | collect items/s | extract items/s | embed items/s | total s | dead tasks |")
    print("|---|---|---|---|---|---|")
    for name, f in results.items():

        def rate(stage: str, f: dict[str, float] = f) -> str:
            seconds = f.get(f"{stage} s")
            return f"{f[f'{stage} items'] / seconds:.0f}" if seconds else "inline"

        print(
            f"| {name} | {rate('collect')} | {rate('extract')} | {rate('embed')} | {f['total']:.1f} | "
            f"{int(f.get('dead', 0))} |"
        )
    first = next(iter(results.values()))
    for name, f in list(results.items())[1:]:
        if "worker" in name:
            ratios = ", ".join(
                f"{stage} {(f[f'{stage} items'] / f[f'{stage} s']) / (first[f'{stage} items'] / first[f'{stage} s']):.2f}x"
                for stage in ("collect", "extract", "embed")
            )
            print(f"scaling {name} vs the first: {ratios}")


if __name__ == "__main__":
    main()
