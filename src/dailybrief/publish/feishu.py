"""Feishu / Lark custom bot: an interactive card with one Markdown element per part.

Limits (Feishu's custom-bot guide): a request body of at most 20 KB (``max_bytes``, measured on
the JSON bytes sent, signature fields included), 5 requests a second and 100 a minute per bot.
With signing on, the body carries ``timestamp`` (seconds) and
``sign = base64(HMAC-SHA256(key = timestamp + "\\n" + secret, message = b""))``.

Answers: ``{"code": 0}`` is success; 19021 is a rejected signature or a timestamp more than an
hour away (check the secret and the clock), 19022 an IP not allowed, 19024 a missing keyword,
9499 a malformed request, 11232 the bot's frequency limit (retried after ``rate_limit_wait``);
HTTP 429 carries ``x-ogw-ratelimit-reset``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, Field

from dailybrief.publish.base import Part
from dailybrief.publish.webhook import (
    Answer,
    ChatChannel,
    WebhookOptions,
    dumps,
    json_reply,
)

# The sign is always 44 base64 characters and a timestamp in seconds has 10 digits until 2286,
# so the size of a signed body does not depend on the time it is sent.
_SIZE_TIMESTAMP = 1_000_000_000
_SIZE_SIGN = "=" * 44

ERRORS = {
    19021: "signature rejected or timestamp more than an hour off (check the secret and the clock)",
    19022: "this machine's IP is not on the bot's allow list",
    19024: "the message lacks the bot's required keyword",
    9499: "malformed request (Bad Request)",
    11232: "the bot's frequency limit was reached",
    99991400: "the bot's frequency limit was reached",
}
_RATE_CODES = {11232, 99991400}


def feishu_sign(timestamp: int, secret: str) -> str:
    """Feishu's signature: the key is ``timestamp\\nsecret`` and the message is empty."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


class FeishuOptions(WebhookOptions):
    max_bytes: int = Field(20_000, ge=1000, le=1_000_000)
    per_second: int = Field(5, ge=1)
    per_minute: int = Field(100, ge=1)


class FeishuChannel(ChatChannel):
    type = "feishu"
    service = "Feishu"
    Options: ClassVar[type[BaseModel]] = FeishuOptions
    url_path = r"/open-apis/bot/v2/hook/[A-Za-z0-9_.~-]+"

    def payload(self, body: str, label: str, title: str) -> dict[str, Any]:
        header = f"{title} {label}".strip()
        return {
            "msg_type": "interactive",
            "card": {
                "config": {"wide_screen_mode": True},
                "header": {"template": "blue", "title": {"tag": "plain_text", "content": header}},
                "elements": [{"tag": "markdown", "content": card_markdown(body)}],
            },
        }

    def _signed(self, payload: dict[str, Any], timestamp: int, sign: str) -> dict[str, Any]:
        return {"timestamp": str(timestamp), "sign": sign, **payload} if self.signing_secret else payload

    def fits(self, body: str, label: str, title: str) -> bool:
        signed = self._signed(self.payload(body, label, title), _SIZE_TIMESTAMP, _SIZE_SIGN)
        return len(dumps(signed)) <= self.options.max_bytes

    def request(self, part: Part) -> tuple[str, bytes]:
        if not self.signing_secret:
            return self.url, part.body
        timestamp = int(self.now())
        return self.url, dumps(self._signed(part.json(), timestamp, feishu_sign(timestamp, self.signing_secret)))

    def read(self, response: httpx.Response) -> Answer:
        data = json_reply(response)
        code = data.get("code", data.get("StatusCode"))
        if response.status_code == 200 and code == 0:
            return Answer(ok=True, remote_id=str(data.get("data", {}).get("message_id", "") or ""))
        if response.status_code == 429 or code in _RATE_CODES:
            reset = response.headers.get("x-ogw-ratelimit-reset", "")
            wait = float(reset) if reset.isdigit() else self.options.rate_limit_wait
            return Answer(ok=False, error=f"{code or 429}: {ERRORS[11232]}", retry_after=wait)
        message = ERRORS.get(code) if isinstance(code, int) else None
        detail = message or str(data.get("msg", data.get("StatusMessage", "")))[:200] or "no JSON answer"
        return Answer(ok=False, error=f"{code if code is not None else 'HTTP ' + str(response.status_code)}: {detail}")


def card_markdown(body: str) -> str:
    """Feishu card Markdown has no headings: a heading line becomes a bold line."""
    return re.sub(r"(?m)^#{1,6}\s+(.+)$", r"**\1**", body)


PUBLISHER = FeishuChannel
