"""The registry of writers: the built-in extractive and OpenAI-compatible writers and those plugin
packages declare under the `dailybrief.writers` entry point (a class with an `id` and
`write(sections, context) -> Draft`, constructed without arguments)."""

from __future__ import annotations

from .. import plugins
from . import extractive, openai_compat  # noqa: F401 - built-ins register themselves
from .base import _REGISTRY, Writer, register


def _load_plugins() -> None:
    for name, cls in plugins.load(plugins.WRITERS).objects.items():
        if name not in _REGISTRY and getattr(cls, "id", None) == name:
            register(cls)


def writer_names() -> list[str]:
    """Every writer `build --writer` accepts."""
    _load_plugins()
    return sorted(_REGISTRY)


def get_writer(name: str, **options: object) -> Writer:
    """A writer by id; ValueError naming the known ones for an unknown id."""
    _load_plugins()
    try:
        return _REGISTRY[name](**options)
    except KeyError:
        broken = plugins.load(plugins.WRITERS).broken.get(name)
        if broken:
            raise ValueError(f"writer {name!r} is a plugin that failed to load: {broken}") from None
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise ValueError(f"unknown writer {name!r} (known: {known})") from None
