"""Render time per format for tests/data/report-sample.json.

Usage: .venv/bin/python benchmarks/render_bench.py [REPORT.json] [--runs N]

Prints, per format, the first (cold: imports, font discovery, matplotlib start-up) and the best of
N warm renders in a fresh process. The PDF target is < 5 s cold.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "report-sample.json"
HISTORY = [(f"2026-04-{d:02d}", {"商业": d % 4 + 1, "智能体": d % 5, "架构": d % 3 + 1}) for d in range(4, 18)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report", nargs="?", default=str(SAMPLE))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    t0 = time.perf_counter()
    from dailybrief.render import ALL_FORMATS, load_report, render_report

    import_s = time.perf_counter() - t0
    report = load_report(args.report)
    cold: dict[str, float] = {}
    warm: dict[str, list[float]] = {f: [] for f in ALL_FORMATS}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs + 1):
            for fmt in ALL_FORMATS:
                res = render_report(report, Path(tmp) / str(run), formats=[fmt], history=HISTORY)
                if res.errors:
                    raise SystemExit(f"{fmt}: {res.errors}")
                (cold if run == 0 else warm)[fmt] = res.timings[fmt] if run == 0 else warm[fmt] + [res.timings[fmt]]
        totals = []
        for run in range(args.runs):
            t = time.perf_counter()
            res = render_report(report, Path(tmp) / f"all{run}", formats=["all"], history=HISTORY)
            totals.append(time.perf_counter() - t)
        sizes = {p.name: p.stat().st_size for p in (Path(tmp) / "0").rglob("*") if p.is_file()}

    print(f"# render benchmark — {Path(args.report).name}, {platform.python_version()}, "
          f"{platform.machine()}, {args.runs} warm runs")
    print(f"import dailybrief.render: {import_s * 1000:.0f} ms")
    print(f"{'format':<8} {'cold ms':>9} {'warm ms (median)':>17}")
    for fmt in ALL_FORMATS:
        print(f"{fmt:<8} {cold[fmt] * 1000:>9.0f} {statistics.median(warm[fmt]) * 1000:>17.0f}")
    print(f"all formats in one call (charts shared): {statistics.median(totals) * 1000:.0f} ms median; "
          + ", ".join(f"{k} {v * 1000:.0f}" for k, v in res.timings.items()) + " ms")
    print("sizes: " + ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in sorted(sizes.items())))
    print("note: charts are built once per render_report call; the first format that needs them pays")


if __name__ == "__main__":
    main()
