"""The registry of writers: the built-in extractive and OpenAI-compatible writers and those plugin
packages declare under the `dailybrief.writers` entry point (a class with an `id` and
`write(sections, context) -> Draft`, constructed without arguments)."""

from __future__ import annotations

from .. import plugins
from . import extractive, openai_compat  # noqa: F401 - built-ins register themselves
from .base import _REGISTRY, Writer


def writer_names() -> list[str]:
    """Every writer `build --writer` accepts."""
    return sorted(plugins.add_to(_REGISTRY, plugins.WRITERS, "id"))


def get_writer(name: str, **options: object) -> Writer:
    """A writer by id; ValueError naming the known ones for an unknown id."""
    writers = plugins.add_to(_REGISTRY, plugins.WRITERS, "id")
    if name not in writers:
        raise ValueError(plugins.why_missing(writers, plugins.WRITERS, name, "writer"))
    return writers[name](**options)
