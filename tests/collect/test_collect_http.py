"""The shared HTTP client against a real server on 127.0.0.1: conditional GET, retries,
timeouts, redirects, size cap, compression, limits, robots.txt and address safety."""

from __future__ import annotations

import asyncio
import gzip
import threading
import time

import brotli
import pytest
from werkzeug import Request, Response

from dailybrief.collect.http import FetchError, FetchRecord, make_client, retry_after_seconds
from dailybrief.collect.safety import AddressGuard, UnsafeURLError, is_public_address
from dailybrief.config import CollectSettings


def fetch(settings: CollectSettings, url: str, **kwargs):
    async def go():
        async with make_client(settings) as http:
            log: list[FetchRecord] = []
            try:
                return await http.get(url, log=log, **kwargs), log
            except FetchError as exc:
                return exc, log

    return asyncio.run(go())


def test_conditional_get_returns_304(server, collect_settings):
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response("<rss/>", headers={"ETag": '"v1"', "Last-Modified": "Mon, 06 Jan 2025 10:00:00 GMT"})

    server.expect_request("/feed").respond_with_handler(handler)
    first, _ = fetch(collect_settings, server.url_for("/feed"))
    assert first.status == 200 and first.etag == '"v1"'
    assert first.last_modified.startswith("Mon, 06 Jan 2025")
    second, log = fetch(collect_settings, server.url_for("/feed"), etag='"v1"')
    assert second.not_modified and second.body == b""
    assert log[0].status == 304


def test_429_retry_after_is_honoured(server, collect_settings):
    calls: list[float] = []

    def handler(request: Request) -> Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return Response("ok")

    server.expect_request("/r").respond_with_handler(handler)
    response, _ = fetch(collect_settings, server.url_for("/r"))
    assert response.status == 200 and response.body == b"ok"
    assert len(calls) == 2 and calls[1] - calls[0] >= 0.9


def test_retry_after_too_long_fails_without_waiting(server, collect_settings):
    server.expect_request("/r").respond_with_data("no", status=429, headers={"Retry-After": "3600"})
    start = time.monotonic()
    error, log = fetch(collect_settings, server.url_for("/r"))
    assert isinstance(error, FetchError) and "Retry-After" in str(error)
    assert time.monotonic() - start < 2 and log[0].error


def test_5xx_retried_then_reported(server):
    settings = CollectSettings(allow_private=True, retries=1, read_timeout=2)
    server.expect_request("/down").respond_with_data("boom", status=503)
    error, log = fetch(settings, server.url_for("/down"))
    assert isinstance(error, FetchError) and error.status == 503
    assert len(server.log) == 2 and log[0].status == 503


def test_slow_response_times_out(server):
    settings = CollectSettings(allow_private=True, read_timeout=0.3, retries=0)

    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("late")

    server.expect_request("/slow").respond_with_handler(slow)
    error, log = fetch(settings, server.url_for("/slow"))
    assert isinstance(error, FetchError) and "timed out" in str(error)
    assert log[0].error and log[0].seconds < 1.0
    deadline = time.monotonic() + 3  # let the slow handler finish before the next test
    while not server.log and time.monotonic() < deadline:
        time.sleep(0.05)


def test_redirect_loop_is_an_error(server, collect_settings):
    server.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    server.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    error, _ = fetch(collect_settings, server.url_for("/a"))
    assert isinstance(error, FetchError) and "redirects" in str(error)
    assert len(server.log) == 6  # the first request and 5 redirects, then stop


def test_redirects_followed_up_to_five(server, collect_settings):
    for n in range(5):
        server.expect_request(f"/h{n}").respond_with_data("", status=301, headers={"Location": f"/h{n + 1}"})
    server.expect_request("/h5").respond_with_data("arrived")
    response, _ = fetch(collect_settings, server.url_for("/h0"))
    assert response.body == b"arrived" and response.url.endswith("/h5")


def test_huge_response_is_cut_and_recorded(server):
    settings = CollectSettings(allow_private=True, max_bytes=100_000)
    server.expect_request("/huge").respond_with_data(b"x" * 5_000_000)
    response, log = fetch(settings, server.url_for("/huge"))
    assert response.truncated and len(response.body) == 100_000
    assert "size cap" in log[0].error


def test_gzip_and_brotli_are_decoded(server, collect_settings):
    text = "<rss>" + "hello " * 1000 + "</rss>"
    server.expect_request("/gz").respond_with_data(gzip.compress(text.encode()), headers={"Content-Encoding": "gzip"})
    server.expect_request("/br").respond_with_data(brotli.compress(text.encode()), headers={"Content-Encoding": "br"})
    for path in ("/gz", "/br"):
        response, _ = fetch(collect_settings, server.url_for(path))
        assert response.text() == text
    assert "br" in server.log[0][0].headers["Accept-Encoding"]


def test_user_agent_is_sent(server, collect_settings):
    server.expect_request("/ua").respond_with_data("ok")
    fetch(collect_settings, server.url_for("/ua"))
    assert server.log[0][0].headers["User-Agent"].startswith("dailybrief/")


def test_per_host_limit_is_respected(server):
    settings = CollectSettings(allow_private=True, per_host=3, concurrency=50)
    active = 0
    peak = 0
    lock = threading.Lock()

    def handler(request: Request) -> Response:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.05)
        with lock:
            active -= 1
        return Response("ok")

    server.expect_request("/p").respond_with_handler(handler)

    async def go():
        async with make_client(settings) as http:
            await asyncio.gather(*(http.get(server.url_for("/p")) for _ in range(12)))

    asyncio.run(go())
    assert peak <= 3 and len(server.log) == 12


def test_robots_txt_is_respected_for_page_fetches(server, collect_settings):
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    server.expect_request("/private/x").respond_with_data("secret")
    server.expect_request("/public/x").respond_with_data("fine")
    error, _ = fetch(collect_settings, server.url_for("/private/x"), robots=True)
    assert isinstance(error, FetchError) and "robots.txt" in str(error)
    response, _ = fetch(collect_settings, server.url_for("/public/x"), robots=True)
    assert response.body == b"fine"
    feed, _ = fetch(collect_settings, server.url_for("/private/x"))  # feeds do not consult robots
    assert feed.body == b"secret"


def test_loopback_refused_unless_allowed(server):
    server.expect_request("/x").respond_with_data("ok")
    error, log = fetch(CollectSettings(), server.url_for("/x"))
    assert isinstance(error, FetchError) and "allow-private" in str(error)
    assert not [req for req, _ in server.log if req.path == "/x"] and log[0].error


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://x", "http://"])
def test_only_http_and_https(url):
    async def go():
        await AddressGuard(allow_private=True).check(url)

    with pytest.raises(UnsafeURLError):
        asyncio.run(go())


@pytest.mark.parametrize(
    ("address", "public"),
    [("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False), ("169.254.169.254", False),
     ("172.16.0.1", False), ("::1", False), ("fe80::1", False), ("::ffff:127.0.0.1", False),
     ("0.0.0.0", False), ("8.8.8.8", True), ("2606:4700::1111", True)],
)
def test_private_ranges(address, public):
    assert is_public_address(address) is public


def test_retry_after_http_date():
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after_seconds("5") == 5.0
    assert retry_after_seconds("soon") is None
