"""A small client of the WeChat Official Account API: the stable access token and the calls the
publisher makes, with every error code we handle named.

The token comes from ``cgi-bin/stable_token`` in normal mode (``force_refresh: false``) and is
cached on disk with its expiry, so runs within its two hours reuse it. It is refreshed only when
WeChat itself says it is invalid or expired (40001, 42001), and then once: any other error is
reported, never answered with a new token. The app secret is only ever sent in that request's
JSON body; URLs carry the access token, which is never printed.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import httpx

from dailybrief.errors import PublishError

API_BASE = "https://api.weixin.qq.com"
TOKEN_ERRORS = {40001, 42001}
ERRORS = {
    -1: "WeChat is busy",
    40001: "the access token is invalid",
    40007: "invalid media_id",
    40009: "image too large",
    40013: "invalid appid",
    40113: "unsupported file type",
    40125: "invalid app secret",
    40164: "this machine's IP is not on the account's IP allow list",
    42001: "the access token expired",
    44003: "the article is empty (empty news data)",
    45002: "content too long",
    45009: "the daily quota of this API is used up",
    45028: "no mass-send quota left today",
    45065: "a mass send with this clientmsgid was already made",
    47001: "data format error in the request",
    48001: "the account is not authorised for this API (not verified)",
    53503: "the draft did not pass the publish check",
    53504: "this draft must be published from the Official Account admin site",
    53505: "save the draft manually in the admin site before publishing it",
}
_IP = re.compile(r"invalid ip ([0-9a-fA-F.:]+)")


class WeChatError(PublishError):
    """A WeChat API error with its code; the message names the code and what it means."""

    def __init__(self, api: str, code: int, errmsg: str):
        self.api = api
        self.code = code
        meaning = ERRORS.get(code, "")
        if code == 40164:
            seen = _IP.search(errmsg)
            meaning += f" (WeChat saw {seen.group(1)}; add it in the admin site's IP allow list)" if seen else ""
        detail = meaning or errmsg.split(" rid:")[0][:160] or "no message"
        super().__init__(f"WeChat {api} {code}: {detail}")


class WeChatUnavailable(PublishError):
    """WeChat could not be reached or answered 5xx: worth another try later."""


class WeChatClient:
    """Calls on behalf of one account (``appid``), with a token cache file."""

    def __init__(
        self,
        appid: str,
        secret: str,
        cache: Path,
        api_base: str = API_BASE,
        timeout: float = 30.0,
        clock: Any = time.time,
    ) -> None:
        self.appid = appid
        self._secret = secret
        self.cache = cache
        self.api_base = api_base.rstrip("/")
        self.clock = clock
        self.http = httpx.Client(timeout=timeout)
        self.token_fetches = 0

    # -- the access token ------------------------------------------------------------------

    def token(self) -> str:
        cached = self._read_cache()
        if cached:
            return cached
        return self._fetch_token(force=False)

    def _read_cache(self) -> str:
        try:
            data = json.loads(self.cache.read_text("utf-8"))
        except (OSError, ValueError):
            return ""
        fresh = data.get("appid") == self.appid and float(data.get("expires_at", 0)) > self.clock() + 60
        return str(data.get("access_token", "")) if fresh else ""

    def _fetch_token(self, force: bool) -> str:
        body = {"grant_type": "client_credential", "appid": self.appid, "secret": self._secret, "force_refresh": force}
        data = self._post_json("stable_token", f"{self.api_base}/cgi-bin/stable_token", body)
        token = str(data.get("access_token", ""))
        if not token:
            raise PublishError("WeChat stable_token: the answer has no access_token")
        self.token_fetches += 1
        expires_at = self.clock() + float(data.get("expires_in", 7200))
        self.cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.cache.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"appid": self.appid, "access_token": token, "expires_at": expires_at}, fh)
        tmp.replace(self.cache)
        return token

    def _refresh_after(self, rejected: str) -> str:
        """A new token after WeChat rejected ``rejected`` (40001/42001): normal mode first; only
        when that hands back the same token is a forced refresh asked for."""
        self.cache.unlink(missing_ok=True)
        token = self._fetch_token(force=False)
        return token if token != rejected else self._fetch_token(force=True)

    # -- calls -----------------------------------------------------------------------------

    def call(self, api: str, path: str, body: Any = None, files: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST ``path`` with the token; on 40001/42001 refresh the token once and try again."""
        token = self.token()
        try:
            return self._post_json(api, f"{self.api_base}/cgi-bin/{path}", body, files, token)
        except WeChatError as exc:
            if exc.code not in TOKEN_ERRORS:
                raise
        token = self._refresh_after(token)
        return self._post_json(api, f"{self.api_base}/cgi-bin/{path}", body, files, token)

    def _post_json(
        self, api: str, url: str, body: Any, files: dict[str, Any] | None = None, token: str = ""
    ) -> dict[str, Any]:
        params = {"access_token": token} if token else None
        if "?" in url:
            url, _, query = url.partition("?")
            params = {**(params or {}), **dict(kv.split("=", 1) for kv in query.split("&"))}
        try:
            if files is not None:
                response = self.http.post(url, params=params, files=files)
            else:
                content = json.dumps(body, ensure_ascii=False).encode("utf-8")
                response = self.http.post(url, params=params, content=content, headers={"Content-Type": "application/json"})
        except httpx.HTTPError as exc:
            raise WeChatUnavailable(f"WeChat {api}: network error ({type(exc).__name__})") from None
        if response.status_code >= 500:
            raise WeChatUnavailable(f"WeChat {api}: HTTP {response.status_code}")
        if response.status_code != 200:
            raise PublishError(f"WeChat {api}: HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            raise PublishError(f"WeChat {api}: the answer is not JSON") from None
        code = data.get("errcode", 0) if isinstance(data, dict) else -2
        if code:
            raise WeChatError(api, int(code), str(data.get("errmsg", "")))
        return data

    def close(self) -> None:
        self.http.close()
