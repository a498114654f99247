"""Extension points: a separate package adds a source kind, a writer, a renderer or a publisher
by declaring a Python entry point, the way `llm` plugins do:

    [project.entry-points."dailybrief.writers"]
    shouty = "my_package:ShoutyWriter"

| group                   | the object                                           | registry            |
|-------------------------|------------------------------------------------------|---------------------|
| `dailybrief.sources`    | a `collect.base.Source` subclass (`kind` = the name)  | `collect/kinds.py`  |
| `dailybrief.writers`    | a writer class (`id` = the name, `write(sections, context)`) | `write/writers.py` |
| `dailybrief.renderers`  | a renderer object (`name`, `filename`, `render(ctx)`) | `render/__init__.py`|
| `dailybrief.publishers` | a `publish.base.Publisher` subclass (`type`)          | `publish/registry.py` |

Each registry loads its group once per process through `load`; a plugin that fails to import is
remembered with its error (`Loaded.broken`) and never stops the built-ins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points
from typing import Any

SOURCES = "dailybrief.sources"
WRITERS = "dailybrief.writers"
RENDERERS = "dailybrief.renderers"
PUBLISHERS = "dailybrief.publishers"


@dataclass
class Loaded:
    objects: dict[str, Any] = field(default_factory=dict)  # entry-point name → loaded object
    broken: dict[str, str] = field(default_factory=dict)  # entry-point name → why it failed


@cache
def load(group: str) -> Loaded:
    """Every entry point of `group`, loaded once per process."""
    found = Loaded()
    for ep in entry_points(group=group):
        try:
            found.objects[ep.name] = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the built-ins
            found.broken[ep.name] = f"{ep.value}: {type(exc).__name__}: {exc}"
    return found


def add_to(registry: dict[str, Any], group: str, key: str) -> dict[str, Any]:
    """`registry` with the plugins of `group` added, each under its entry-point name when its
    `key` attribute (`kind`, `id`) says the same; built-ins keep their names."""
    for name, obj in load(group).objects.items():
        if name not in registry and getattr(obj, key, None) == name:
            registry[name] = obj
    return registry


def why_missing(registry: dict[str, Any], group: str, name: str, what: str) -> str:
    """Why `name` (a `what`, e.g. "source kind") is not in `registry`: its plugin failed to
    load, or it is unknown (and which names are known)."""
    broken = load(group).broken.get(name)
    if broken:
        return f"{what} {name!r} is a plugin that failed to load: {broken}"
    return f"unknown {what} {name!r} (known: {', '.join(sorted(registry)) or 'none'})"
