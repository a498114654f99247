"""Dedupe + story clustering on synthetic days of 10k and 100k items (optionally 1M).

Usage:
    .venv/bin/python benchmarks/stories_bench.py [--sizes 10000 100000] [--embed-sample 2000]

Each size runs in a fresh subprocess so its peak memory (ru_maxrss) is its own. A synthetic day
has events of 1-12 items (heavy tail) from a few hundred companies; each item has a title with
the event's product name and figures, a body drawn from the event's word pool plus noise, and
about 8% are syndicated copies of another item with small edits. Vectors are synthetic too
(event direction + company direction + noise, L2-normalised, 512 dims) so that clustering is
timed on precomputed vectors; embedding cost with the real model is measured separately on
`--embed-sample` texts and extrapolated (and `--embed-full` embeds every text of the 10k day).

Printed per run: seconds for dedupe and for clustering, their sum (wall) and process CPU time,
peak RSS, stories found and B-cubed F1 against the synthetic gold events. Each size runs
`--repeat` times (default 3) and the growth ratio time(100k)/time(10k) uses each size's fastest
run, so that another job on a shared machine during one run does not decide the figure.
Targets: ratio <= 15, 100k under 120 s on 2 cores, peak under 4 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import numpy as np

DIM = 512
_SYLLABLES = "ka lo mi ra ve to xi zu ne pa qui dro fen gal hor jin kes lum mor nix orb pel ryn sor tal".split()


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choices(_SYLLABLES, k=parts))


def synthetic_day(n: int, seed: int = 1) -> tuple[list, np.ndarray, list[str]]:
    """`n` items, their vectors and gold event labels."""
    from dailybrief.models import Item

    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    vocab = [_word(rng, 3) for _ in range(6000)]
    companies = [_word(rng, 2).capitalize() for _ in range(max(20, n // 200))]
    company_dirs = nrng.standard_normal((len(companies), DIM)).astype(np.float32)
    start = datetime(2026, 4, 16, tzinfo=timezone.utc)
    items, vectors, gold = [], [], []
    event = 0
    while len(items) < n:
        size = min(int(rng.paretovariate(1.3)), 12, n - len(items))
        c = rng.randrange(len(companies))
        product = f"{_word(rng, 2).capitalize()}-{rng.randrange(2, 99)}"
        figure = f"{rng.randrange(10, 999)}"
        pool = rng.sample(vocab, 30)
        direction = nrng.standard_normal(DIM).astype(np.float32)
        base_time = start + timedelta(seconds=rng.randrange(86400))
        body = None
        for k in range(size):
            if body is not None and rng.random() < 0.15:  # a syndicated copy with small edits
                text = body.replace(pool[0], pool[1], 1) + " " + rng.choice(vocab)
                source = f"wire{rng.randrange(50)}.example"
            else:
                words = rng.choices(pool, k=25) + rng.choices(vocab, k=15)
                rng.shuffle(words)
                text = f"{companies[c]} {product} {figure} " + " ".join(words)
                body = body or text
                source = f"site{rng.randrange(2000)}.example"
            items.append(Item(
                url=f"https://{source}/e{event}/{k}", title=f"{companies[c]} unveils {product} with {figure} {pool[2]}",
                content=text, source=source, source_kind="news", lang="en",
                published=base_time + timedelta(minutes=rng.randrange(600)),
            ))
            noise = nrng.standard_normal(DIM).astype(np.float32)
            vectors.append(0.65 * direction + 0.4 * company_dirs[c] + 0.65 * noise)
            gold.append(f"e{event}")
        event += 1
    matrix = np.vstack(vectors)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return items, matrix, gold


def run_size(n: int) -> dict:
    from dailybrief.process.dedupe import dedupe
    from dailybrief.process.evaluate import bcubed
    from dailybrief.process.stories import cluster_items
    from dailybrief.process.story_pairs import merge_small_stories

    items, vectors, gold = synthetic_day(n)
    row_of = {item.url: i for i, item in enumerate(items)}
    c0 = time.process_time()
    t0 = time.perf_counter()
    deduped = dedupe(items)
    t1 = time.perf_counter()
    kept_vectors = vectors[[row_of[item.url] for item in deduped.items]]
    result = cluster_items(deduped.items, vectors=kept_vectors)
    row = {item.url: kept_vectors[k] for k, item in enumerate(deduped.items)}
    result.stories, _ = merge_small_stories(result.stories, vectors=row)
    t2 = time.perf_counter()
    cpu = time.process_time() - c0
    predicted = {}
    for story in result.stories:
        for item in story.items:
            predicted[item.url] = story.id
            for mirror in item.mirrors:
                predicted[mirror.url] = story.id
    score = bcubed([predicted[item.url] for item in items], gold)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "items": n, "duplicates": deduped.duplicates, "stories": len(result.stories), "method": result.method,
        "dedupe_s": round(t1 - t0, 2), "cluster_s": round(t2 - t1, 2), "total_s": round(t2 - t0, 2),
        "cpu_s": round(cpu, 2),
        "peak_mb": round(peak_kb / 1024), "f1": score.f1, "gold_events": score.gold_stories,
    }


def embed_speed(sample: int) -> dict:
    """Texts per second of the default embedder on `sample` synthetic texts (cold cache)."""
    from dailybrief.process.embed import Embedder
    from dailybrief.process.stories import story_text

    items, _, _ = synthetic_day(sample, seed=5)
    embedder = Embedder()
    texts = [story_text(item) for item in items]
    t0 = time.perf_counter()
    embedder.embed(texts)
    seconds = time.perf_counter() - t0
    rate = sample / seconds
    return {"model": embedder.name, "texts": sample, "seconds": round(seconds, 2), "per_second": round(rate, 1),
            "extrapolated_10k_s": round(10_000 / rate, 1), "extrapolated_100k_s": round(100_000 / rate, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--embed-sample", type=int, default=2000, help="texts to embed for the speed figure (0: skip)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="fresh-process runs per size; the ratio uses each size's fastest run (default 3)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--embed", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_size(args.one)))
        return
    if args.embed:
        print(json.dumps(embed_speed(args.embed)))
        return

    print(f"python {platform.python_version()}, {os.cpu_count()} cpus, {platform.platform()}")
    rows = []
    for n in args.sizes:
        runs = []
        for _ in range(max(1, args.repeat)):
            out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True)
            if out.returncode:
                print(f"{n}: failed\n{out.stderr[-2000:]}")
                break
            row = json.loads(out.stdout.strip().splitlines()[-1])
            runs.append(row)
            print(f"{row['items']:>9} items: dedupe {row['dedupe_s']:7.2f} s  cluster {row['cluster_s']:7.2f} s "
                  f"({row['method']})  total {row['total_s']:7.2f} s  cpu {row['cpu_s']:7.2f} s  "
                  f"peak {row['peak_mb']:6} MB  duplicates {row['duplicates']}  stories {row['stories']} "
                  f"(gold {row['gold_events']})  F1 {row['f1']}", flush=True)
        if runs:
            rows.append(min(runs, key=lambda r: r["total_s"]))
    by_n = {r["items"]: r for r in rows}
    for small, large in ((10_000, 100_000), (100_000, 1_000_000)):
        if small in by_n and large in by_n:
            wall = by_n[large]["total_s"] / max(by_n[small]["total_s"], 1e-9)
            cpu = by_n[large]["cpu_s"] / max(by_n[small]["cpu_s"], 1e-9)
            print(f"growth ratio time({large // 1000}k)/time({small // 1000}k) = {wall:.1f} wall, {cpu:.1f} cpu "
                  f"(fastest of {args.repeat} runs each; target <= 15)")
    if args.embed_sample:
        out = subprocess.run([sys.executable, __file__, "--embed", str(args.embed_sample)], capture_output=True, text=True)
        if out.returncode == 0:
            e = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"embedding ({e['model']}): {e['texts']} texts in {e['seconds']} s = {e['per_second']}/s; "
                  f"10k ≈ {e['extrapolated_10k_s']} s, 100k ≈ {e['extrapolated_100k_s']} s")
            for n in (10_000, 100_000):
                if n in by_n:
                    print(f"end to end {n}: ≈ {by_n[n]['total_s'] + n / e['per_second']:.0f} s "
                          f"(dedupe + clustering + embedding every text cold)")
        else:
            print(f"embedding: failed\n{out.stderr[-2000:]}")


if __name__ == "__main__":
    main()
