"""Loopback servers that speak the chat services' webhook protocols.

Each fake checks what it receives the way the service documents it — signatures recomputed
here from the documented algorithm, sizes measured on the bytes that arrived, rate limits
counted per bot — and answers with the service's own success and error bodies. Everything it
accepted is kept (`messages`), and so is every raw request (`raw`), for the tests to inspect.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import time
from collections import deque
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote_plus

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response


def _json(data: dict, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status, content_type="application/json", headers=headers)


class Window:
    """The service's own count of requests in sliding windows (count, seconds)."""

    def __init__(self, *limits: tuple[int, float], clock: Callable[[], float] = time.monotonic):
        self.limits = limits
        self.clock = clock
        self.times: deque[float] = deque()

    def allow(self) -> bool:
        now = self.clock()
        self.times.append(now)
        return all(sum(1 for t in self.times if t > now - seconds) <= count for count, seconds in self.limits)


class Fake:
    """Shared bookkeeping: raw requests, accepted messages, scripted answers."""

    def __init__(self, server: HTTPServer, pattern: str):
        self.raw: list[Request] = []
        self.bodies: list[bytes] = []
        self.messages: list[dict] = []
        self.script: list[Callable[[], Response]] = []  # answers for the next requests, in order
        server.expect_request(re.compile(pattern), method="POST").respond_with_handler(self._handle)

    def _handle(self, request: Request) -> Response:
        self.raw.append(request)
        self.bodies.append(request.get_data())
        if self.script:
            return self.script.pop(0)()
        return self.handle(request, request.get_data())

    def handle(self, request: Request, body: bytes) -> Response:
        raise NotImplementedError


class FeishuBot(Fake):
    """open.feishu.cn/open-apis/bot/v2/hook/TOKEN: 20 KB bodies, 5/s and 100/min, signatures."""

    def __init__(self, server: HTTPServer, token: str, secret: str = "", max_bytes: int = 20_000,
                 clock: Callable[[], float] = time.time):
        super().__init__(server, r"/open-apis/bot/v2/hook/.+")
        self.token, self.secret, self.max_bytes, self.clock = token, secret, max_bytes, clock
        self.url = server.url_for(f"/open-apis/bot/v2/hook/{token}")
        self.window = Window((5, 1.0), (100, 60.0))

    @staticmethod
    def expected_sign(timestamp: str, secret: str) -> str:
        # As documented: HmacSHA256 keyed with "timestamp\nsecret" over an empty message, base64.
        key = (timestamp + "\n" + secret).encode("utf-8")
        return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()

    def handle(self, request: Request, body: bytes) -> Response:
        if request.path.rsplit("/", 1)[-1] != self.token:
            return _json({"code": 19001, "msg": "param invalid: incoming webhook access token invalid", "data": {}})
        if len(body) > self.max_bytes:
            return _json({"code": 9499, "msg": "Bad Request", "data": {}}, status=400)
        data = json.loads(body)
        if self.secret:
            stamp = str(data.get("timestamp", ""))
            fresh = stamp.isdigit() and abs(self.clock() - int(stamp)) <= 3600
            if not fresh or data.get("sign") != self.expected_sign(stamp, self.secret):
                return _json({"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time", "data": {}})
        if not self.window.allow():
            return _json({"code": 11232, "msg": "frequency limited psm[lark.oapi.app_platform_runtime]appID[1]", "data": {}})
        self.messages.append(data)
        return _json({"code": 0, "msg": "success", "data": {}})


class DingTalkRobot(Fake):
    """oapi.dingtalk.com/robot/send?access_token=T: 20,000-byte bodies, 20/min, then blocked."""

    def __init__(self, server: HTTPServer, token: str, secret: str = "", per_minute: int = 20,
                 clock: Callable[[], float] = time.time):
        super().__init__(server, r"/robot/send")
        self.token, self.secret, self.clock = token, secret, clock
        self.url = server.url_for("/robot/send") + f"?access_token={token}"
        self.window = Window((per_minute, 60.0))
        self.blocked_until = 0.0

    @staticmethod
    def expected_sign(timestamp: str, secret: str) -> str:
        # As documented: HmacSHA256 keyed with the secret over "timestamp\nsecret", base64.
        mac = hmac.new(secret.encode("utf-8"), (timestamp + "\n" + secret).encode("utf-8"), hashlib.sha256)
        return base64.b64encode(mac.digest()).decode()

    def handle(self, request: Request, body: bytes) -> Response:
        query = parse_qs(request.query_string.decode(), keep_blank_values=True)
        if query.get("access_token") != [self.token]:
            return _json({"errcode": 300001, "errmsg": "token is not exist"})
        if self.secret:
            stamp = (query.get("timestamp") or [""])[0]
            sign = unquote_plus(re.search(r"sign=([^&]*)", request.query_string.decode()).group(1)) if "sign=" in request.query_string.decode() else ""
            fresh = stamp.isdigit() and abs(self.clock() * 1000 - int(stamp)) <= 3_600_000
            if not fresh or sign != self.expected_sign(stamp, self.secret):
                return _json({"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"})
        if len(body) > 20_000:
            return _json({"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"})
        now = time.monotonic()
        if now < self.blocked_until or not self.window.allow():
            self.blocked_until = max(self.blocked_until, now + 600)
            return _json({"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})
        self.messages.append(json.loads(body))
        return _json({"errcode": 0, "errmsg": "ok"})


class WeComRobot(Fake):
    """qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K: markdown ≤ 4096 bytes, text ≤ 2048, 20/min."""

    def __init__(self, server: HTTPServer, key: str, per_minute: int = 20):
        super().__init__(server, r"/cgi-bin/webhook/send")
        self.key = key
        self.url = server.url_for("/cgi-bin/webhook/send") + f"?key={key}"
        self.window = Window((per_minute, 60.0))

    def handle(self, request: Request, body: bytes) -> Response:
        if request.args.get("key") != self.key:
            return _json({"errcode": 93000, "errmsg": "invalid webhook url, hint: [1700000000_1_x], from ip: 127.0.0.1"})
        data = json.loads(body)
        kind = data.get("msgtype")
        limit = {"markdown": 4096, "text": 2048}.get(kind)
        if limit is None:
            return _json({"errcode": 40008, "errmsg": "invalid message type"})
        if len(data[kind]["content"].encode("utf-8")) > limit:
            return _json({"errcode": 40058, "errmsg": f"{kind}.content exceed max length {limit}. invalid Request Parameter"})
        if not self.window.allow():
            return _json({"errcode": 45009, "errmsg": "api freq out of limit, hint: [1700000000_2_x]"})
        self.messages.append(data)
        return _json({"errcode": 0, "errmsg": "ok"})


class SlackWebhook(Fake):
    """hooks.slack.com/services/T/B/X: ≤ 50 blocks, ≤ 3000 characters a section, 150 a header."""

    def __init__(self, server: HTTPServer, path: str = "/services/T0001/B0001/Xsecret0001"):
        super().__init__(server, r"/services/.+")
        self.path = path
        self.url = server.url_for(path)

    def handle(self, request: Request, body: bytes) -> Response:
        if request.path != self.path:
            return Response("no_service", status=404)
        try:
            data = json.loads(body)
        except ValueError:
            return Response("invalid_payload", status=400)
        blocks = data.get("blocks", [])
        if not data.get("text") and not blocks:
            return Response("no_text", status=400)
        too_big = len(blocks) > 50 or any(
            len(b["text"]["text"]) > (150 if b["type"] == "header" else 3000) for b in blocks if "text" in b
        )
        if too_big:
            return Response("invalid_blocks", status=400)
        self.messages.append(data)
        return Response("ok", status=200, content_type="text/plain")

    @staticmethod
    def rate_limited(seconds: int = 1) -> Response:
        return Response("rate_limited", status=429, headers={"Retry-After": str(seconds)})


class _TelegramHTML(HTMLParser):
    """Telegram's HTML parse mode: only a few tags, properly nested; counts visible text."""

    ALLOWED = frozenset({"b", "strong", "i", "em", "u", "s", "a", "code", "pre", "tg-spoiler", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.error = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in self.ALLOWED:
            self.error = self.error or f"Unsupported start tag \"{tag}\""
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.error = self.error or f"Unexpected end tag \"{tag}\""

    def handle_data(self, data: str) -> None:
        self.text.append(data)


class TelegramBot(Fake):
    """api.telegram.org/botTOKEN/sendMessage: 4096 UTF-16 units after entity parsing."""

    def __init__(self, server: HTTPServer, token: str):
        super().__init__(server, r"/bot[^/]+/sendMessage")
        self.token = token
        self.api_base = server.url_for("/").rstrip("/")
        self.next_id = 100

    def handle(self, request: Request, body: bytes) -> Response:
        if request.path != f"/bot{self.token}/sendMessage":
            return _json({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        data = json.loads(body)
        text = data.get("text", "")
        if data.get("parse_mode") == "HTML":
            parser = _TelegramHTML()
            parser.feed(text)
            parser.close()
            if parser.error or parser.stack:
                detail = parser.error or "Can't find end tag"
                return _json({"ok": False, "error_code": 400, "description": f"Bad Request: can't parse entities: {detail}"}, status=400)
            text = "".join(parser.text)
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return _json({"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}, status=400)
        self.next_id += 1
        self.messages.append(data)
        return _json({"ok": True, "result": {"message_id": self.next_id, "chat": {"id": data["chat_id"]}, "text": html.unescape(text)}})

    @staticmethod
    def flood(seconds: int = 1) -> Response:
        return _json({"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {seconds}",
                      "parameters": {"retry_after": seconds}}, status=429)
