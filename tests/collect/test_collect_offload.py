"""`base.Offload`: jobs go to the workers while fetching, to the helper too once idle, and run
in the collector when every pool is broken."""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool

import pytest

from dailybrief.collect import base
from dailybrief.collect.base import Offload, SourceContext


class Recording(Executor):
    """Runs jobs at once in the calling thread and records them; `broken` fails them as a dead
    worker does."""

    def __init__(self, broken: bool = False):
        self.calls: list[tuple] = []
        self.broken = broken

    def submit(self, fn, /, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        self.calls.append(args)
        future: Future = Future()
        if self.broken:
            future.set_exception(BrokenProcessPool("a worker died"))
        else:
            future.set_result(fn(*args))
        return future


def _square(n: int) -> int:
    return n * n


def _fail(n: int) -> int:
    raise ValueError(f"bad {n}")


async def _run_all(offload: Offload, count: int, fn=_square) -> list:  # noqa: ANN001
    return await asyncio.gather(*(offload.run(fn, n) for n in range(count)), return_exceptions=True)


def test_helper_waits_until_fetching_is_over(monkeypatch):
    monkeypatch.setattr(base, "HELPER_BACKLOG", 10_000)
    workers, helper = Recording(), Recording()
    offload = Offload(workers, helper, idle=lambda: False)
    assert asyncio.run(_run_all(offload, 50)) == [n * n for n in range(50)]
    assert len(workers.calls) == 50 and helper.calls == []

    workers, helper = Recording(), Recording()
    offload = Offload(workers, helper, idle=lambda: True, depth=2)
    assert asyncio.run(_run_all(offload, 50)) == [n * n for n in range(50)]
    assert helper.calls and len(workers.calls) + len(helper.calls) == 50


def test_errors_reach_the_caller():
    offload = Offload(Recording(), Recording(), idle=lambda: True)
    results = asyncio.run(_run_all(offload, 3, _fail))
    assert [str(r) for r in results] == ["bad 0", "bad 1", "bad 2"]


def test_broken_pools_fall_back_to_inline():
    workers, helper = Recording(broken=True), Recording(broken=True)
    offload = Offload(workers, helper, idle=lambda: True)
    assert asyncio.run(_run_all(offload, 20)) == [n * n for n in range(20)]


def test_one_broken_pool_leaves_the_other():
    workers, helper = Recording(broken=True), Recording()
    offload = Offload(workers, helper, idle=lambda: False)  # still fetching: the helper steps in
    assert asyncio.run(_run_all(offload, 20)) == [n * n for n in range(20)]
    assert len(helper.calls) == 20


@pytest.mark.parametrize("pool", [None, "offload"])
def test_source_context_compute(pool):
    async def go() -> int:
        ctx = SourceContext(http=None, pool=Offload(Recording()) if pool else None)  # type: ignore[arg-type]
        return await ctx.compute(_square, 7)

    assert asyncio.run(go()) == 49
