"""The registry of source kinds: the built-ins (each registers itself in `base.REGISTRY` when
imported here) and those plugin packages declare under the `dailybrief.sources` entry point."""

from __future__ import annotations

from .. import plugins
from ..config import SourceSpec
from ..errors import CollectError
from . import arxiv, feeds, github, hackernews, page, reddit, youtube  # noqa: F401 - built-ins register themselves
from .base import REGISTRY, Source, register


def _load_plugins() -> None:
    for name, cls in plugins.load(plugins.SOURCES).objects.items():
        if name not in REGISTRY and getattr(cls, "kind", None) == name:
            register(cls)


def known_kinds() -> list[str]:
    _load_plugins()
    return sorted(REGISTRY)


def source_for(spec: SourceSpec) -> Source:
    """The `Source` object for a spec; raises CollectError for an unknown kind."""
    _load_plugins()
    try:
        cls = REGISTRY[spec.kind]
    except KeyError:
        broken = plugins.load(plugins.SOURCES).broken.get(spec.kind)
        if broken:
            raise CollectError(
                f"{spec.name}: source kind {spec.kind!r} is a plugin that failed to load: {broken}"
            ) from None
        known = ", ".join(sorted(REGISTRY))
        raise CollectError(f"{spec.name}: unknown source kind {spec.kind!r} (known: {known})") from None
    return cls(spec)
