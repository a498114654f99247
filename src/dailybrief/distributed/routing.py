"""How a run is cut into tasks: collect by host group, extraction by article host, embedding in
fixed batches. Task keys are stable for the same input, so enqueuing a run twice records each
task once (`store.tasks.add_tasks`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from ..config import SourceSpec


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _chunks(values: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def collect_tasks(specs: Iterable[SourceSpec], per_task: int, allow_private: bool = False) -> dict[str, dict[str, Any]]:
    """One task per host group of at most `per_task` sources: the sources of one host stay
    together, so the collector's per-host limit holds inside a task, and the shared limit
    (`ratelimit.HostLimits`) keeps tasks of one host from running at once on many workers."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for spec in specs:
        by_host[host_of(spec.url)].append(spec.name)
    tasks: dict[str, dict[str, Any]] = {}
    for host, names in sorted(by_host.items()):
        for i, chunk in enumerate(_chunks(names, per_task)):
            tasks[f"{host}#{i}"] = {"host": host, "sources": list(chunk), "allow_private": allow_private}
    return tasks


def extract_tasks(
    wanted: Iterable[tuple[str, str]], batch: int, allow_private: bool = False
) -> dict[str, dict[str, Any]]:
    """(url, source name) pairs of teaser items → one task per article host and `batch` URLs."""
    by_host: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for url, source in wanted:
        by_host[host_of(url)].append((url, source))
    tasks: dict[str, dict[str, Any]] = {}
    for host, pairs in sorted(by_host.items()):
        for i, chunk in enumerate(_chunks(pairs, batch)):
            items = [list(pair) for pair in chunk]
            tasks[f"{host}#{i}"] = {"host": host, "items": items, "allow_private": allow_private}
    return tasks


def embed_tasks(urls: Sequence[str], batch: int) -> dict[str, dict[str, Any]]:
    return {f"batch#{i}": {"urls": list(chunk)} for i, chunk in enumerate(_chunks(urls, batch))}
