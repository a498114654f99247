"""A loopback WeChat Official Account API: the calls the publisher makes, with their limits and
error codes.

It keeps real state — issued tokens (and which are stale), uploaded images, thumbs, drafts,
publish jobs and mass sends — checks every request the way WeChat documents it (token valid,
image types and sizes, draft field limits, clientmsgid unique) and answers with WeChat's
``errcode``/``errmsg`` bodies. Tests queue faults per API (`fail`) and flip account properties
(`verified`, `allowed_ip`).
"""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

IP = "203.0.113.9"
TOKEN_ERR = {40001: "invalid credential, access_token is invalid or not latest", 42001: "access_token expired"}


def _answer(data: dict) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), content_type="application/json")


def _error(code: int, msg: str) -> Response:
    return _answer({"errcode": code, "errmsg": f"{msg} rid: 6566c3f1-2b3c4d5e-6f708192"})


class FakeWeChat:
    def __init__(self, server: HTTPServer, appid: str, secret: str):
        self.appid, self.secret = appid, secret
        self.api_base = server.url_for("/").rstrip("/")
        self.tokens: list[str] = []  # issued, newest last; only the newest is valid
        self.stale: set[str] = set()  # tokens WeChat now calls expired
        self.token_requests: list[dict] = []
        self.calls: list[tuple[str, str]] = []  # (api, access_token)
        self.images: dict[str, bytes] = {}
        self.thumbs: dict[str, bytes] = {}
        self.drafts: dict[str, dict] = {}
        self.publishes: dict[str, str] = {}  # publish_id → media_id
        self.statuses: list[int] = [1, 0]  # what successive freepublish/get answer
        self.mass: dict[str, str] = {}  # clientmsgid → media_id
        self.faults: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.outages: dict[str, list[int]] = defaultdict(list)  # HTTP statuses for the next calls
        self.verified = True
        self.allowed_ip = True
        self.mass_quota = 1
        server.expect_request(re.compile(r"/cgi-bin/.+"), method="POST").respond_with_handler(self.handle)

    def fail(self, api: str, code: int, msg: str = "") -> None:
        """The next call of ``api`` answers ``code``."""
        self.faults[api].append((code, msg or {45009: "reach max api daily quota limit", -1: "system error"}.get(code, "error")))

    # -- dispatch -------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        api = request.path.removeprefix("/cgi-bin/")
        if self.outages[api]:
            return Response("upstream unavailable", status=self.outages[api].pop(0))
        if not self.allowed_ip:
            return _error(40164, f"invalid ip {IP} ipv6 ::ffff:{IP}, not in whitelist")
        if api == "stable_token":
            return self.stable_token(json.loads(request.get_data()))
        token = request.args.get("access_token", "")
        self.calls.append((api, token))
        if token in self.stale:
            return _error(42001, TOKEN_ERR[42001])
        if not self.tokens or token != self.tokens[-1]:
            return _error(40001, TOKEN_ERR[40001])
        if self.faults[api]:
            code, msg = self.faults[api].pop(0)
            return _error(code, msg)
        handler = {
            "media/uploadimg": self.uploadimg, "material/add_material": self.add_material, "draft/add": self.draft_add,
            "freepublish/submit": self.submit, "freepublish/get": self.get, "message/mass/sendall": self.sendall,
        }.get(api)
        return handler(request) if handler else _error(-1, "unknown api")

    # -- the token --------------------------------------------------------------------------

    def stable_token(self, body: dict) -> Response:
        self.token_requests.append(body)
        if body.get("appid") != self.appid:
            return _error(40013, "invalid appid")
        if body.get("secret") != self.secret:
            return _error(40125, "invalid appsecret")
        if body.get("force_refresh") or not self.tokens or self.tokens[-1] in self.stale:
            self.tokens.append(f"TOKEN-{len(self.tokens) + 1:04d}-{'x' * 40}")
        return _answer({"access_token": self.tokens[-1], "expires_in": 7200})

    # -- media ------------------------------------------------------------------------------

    @staticmethod
    def _media(request: Request) -> bytes | None:
        upload = request.files.get("media")
        return upload.read() if upload else None

    def uploadimg(self, request: Request) -> Response:
        data = self._media(request)
        if data is None:
            return _error(41005, "media data missing")
        if not (data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"))):
            return _error(40005, "invalid file type")
        if len(data) >= 1024 * 1024:
            return _error(40009, "invalid image size")
        url = f"http://mmbiz.qpic.cn/mmbiz_png/fake{len(self.images) + 1:03d}/0?wx_fmt=png"
        self.images[url] = data
        return _answer({"url": url})

    def add_material(self, request: Request) -> Response:
        if request.args.get("type") != "thumb":
            return _error(40004, "invalid media type")
        data = self._media(request)
        if data is None or not data.startswith(b"\xff\xd8\xff"):
            return _error(40005, "invalid file type")
        if len(data) > 64 * 1024:
            return _error(40009, "invalid image size")
        media_id = f"THUMB_{len(self.thumbs) + 1}"
        self.thumbs[media_id] = data
        return _answer({"media_id": media_id, "url": f"http://mmbiz.qpic.cn/thumb/{media_id}"})

    # -- drafts and publishing ---------------------------------------------------------------

    def draft_add(self, request: Request) -> Response:
        try:
            article = json.loads(request.get_data())["articles"][0]
        except (ValueError, KeyError, IndexError, TypeError):
            return _error(47001, "data format error")
        content = article.get("content", "")
        checks = [
            (not content.strip(), 44003, "empty news data"),
            (len(article.get("title", "")) > 32, 45003, "title size out of limit"),
            (len(article.get("author", "")) > 16, 45110, "author size out of limit"),
            (len(article.get("digest", "")) > 128, 45004, "description size out of limit"),
            (len(content) >= 20_000 or len(content.encode()) >= 1024 * 1024, 45002, "content size out of limit"),
            (article.get("thumb_media_id") not in self.thumbs, 40007, "invalid media_id"),
        ]
        for failed, code, msg in checks:
            if failed:
                return _error(code, msg)
        media_id = f"DRAFT_{len(self.drafts) + 1}"
        self.drafts[media_id] = article
        return _answer({"media_id": media_id})

    def submit(self, request: Request) -> Response:
        if not self.verified:
            return _error(48001, "api unauthorized")
        media_id = json.loads(request.get_data()).get("media_id")
        if media_id not in self.drafts:
            return _error(40007, "invalid media_id")
        publish_id = str(2247483000 + len(self.publishes))
        self.publishes[publish_id] = media_id
        return _answer({"errcode": 0, "errmsg": "ok", "publish_id": publish_id, "msg_data_id": 2247483001})

    def get(self, request: Request) -> Response:
        publish_id = str(json.loads(request.get_data()).get("publish_id"))
        if publish_id not in self.publishes:
            return _error(40007, "invalid publish_id")
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        answer: dict = {"publish_id": publish_id, "publish_status": status}
        if status == 0:
            answer["article_id"] = "ARTICLE_1"
            answer["article_detail"] = {"count": 1, "item": [{"idx": 1, "article_url": "https://mp.weixin.qq.com/s/fake-article-1"}]}
        elif status >= 2:
            answer["fail_idx"] = [1]
        return _answer(answer)

    def sendall(self, request: Request) -> Response:
        if not self.verified:
            return _error(48001, "api unauthorized")
        body = json.loads(request.get_data())
        media_id = body.get("mpnews", {}).get("media_id")
        if body.get("msgtype") != "mpnews" or media_id not in self.drafts or not body.get("filter", {}).get("is_to_all"):
            return _error(47001, "data format error")
        clientmsgid = body.get("clientmsgid", "")
        if clientmsgid in self.mass:
            return _error(45065, "clientmsgid exist")
        if self.mass_quota <= 0:
            return _error(45028, "has no masssend quota")
        self.mass_quota -= 1
        self.mass[clientmsgid] = media_id
        return _answer({"errcode": 0, "errmsg": "send job submission success", "msg_id": 34182, "msg_data_id": 206227730})


def image_kind(data: bytes) -> str:
    from PIL import Image

    return Image.open(io.BytesIO(data)).format or ""


def main() -> None:
    """Run the fake on its own, for a manual or scheduled run against it:
    ``python -m tests.publish.wechatfake --port 8901 --unverified`` (48001 on publish/mass send)."""
    import argparse
    import time as _time

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, default=8901)
    parser.add_argument("--appid", default="wx0123456789abcdef")
    parser.add_argument("--secret", default="wechat-app-secret-0042")
    parser.add_argument("--unverified", action="store_true", help="answer 48001 to freepublish/submit and mass sendall")
    args = parser.parse_args()
    server = HTTPServer(host="127.0.0.1", port=args.port)
    fake = FakeWeChat(server, args.appid, args.secret)
    fake.verified = not args.unverified
    server.start()
    print(f"fake WeChat API at {fake.api_base} (appid {args.appid}, verified={fake.verified})", flush=True)
    try:
        while True:
            _time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
