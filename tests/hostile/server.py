"""A hostile HTTP server on 127.0.0.1 for the hostile-input suite.

It speaks real HTTP/1.1 from a thread of the test process and serves, by path:

- ``/good.xml``: a valid RSS feed of three AI items (the source that must still be collected);
- ``/bomb/gzip``, ``/bomb/deflate``, ``/bomb/br``: compression bombs (512 MiB of zeros in gzip
  and deflate, 2 GiB in brotli) labelled as RSS;
- ``/drip``: a feed sent one byte a second, forever;
- ``/endless``: a chunked body that never ends;
- ``/big50``: a 50 MB feed with a Content-Length;
- ``/many``: a feed of 20,000 entries;
- ``/laughs``: the "billion laughs" entity expansion;
- ``/xxe``: an external entity pointing at a local file;
- ``/inject``: markup of every kind (rich, terminal control sequences, Typst, HTML) in every
  field of an item;
- ``/truncated``: a feed cut in the middle of its first entry;
- ``/redirect?to=URL``: a 302 to URL.
"""

from __future__ import annotations

import functools
import json
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import brotli

RSS = "application/rss+xml; charset=utf-8"
SECRET = "hostile-secret-7f3a9c"  # the content of the file the XXE case points at


def rss(entries: str, title: str = "Feed") -> str:
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>{entries}</channel></rss>'


def entry(title: str, link: str, text: str = "", when: str = "") -> str:
    date = f"<pubDate>{when}</pubDate>" if when else ""
    return f"<item><title>{title}</title><link>{link}</link><description>{text}</description>{date}</item>"


@functools.cache
def _zeros_compressed(kind: str) -> bytes:
    block = b"\0" * (1 << 20)
    if kind == "br":
        comp = brotli.Compressor(quality=5)
        parts = [comp.process(block) for _ in range(2048)]
        return b"".join(parts) + comp.finish()
    comp = zlib.compressobj(9, zlib.DEFLATED, 31 if kind == "gzip" else 15)
    parts = [comp.compress(block) for _ in range(512)]
    return b"".join(parts) + comp.flush()


def bomb(kind: str) -> bytes:
    """A body of `kind` encoding that decodes to 512 MiB (gzip, deflate: about 500 KB sent) or
    2 GiB (br: about 3 KB sent) of zeros."""
    return _zeros_compressed(kind)


class HostileServer:
    """Start with `start()`; `url(path)` gives an absolute URL; `stop()` ends it."""

    def __init__(self, secret_path: str = "/nonexistent"):
        self.secret_path = secret_path
        self.injection_host = "127.0.0.1"
        handler = functools.partial(_Handler, self)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.stopping = threading.Event()

    def start(self) -> HostileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    # -- documents ------------------------------------------------------------------------

    def good_feed(self) -> bytes:
        items = "".join(
            entry(f"OpenAI model update {n}: new reasoning benchmark results", self.url(f"/article/good-{n}"),
                  f"The company reported benchmark number {n} for its large language model.")
            for n in range(3)
        )
        return rss(items, "Good feed").encode()

    def many(self, count: int = 20_000) -> bytes:
        items = "".join(
            entry(f"Entry {n} about machine learning", self.url(f"/article/many-{n}"), f"Text {n}.")
            for n in range(count)
        )
        return rss(items, "Many").encode()

    def laughs(self) -> bytes:
        ents = ['<!ENTITY lol "lol">'] + [
            f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10)
        ]
        return (
            '<?xml version="1.0"?><!DOCTYPE rss [' + "".join(ents) + "]>"
            '<rss version="2.0"><channel><title>Laughs</title>'
            + entry("&lol9;", self.url("/article/laughs"), "&lol9;")
            + "</channel></rss>"
        ).encode()

    def xxe(self) -> bytes:
        return (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{self.secret_path}">]>'
            '<rss version="2.0"><channel><title>XXE &xxe;</title>'
            + entry("XXE &xxe; title", self.url("/article/xxe"), "Leak: &xxe;")
            + "</channel></rss>"
        ).encode()

    def truncated(self) -> bytes:
        whole = rss(entry("Cut short", self.url("/article/cut"), "x" * 400))
        return whole[: whole.index("<item>") + 30].encode()


INJECTIONS = [
    "[/]", "[link=file:///etc/passwd]click[/link]", "[bold red]rich[/]",
    "\x1b[31mred\x1b[0m", "\x1b]8;;file:///etc/passwd\x07link\x1b]8;;\x07", "bell\x07", "nul\x00",
    "\u202egpj.exe", "#read(\"/etc/passwd\")", "#sys.inputs", "$x^2$ #import \"x.typ\"", "]#panic(\"boom\")[",
    "<script>alert(1)</script>", "&lt;script&gt;alert(2)&lt;/script&gt;", "<img src=x onerror=alert(3)>",
    "javascript:alert(4)", "<a href=\"javascript:alert(5)\">x</a>", "{{ 7*7 }}", "{% raw %}", "`code` **md**",
]


def injection_feed(server: HostileServer) -> bytes:
    """A JSON Feed (JSON can carry ESC, BEL and NUL, XML cannot) with every injection string in
    the title, HTML and text content, summary, author and tags of three AI items."""
    payload = " ".join(INJECTIONS)
    items = [
        {
            "id": f"inject-{n}",
            "url": server.url(f"/article/inject-{n}"),
            "title": f"OpenAI releases GPT model {n} with agent tools {payload}",
            "content_html": f"<p>OpenAI said the large language model {n} beats benchmarks. {payload}</p>",
            "summary": f"Model {n} summary {payload}",
            "date_published": "2026-04-16T12:00:00Z",
            "authors": [{"name": payload}],
            "tags": INJECTIONS,
        }
        for n in range(3)
    ]
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": f"Injection {payload}", "items": items}
    return json.dumps(feed).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def __init__(self, owner: HostileServer, *args, **kwargs):  # noqa: ANN002, ANN003
        self.owner = owner
        super().__init__(*args, **kwargs)

    def log_message(self, *args) -> None:  # noqa: ANN002 - quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        parts = urlsplit(self.path)
        path = parts.path
        try:
            if path.startswith("/bomb/"):
                kind = path.rsplit("/", 1)[-1]
                self._send(bomb(kind), encoding=kind)
            elif path == "/drip":
                self._drip()
            elif path == "/endless":
                self._endless()
            elif path == "/big50":
                self._big(50_000_000)
            elif path == "/redirect":
                self._redirect(parse_qs(parts.query)["to"][0])
            elif path == "/robots.txt":
                self._send(b"User-agent: *\nAllow: /\n", ctype="text/plain")
            elif path.startswith("/article/"):
                self._send(b"<html><body><p>Article.</p></body></html>", ctype="text/html")
            else:
                body = {
                    "/good.xml": self.owner.good_feed,
                    "/many": self.owner.many,
                    "/laughs": self.owner.laughs,
                    "/xxe": self.owner.xxe,
                    "/truncated": self.owner.truncated,
                }.get(path)
                if path == "/inject":
                    self._send(injection_feed(self.owner), ctype="application/feed+json")
                elif body is None:
                    self._send(b"not found", status=404, ctype="text/plain")
                else:
                    self._send(body())
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, body: bytes, *, status: int = 200, ctype: str = RSS, encoding: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, to: str) -> None:
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _drip(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", RSS)
        self.send_header("Content-Length", "1000000")
        self.end_headers()
        body = rss(entry("Drip", self.owner.url("/article/drip"), "x" * 1000)).encode()
        for n in range(600):  # at most ten minutes, a byte a second
            if self.owner.stopping.wait(1.0):
                return
            self.wfile.write(body[n % len(body) : n % len(body) + 1])
            self.wfile.flush()

    def _endless(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", RSS)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        head = rss("")[: -len("</channel></rss>")].encode()
        chunk = (entry("Endless", self.owner.url("/article/endless"), "y" * 4000) * 16).encode()
        self._chunk(head)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not self.owner.stopping.is_set():
            self._chunk(chunk)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _big(self, size: int) -> None:
        head = rss("", "Big")[: -len("</channel></rss>")].encode()
        tail = b"</channel></rss>"
        one = entry("Big entry about AI", self.owner.url("/article/big"), "z" * 20_000).encode()
        count = (size - len(head) - len(tail)) // len(one)
        pad = size - len(head) - len(tail) - count * len(one)
        self.send_response(200)
        self.send_header("Content-Type", RSS)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        self.wfile.write(head)
        for block in _repeat(one, count):
            self.wfile.write(block)
        self.wfile.write(b" " * pad + tail)


def _repeat(one: bytes, count: int, per: int = 1000) -> Iterator[bytes]:
    block = one * per
    full, rest = divmod(count, per)
    for _ in range(full):
        yield block
    yield one * rest
