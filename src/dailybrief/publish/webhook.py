"""What the chat webhook channels share: settings from the environment, the default message,
sending one part with pacing and retries, and keeping secrets out of every message.

Each chat module (feishu, dingtalk, wecom, slack, telegram) only knows its own service: how to
render a Markdown part into the exact bytes it sends, how big those may be, how to sign them and
what the service's answers mean (:class:`Answer`). Everything else is here.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dailybrief.errors import PublishError
from dailybrief.publish.pacer import Pacer, Sleep, pacer_for
from dailybrief.publish.splitter import Part, split_message

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Answer:
    """What a service's reply means for one sent part."""

    ok: bool
    remote_id: str = ""
    error: str = ""  # one line, names the service's code
    retry_after: float | None = None  # the service said: try again after this many seconds
    retryable: bool = False  # a passing fault (5xx, busy, network): retry with backoff


@dataclass(frozen=True)
class Request:
    """One HTTP request as it will be sent (``url`` may hold a token: never print it)."""

    url: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=lambda: {"Content-Type": "application/json; charset=utf-8"})


@dataclass
class RetryPolicy:
    """How often a part is tried and how long we are willing to wait between tries."""

    retries: int = 3
    backoff: float = 2.0  # seconds before the first retry; doubles each time
    max_wait: float = 60.0  # a retry-after longer than this fails the part for this run
    sleep: Sleep = time.sleep


def env_value(channel: str, key: str, env_name: str, required: bool = True) -> str:
    """The value of the environment variable named by option ``key`` (never the value itself)."""
    if not env_name:
        if required:
            raise PublishError(f"channel {channel}: {key} is not set (name an environment variable)")
        return ""
    if not _ENV_NAME.fullmatch(env_name):
        raise PublishError(f"channel {channel}: {key} must name an environment variable")
    value = os.environ.get(env_name, "").strip()
    if required and not value:
        raise PublishError(f"channel {channel}: environment variable {env_name} ({key}) is empty or missing")
    return value


def check_url(channel: str, url: str, path: str, query_key: str = "") -> str:
    """Reject a webhook URL that is not http(s) with ``path`` (a regex) and ``query_key``."""
    parts = urlsplit(url)
    ok = parts.scheme in ("http", "https") and bool(parts.hostname) and re.fullmatch(path, parts.path)
    if ok and query_key:
        ok = bool(re.search(rf"(^|&){re.escape(query_key)}=[^&]+", parts.query))
    if not ok:
        host = parts.hostname or "?"
        raise PublishError(f"channel {channel}: malformed webhook URL (host {host}): expected {describe_path(path, query_key)}")
    return url


def describe_path(path: str, query_key: str) -> str:
    shown = re.sub(r"\[[^\]]*\][+*]?|\\", "…", path).replace("……", "…")
    return shown + (f"?{query_key}=…" if query_key else "")


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (and its URL-encoded form) replaced by ***."""
    from urllib.parse import quote, quote_plus

    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            text = text.replace(form, "***")
    return text


def dumps(payload: Any) -> bytes:
    """The JSON bytes that are sent: compact, UTF-8 (limits are measured on exactly these)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def default_markdown(title: str, summary: str, heads: list[str], link: str, language: str) -> str:
    """The chat message: title, the 摘要, the section heads and the link to the edition."""
    zh = language.startswith("zh")
    lines = [f"## {title}", "", summary.strip(), ""]
    if heads:
        lines.append("**本期栏目**" if zh else "**Sections**")
        lines.extend(f"- {head}" for head in heads)
        lines.append("")
    if link:
        lines.append(f"[{'阅读全文' if zh else 'Read the full edition'}]({link})")
    return "\n".join(lines).strip()


def send_part(
    client: httpx.Client,
    build: Callable[[], Request],
    read: Callable[[httpx.Response], Answer],
    pacer: Pacer,
    policy: RetryPolicy,
    secrets: Iterable[str],
) -> Answer:
    """Send one part: wait for the pacer, retry passing faults with backoff, honour retry-after.

    ``build`` is called for every try, so a signature's timestamp is fresh each time. Returns
    the last answer; its error never contains a secret.
    """
    answer = Answer(ok=False, error="not sent")
    tries = policy.retries + 1
    for attempt in range(tries):
        pacer.wait()
        answer = _try_once(client, build(), read)
        if answer.ok or not (answer.retryable or answer.retry_after is not None):
            break
        if attempt == tries - 1:
            answer = replace(answer, error=f"{answer.error} (gave up after {tries} tries)")
            break
        if answer.retry_after is None:
            policy.sleep(policy.backoff * 2**attempt)
        elif answer.retry_after > policy.max_wait:
            pacer.hold(answer.retry_after)
            answer = replace(answer, error=f"{answer.error} (asked to wait {answer.retry_after:g} s; limit {policy.max_wait:g} s)")
            break
        else:
            pacer.hold(answer.retry_after)  # the next pacer.wait() sleeps it off
    return replace(answer, error=redact(answer.error, secrets))


def _try_once(client: httpx.Client, request: Request, read: Callable[[httpx.Response], Answer]) -> Answer:
    try:
        response = client.post(request.url, content=request.body, headers=dict(request.headers))
    except httpx.HTTPError as exc:
        # The exception text may carry the URL: name only its kind.
        return Answer(ok=False, error=f"network error ({type(exc).__name__})", retryable=True)
    if response.status_code >= 500:
        return Answer(ok=False, error=f"HTTP {response.status_code} from the service", retryable=True)
    return read(response)


def json_reply(response: httpx.Response) -> dict[str, Any]:
    """The reply body as a JSON object, or {} when it is not one."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def retry_after_header(response: httpx.Response, default: float) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return default


class ChatOptions(BaseModel):
    """Options every chat channel accepts (one `[[publish.channels]]` entry)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    type: str
    enabled: bool = True
    webhook_env: str = ""  # the environment variable that holds the webhook URL
    secret_env: str = ""  # the environment variable that holds the signing secret (optional)
    timeout: float = Field(20.0, gt=0, le=600)
    rate_limit_wait: float = Field(60.0, ge=0, le=3600)  # wait after "too fast" without a hint
    content: Literal["summary"] = "summary"


class ChatChannel:
    """A chat webhook: split the message, render each part, send it paced and retried."""

    kind = ""
    Options: type[ChatOptions] = ChatOptions
    url_path = r"/.*"  # the webhook URL's path, a regex
    url_query = ""  # a query key the webhook URL must carry
    url_required = True

    def __init__(self, options: Mapping[str, Any], now: Callable[[], float] = time.time) -> None:
        try:
            self.opts = self.Options.model_validate(dict(options))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            name = options.get("name", self.kind)
            raise PublishError(f"channel {name}: invalid option {where}: {first['msg']}") from None
        self.name = self.opts.name
        self.now = now
        self.url = self._webhook_url()
        self.secret = env_value(self.name, "secret_env", self.opts.secret_env, required=False)
        if self.opts.secret_env and not self.secret:
            env_value(self.name, "secret_env", self.opts.secret_env)  # raises, naming the variable
        self.secrets = [s for s in (self.url, self.secret, *self._url_tokens()) if s]

    # -- configuration ---------------------------------------------------------------------

    def _webhook_url(self) -> str:
        url = env_value(self.name, "webhook_env", self.opts.webhook_env, required=self.url_required)
        return check_url(self.name, url, self.url_path, self.url_query) if url else ""

    def _url_tokens(self) -> list[str]:
        """Parts of the URL that are credentials (path segments and query values)."""
        parts = urlsplit(self.url)
        tokens = [seg for seg in parts.path.split("/") if len(seg) >= 8]
        tokens += [v for _, v in (kv.partition("=")[::2] for kv in parts.query.split("&")) if len(v) >= 8]
        return tokens

    @property
    def pace(self) -> list[tuple[int, float]]:
        raise NotImplementedError

    # -- one service's protocol (overridden) -----------------------------------------------

    def payload(self, body: str, label: str, title: str) -> dict[str, Any]:
        """The JSON object sent for one part (without signature fields)."""
        raise NotImplementedError

    def fits(self, body: str, label: str, title: str) -> bool:
        raise NotImplementedError

    def request(self, payload: dict[str, Any]) -> Request:
        """The HTTP request of one try (signatures are computed here, per try)."""
        return Request(self.url, dumps(payload))

    def read(self, response: httpx.Response) -> Answer:
        raise NotImplementedError

    # -- shared flow -----------------------------------------------------------------------

    def split(self, text: str, title: str) -> list[Part]:
        return split_message(text, lambda body, label: self.fits(body, label, title), f"channel {self.name}")

    def deliver(self, payload: dict[str, Any], client: httpx.Client, policy: RetryPolicy) -> Answer:
        pacer = pacer_for(self.url or self.name, self.pace)
        return send_part(client, lambda: self.request(payload), self.read, pacer, policy, self.secrets)

    def clean(self, text: str) -> str:
        return redact(text, self.secrets)
