"""WeCom (企业微信) group robot: ``markdown`` (default) or ``text`` messages.

Limits: the markdown content at most 4,096 bytes and text content at most 2,048 bytes of UTF-8
(measured on the content string as sent), 20 messages a minute per robot.

Answers: ``{"errcode": 0}`` is success; 93000 an invalid webhook key, 45009 the robot's rate
limit (retried after ``rate_limit_wait``), 40058 content over the length limit, -1 a busy
system (retried).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

import httpx
from pydantic import BaseModel, Field

from dailybrief.publish.webhook import (
    Answer,
    ChatChannel,
    WebhookOptions,
    errcode_answer,
)

LIMITS = {"markdown": 4096, "text": 2048}
ERRORS = {
    93000: "invalid webhook URL (the robot key is wrong or the robot was removed)",
    45009: "the robot's rate limit (20 messages a minute) was reached",
    40058: "content over the length limit",
    -1: "WeCom is busy",
}


class WeComOptions(WebhookOptions):
    msgtype: Literal["markdown", "text"] = "markdown"
    per_minute: int = Field(20, ge=1)


class WeComChannel(ChatChannel):
    type = "wecom"
    service = "WeCom"
    Options: ClassVar[type[BaseModel]] = WeComOptions
    url_path = r"/cgi-bin/webhook/send"
    url_query = "key"

    def content(self, body: str, label: str, title: str) -> str:
        heading = f"{title} {label}".strip()
        if self.options.msgtype == "markdown":
            return f"### {heading}\n{body}"
        return f"{heading}\n\n{plain_text(body)}"

    def payload(self, body: str, label: str, title: str) -> dict[str, Any]:
        kind = self.options.msgtype
        return {"msgtype": kind, kind: {"content": self.content(body, label, title)}}

    def fits(self, body: str, label: str, title: str) -> bool:
        return len(self.content(body, label, title).encode("utf-8")) <= LIMITS[self.options.msgtype]

    def read(self, response: httpx.Response) -> Answer:
        return errcode_answer(response, ERRORS, 45009, self.options.rate_limit_wait)


def plain_text(markdown: str) -> str:
    """Markdown as plain text: links as ``text url``, no emphasis or heading marks."""
    text = re.sub(r"\[([^\]\n]*)\]\(([^)\s]*)\)", r"\1 \2", markdown)
    text = re.sub(r"(?m)^#{1,6}\s+", "", text)
    text = re.sub(r"\*\*([^*\n]+)\*\*", r"\1", text)
    return re.sub(r"(?m)^- ", "• ", text)


PUBLISHER = WeComChannel
