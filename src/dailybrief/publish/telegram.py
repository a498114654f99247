"""Telegram bot: ``sendMessage`` with HTML formatting, one message per part.

Limit: 4,096 UTF-16 code units of message text after entity parsing, i.e. the visible text
without tags (measured that way here, so an emoji counts two). The bot token comes from the
environment variable ``token_env``, the chat from ``chat_id``.

Answers: ``{"ok": true, "result": {"message_id": …}}`` is success; 429 comes with
``parameters.retry_after`` (waited, then retried); 400 "message is too long" and "can't parse
entities" are rejected messages; 401 a wrong token; 403 a bot that was blocked or removed.
"""

from __future__ import annotations

import html
import re
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, Field

from dailybrief.publish.base import Publisher
from dailybrief.publish.webhook import (
    Answer,
    ChatChannel,
    ChatOptions,
    check_url,
    json_reply,
)

MAX_UNITS = 4096


class TelegramOptions(ChatOptions):
    token_env: str = Field("", description="Environment variable holding the bot token.")
    chat_id: str = Field("", description="Numeric chat id or @channelname.")
    api_base: str = Field("https://api.telegram.org", description="Bot API root (a local Bot API server works too).")
    per_second: int = Field(1, ge=1)
    per_minute: int = Field(20, ge=1)  # a bot may post about 20 messages a minute to one group


class TelegramChannel(ChatChannel):
    type = "telegram"
    service = "Telegram"
    Options: ClassVar[type[BaseModel]] = TelegramOptions
    url_path = r"/bot\d+:[A-Za-z0-9_-]+/sendMessage"

    def check(self) -> None:
        Publisher.check(self)
        token = self.secret("token_env")
        if not re.fullmatch(r"\d+:[A-Za-z0-9_-]{20,}", token):
            raise self.error(
                "token_env", f"the bot token in {self.options.token_env} is malformed (expected 123456:ABC…)"
            )
        if not re.fullmatch(r"-?\d+|@[A-Za-z][A-Za-z0-9_]{3,}", self.options.chat_id):
            raise self.error("chat_id", "expected a numeric chat id or @channelname")
        self.url = f"{self.options.api_base.rstrip('/')}/bot{token}/sendMessage"
        problem = check_url(self.url, self.url_path)
        if problem:
            raise self.error("api_base", "expected an http(s) URL")

    def payload(self, body: str, label: str, title: str) -> dict[str, Any]:
        heading = html.escape(f"{title} {label}".strip(), quote=False)
        return {
            "chat_id": self.options.chat_id,
            "text": f"<b>{heading}</b>\n\n{telegram_html(body)}",
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        }

    def fits(self, body: str, label: str, title: str) -> bool:
        return utf16_units(visible_text(self.payload(body, label, title)["text"])) <= MAX_UNITS

    def read(self, response: httpx.Response) -> Answer:
        data = json_reply(response)
        if data.get("ok") is True:
            return Answer(ok=True, remote_id=str((data.get("result") or {}).get("message_id", "")))
        code = data.get("error_code", response.status_code)
        description = str(data.get("description", ""))[:200] or "no JSON answer"
        if code == 429:
            retry = (data.get("parameters") or {}).get("retry_after")
            wait = float(retry) if isinstance(retry, int | float) else self.options.rate_limit_wait
            return Answer(ok=False, error=f"429: {description}", retry_after=wait)
        return Answer(ok=False, error=f"{code}: {description}")


def telegram_html(markdown: str) -> str:
    """Markdown as Telegram HTML: <b>, <i>, <code>, <a href>; everything else escaped."""
    out = []
    pos = 0
    pattern = re.compile(r"\[([^\]\n]*)\]\(([^)\s]*)\)|\*\*([^*\n]+)\*\*|`([^`\n]+)`")
    for m in pattern.finditer(markdown):
        out.append(html.escape(markdown[pos : m.start()], quote=False))
        if m.group(2) is not None:
            out.append(f'<a href="{html.escape(m.group(2))}">{html.escape(m.group(1), quote=False)}</a>')
        elif m.group(3) is not None:
            out.append(f"<b>{html.escape(m.group(3), quote=False)}</b>")
        else:
            out.append(f"<code>{html.escape(m.group(4), quote=False)}</code>")
        pos = m.end()
    out.append(html.escape(markdown[pos:], quote=False))
    text = "".join(out)
    text = re.sub(r"(?m)^#{1,6}\s+(.+)$", r"<b>\1</b>", text)
    return re.sub(r"(?m)^- ", "• ", text)


def visible_text(telegram_markup: str) -> str:
    """The text Telegram counts: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", telegram_markup))


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


PUBLISHER = TelegramChannel
