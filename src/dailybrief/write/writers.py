"""The registry of writers: the built-in extractive, OpenAI-compatible and local writers and those
plugin packages declare under the `dailybrief.writers` entry point (a class with an `id` and
`write(sections, context) -> Draft`, constructed without arguments); `make_writer` configures the
one a build asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import plugins
from ..store.llm_cache import LLMCache
from . import extractive  # noqa: F401 - built-ins register themselves
from .base import _REGISTRY, Writer
from .local import LocalWriter, default_model_path
from .openai_compat import OpenAIWriter


def writer_names() -> list[str]:
    """Every writer `build --writer` accepts."""
    return sorted(plugins.add_to(_REGISTRY, plugins.WRITERS, "id"))


def get_writer(name: str, **options: object) -> Writer:
    """A writer by id; ValueError naming the known ones for an unknown id."""
    writers = plugins.add_to(_REGISTRY, plugins.WRITERS, "id")
    if name not in writers:
        raise ValueError(plugins.why_missing(writers, plugins.WRITERS, name, "writer"))
    return writers[name](**options)


def make_writer(name: str, settings: Any, store: Any, options: Any) -> Any:
    """The writer a build asked for: `extractive`, `openai` (configured from `[llm]`, the build's
    --base-url/--model/--refresh/--strict and the store's LLM cache), or any registered writer."""
    if name not in ("openai", "local"):
        return get_writer(name)
    if name == "local":
        local = settings.llm.local
        path = Path(local.model_path).expanduser() if local.model_path else default_model_path(store.home)
        return LocalWriter(
            settings.llm.model_copy(update={"backend": "local"}),
            model_path=path,
            cache=LLMCache(store),
            refresh=getattr(options, "refresh", False),
            strict=getattr(options, "strict", False),
            prompt_dir=getattr(options, "prompt_dir", None),
        )

    overrides = {"backend": "openai"}
    if getattr(options, "base_url", None):
        overrides["base_url"] = options.base_url
    if getattr(options, "model", None):
        overrides["model"] = options.model
    llm = settings.llm.model_copy(update=overrides)
    return OpenAIWriter(
        llm,
        cache=LLMCache(store),
        refresh=getattr(options, "refresh", False),
        strict=getattr(options, "strict", False),
        prompt_dir=getattr(options, "prompt_dir", None),
    )
