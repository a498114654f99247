"""A minimal webhook channel used to test the publish loop against a real loopback server.

It is a publisher like any plugin: bearer token from an environment variable, one JSON part
per chunk, 429 → RetryLater with the server's Retry-After, other 4xx/5xx → PublishError.
"""

from __future__ import annotations

import logging

import httpx
from pydantic import BaseModel, ConfigDict

from dailybrief.publish.base import (
    Edition,
    Part,
    Publisher,
    PublishError,
    RetryLater,
    Sent,
)


class HookOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    token_env: str
    parts: int = 3


class LoopbackHook(Publisher):
    type = "test-hook"
    Options = HookOptions

    def check(self) -> None:
        super().check()
        if not self.options.url.startswith("http://127.0.0.1:"):
            raise self.error("url", f"expected a loopback http URL, got {self.options.url!r}")
        self.token = self.secret("token_env")

    def build(self, edition: Edition) -> list[Part]:
        n = self.options.parts
        return [
            Part.from_json(i, n, {"text": f"{edition.report.title} {edition.url}", "part": i}, label=f"({i}/{n})")
            for i in range(1, n + 1)
        ]

    def send(self, part: Part) -> Sent:
        # A careless plugin logs its credential; the loop's handler filter must mask it.
        logging.getLogger("dailybrief.publish.hook").info("posting part %d with token %s", part.index, self.token)
        response = httpx.post(
            self.options.url, content=part.body,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": part.content_type},
        )
        if response.status_code == 429:
            raise RetryLater(f"channel {self.name}: rate limited", float(response.headers.get("Retry-After", "1")))
        if response.status_code >= 400:
            raise PublishError(f"channel {self.name}: HTTP {response.status_code}: {response.text[:200]}")
        return Sent(response.json()["id"], note=response.json().get("note", ""))
