"""Imports every built-in source kind so that each registers itself in `base.REGISTRY`."""

from . import arxiv, feeds, github, hackernews, page, reddit, youtube  # noqa: F401
