"""Fixtures of the writer tests: the loopback Chat Completions server and the API key it expects."""

from __future__ import annotations

import pytest
from llmfakes import ChatServer

KEY = "sk-test-SECRET-0123456789"


@pytest.fixture
def server():
    with ChatServer() as s:
        yield s


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("TEST_LLM_KEY", KEY)
