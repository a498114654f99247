"""Fixtures for collector tests: a real threaded HTTP server on 127.0.0.1 per test and collect
settings that allow loopback addresses and keep timeouts short (home and store come from
tests/conftest.py)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from dailybrief.config import CollectSettings


@pytest.fixture(scope="session")
def _server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    if srv.is_running():
        srv.stop()


@pytest.fixture
def server(_server: HTTPServer) -> Iterator[HTTPServer]:
    """One server for the session, emptied of handlers and log before each test."""
    _server.clear()
    yield _server
    _server.clear()


@pytest.fixture
def collect_settings() -> CollectSettings:
    return CollectSettings(
        allow_private=True,
        connect_timeout=2.0,
        read_timeout=2.0,
        retries=2,
        max_retry_wait=3.0,
        fulltext=False,  # tests of full text turn it on; feed links point at example.com
    )


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly instead of resolving any host but the loopback server's."""
    real = socket.getaddrinfo

    def guarded(host, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in ("127.0.0.1", "localhost", "::1"):
            raise AssertionError(f"test tried to reach {name!r}: tests never use the internet")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
