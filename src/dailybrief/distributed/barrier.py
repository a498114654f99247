"""The barrier of a distributed run: wait until every task of a stage is done or dead, reading
their records in the shared database (store/tasks.py), then start the next stage. Dead tasks do
not hold the run up: they are counted and reported."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from ..errors import QueueError
from ..store import Store
from ..store.tasks import TERMINAL, stage_states


def wait_for_stage(
    store: Store,
    batch: str,
    stage: str,
    timeout: float,
    poll: float = 0.25,
    progress: Callable[[Counter[str]], None] | None = None,
) -> Counter[str]:
    """The final states of the stage's tasks (e.g. {"done": 40, "dead": 1}); QueueError when
    some are still unfinished after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: Counter[str] | None = None
    while True:
        states = stage_states(store, batch, stage)
        if states != last and progress is not None:
            progress(states)
        last = states
        pending = sum(n for state, n in states.items() if state not in TERMINAL)
        if not pending:
            return states
        if time.monotonic() > deadline:
            raise QueueError(
                f"{pending} {stage} task(s) of run {batch} unfinished after {timeout:g} s ([queue] wait): "
                "is a `dailybrief worker` running for this queue?"
            )
        time.sleep(poll)
