"""Fixtures for collector tests: a real threaded HTTP server on 127.0.0.1 per test and collect
settings that allow loopback addresses and keep timeouts short (home and store come from
tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from dailybrief.config import CollectSettings


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    if srv.is_running():
        srv.stop()


@pytest.fixture
def collect_settings() -> CollectSettings:
    return CollectSettings(
        allow_private=True,
        connect_timeout=2.0,
        read_timeout=2.0,
        retries=2,
        max_retry_wait=3.0,
    )
