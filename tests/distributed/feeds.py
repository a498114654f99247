"""Loopback feed servers for the distributed tests: RSS feeds of teaser entries whose links are
article pages on the same server, answered after a delay (real HTTP on 127.0.0.x)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# 2026-04-16 12:00 UTC: inside the window of the 2026-04-17 edition (cutoff 08:00 Asia/Shanghai).
PUBLISHED = 1776340800

ARTICLE = (
    "The laboratory released model {feed}.{entry}, which it says matches larger systems on "
    "reasoning benchmarks while using a fraction of the compute. Independent researchers are "
    "testing the claims, and the company plans to publish its evaluation data next week. "
)


def feed_xml(base: str, feed: int, entries: int) -> bytes:
    items = "".join(
        f"<item><title>Model {feed}.{n} released by lab {feed}</title>"
        f"<link>{base}/article/{feed}/{n}.html</link><guid>{base}/article/{feed}/{n}.html</guid>"
        f"<pubDate>{formatdate(PUBLISHED - n * 600, usegmt=True)}</pubDate>"
        f"<description>Lab {feed} released model {feed}.{n}.</description></item>"
        for n in range(entries)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {feed}</title>'
        f"<link>{base}/</link>{items}</channel></rss>"
    ).encode()


def article_html(feed: int, entry: int) -> bytes:
    text = ARTICLE.format(feed=feed, entry=entry) * 4
    return (
        f"<html><head><title>Model {feed}.{entry}</title></head><body><nav>Home | News</nav>"
        f"<article><h1>Model {feed}.{entry} released</h1><p>{text}</p><p>{text}</p></article>"
        "<footer>Copyright</footer></body></html>"
    ).encode()


class FeedServer:
    """One HTTP server on `host` serving /feed/N.xml (after `latency` s) and article pages."""

    def __init__(self, host: str, entries: int, latency: float):
        self.entries = entries
        self.latency = latency
        self.requests: Counter[str] = Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                server.requests[self.path] += 1
                parts = self.path.strip("/").split("/")
                if parts[0] == "robots.txt":
                    return self._send(404, b"", "text/plain")
                if parts[0] == "feed":
                    time.sleep(server.latency)
                    feed = int(parts[1].split(".")[0])
                    return self._send(200, feed_xml(server.base, feed, server.entries), "application/rss+xml")
                if parts[0] == "article":
                    return self._send(200, article_html(int(parts[1]), int(parts[2].split(".")[0])), "text/html")
                self._send(404, b"", "text/plain")

            def _send(self, status: int, body: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client killed mid-response (the test kills a worker) is expected

        self.httpd = Server((host, 0), Handler)
        self.base = f"http://{host}:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def feed_url(self, feed: int) -> str:
        return f"{self.base}/feed/{feed}.xml"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
