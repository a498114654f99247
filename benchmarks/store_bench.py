"""The store on SQLite and on PostgreSQL: item upserts per second (one writer, and on PostgreSQL
two writer processes at once), search and nearest-neighbour lookups.

Items are the bundled sample day copied under new URLs (`--items` of them), upserted in batches
of 500 as a collect writes them, then upserted again (nothing changes: the idempotent path a
retried task takes); on PostgreSQL two writer processes then upsert `--items` each at once, half
of their URLs shared (the "together" rate counts both). Search runs a fixed list of Chinese and English queries over the indexed
items; nearest ranks `--vectors` stored 512-dimension vectors against 20 queries. PostgreSQL is
the server on 127.0.0.1:5432 (a database made for the run and dropped after).

    .venv/bin/python benchmarks/store_bench.py [--items 5000] [--vectors 20000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import psycopg

from dailybrief.app.build import sample_path
from dailybrief.importer import read_file
from dailybrief.models import Item
from dailybrief.store import Store
from dailybrief.store.embeddings import EmbeddingCache
from dailybrief.store.search import search, sync_index

SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
QUERIES = ["智能体", "OpenAI", "大模型 融资", "open-weight model", "芯片", "benchmark", "推理"]
BATCH = 500


def corpus(n: int, offset: int = 0) -> list[Item]:
    sample, _ = read_file(sample_path())
    return [sample[i % len(sample)].model_copy(update={"url": f"https://bench.example/{offset + i}"}) for i in range(n)]


def upsert_all(store: Store, items: list[Item]) -> float:
    start = time.perf_counter()
    for i in range(0, len(items), BATCH):
        store.upsert_items(items[i : i + BATCH])
    return time.perf_counter() - start


def _writer(url: str, home: str, offset: int, n: int, start, results) -> None:  # noqa: ANN001
    items = corpus(n, offset)
    with Store.open(Path(home), url, migrate=False) as store:
        start.wait()
        results.put(upsert_all(store, items))


def run(label: str, home: Path, url: str | None, args: argparse.Namespace) -> None:
    with Store.open(home, url) as store:
        items = corpus(args.items)
        first = upsert_all(store, items)
        again = upsert_all(store, items)
        print(
            f"{label:10} upsert {args.items} new items: {args.items / first:8.0f} items/s;"
            f" again (unchanged): {args.items / again:8.0f} items/s"
        )
        start = time.perf_counter()
        sync_index(store, ZoneInfo("Asia/Shanghai"))
        print(f"{label:10} search index of {store.count_items()} items: {time.perf_counter() - start:.1f} s")
        times = []
        for _ in range(3):
            for query in QUERIES:
                t0 = time.perf_counter()
                search(store, query)
                times.append(time.perf_counter() - t0)
        print(f"{label:10} search: median {1000 * statistics.median(times):.1f} ms, max {1000 * max(times):.1f} ms")
        rng = np.random.default_rng(0)
        vectors = rng.normal(size=(args.vectors, 512)).astype(np.float32)
        cache = EmbeddingCache(store)
        for i in range(0, args.vectors, 2000):
            cache.put("bench", {f"v{j}": vectors[j] for j in range(i, min(i + 2000, args.vectors))})
        times = []
        for q in range(20):
            t0 = time.perf_counter()
            cache.nearest("bench", vectors[q], k=10)
            times.append(time.perf_counter() - t0)
        print(f"{label:10} nearest 10 of {args.vectors} vectors: median {1000 * statistics.median(times):.0f} ms")
        if url:  # two writers at once, half the URLs shared
            context = multiprocessing.get_context("spawn")
            results, barrier = context.Queue(), context.Barrier(2)
            half = args.items // 2
            procs = [
                context.Process(target=_writer, args=(url, str(home), o, args.items, barrier, results))
                for o in (args.items, args.items + half)
            ]
            for p in procs:
                p.start()
            for p in procs:
                p.join()
            seconds = [results.get() for _ in procs]
            print(
                f"{label:10} two writers at once, {args.items} upserts each ({half} URLs shared):"
                f" {2 * args.items / max(seconds):8.0f} items/s together (slower writer {max(seconds):.1f} s)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--vectors", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", Path(tmp), None, args)
    name = f"dailybrief_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory() as tmp:
            run("postgresql", Path(tmp), f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", args)
    finally:
        with psycopg.connect(SERVER, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
