"""Fixtures of the publish tests: a stored sample report and its edition folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from dailybrief.models import Report

SAMPLE = Path(__file__).parent.parent / "data" / "report-sample.json"


@pytest.fixture
def report() -> Report:
    return Report.model_validate(json.loads(SAMPLE.read_text("utf-8")))


@pytest.fixture
def loopback() -> Iterator[HTTPServer]:
    """A real HTTP server on 127.0.0.1 for this test only (the shared `httpserver` may be bound
    to "localhost", which the channels' URL checks would refuse)."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()
