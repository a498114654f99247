"""A worker: one process taking tasks from the broker with `threads` threads, or a supervisor
that keeps `processes` such processes running (a child that dies is started again; its
unacknowledged tasks go back to the queue meanwhile)."""

from __future__ import annotations

import logging
import random
import signal
import subprocess
import threading
from collections.abc import Callable, Sequence
from typing import Any

import dramatiq

from .broker import Handler, Queues
from .record import run_recorded
from .work import WorkContext

log = logging.getLogger("dailybrief.worker")
log.addHandler(logging.NullHandler())

Body = Callable[[WorkContext, dict[str, Any]], dict[str, Any]]


def make_handler(queues: Queues, ctx: WorkContext, bodies: dict[str, Body]) -> Handler:
    """What runs each task in this process: take the host's slot (collect, extract), record the
    try, run the body. A task whose host is busy on other workers is sent again a moment later
    (not a failed try)."""
    settings = queues.settings
    max_attempts = settings.max_retries + 2

    def handle(stage: str, payload: dict[str, Any]) -> None:
        body = bodies[stage]
        limit = settings.build_time_limit if stage == "build" else settings.time_limit
        host = payload.get("host")
        if host is None:
            run_recorded(ctx.store, stage, payload, lambda p: body(ctx, p), max_attempts, limit)
            return
        with ctx.limits.hold(host) as held:
            if held:
                run_recorded(ctx.store, stage, payload, lambda p: body(ctx, p), max_attempts, limit)
                return
        log.debug("%s %s: host %s busy on other workers; sent again", stage, payload.get("key"), host)
        queues.send(stage, payload, delay=random.uniform(0.2, 1.0))

    return handle


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT (call from the main thread)."""
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    return stop


def serve(queues: Queues, stages: Sequence[str], threads: int, stop: threading.Event) -> None:
    """Take tasks of `stages` until `stop` is set, then finish the running ones."""
    names = {queues.queue_name(stage) for stage in stages}
    worker = dramatiq.Worker(queues.broker, queues=names, worker_threads=threads)
    worker.start()
    log.info("worker started: queues %s, %d threads", ", ".join(sorted(names)), threads)
    try:
        stop.wait()
    finally:
        log.info("worker stopping: finishing the running tasks")
        worker.stop(timeout=int(max(queues.settings.time_limit, 10) * 1000))
        queues.close()


def supervise(command: Sequence[str], processes: int, stop: threading.Event) -> None:
    """Run `processes` copies of `command` (single-process workers) until `stop`; restart any
    that exits on its own; on stop, send each SIGTERM and wait for it to finish its tasks."""
    children = [subprocess.Popen(list(command)) for _ in range(processes)]
    while not stop.wait(1.0):
        for i, child in enumerate(children):
            code = child.poll()
            if code is not None:
                log.warning("worker process %d exited with %s; starting another", child.pid, code)
                children[i] = subprocess.Popen(list(command))
    for child in children:
        child.terminate()
    for child in children:
        try:
            child.wait(timeout=600)
        except subprocess.TimeoutExpired:
            child.kill()
