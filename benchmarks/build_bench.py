"""Whole-build benchmark: generated N-item days through `build`, seconds per stage, cold and warm.

Usage:
    .venv/bin/python benchmarks/build_bench.py [--sizes 1000 4000 16000] [--lang zh]

A generated day has stories of realistic sizes (1-12 items, heavy tail) about AI companies and
products, one very large story (a tenth of the day, at least 100 items) in both languages, and
items whose bodies are 4-8 sentences drawn from templates with varied names, figures and filler,
about a third of them in Chinese. Each size is imported into a fresh home and built twice:
cold (empty embedding cache) and warm (the same day rebuilt). Printed per build: seconds per
stage, total, and write's share of the total. Targets (issue 10): a cold 4,000-item day under
90 s on this machine; `write` under 10% of a cold build. The machine is shared: the load
average before each build is printed so that figures can be read against it.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from dailybrief.config import load_settings
from dailybrief.models import Item
from dailybrief.pipeline import STAGES, BuildOptions, build
from dailybrief.store import Store

DAY = date(2026, 4, 17)
COMPANIES = ["OpenAI", "Anthropic", "Google", "NVIDIA", "Meta", "Mistral", "DeepSeek", "Alibaba", "Moonshot",
             "Microsoft", "Apple", "Amazon", "Cohere", "xAI", "Zhipu", "Baidu", "ByteDance", "Tencent"]
THINGS = ["model", "agent framework", "inference engine", "chip", "benchmark", "dataset", "coding assistant",
          "robotics stack", "training cluster", "safety policy"]
EN = [
    "{c} released {p}, a {t} that it says is {n} times faster than the previous version.",
    "The {t} is available through the {c} API from today, priced at ${m} per million tokens.",
    "{p} was trained on {k} GPUs over {d} days, according to the technical report.",
    "Researchers at {c} said {p} scores {s}% on the {b} benchmark, up from {s2}% a year ago.",
    "Developers on Hacker News compared {p} with earlier releases and questioned the evaluation setup.",
    "Analysts expect the {t} to matter most for enterprise customers who run {w} workloads.",
    "The company did not disclose how much the {t} cost to build, but said it employs {k} engineers on it.",
    "{c} plans to open-source a smaller version of {p} with {n} billion parameters later this year.",
]
ZH = [
    "{c} 发布了 {p}，这是一款{tz}，官方称其速度是上一代的 {n} 倍。",
    "{p} 即日起通过 {c} 的 API 提供，每百万 token 定价 {m} 美元。",
    "据技术报告，{p} 使用 {k} 块 GPU 训练了 {d} 天。",
    "{c} 的研究人员表示，{p} 在 {b} 基准上得分 {s}%，一年前为 {s2}%。",
    "不少开发者将 {p} 与此前版本进行对比，并对评测设置提出质疑。",
    "分析人士认为，这款{tz}对运行{wz}负载的企业客户意义最大。",
    "{c} 计划在今年晚些时候开源 {p} 的一个 {n} 亿参数小版本。",
]
THINGS_ZH = ["大模型", "智能体框架", "推理引擎", "芯片", "评测基准", "数据集", "编程助手", "机器人平台", "训练集群", "安全策略"]
BENCHES = ["SWE-bench", "MMLU", "GPQA", "HumanEval", "ARC-AGI", "LiveCodeBench"]
WORK = ["agentic", "retrieval", "coding", "customer-support", "analytics"]
WORK_ZH = ["智能体", "检索", "编程", "客服", "数据分析"]


def _story_sizes(n: int, rng: random.Random) -> list[int]:
    big = max(100, n // 10)
    sizes = [big]
    while sum(sizes) < n:
        sizes.append(min(int(rng.paretovariate(1.3)), 12, n - sum(sizes)))
    return sizes


def _item(story: int, k: int, fields: dict, lang: str, rng: random.Random, when: datetime) -> Item:
    templates = ZH if lang == "zh" else EN
    picked = rng.sample(templates, rng.randint(4, min(8, len(templates))))
    values = {**fields, "n": rng.randint(2, 9), "m": rng.randint(1, 30), "k": rng.randint(100, 9000),
              "d": rng.randint(10, 90), "s": rng.randint(40, 95), "s2": rng.randint(10, 39),
              "w": rng.choice(WORK), "wz": rng.choice(WORK_ZH), "b": rng.choice(BENCHES)}
    text = ("" if lang == "zh" else " ").join(t.format(**values) for t in picked)
    source = f"{'cn' if lang == 'zh' else 'news'}{rng.randrange(300)}.example"
    title = (f"{fields['c']} 发布 {fields['p']}" if lang == "zh" else f"{fields['c']} launches {fields['p']}")
    kind = rng.choice(["news", "news", "news", "blog", "forum"])
    return Item(url=f"https://{source}/s{story}/{k}", title=title, content=text, source=source, source_kind=kind,
                lang=lang, published=when + timedelta(minutes=rng.randrange(600)),
                score=rng.randrange(500) if kind == "forum" else None,
                comments=rng.randrange(200) if kind == "forum" else None)


def generated_day(n: int, seed: int = 7) -> list[Item]:
    rng = random.Random(seed)
    start = datetime(2026, 4, 16, 1, tzinfo=timezone.utc)
    items: list[Item] = []
    for story, size in enumerate(_story_sizes(n, rng)):
        c = rng.choice(COMPANIES)
        t = rng.randrange(len(THINGS))
        fields = {"c": c, "p": f"{c[:3].title()}{rng.choice('XQRZ')}-{rng.randint(2, 99)}", "t": THINGS[t],
                  "tz": THINGS_ZH[t]}
        when = start + timedelta(minutes=rng.randrange(700))
        for k in range(size):
            lang = "zh" if rng.random() < 0.33 else "en"
            items.append(_item(story, k, fields, lang, rng, when))
    return items[:n]


def _load() -> str:
    try:
        return "load %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "load n/a"


def run(n: int, language: str) -> None:
    items = generated_day(n)
    home = Path(tempfile.mkdtemp(prefix=f"build-bench-{n}-"))
    with Store.open(home) as store:
        _import(store, items, home)
        settings = load_settings(home)
        for label in ("cold", "warm"):
            print(f"{n} items, {label} build ({_load()})", flush=True)
            started = time.perf_counter()
            options = BuildOptions(day=DAY, out_dir=home / "out", language=language, formats=("md",))
            result = build(store, settings, options)
            total = time.perf_counter() - started
            seconds = result.report.stats["seconds"]
            stages = ", ".join(f"{s} {seconds.get(s, 0):.2f}" for s in STAGES)
            print(f"  {stages}", flush=True)
            share = seconds.get("write", 0) / total if total else 0.0
            print(f"  total {total:.1f} s; write {seconds.get('write', 0):.2f} s = {share:.1%} of the build; "
                  f"{result.report.stats['stories']} stories, {result.report.stats['stories_written']} written", flush=True)


def _import(store: Store, items: list[Item], home: Path) -> None:
    """Through the ordinary importer, from a JSON Lines file."""
    from dailybrief.importer import import_file

    path = home / "day.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for item in items:
            out.write(item.model_dump_json(exclude={"extra", "mirrors"}) + "\n")
    import_file(store, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 16000])
    parser.add_argument("--lang", default="zh", choices=["zh", "en"])
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {_load()}")
    for n in args.sizes:
        run(n, args.lang)


if __name__ == "__main__":
    main()
