"""What the chat webhook channels share: the default message, URL checks, pacing, and turning
each service's answer into sent / retry later / failed.

Each chat module (feishu, dingtalk, wecom, slack, telegram) only knows its own service: how to
render a Markdown part into the JSON it sends, how big that may be, how to sign it and what the
service's answers mean (:class:`Answer`). The split, the pacer and the HTTP call are here; the
publish loop (``deliver``) retries a :class:`RetryLater` and records every part.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field

from dailybrief.publish.base import (
    Edition,
    Part,
    Publisher,
    PublishError,
    RetryLater,
    Sent,
)
from dailybrief.publish.pacer import pacer_for
from dailybrief.publish.splitter import split_message
from dailybrief.render.citations import strip_markers


@dataclass(frozen=True)
class Answer:
    """What a service's reply means for one sent part."""

    ok: bool
    remote_id: str = ""
    error: str = ""  # one line, names the service's code
    retry_after: float | None = None  # the service said: try again after this many seconds
    retryable: bool = False  # a passing fault (5xx, busy): retry with the loop's backoff


def check_url(url: str, path: str, query_key: str = "") -> str:
    """Why ``url`` is not an http(s) webhook URL with ``path`` (a regex) and ``query_key``, or ""."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "malformed webhook URL: expected http(s)://host/…"
    if not re.fullmatch(path, parts.path) or (
        query_key and not re.search(rf"(^|&){re.escape(query_key)}=[^&]+", parts.query)
    ):
        shown = re.sub(r"\[[^\]]*\][+*]?", "…", path).replace("\\", "")
        return f"malformed webhook URL (host {parts.hostname}): expected the path {shown}" + (
            f"?{query_key}=…" if query_key else ""
        )
    return ""


def dumps(payload: Any) -> bytes:
    """The JSON bytes that are sent: compact, UTF-8 (the same as ``Part.from_json``)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def default_markdown(edition: Edition) -> str:
    """The chat message: the 摘要, the section heads and the link to the edition's page."""
    report = edition.report
    zh = report.language.startswith("zh")
    lines = [strip_markers(report.summary, report).strip(), ""]
    if report.sections:
        lines.append("**本期栏目**" if zh else "**In this edition**")
        lines.extend(f"- {section.title}" for section in report.sections)
        lines.append("")
    if edition.url:
        lines.append(f"[{'阅读全文' if zh else 'Read the full edition'}]({edition.url})")
    return "\n".join(lines).strip()


def json_reply(response: httpx.Response) -> dict[str, Any]:
    """The reply body as a JSON object, or {} when it is not one."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def errcode_answer(response: httpx.Response, errors: dict[int, str], rate_code: int, rate_wait: float) -> Answer:
    """The answer of a service that replies ``{"errcode": n, "errmsg": …}`` (DingTalk, WeCom):
    0 is success, ``rate_code`` waits ``rate_wait``, -1 (busy) is retried, the rest are named."""
    data = json_reply(response)
    code = data.get("errcode")
    if response.status_code == 200 and code == 0:
        return Answer(ok=True)
    errmsg = str(data.get("errmsg", "")).split(",")[0][:120]  # WeCom appends the caller's IP
    detail = errors.get(code, "") if isinstance(code, int) else ""
    label = code if code is not None else f"HTTP {response.status_code}"
    text = f"{label}: {detail} ({errmsg})" if detail and errmsg else f"{label}: {detail or errmsg or 'no JSON answer'}"
    if code == rate_code:
        return Answer(ok=False, error=text, retry_after=rate_wait)
    return Answer(ok=False, error=text, retryable=code == -1)


def retry_after_header(response: httpx.Response, default: float) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return default


class ChatOptions(BaseModel):
    """Keys every chat channel accepts besides name, type, enabled and language."""

    model_config = ConfigDict(extra="forbid")

    timeout: float = Field(20.0, gt=0, le=600, description="Seconds per request.")
    max_retry_wait: float = Field(60.0, ge=0, le=3600, description="Longest service-named wait honoured in a run.")
    rate_limit_wait: float = Field(
        60.0, ge=0, le=3600, description="Wait after a rate-limit answer that names no time."
    )


class WebhookOptions(ChatOptions):
    webhook_env: str = Field("", description="Environment variable holding the webhook URL.")
    secret_env: str = Field("", description="Environment variable holding the signing secret (optional).")


class ChatChannel(Publisher):
    """A chat webhook: split the message, render each part, send it paced."""

    Options: ClassVar[type[BaseModel]] = WebhookOptions
    url_path: ClassVar[str] = r"/.*"  # the webhook URL's path, a regex
    url_query: ClassVar[str] = ""  # a query key the webhook URL must carry
    service: ClassVar[str] = ""

    url = ""
    signing_secret = ""
    _client: httpx.Client | None = None

    def now(self) -> float:
        """The clock of signature timestamps (tests fix it)."""
        return time.time()

    # -- configuration ---------------------------------------------------------------------

    def check(self) -> None:
        super().check()
        self.url = self.secret("webhook_env")
        problem = check_url(self.url, self.url_path, self.url_query)
        if problem:
            raise self.error("webhook_env", problem)
        if self.options.secret_env:
            self.signing_secret = self.secret("secret_env")

    @property
    def target(self) -> str:
        return f"{self.service} ({urlsplit(self.url).hostname})"

    def pace(self) -> list[tuple[int, float]]:
        """The send limits of the channel: its options' `per_second` and `per_minute`, where it has them."""
        limits = [(getattr(self.options, "per_second", 0), 1.0), (getattr(self.options, "per_minute", 0), 60.0)]
        return [(count, seconds) for count, seconds in limits if count]

    # -- one service's protocol (overridden) -----------------------------------------------

    def payload(self, body: str, label: str, title: str) -> dict[str, Any]:
        """The JSON object sent for one part (signature fields, if any, are added per try)."""
        raise NotImplementedError

    def fits(self, body: str, label: str, title: str) -> bool:
        raise NotImplementedError

    def request(self, part: Part) -> tuple[str, bytes]:
        """The URL and body of one try (signatures are computed here, per try)."""
        return self.url, part.body

    def read(self, response: httpx.Response) -> Answer:
        raise NotImplementedError

    # -- shared flow -----------------------------------------------------------------------

    def title(self, edition: Edition) -> str:
        return f"{edition.report.title} · {edition.date}"

    def build(self, edition: Edition) -> list[Part]:
        return self._parts(default_markdown(edition), self.title(edition))

    def build_alert(self, text: str) -> list[Part]:
        """An operator alert (the scheduler's failed run) as this channel's message."""
        return self._parts(text, "dailybrief alert")

    def _parts(self, markdown: str, title: str) -> list[Part]:
        pieces = split_message(markdown, lambda b, label: self.fits(b, label, title), f"channel {self.name}")
        return [
            Part.from_json(p.index, p.total, self.payload(p.body, p.label, title), label=p.label, target=self.target)
            for p in pieces
        ]

    def send(self, part: Part) -> Sent:
        pacer = pacer_for(self.url, self.pace())
        pacer.wait()
        url, body = self.request(part)
        if self._client is None:
            self._client = httpx.Client(timeout=self.options.timeout)
        try:
            response = self._client.post(url, content=body, headers={"Content-Type": "application/json; charset=utf-8"})
        except httpx.HTTPError as exc:
            # The exception's text may carry the URL (a credential): name only its kind.
            raise RetryLater(f"channel {self.name}: network error ({type(exc).__name__})") from None
        finally:
            pacer.done()
        answer = (
            Answer(ok=False, error=f"HTTP {response.status_code}", retryable=True)
            if response.status_code >= 500
            else self.read(response)
        )
        if answer.ok:
            return Sent(answer.remote_id)
        message = f"channel {self.name}: {self.service} {answer.error}"
        if answer.retry_after is not None:
            pacer.hold(answer.retry_after)
            if answer.retry_after > self.options.max_retry_wait:
                raise PublishError(
                    f"{message}; asked to wait {answer.retry_after:g} s (more than max_retry_wait): the next run sends the rest"
                )
            raise RetryLater(message, answer.retry_after)
        if answer.retryable:
            raise RetryLater(message)
        raise PublishError(message)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
