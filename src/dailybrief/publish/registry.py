"""Channel types by name. Built-in publishers are declared in pyproject.toml under the
`dailybrief.publishers` entry-point group, exactly like a plugin package would declare its own,
so both are found the same way; `register` adds one at run time (tests, embedding code).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points

from ..config import ChannelSpec, Settings
from ..errors import PublishError
from .base import Publisher

GROUP = "dailybrief.publishers"

PUBLISHERS: dict[str, type[Publisher]] = {}
_BROKEN: dict[str, str] = {}  # type → why its entry point could not be loaded
_loaded = False


def register(cls: type[Publisher]) -> type[Publisher]:
    """Add (or replace) the publisher class for `cls.type`."""
    if not cls.type:
        raise ValueError(f"{cls.__name__} has no `type`")
    PUBLISHERS[cls.type] = cls
    return cls


def load_entry_points() -> None:
    """Register every publisher declared under `dailybrief.publishers` (once per process).

    A plugin that fails to import is remembered with its error and named only when a channel
    of its type is configured, so it cannot break the other channels.
    """
    global _loaded
    if _loaded:
        return
    _loaded = True
    for ep in entry_points(group=GROUP):
        if ep.name in PUBLISHERS:
            continue
        try:
            cls = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the built-ins
            _BROKEN[ep.name] = f"{type(exc).__name__}: {exc}"
            continue
        if getattr(cls, "type", "") != ep.name:
            _BROKEN[ep.name] = f"{ep.value} declares type {getattr(cls, 'type', '')!r}"
            continue
        register(cls)


def channel_types() -> list[str]:
    load_entry_points()
    return sorted(PUBLISHERS)


def make_publisher(spec: ChannelSpec, settings: Settings, env: Mapping[str, str] | None = None) -> Publisher:
    """The publisher for one configured channel (not yet checked)."""
    load_entry_points()
    cls = PUBLISHERS.get(spec.type)
    if cls is None:
        if spec.type in _BROKEN:
            raise PublishError(f"channel {spec.name}: type: plugin {spec.type!r} failed to load: {_BROKEN[spec.type]}")
        known = ", ".join(sorted(PUBLISHERS)) or "none"
        raise PublishError(f"channel {spec.name}: type: unknown channel type {spec.type!r} (known: {known})")
    return cls(spec, settings, env)
