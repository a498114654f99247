"""Use cases of distributed runs: start a worker, and collect (then optionally build) through the
queue: collect tasks per host group → barrier → extraction of teaser items → barrier →
embedding → barrier → build. Each stage waits for its tasks in the shared database, so a dead
task is reported and never holds the run up (docs/scaling.md)."""

from __future__ import annotations

import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from ..distributed import broker as queue_broker
from ..distributed import routing, work
from ..distributed.barrier import wait_for_stage
from ..distributed.ratelimit import HostLimits
from ..distributed.record import DeadLetters
from ..distributed.worker import make_handler, serve, stop_on_signals, supervise
from ..errors import InputError, RenderError
from ..publish.editions import build_folder
from ..store import Store
from ..store import sources as source_store
from ..store.pauses import paused_sources
from ..store.tasks import TaskRecord, add_tasks, batch_tasks, failed_tasks
from .build import BuildRequest, build_day
from .context import Workspace

__all__ = [
    "DistributedRun",
    "StageRun",
    "build_distributed",
    "collect_distributed",
    "dead_tasks",
    "embed_distributed",
    "run_line",
    "worker",
]

Progress = Callable[[str, Counter[str]], None]  # (stage, task states)


def parse_queues(text: str) -> list[str]:
    """`collect,extract` → the stage names; InputError naming an unknown one."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in queue_broker.STAGES]
    if unknown or not names:
        raise InputError(
            f"--queues: unknown queue {', '.join(unknown) or text!r}; choose from {','.join(queue_broker.STAGES)}"
        )
    return names


def worker(ws: Workspace, stages: Sequence[str], processes: int = 1, threads: int | None = None) -> None:
    """Take tasks of `stages` until SIGTERM/SIGINT; with `processes` > 1, supervise that many
    single-process workers. QueueError when the broker or Redis cannot be reached."""
    settings = ws.settings
    threads = threads or settings.queue.threads
    queue_broker.check_services(settings.queue)  # one line naming the setting before anything starts
    # A worker never migrates: one whose code expects a newer schema than the database has
    # refuses to start, naming the missing migration (`dailybrief db upgrade` applies it).
    store = ws.store(migrate=False)
    try:
        store.check_schema()
    except Exception:
        store.close()
        raise
    stop = stop_on_signals()
    if processes > 1:
        store.close()  # each child opens its own
        command = [
            sys.executable,
            "-m",
            "dailybrief",
            "--home",
            str(ws.home),
            "worker",
            "--queues",
            ",".join(stages),
            "--processes",
            "1",
            "--threads",
            str(threads),
        ]
        supervise(command, processes, stop)
        return
    queues = queue_broker.connect(settings.queue, check=False)
    limits = HostLimits(settings.queue.redis, settings.queue.namespace, settings.queue.host_tasks)
    ctx = work.WorkContext(settings, store, limits)
    bodies = {
        "collect": work.collect_task,
        "extract": work.extract_task,
        "embed": work.embed_task,
        "build": lambda _ctx, payload: _build_task(ws, payload),
    }
    queues.broker.add_middleware(DeadLetters(store, settings.queue.namespace))
    queue_broker.set_handler(make_handler(queues, ctx, bodies))
    try:
        serve(queues, stages, threads, stop)
    finally:
        queue_broker.set_handler(None)
        store.close()


def _build_task(ws: Workspace, payload: dict[str, Any]) -> dict[str, Any]:
    day = date.fromisoformat(payload["date"])
    done = {}
    for language in payload["languages"]:
        request = BuildRequest(day=day, language=language, out_dir=build_folder(ws.reports_dir, language, ws.settings))
        built = build_day(ws, request)
        if built.errors:
            raise RenderError(f"{language}: {built.errors[0]}")
        done[language] = {"sections": len(built.report.sections), "references": len(built.report.references)}
    return done


@dataclass
class StageRun:
    name: str
    tasks: Counter[str] = field(default_factory=Counter)  # final states
    seconds: float = 0.0
    totals: Counter[str] = field(default_factory=Counter)  # summed counts of the done tasks


@dataclass
class DistributedRun:
    batch: str
    stages: list[StageRun] = field(default_factory=list)
    dead: list[TaskRecord] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """1 when no collect task finished or the build did not."""
        for stage in self.stages:
            if stage.name in ("collect", "build") and stage.tasks and not stage.tasks.get("done"):
                return 1
        return 0


def _enqueue_and_wait(
    store: Store,
    queues: queue_broker.Queues,
    batch: str,
    stage: str,
    payloads: dict[str, dict[str, Any]],
    run: DistributedRun,
    progress: Progress | None,
) -> StageRun:
    started = time.perf_counter()
    add_tasks(store, batch, stage, payloads)
    for key, payload in payloads.items():
        queues.send(stage, {**payload, "batch": batch, "key": key})
    states = wait_for_stage(
        store, batch, stage, queues.settings.wait, progress=(lambda s: progress(stage, s)) if progress else None
    )
    result = StageRun(stage, states, time.perf_counter() - started)
    for record in batch_tasks(store, batch, stage):
        if record.state == "done":
            for name, value in record.result.items():
                if isinstance(value, int):
                    result.totals[name] += value
        elif record.state == "dead":
            run.dead.append(record)
    run.stages.append(result)
    return result


def _new_run() -> DistributedRun:
    now = datetime.now(UTC)
    return DistributedRun(batch=f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}")


def collect_distributed(
    ws: Workspace,
    allow_private: bool = False,
    build: date | None = None,
    languages: Sequence[str] = (),
    progress: Progress | None = None,
    embed: bool = True,
) -> DistributedRun:
    """Collect every unpaused source through the workers, extract and embed what is new (not
    embed when `embed` is false: the build embeds what it needs), and build `build` (in
    `languages`, default the report language) when given."""
    settings = ws.settings
    queues = queue_broker.connect(settings.queue)
    started = time.perf_counter()
    run = _new_run()
    try:
        with ws.store() as store:
            source_store.sync_config_sources(store, settings.sources)
            paused = paused_sources(store)
            specs = [spec for spec in source_store.all_sources(store, settings.sources) if spec.name not in paused]
            since = datetime.now(UTC).isoformat(timespec="milliseconds")
            private = allow_private or settings.collect.allow_private
            tasks = routing.collect_tasks(specs, settings.queue.sources_per_task, private)
            _enqueue_and_wait(store, queues, run.batch, "collect", tasks, run, progress)
            wanted, urls = work.new_items(store, settings, since)
            extract = routing.extract_tasks(wanted, settings.queue.extract_batch, private)
            _enqueue_and_wait(store, queues, run.batch, "extract", extract, run, progress)
            if embed:
                batches = routing.embed_tasks(urls, settings.queue.embed_batch)
                _enqueue_and_wait(store, queues, run.batch, "embed", batches, run, progress)
            if build is not None:
                _build_stage(store, queues, run, build, languages or [settings.report.language], progress)
    finally:
        queues.close()
    run.seconds = time.perf_counter() - started
    return run


def _build_stage(
    store: Store,
    queues: queue_broker.Queues,
    run: DistributedRun,
    day: date,
    languages: Sequence[str],
    progress: Progress | None,
) -> StageRun:
    payload = {"date": day.isoformat(), "languages": list(languages)}
    return _enqueue_and_wait(store, queues, run.batch, "build", {day.isoformat(): payload}, run, progress)


def embed_distributed(ws: Workspace, urls: Sequence[str]) -> DistributedRun:
    """Embed the stored items with these URLs on the workers of the embed queue (into the
    embedding cache the build reads) and wait for them."""
    queues = queue_broker.connect(ws.settings.queue)
    started = time.perf_counter()
    run = _new_run()
    try:
        with ws.store() as store:
            batches = routing.embed_tasks(list(urls), ws.settings.queue.embed_batch)
            _enqueue_and_wait(store, queues, run.batch, "embed", batches, run, None)
    finally:
        queues.close()
    run.seconds = time.perf_counter() - started
    return run


def build_distributed(ws: Workspace, day: date, languages: Sequence[str]) -> DistributedRun:
    """Build `day` on a worker of the build queue and wait for it."""
    queues = queue_broker.connect(ws.settings.queue)
    started = time.perf_counter()
    run = _new_run()
    try:
        with ws.store() as store:
            _build_stage(store, queues, run, day, languages, None)
    finally:
        queues.close()
    run.seconds = time.perf_counter() - started
    return run


def run_line(run: DistributedRun) -> str:
    """One line about a distributed run: tasks per stage and the dead ones."""
    parts = []
    for stage in run.stages:
        states = ", ".join(f"{n} {state}" for state, n in sorted(stage.tasks.items())) or "no tasks"
        parts.append(f"{stage.name} {states}")
    line = f"run {run.batch}: " + "; ".join(parts)
    dead = "; ".join(f"{t.stage} {t.key}: {t.error}" for t in run.dead)
    return line + (f"; dead: {dead}" if dead else "")


def dead_tasks(ws: Workspace, limit: int = 20) -> list[TaskRecord]:
    """Queue tasks that are dead or waiting for a retry, latest first."""
    with ws.store() as store:
        return failed_tasks(store, limit)
