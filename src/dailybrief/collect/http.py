"""The one HTTP client of the collector: `HttpClient`, built by `make_client`.

One `httpx.AsyncClient` is shared by every source of a run. Around it:

- a global and a per-host concurrency limit (asyncio semaphores held only while a request
  is on the wire, never while waiting to retry);
- connect and read timeouts; retries with exponential backoff on 429, 5xx and connection
  errors, honouring `Retry-After` (seconds or an HTTP date) up to `max_retry_wait`;
- conditional GET: pass the stored ETag / Last-Modified and a 304 comes back as
  `Response.not_modified`;
- gzip, deflate and brotli, decoded here with an output limit (`decompress`): the size cap
  counts decoded bytes and no chunk is expanded past it, so a compression bomb is cut early;
- a total deadline per request (`request_deadline`: connect, headers and the whole body), so a
  server that drips a byte at a time cannot hold a run for longer than that;
- redirects followed by hand, at most 5, each hop checked by the `AddressGuard`;
- robots.txt, fetched once per host and run, for page and article fetches.

Tests pass `transport=` (an `httpx.MockTransport` or nothing, with a real server on 127.0.0.1).
Every request, including failures, becomes a `FetchRecord` in the list the caller passes.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import socket
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx
from httpcore._utils import is_socket_readable

from ..config import CollectSettings
from ..errors import CollectError, FetchError
from ..tuning import MAX_REDIRECTS
from .charset import decode
from .decompress import ACCEPT_ENCODING, BoundedDecoder, DecodeError
from .safety import UNRESOLVED, AddressGuard, UnsafeURLError, is_public_address

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass
class FetchRecord:
    """One line of the fetch log."""

    url: str
    started: datetime
    status: int | None = None
    bytes: int = 0
    seconds: float = 0.0
    error: str | None = None


@dataclass
class Response:
    """A finished GET: the final URL after redirects, the status and the (possibly cut) body."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes
    truncated: bool = False
    seconds: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    def text(self) -> str:
        return decode(self.body, self.headers.get("content-type"))[0]


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


@dataclass
class _Robots:
    parser: RobotFileParser | None  # None: everything allowed
    disallow_all: bool = False


@dataclass
class HttpClient:
    """Shared async HTTP client with limits, retries, safety and robots.txt. Use `make_client`."""

    settings: CollectSettings
    client: httpx.AsyncClient
    guard: AddressGuard
    _global: asyncio.Semaphore = field(init=False)
    _hosts: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    _robots: dict[str, asyncio.Task[_Robots]] = field(default_factory=dict)
    active: int = field(default=0, init=False)  # GETs started and not finished (or waiting)
    _defaults: list[tuple[str, str]] | None = field(default=None, init=False)
    _timeout: dict[str, float | None] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self._global = asyncio.Semaphore(self.settings.concurrency)

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    @property
    def user_agent(self) -> str:
        return self.settings.user_agent

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        host = urlsplit(url).netloc.lower()
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.settings.per_host)
        return self._hosts[host]

    async def get(
        self,
        url: str,
        *,
        log: list[FetchRecord] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
        robots: bool = False,
        max_bytes: int | None = None,
    ) -> Response:
        """GET `url`; raise FetchError unless the final status is 2xx or 304.

        The body is cut at `max_bytes` (default: the configured cap); a cut is noted in the
        record's error and in `Response.truncated`, and the cut body is still returned.
        """
        record = FetchRecord(url=url, started=datetime.now(timezone.utc))
        if log is not None:
            log.append(record)
        start = time.perf_counter()
        self.active += 1
        try:
            if robots and self.settings.robots and not await self.robots_allowed(url):
                raise FetchError(f"{url}: disallowed by robots.txt", url)
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            if accept:
                headers["Accept"] = accept
            response = await self._follow(url, headers, max_bytes or self.settings.max_bytes)
        except FetchError as exc:
            record.status = exc.status
            record.error = str(exc)
            raise
        finally:
            self.active -= 1
            record.seconds = time.perf_counter() - start
        record.status = response.status
        record.bytes = len(response.body)
        if response.truncated:
            record.error = f"response cut at {len(response.body)} bytes (size cap)"
        response.seconds = record.seconds
        return response

    async def _follow(self, url: str, headers: dict[str, str], max_bytes: int) -> Response:
        current = url
        seen = [url]
        for _ in range(MAX_REDIRECTS + 1):
            try:
                await self.guard.check(current)
            except CollectError as exc:
                raise FetchError(str(exc), current) from None
            response = await self._with_retries(current, headers, max_bytes)
            if response.status in REDIRECT_STATUSES and "location" in response.headers:
                current = urljoin(current, response.headers["location"])
                seen.append(current)
                continue
            if response.status == 304 or 200 <= response.status < 300:
                return response
            raise FetchError(f"{current}: HTTP {response.status}", current, response.status)
        raise FetchError(
            f"{url}: more than {MAX_REDIRECTS} redirects ({' -> '.join(seen[:4])} ...)", url, 310
        )

    async def _with_retries(self, url: str, headers: dict[str, str], max_bytes: int) -> Response:
        attempt = 0
        while True:
            try:
                response = await self._once(url, headers, max_bytes)
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
                if attempt >= self.settings.retries:
                    raise FetchError(f"{url}: {_describe(exc, url)}", url) from None
                wait = None
            except UnsafeURLError as exc:
                raise FetchError(f"{url}: {exc}", url) from None
            except httpx.TimeoutException as exc:
                raise FetchError(f"{url}: {_describe(exc, url)}", url) from None
            except httpx.HTTPError as exc:
                raise FetchError(f"{url}: {_describe(exc, url)}", url) from None
            else:
                if response.status not in RETRY_STATUSES or attempt >= self.settings.retries:
                    return response
                wait = retry_after_seconds(response.headers.get("retry-after"))
                if wait is not None and wait > self.settings.max_retry_wait:
                    raise FetchError(
                        f"{url}: HTTP {response.status}, Retry-After {wait:.0f} s is longer than "
                        f"max_retry_wait ({self.settings.max_retry_wait:.0f} s)",
                        url,
                        response.status,
                    )
            if wait is None:
                wait = min(self.settings.max_retry_wait, 0.5 * 2**attempt) * (
                    0.75 + random.random() / 2
                )
            attempt += 1
            await asyncio.sleep(wait)

    async def _once(self, url: str, headers: dict[str, str], max_bytes: int) -> Response:
        deadline = self.settings.request_deadline
        async with self._global, self._host_limit(url):
            try:
                async with asyncio.timeout(deadline):
                    return await self._exchange(url, headers, max_bytes)
            except TimeoutError:
                raise FetchError(
                    f"{url}: no complete response within {deadline:g} s (request_deadline)", url
                ) from None

    async def _exchange(self, url: str, headers: dict[str, str], max_bytes: int) -> Response:
        """One request and its body, decoded here with a bounded decoder (see `decompress`):
        the raw stream is read, so no chunk is ever expanded past the size cap."""
        response = await self._send(url, headers)
        try:
            chunks: list[bytes] = []
            decoder = None
            if response.status_code not in REDIRECT_STATUSES:
                try:
                    decoder, raws = _raw_body(response, max_bytes)
                    async for raw in raws:
                        chunks.append(decoder.feed(raw))
                        if decoder.overflow:
                            break
                except DecodeError as exc:
                    raise FetchError(f"{url}: {exc}", url, response.status_code) from None
            return Response(
                url=str(response.url),
                status=response.status_code,
                headers=response.headers,
                body=b"".join(chunks),
                truncated=decoder is not None and decoder.overflow,
            )
        finally:
            await response.aclose()

    async def _send(self, url: str, headers: dict[str, str]) -> httpx.Response:
        """Send a GET straight to the client's transport, streaming the body.

        What `AsyncClient.stream` does for our requests, without the layers we do not use
        (auth, redirects: followed by hand above, event hooks, per-request merging of
        settings), which cost about as much CPU as the HTTP exchange itself. The client's
        default headers, timeouts and cookie jar apply as they would through the client.
        """
        client = self.client
        if self._defaults is None:
            self._defaults = list(client.headers.multi_items())
            self._timeout = client.timeout.as_dict()
        if headers:
            merged = httpx.Headers(self._defaults)
            merged.update(headers)
        else:
            merged = httpx.Headers(self._defaults)
        request = httpx.Request("GET", url, headers=merged, extensions={"timeout": self._timeout})
        if client.cookies:
            client.cookies.set_cookie_header(request)
        transport = client._transport_for_url(request.url)
        try:
            response = await transport.handle_async_request(request)
        except httpx.TransportError as exc:
            exc.request = request
            raise
        response.request = request
        if "set-cookie" in response.headers:
            client.cookies.extract_cookies(response)
        return response

    # -- robots.txt -------------------------------------------------------------------------

    async def robots_allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets our User-Agent fetch it."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = asyncio.ensure_future(self._load_robots(origin))
        robots = await self._robots[origin]
        if robots.disallow_all:
            return False
        if robots.parser is None:
            return True
        return robots.parser.can_fetch(self.user_agent, url)

    async def _load_robots(self, origin: str) -> _Robots:
        try:
            response = await self.get(f"{origin}/robots.txt", max_bytes=512_000)
        except FetchError as exc:
            # RFC 9309: unreachable (5xx) means "assume complete disallow"; 4xx means no rules.
            if exc.status is not None and exc.status >= 500:
                return _Robots(None, disallow_all=True)
            return _Robots(None)
        parser = RobotFileParser()
        parser.parse(response.text().splitlines())
        return _Robots(parser)


def _raw_body(response: httpx.Response, max_bytes: int) -> tuple[BoundedDecoder, AsyncIterator[bytes]]:
    """The decoder and the raw chunks of a response. A response whose body a transport has
    already read (httpx.MockTransport in tests) has it decoded already: it is taken as is."""
    if hasattr(response, "_content"):
        return BoundedDecoder(None, max_bytes), _one(response.content)
    return BoundedDecoder(response.headers.get("content-encoding"), max_bytes), response.aiter_raw()


async def _one(body: bytes) -> AsyncIterator[bytes]:
    yield body


def _describe(exc: Exception, url: str = "") -> str:
    name = type(exc).__name__
    text = str(exc)
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({name})"
    lookup = _lookup_failure(exc)
    if lookup is not None:  # said as the address guard says it (it does not look up with --allow-private)
        return f"{UNRESOLVED} {urlsplit(url).hostname or '?'}: {lookup.strerror or lookup}"
    return f"{name}: {text}" if text else name


def _lookup_failure(exc: BaseException) -> socket.gaierror | None:
    """The failed DNS lookup behind a connection error, if that is what it was."""
    seen: BaseException | None = exc
    for _ in range(8):  # httpx -> httpcore -> socket
        if seen is None or isinstance(seen, socket.gaierror):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


class OriginPools(httpx.AsyncBaseTransport):
    """One small connection pool per origin (scheme, host, port) instead of one big pool.

    httpcore's pool scans every pooled connection on each request and event, so one pool
    large enough to keep connections to many hosts alive costs more CPU than the reconnects it
    saves; a small one (the old setting: 32 idle connections) keeps none alive when a run
    spreads over more hosts than that. Per origin, each pool holds at most `per_host`
    connections (our per-host semaphore bounds them anyway), and at most `max_origins` idle
    pools are kept: the least recently used idle one is closed beyond that, so open sockets
    stay bounded however many hosts a run touches.
    """

    def __init__(
        self, per_host: int, max_origins: int, keepalive_expiry: float = 5.0, check_peer: bool = False
    ):
        self.check_peer = check_peer  # refuse connections that reached a non-public address
        self.per_host = per_host
        self.max_origins = max_origins
        self.keepalive_expiry = keepalive_expiry
        self._ssl = httpx.create_ssl_context(trust_env=False)  # one CA bundle load, shared
        self._pools: OrderedDict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = OrderedDict()
        self._busy: dict[tuple[bytes, bytes, int | None], int] = {}

    def _pool(self, key: tuple[bytes, bytes, int | None]) -> httpx.AsyncHTTPTransport:
        pool = self._pools.get(key)
        if pool is None:
            pool = httpx.AsyncHTTPTransport(
                limits=httpx.Limits(
                    max_connections=None,
                    max_keepalive_connections=self.per_host,
                    keepalive_expiry=self.keepalive_expiry,
                ),
                verify=self._ssl,
                trust_env=False,
            )
            _use_backend(pool, self.per_host, self.keepalive_expiry, self.check_peer)
            self._pools[key] = pool
        else:
            self._pools.move_to_end(key)
        return pool

    async def _evict(self) -> None:
        """Make room for one more origin by closing the least recently used idle pools."""
        excess = len(self._pools) + 1 - self.max_origins
        if excess <= 0:
            return
        idle = [key for key in self._pools if not self._busy.get(key)][:excess]
        closing = [self._pools.pop(key) for key in idle]  # gone before any await
        for pool in closing:
            await pool.aclose()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.raw_scheme, url.raw_host, url.port)
        if key not in self._pools and len(self._pools) >= self.max_origins:
            await self._evict()
        pool = self._pool(key)
        self._busy[key] = self._busy.get(key, 0) + 1
        try:
            response = await pool.handle_async_request(request)
        except BaseException:
            self._release(key)
            raise
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_ReleasingStream(response.stream, lambda: self._release(key)),  # type: ignore[arg-type]
            extensions=response.extensions,
        )

    def _release(self, key: tuple[bytes, bytes, int | None]) -> None:
        left = self._busy.get(key, 1) - 1
        if left:
            self._busy[key] = left
        else:
            self._busy.pop(key, None)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.aclose()


class _Stream(httpcore.AsyncNetworkStream):
    """httpcore's anyio stream with cheap `get_extra_info("is_readable")`.

    httpcore asks every pooled connection whether its socket is readable (a server-side close)
    on each request; anyio answers by building a dict of every socket attribute, calling
    getpeername() each time, which cost more than the check. The raw socket is looked up once.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream):
        self._inner = inner
        self._socket = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, ssl_context, server_hostname=None, timeout=None):  # noqa: ANN001, ANN201
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str):  # noqa: ANN201
        if info == "is_readable":
            return self._socket is not None and is_socket_readable(self._socket)
        if info == "socket":
            return self._socket
        return self._inner.get_extra_info(info)


class _Backend(httpcore.AsyncNetworkBackend):
    """httpcore's anyio backend, handing out `_Stream`s.

    With `check_peer`, the address each new connection actually reached is checked: the host
    name was resolved once for the `AddressGuard` and is resolved again here, and a name whose
    answer changes in between (DNS rebinding) must not reach a private address.
    """

    def __init__(self, check_peer: bool = False) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._check_peer = check_peer

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # noqa: ANN001, ANN201
        stream = _Stream(await self._inner.connect_tcp(host, port, timeout, local_address, socket_options))
        if self._check_peer:
            peer = _peer_address(stream)
            if peer is None or not is_public_address(peer):
                await stream.aclose()
                raise UnsafeURLError(
                    f"{host} connected to a private, loopback or link-local address ({peer}) "
                    "(use --allow-private to fetch it)"
                )
        return stream

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):  # noqa: ANN001, ANN201
        return _Stream(await self._inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _peer_address(stream: _Stream) -> str | None:
    sock = stream.get_extra_info("socket")
    try:
        return str(sock.getpeername()[0]) if sock is not None else None
    except OSError:
        return None


def _use_backend(
    transport: httpx.AsyncHTTPTransport, per_host: int, keepalive_expiry: float, check_peer: bool
) -> None:
    """Give an httpx transport's connection pool the `_Backend` (same settings otherwise);
    left as it is if httpx's internals differ from the version this was written for."""
    pool = getattr(transport, "_pool", None)
    if type(pool) is not httpcore.AsyncConnectionPool:
        return
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=pool._ssl_context,
        max_connections=None,
        max_keepalive_connections=per_host,
        keepalive_expiry=keepalive_expiry,
        http1=pool._http1,
        http2=pool._http2,
        retries=pool._retries,
        network_backend=_Backend(check_peer),
    )


class _ReleasingStream(httpx.AsyncByteStream):
    def __init__(self, stream: httpx.AsyncByteStream, release: object):
        self._stream = stream
        self._release = release
        self._done = False

    async def __aiter__(self):  # noqa: ANN204
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if not self._done:
                self._done = True
                self._release()  # type: ignore[operator]


def make_client(
    settings: CollectSettings | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    allow_private: bool | None = None,
) -> HttpClient:
    """Build the shared client. Must be called inside a running event loop."""
    settings = settings or CollectSettings()
    private = settings.allow_private if allow_private is None else allow_private
    if transport is None:
        transport = OriginPools(
            per_host=settings.per_host, max_origins=max(8, settings.concurrency), check_peer=not private
        )
    client = httpx.AsyncClient(
        transport=transport,
        follow_redirects=False,
        timeout=httpx.Timeout(
            settings.read_timeout, connect=settings.connect_timeout, pool=None
        ),
        headers={
            "User-Agent": settings.user_agent,
            "Accept-Encoding": ACCEPT_ENCODING,
        },
        trust_env=False,
    )
    return HttpClient(settings=settings, client=client, guard=AddressGuard(private))
