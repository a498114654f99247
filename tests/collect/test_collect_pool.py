"""A large concurrent collect parses in worker processes; the result equals an inline run."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from pathlib import Path

import httpx

from dailybrief.collect import runner
from dailybrief.config import CollectSettings, SourceSpec
from dailybrief.store import Store
from dailybrief.store import sources as source_store


def _feed(n: int) -> bytes:
    entries = "".join(
        f"<item><title>Feed {n} &amp; story {k}</title><link>https://example.com/{n}/{k}?utm_source=x</link>"
        f"<description>&lt;p&gt;Text {k} &lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</description>"
        "<pubDate>Mon, 06 Jan 2025 08:00:00 GMT</pubDate></item>"
        for k in range(5)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>F{n}</title>{entries}</channel></rss>'.encode()


def _handler(request: httpx.Request) -> httpx.Response:
    n = int(request.url.path.rsplit("/", 1)[-1])
    if n == 3:
        return httpx.Response(200, content=b"not a feed at all", headers={"content-type": "text/plain"})
    return httpx.Response(200, content=_feed(n), headers={"content-type": "application/rss+xml"})


def _collect(tmp_path, name: str, pool_expected: bool):
    specs = [SourceSpec(name=f"f{n}", kind="rss", url=f"https://feeds.example.com/{n}") for n in range(20)]
    started: list[object] = []
    real_start = runner._start_pool

    def spy(settings, sources):  # noqa: ANN001, ANN202
        pool = real_start(settings, sources)
        started.append(pool)
        return pool

    runner._start_pool = spy
    try:
        with Store.open(tmp_path / name) as store:
            source_store.sync_config_sources(store, specs)
            summary = asyncio.run(
                runner.collect_async(
                    store, specs, CollectSettings(fulltext=False), transport=httpx.MockTransport(_handler),
                    allow_private=True,  # no DNS look-up for the mock hosts
                )
            )
            items = sorted((i.url, i.title, i.content, i.summary) for i in store.items())
    finally:
        runner._start_pool = real_start
    assert (started[0] is not None) == pool_expected
    return summary, items


def compare_pool_and_inline(tmp_path: Path) -> None:
    pooled, pooled_items = _collect(tmp_path, "pool", pool_expected=(runner.os.cpu_count() or 1) > 1)
    runner.POOL_MIN_SOURCES = 10_000
    inline, inline_items = _collect(tmp_path, "inline", pool_expected=False)
    assert pooled_items == inline_items
    assert len(pooled_items) == 19 * 5
    assert all("script" not in text for item in pooled_items for text in item[1:])
    assert [(r.name, r.status, r.new, r.error is None) for r in pooled.sources] == [
        (r.name, r.status, r.new, r.error is None) for r in inline.sources
    ]
    assert [r.name for r in pooled.failed] == ["f3"]


def test_pool_run_equals_inline_run(tmp_path):
    # The collector forks workers only from a single-threaded process, and the test session runs
    # loopback server threads; so the comparison runs in a fresh interpreter of its own.
    proc = subprocess.run([sys.executable, __file__, str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "pool and inline runs agree" in proc.stdout


if __name__ == "__main__":
    assert threading.active_count() == 1
    compare_pool_and_inline(Path(sys.argv[1]))
    print("pool and inline runs agree")
