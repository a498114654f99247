"""WeChat Official Account: the edition as a draft, a published article or a mass send.

Modes (option ``mode``):

- ``file``: today's paste-ready ``report.wechat.html`` is written next to the dumps; nothing is
  sent to WeChat (for accounts without API access).
- ``draft`` (default): body images uploaded through ``media/uploadimg`` and their ``src``
  rewritten, a cover through ``material/add_material?type=thumb`` (or ``cover_media_id``), then
  ``draft/add``. One part; its remote id is the draft's media_id.
- ``publish``: the draft, then ``freepublish/submit`` and ``freepublish/get`` polled until a final
  status (0 with the article URL; 2–6 named failures). Two parts.
- ``masssend``: the draft, then ``message/mass/sendall`` to all followers with a ``clientmsgid``
  (WeChat refuses a second send with the same id, so a retry never posts twice). Two parts.

An account not verified for publishing or mass sending (48001) keeps the draft and the part is
recorded as sent with a note saying so. What a part has already obtained (uploaded images, the
cover, the draft's media_id, the publish_id) is kept in ``out/D/publish/NAME/wechat-state.json``,
so a re-run resumes instead of creating a second draft or a second post.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from dailybrief.publish.base import (
    Edition,
    Part,
    Publisher,
    PublishError,
    RetryLater,
    Sent,
)
from dailybrief.publish.wechat_api import (
    API_BASE,
    WeChatClient,
    WeChatError,
    WeChatUnavailable,
)
from dailybrief.publish.wechat_content import load_article
from dailybrief.publish.wechat_images import body_image, cover_jpeg, plain_cover
from dailybrief.render.citations import strip_markers
from dailybrief.render.text import shorten

COVER_KEY = "dailybrief-cover"
DRAFT_KEY = "dailybrief-draft"
PUBLISH_FAILURES = {
    2: "original-content declaration failed",
    3: "publishing failed (常规失败)",
    4: "the platform's review rejected the article",
    5: "published, then every article was deleted by the account",
    6: "published, then every article was banned by the platform",
}


class WeChatOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["file", "draft", "publish", "masssend"] = Field("draft", description="What is done with the edition.")
    appid: str = Field("", description="The account's AppID (wx…); not a secret.")
    secret_env: str = Field("", description="Environment variable holding the AppSecret.")
    api_base: str = Field(API_BASE, description="API root (a loopback server in tests).")
    author: str = Field("", max_length=16, description="Article author, at most 16 characters [default: organisation name].")
    cover: str = Field("", description="Image file for the cover (made a JPG ≤ 64 KB) [default: the first chart].")
    cover_media_id: str = Field("", description="A permanent thumb media_id to use instead of uploading a cover.")
    token_cache: str = Field("", description="Token cache file [default: $XDG_CACHE_HOME/dailybrief/wechat-token-APPID.json].")
    open_comment: bool = Field(False, description="Open comments on the article.")
    poll_interval: float = Field(5.0, gt=0, le=600, description="Seconds between freepublish/get polls.")
    poll_timeout: float = Field(300.0, gt=0, le=7200, description="Longest wait for a final publish status in one try.")
    timeout: float = Field(30.0, gt=0, le=600, description="Seconds per request.")


class WeChatPublisher(Publisher):
    type = "wechat"
    Options: ClassVar[type[BaseModel]] = WeChatOptions

    _client: WeChatClient | None = None

    def check(self) -> None:
        super().check()
        opts = self.options
        if opts.mode == "file":
            return
        if not re.fullmatch(r"wx[0-9a-fA-F]{16}", opts.appid):
            raise self.error("appid", "expected the account's AppID (wx followed by 16 hex digits)")
        self.app_secret = self.secret("secret_env")
        if not re.fullmatch(r"https?://[^\s/?#]+/?", opts.api_base):
            raise self.error("api_base", "expected an http(s) URL without a path")
        if opts.cover and not Path(opts.cover).expanduser().is_file():
            raise self.error("cover", f"no such file: {opts.cover}")

    # -- build: the exact payloads, images and cover left as placeholders -----------------

    def build(self, edition: Edition) -> list[Part]:
        source = edition.file("report.wechat.html")
        if source is None:
            raise PublishError(f"channel {self.name}: report.wechat.html was not rendered for {edition.date}")
        self.edition = edition
        if self.options.mode == "file":
            return [Part(1, 1, source.read_bytes(), "text/html", target="paste-ready file")]
        try:
            article = load_article(source, edition.out_dir, edition.language)
        except PublishError as exc:
            raise PublishError(f"channel {self.name}: {exc}") from None
        self.images, self.notes = article.images, article.notes
        draft = {"articles": [self._article(edition, article.html)]}
        parts = [Part.from_json(1, 1, draft, target=f"draft of {self.options.appid}")]
        second = self._second_payload(edition)
        if second is None:
            return parts
        return [Part.from_json(1, 2, draft, target=f"draft of {self.options.appid}"),
                Part.from_json(2, 2, second, target=f"{self.options.mode} on {self.options.appid}")]

    def _article(self, edition: Edition, content: str) -> dict[str, Any]:
        report = edition.report
        title = f"{report.title} · {edition.date}"
        author = self.options.author or report.organisation.name[:16]
        return {
            "title": title if len(title) <= 32 else title[:31] + "…",
            "author": author,
            "digest": shorten(strip_markers(report.summary, report), 120, report.language)[:128],
            "content": content,
            "content_source_url": edition.url,
            "thumb_media_id": self.options.cover_media_id or COVER_KEY,
            "need_open_comment": int(self.options.open_comment),
            "only_fans_can_comment": 0,
        }

    def _second_payload(self, edition: Edition) -> dict[str, Any] | None:
        if self.options.mode == "publish":
            return {"media_id": DRAFT_KEY}
        if self.options.mode == "masssend":
            return {
                "filter": {"is_to_all": True},
                "mpnews": {"media_id": DRAFT_KEY},
                "msgtype": "mpnews",
                "send_ignore_reprint": 0,
                "clientmsgid": f"dailybrief-{edition.date}-{self.name}"[:64],
            }
        return None

    # -- send -------------------------------------------------------------------------------

    def send(self, part: Part) -> Sent:
        if self.options.mode == "file":
            return self._write_file(part)
        try:
            if part.index == 1:
                return self._send_draft(part)
            if self.options.mode == "publish":
                return self._publish(part)
            return self._masssend(part)
        except WeChatError as exc:
            if exc.code == -1:
                raise RetryLater(f"channel {self.name}: {exc}") from None
            raise PublishError(f"channel {self.name}: {exc}") from None
        except WeChatUnavailable as exc:
            raise RetryLater(f"channel {self.name}: {exc}") from None
        except PublishError as exc:
            text = str(exc)
            raise type(exc)(text if text.startswith("channel ") else f"channel {self.name}: {text}") from None

    def _write_file(self, part: Part) -> Sent:
        folder = self.edition.out_dir / "publish" / self.name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"wechat-{self.edition.date}.html"
        path.write_bytes(part.body)
        return Sent(str(path), note=f"channel {self.name}: paste-ready HTML written to {path}")

    @property
    def client(self) -> WeChatClient:
        if self._client is None:
            cache = Path(self.options.token_cache).expanduser() if self.options.token_cache else self._default_cache()
            self._client = WeChatClient(self.options.appid, self.app_secret, cache, self.options.api_base, self.options.timeout)
        return self._client

    def _default_cache(self) -> Path:
        root = self.env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        return Path(root) / "dailybrief" / f"wechat-token-{self.options.appid}.json"

    # -- state kept between runs --------------------------------------------------------------

    @property
    def _state_path(self) -> Path:
        return self.edition.out_dir / "publish" / self.name / "wechat-state.json"

    def _state(self) -> dict[str, Any]:
        try:
            return json.loads(self._state_path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    def _save(self, state: dict[str, Any]) -> None:
        self._state_path.parent.mkdir(parents=True, exist_ok=True)
        self._state_path.write_text(json.dumps(state, ensure_ascii=False, indent=1), "utf-8")

    # -- part 1: the draft ------------------------------------------------------------------

    def _send_draft(self, part: Part) -> Sent:
        state = self._state()
        digest = part.digest
        if state.get("draft", {}).get("digest") == digest:
            return Sent(state["draft"]["media_id"], note=f"channel {self.name}: draft already created in an earlier run")
        uploaded = state.setdefault("images", {})
        body = part.body.decode("utf-8")
        for key, data in self.images.items():
            if key not in uploaded:
                uploaded[key] = self._upload_image(data, key)
                self._save(state)
            body = body.replace(key, uploaded[key])
        payload = json.loads(body)
        article = payload["articles"][0]
        if article["thumb_media_id"] == COVER_KEY:
            article["thumb_media_id"] = state.get("cover") or self._upload_cover()
            state["cover"] = article["thumb_media_id"]
        if "dailybrief-image:" in article["content"]:
            raise PublishError(f"channel {self.name}: an image was not uploaded; nothing sent")
        media_id = str(self.client.call("draft/add", "draft/add", payload).get("media_id", ""))
        if not media_id:
            raise PublishError(f"channel {self.name}: WeChat draft/add answered without a media_id")
        state["draft"] = {"digest": digest, "media_id": media_id}
        self._save(state)
        notes = "; ".join(self.notes)
        return Sent(media_id, note=f"channel {self.name}: {notes}" if notes else "")

    def _upload_image(self, data: bytes, key: str) -> str:
        image, kind = body_image(data, f"image {key.split(':', 1)[1]}")
        files = {"media": (f"{key.split(':', 1)[1]}.{kind}", image, "image/png" if kind == "png" else "image/jpeg")}
        url = str(self.client.call("media/uploadimg", "media/uploadimg", files=files).get("url", ""))
        if not url.startswith(("http://", "https://")):
            raise PublishError(f"channel {self.name}: WeChat media/uploadimg answered without a URL")
        return url

    def _upload_cover(self) -> str:
        if self.options.cover:
            source = Path(self.options.cover).expanduser().read_bytes()
            jpeg = cover_jpeg(source, f"cover {self.options.cover}")
        else:
            chart = next((self.edition.file(n) for n in sorted(self.edition.files) if n.startswith("charts/") and n.endswith(".png")), None)
            jpeg = cover_jpeg(chart.read_bytes(), "the chart cover") if chart else plain_cover()
        files = {"media": ("cover.jpg", jpeg, "image/jpeg")}
        answer = self.client.call("material/add_material", "material/add_material?type=thumb", files=files)
        media_id = str(answer.get("media_id", ""))
        if not media_id:
            raise PublishError(f"channel {self.name}: WeChat material/add_material answered without a media_id")
        return media_id

    def _draft_id(self) -> str:
        media_id = self._state().get("draft", {}).get("media_id", "")
        if not media_id:
            raise PublishError(f"channel {self.name}: the draft (part 1) has no media_id recorded; send part 1 first")
        return media_id

    def _fallback(self, media_id: str, api: str) -> Sent:
        return Sent(f"draft:{media_id}", note=f"channel {self.name}: WeChat {api} 48001: the account is not authorised for it; "
                                   f"the edition was saved as a draft instead (publish it from the admin site)")

    # -- part 2: publish or mass send -------------------------------------------------------

    def _publish(self, part: Part) -> Sent:
        media_id = self._draft_id()
        state = self._state()
        publish_id = state.get("publish_id", "")
        if not publish_id:
            if state.get("submitting") == media_id:
                raise PublishError(f"channel {self.name}: an earlier freepublish/submit of this draft may have gone "
                                   f"through; check the admin site, then delete {self._state_path} to submit again")
            state["submitting"] = media_id
            self._save(state)
            try:
                answer = self.client.call("freepublish/submit", "freepublish/submit", {"media_id": media_id})
            except WeChatError as exc:
                state.pop("submitting", None)
                self._save(state)
                if exc.code == 48001:
                    return self._fallback(media_id, "freepublish/submit")
                raise
            publish_id = str(answer.get("publish_id", ""))
            state["publish_id"] = publish_id
            self._save(state)
        return self._poll(publish_id)

    def _poll(self, publish_id: str) -> Sent:
        deadline = time.monotonic() + self.options.poll_timeout
        while True:
            answer = self.client.call("freepublish/get", "freepublish/get", {"publish_id": publish_id})
            status = int(answer.get("publish_status", -1))
            if status == 0:
                items = (answer.get("article_detail") or {}).get("item") or [{}]
                return Sent(str(items[0].get("article_url", "")) or str(answer.get("article_id", "")))
            if status in PUBLISH_FAILURES:
                raise PublishError(f"channel {self.name}: WeChat freepublish/get status {status}: {PUBLISH_FAILURES[status]}")
            if status != 1:
                raise PublishError(f"channel {self.name}: WeChat freepublish/get: unknown status {status}")
            if time.monotonic() >= deadline:
                raise RetryLater(f"channel {self.name}: WeChat is still publishing {publish_id}", self.options.poll_interval)
            time.sleep(self.options.poll_interval)

    def _masssend(self, part: Part) -> Sent:
        media_id = self._draft_id()
        payload = json.loads(part.body.decode("utf-8").replace(DRAFT_KEY, media_id))
        try:
            answer = self.client.call("message/mass/sendall", "message/mass/sendall", payload)
        except WeChatError as exc:
            if exc.code == 48001:
                return self._fallback(media_id, "message/mass/sendall")
            if exc.code == 45065:
                return Sent(payload["clientmsgid"], note=f"channel {self.name}: already mass-sent (clientmsgid {payload['clientmsgid']}); not sent again")
            raise
        return Sent(str(answer.get("msg_data_id") or answer.get("msg_id", "")))

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

