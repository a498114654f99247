"""DingTalk custom robot: one ``markdown`` message per part.

Limits: a request body of at most 20,000 bytes (``max_bytes``, measured on the JSON bytes
sent) and 20 messages a minute per robot; a robot that exceeds it is blocked for ten minutes,
so the pacer keeps under it and an answer of 130101 is not retried in the same run.
Signing: ``timestamp`` in milliseconds and
``sign = base64(HMAC-SHA256(key = secret, message = timestamp + "\\n" + secret))``, both
URL-encoded into the query string.

Answers: ``{"errcode": 0}`` is success; 310000 is a rejected signature, a missing keyword or an
IP not allowed (DingTalk's errmsg says which), 300001 an unknown access_token, 130101 the
robot's rate limit ("send too fast"), -1 a busy system (retried).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any, ClassVar
from urllib.parse import quote_plus

import httpx
from pydantic import BaseModel, Field

from dailybrief.publish.base import Part
from dailybrief.publish.webhook import (
    Answer,
    ChatChannel,
    WebhookOptions,
    dumps,
    errcode_answer,
)

ERRORS = {
    310000: "security check failed (signature, keyword or IP allow list)",
    300001: "the robot's access_token does not exist",
    130101: "sent too fast: the robot allows 20 messages a minute and is now blocked for 10 minutes",
    -1: "DingTalk is busy",
}
BLOCK_SECONDS = 600.0


def dingtalk_sign(timestamp_ms: int, secret: str) -> str:
    """DingTalk's signature: the key is the secret, the message ``timestamp\\nsecret``."""
    message = f"{timestamp_ms}\n{secret}".encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode("ascii")


class DingTalkOptions(WebhookOptions):
    max_bytes: int = Field(20_000, ge=1000, le=1_000_000)
    per_minute: int = Field(20, ge=1)


class DingTalkChannel(ChatChannel):
    type = "dingtalk"
    service = "DingTalk"
    Options: ClassVar[type[BaseModel]] = DingTalkOptions
    url_path = r"/robot/send"
    url_query = "access_token"

    def payload(self, body: str, label: str, title: str) -> dict[str, Any]:
        heading = f"{title} {label}".strip()
        # The title is what the notification shows; the text repeats it as a heading.
        return {"msgtype": "markdown", "markdown": {"title": heading, "text": f"### {heading}\n\n{body}"}}

    def fits(self, body: str, label: str, title: str) -> bool:
        return len(dumps(self.payload(body, label, title))) <= self.options.max_bytes

    def request(self, part: Part) -> tuple[str, bytes]:
        url = self.url
        if self.signing_secret:
            timestamp = int(self.now() * 1000)
            url += f"&timestamp={timestamp}&sign={quote_plus(dingtalk_sign(timestamp, self.signing_secret))}"
        return url, part.body

    def read(self, response: httpx.Response) -> Answer:
        return errcode_answer(response, ERRORS, 130101, BLOCK_SECONDS)


PUBLISHER = DingTalkChannel
