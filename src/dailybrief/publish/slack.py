"""Slack incoming webhook: Block Kit messages, one section block per paragraph.

Limits: at most 50 blocks a message, 3,000 characters of text in a section block and 150 in a
header block (measured on the mrkdwn strings as sent). Slack allows about one message a second
per webhook.

Answers: HTTP 200 with the body ``ok`` is success; 429 ``rate_limited`` comes with a Retry-After
header (waited, then retried); 400 ``invalid_blocks`` / ``invalid_payload`` / ``no_text`` are
rejected payloads; 403 ``action_prohibited``, 404 ``no_service`` or ``channel_not_found`` and
410 ``channel_is_archived`` mean the webhook no longer works.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, Field

from dailybrief.publish.webhook import (
    Answer,
    ChatChannel,
    WebhookOptions,
    retry_after_header,
)

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
ERRORS = {
    "invalid_blocks": "Slack rejected the blocks",
    "invalid_blocks_format": "Slack rejected the blocks' JSON shape",
    "invalid_payload": "Slack could not parse the payload",
    "no_text": "the message has no text",
    "action_prohibited": "the workspace admin does not allow this webhook",
    "no_service": "the webhook was removed or is wrong",
    "channel_not_found": "the webhook's channel no longer exists",
    "channel_is_archived": "the webhook's channel is archived",
}


class SlackOptions(WebhookOptions):
    per_second: int = Field(1, ge=1)


class SlackChannel(ChatChannel):
    type = "slack"
    service = "Slack"
    Options: ClassVar[type[BaseModel]] = SlackOptions
    url_path = r"/services/[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9]+"

    def payload(self, body: str, label: str, title: str) -> dict[str, Any]:
        heading = f"{title} {label}".strip()
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": heading, "emoji": True}}
        ]
        for paragraph in (p for p in re.split(r"\n\s*\n", body) if p.strip()):
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn(paragraph.strip())}})
        return {"text": heading, "blocks": blocks, "unfurl_links": False}

    def fits(self, body: str, label: str, title: str) -> bool:
        blocks = self.payload(body, label, title)["blocks"]
        if len(blocks) > MAX_BLOCKS or len(blocks[0]["text"]["text"]) > MAX_HEADER:
            return False
        return all(len(b["text"]["text"]) <= MAX_SECTION for b in blocks[1:])

    def read(self, response: httpx.Response) -> Answer:
        text = response.text.strip()
        if response.status_code == 200 and text == "ok":
            return Answer(ok=True)
        if response.status_code == 429:
            return Answer(
                ok=False,
                error="429 rate_limited",
                retry_after=retry_after_header(response, self.options.rate_limit_wait),
            )
        code = text.split()[0][:60] if text else ""
        detail = ERRORS.get(code, "unexpected answer")
        return Answer(ok=False, error=f"{response.status_code} {code or '(empty)'}: {detail}")


def mrkdwn(markdown: str) -> str:
    """Markdown as Slack mrkdwn: ``<url|text>`` links, ``*bold*``, bullets, escaped &<>."""
    links: list[str] = []

    def keep(m: re.Match[str]) -> str:
        links.append(f"<{m.group(2)}|{_escape(m.group(1))}>")
        return f"\x00{len(links) - 1}\x00"

    text = re.sub(r"\[([^\]\n]*)\]\(([^)\s]*)\)", keep, markdown)
    text = _escape(text)
    text = re.sub(r"(?m)^#{1,6}\s+(.+)$", r"*\1*", text)
    text = re.sub(r"\*\*([^*\n]+)\*\*", r"*\1*", text)
    text = re.sub(r"(?m)^- ", "• ", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: links[int(m.group(1))], text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


PUBLISHER = SlackChannel
