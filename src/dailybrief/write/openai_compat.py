"""The `openai` writer backend: any endpoint that speaks the OpenAI Chat Completions protocol.

OpenAI, DeepSeek, Qwen (DashScope compatible mode), Kimi/Moonshot, Zhipu GLM, Ollama, vLLM and
the llama.cpp server all accept ``POST {base_url}/chat/completions`` with a bearer key. We talk
to it with httpx directly (already a dependency) rather than the openai SDK, so that retries,
Retry-After, timeouts, the concurrency limit, the cache and token accounting are ours, and the
loopback tests see exactly the requests we send.

Errors (defined in `write.llm_types`; all `DailybriefError`, each one line that names the setting to fix):

    LLMError
    ├── LLMSetupError     missing key, key rejected (401/403), unknown endpoint or model (404),
    │                     endpoint unreachable — the whole report falls back to extractive
    └── LLMRequestError   one request failed after its retries (5xx, 429, timeout, 400) —
                          only the part being written falls back

The API key is read from the environment variable named by `llm.api_key_env` when the client
is made; it is sent in the Authorization header and nowhere else: not in errors, logs, stats or
the cache.
"""

from __future__ import annotations

import email.utils
import hashlib
import ipaddress
import json
import math
import os
import random
import re
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..config import LLMSettings
from ..store.llm_cache import CachedAnswer
from .base import WriteContext, register
from .draft import Draft
from .llm import MapReduceWriter, extractive_fallback
from .llm_types import Completion, LLMRequestError, LLMSetupError, Usage, estimate_tokens

RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_api_key(settings: LLMSettings) -> str:
    """The key from the environment variable the config names; a loopback endpoint needs none."""
    key = os.environ.get(settings.api_key_env, "").strip()
    if not key and not is_loopback(settings.base_url):
        raise LLMSetupError(
            f"llm.api_key_env: the environment variable {settings.api_key_env} is not set "
            f"(export it with your key for {settings.base_url})"
        )
    return key


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class ChatClient:
    """Chat Completions over httpx with retries, a concurrency limit, a cache and usage counts.

    `complete(messages)` returns a `Completion`. `cache` is an `LLMCache` (or anything with
    `get`/`put`); with `refresh` the cache is written but not read. `transport` and `sleep` are
    for tests."""

    def __init__(
        self,
        settings: LLMSettings,
        *,
        cache: Any = None,
        refresh: bool = False,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.settings = settings
        self.endpoint = settings.base_url.rstrip("/") + "/chat/completions"
        self.model = settings.model
        self._key = read_api_key(settings)
        self.cache = cache
        self.refresh = refresh
        self.usage = Usage()
        # learnt from the endpoint's 400s: it refuses response_format / wants max_completion_tokens
        self._no_response_format = False
        self._length_field = "max_tokens"
        self._sleep = sleep
        self._slots = threading.Semaphore(settings.concurrency)
        headers = {"Content-Type": "application/json", "User-Agent": "dailybrief/0.1"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        self._http = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout)),
            transport=transport,
            limits=httpx.Limits(max_connections=settings.concurrency),
        )

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:  # never shows the key
        return f"ChatClient(endpoint={self.endpoint!r}, model={self.model!r})"

    def payload(self, messages: list[dict[str, str]], schema: dict[str, Any] | None = None) -> dict[str, Any]:
        """The request body. With `schema` (a JSON schema of the answer) and json_mode, the
        answer is constrained to it (`response_format` json_schema); without, to JSON."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": self.settings.temperature,
            self._length_field: self.settings.max_output_tokens,
        }
        if self.settings.json_mode and not self._no_response_format:
            if schema is not None:
                body["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": "answer", "strict": True, "schema": schema},
                }
            else:
                body["response_format"] = {"type": "json_object"}
        return body

    def prompt_hash(self, body: dict[str, Any]) -> str:
        canonical = json.dumps({k: v for k, v in body.items() if k != "model"}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def complete(self, messages: list[dict[str, str]], schema: dict[str, Any] | None = None) -> Completion:
        body = self.payload(messages, schema)
        digest = self.prompt_hash(body)
        if self.cache is not None and not self.refresh:
            hit = self.cache.get(self.endpoint, self.model, digest)
            if hit is not None:
                self.usage.add(cache_hits=1)
                return Completion(hit.text, hit.input_tokens, hit.output_tokens, cached=True, key=digest)
        completion = self._post_adapting(body)
        completion.key = digest
        if self.cache is not None and completion.finish_reason == "stop":
            self.cache.put(
                self.endpoint,
                self.model,
                digest,
                CachedAnswer(completion.text, completion.input_tokens, completion.output_tokens),
            )
        return completion

    def discard(self, completion: Completion) -> None:
        """Forget a cached answer the writer could not use, so that the next build asks again
        instead of replaying it as if it were good."""
        if self.cache is not None and completion.key:
            self.cache.discard(self.endpoint, self.model, completion.key)

    def _post_adapting(self, body: dict[str, Any]) -> Completion:
        """`_post`, once more after a 400 that refuses `response_format` (sent again without
        it) or `max_tokens` (sent again as `max_completion_tokens`); the client remembers."""
        try:
            return self._post(body)
        except _Refused as refused:
            if "response_format" in body and "response_format" in refused.message:
                self._no_response_format = True
                body = {k: v for k, v in body.items() if k != "response_format"}
            elif "max_tokens" in body and "max_tokens" in refused.message:
                self._length_field = "max_completion_tokens"
                body = {("max_completion_tokens" if k == "max_tokens" else k): v for k, v in body.items()}
            else:
                raise LLMRequestError(refused.line) from None
            try:
                return self._post(body)
            except _Refused as again:
                raise LLMRequestError(again.line) from None

    def _post(self, body: dict[str, Any]) -> Completion:
        attempts = self.settings.max_retries + 1
        last = ""
        for attempt in range(attempts):
            if attempt:
                self.usage.add(retries=1)
            wait: float | None = None
            started = time.perf_counter()
            try:
                with self._slots:
                    response = self._http.post(self.endpoint, json=body)
            except httpx.TimeoutException:
                last = f"llm.timeout: no answer from {self.endpoint} within {self.settings.timeout:g} s"
            except httpx.TransportError as exc:
                last = f"llm.base_url: cannot reach {self.endpoint} ({type(exc).__name__})"
                if attempt + 1 == attempts:
                    raise LLMSetupError(last) from None
            else:
                self.usage.add(requests=1, request_seconds=time.perf_counter() - started)
                if response.status_code == 200:
                    return self._parse(response, body)
                self._raise_for_setup(response)
                if response.status_code not in RETRY_STATUS:
                    message = self._error_text(response)
                    line = f"llm: {self.endpoint} answered HTTP {response.status_code}: {message}"
                    if response.status_code in (400, 422):
                        raise _Refused(line, message)
                    raise LLMRequestError(line)
                last = f"llm: {self.endpoint} answered HTTP {response.status_code} after {attempt + 1} tries"
                wait = _retry_after(response)
                if wait is not None and wait > self.settings.max_retry_wait:
                    raise LLMRequestError(
                        f"llm.max_retry_wait: {self.endpoint} asked to wait {wait:g} s "
                        f"(more than {self.settings.max_retry_wait:g} s)"
                    )
            if attempt + 1 < attempts:
                if wait is None:
                    wait = min(self.settings.max_retry_wait, 0.5 * 2**attempt) * (0.5 + random.random() / 2)
                self._sleep(wait)
        raise LLMRequestError(last)

    def _raise_for_setup(self, response: httpx.Response) -> None:
        status = response.status_code
        if status in (401, 403):
            raise LLMSetupError(
                f"llm.api_key_env: {self.endpoint} rejected the key in {self.settings.api_key_env} (HTTP {status})"
            )
        if status == 404:
            raise LLMSetupError(
                f"llm.base_url / llm.model: {self.endpoint} answered HTTP 404 for model {self.model!r}: "
                f"{self._error_text(response)}"
            )

    def _error_text(self, response: httpx.Response) -> str:
        try:
            data = response.json()
            message = str(data.get("error", {}).get("message") or data.get("error") or "")
        except (ValueError, AttributeError):
            message = response.text
        message = " ".join(message.split())[:200]
        if self._key:
            message = message.replace(self._key, "***")
        return message or "no details"

    def _parse(self, response: httpx.Response, body: dict[str, Any]) -> Completion:
        try:
            data = response.json()
        except ValueError:
            raise LLMRequestError(f"llm: {self.endpoint} answered 200 but not a Chat Completions response") from None
        return self.parse_answer_data(data, body)

    def parse_answer_data(self, data: Any, body: dict[str, Any]) -> Completion:
        """A Completion from a decoded Chat Completions answer (any backend's)."""
        try:
            choice = data["choices"][0]
            content = choice["message"].get("content")
            finish = choice.get("finish_reason") or "stop"
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            raise LLMRequestError(f"llm: {self.endpoint} answered 200 but not a Chat Completions response") from None
        text = answer_text(content)
        if text is None:
            raise LLMRequestError(
                f"llm: {self.endpoint} answered 200 with a message content that is not text ({type(content).__name__})"
            )
        if not text.strip():
            reasoning = choice["message"].get("reasoning_content") if isinstance(choice["message"], dict) else None
            raise LLMRequestError(
                f"llm: {self.endpoint} answered 200 with an empty message content"
                + (" (only reasoning_content: raise llm.max_output_tokens)" if reasoning else "")
            )
        if self._key:
            text = text.replace(self._key, "***")  # an answer that echoes the key is never stored with it
        usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
        prompt = "".join(str(m["content"]) for m in body["messages"])
        input_tokens = token_count(usage.get("prompt_tokens"), estimate_tokens(prompt))
        output_tokens = token_count(usage.get("completion_tokens"), estimate_tokens(text))
        self.usage.add(input_tokens=input_tokens, output_tokens=output_tokens)
        return Completion(text, input_tokens, output_tokens, str(finish))


class _Refused(Exception):
    """A 400/422: the endpoint refused something in the request (maybe a field it lacks)."""

    def __init__(self, line: str, message: str):
        super().__init__(line)
        self.line = line
        self.message = message


_THINK = re.compile(r"^\s*<think>.*?</think>\s*", re.S)


def answer_text(content: Any) -> str | None:
    """The text of a message content: a string without a reasoning model's leading
    `<think>…</think>` block, or the text parts of a list of content parts; None for anything
    else (a number, an object)."""
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict) and p.get("type", "text") == "text"]
        if not parts or not all(isinstance(p, str) for p in parts):
            return None
        content = "".join(p for p in parts if isinstance(p, str))
    if content is None:
        return ""
    if not isinstance(content, str):
        return None
    return _THINK.sub("", content)


def token_count(value: Any, estimate: int) -> int:
    """A usage count as reported, when it is a finite non-negative whole number (or its
    string); else the estimate ("abc", Infinity, -1 and missing counts are not trusted)."""
    if isinstance(value, bool):
        return estimate
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            return estimate
        value = int(value)
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            return estimate
        value = int(value)
    if not isinstance(value, int) or value < 0:
        return estimate
    return value


@register
class OpenAIWriter:
    """Writes with an OpenAI-compatible chat model through the map-reduce of `write.llm`."""

    id = "openai"
    needs_key = True
    Options = LLMSettings  # field descriptions are the help text

    def __init__(
        self,
        options: LLMSettings | None = None,
        *,
        cache: Any = None,
        refresh: bool = False,
        strict: bool = False,
        prompt_dir: Any = None,
        transport: httpx.BaseTransport | None = None,
    ):
        self.options = options or LLMSettings(backend="openai")
        self.key_env = self.options.api_key_env
        self.cache = cache
        self.refresh = refresh
        self.strict = strict
        self.prompt_dir = prompt_dir
        self.transport = transport

    def write(self, sections: list, context: WriteContext) -> Draft:
        """The report by the model; by the extractive writer (with the reason in the notes) when
        the endpoint cannot be used at all, unless `strict`."""
        client = None
        try:
            client = ChatClient(self.options, cache=self.cache, refresh=self.refresh, transport=self.transport)
            writer = MapReduceWriter(
                client,
                prices=self.options.prices,
                strict=self.strict,
                prompt_dir=self.prompt_dir,
                token_budget=self.options.token_budget,
                concurrency=self.options.concurrency,
                direct_tokens=self.options.direct_tokens,
            )
            return writer.write(sections, context)
        except LLMSetupError as exc:
            if self.strict:
                raise
            draft = extractive_fallback(sections, context, str(exc))
            if client is not None:
                draft.notes.update({k: v for k, v in client.usage.as_dict().items()})
            return draft
        finally:
            if client is not None:
                client.close()
