"""The registry of source kinds: the built-ins (each registers itself in `base.REGISTRY` when
imported here) and those plugin packages declare under the `dailybrief.sources` entry point."""

from __future__ import annotations

from .. import plugins
from ..config import SourceSpec
from ..errors import CollectError
from . import arxiv, feeds, github, hackernews, page, reddit, youtube  # noqa: F401 - built-ins register themselves
from .base import REGISTRY, Source


def known_kinds() -> list[str]:
    return sorted(plugins.add_to(REGISTRY, plugins.SOURCES, "kind"))


def source_for(spec: SourceSpec) -> Source:
    """The `Source` object for a spec; raises CollectError for an unknown kind."""
    kinds = plugins.add_to(REGISTRY, plugins.SOURCES, "kind")
    if spec.kind not in kinds:
        raise CollectError(f"{spec.name}: {plugins.why_missing(kinds, plugins.SOURCES, spec.kind, 'source kind')}")
    return kinds[spec.kind](spec)
