"""Helpers for the render tests (tools from poppler-utils and chromium)."""

from __future__ import annotations

import shutil
import subprocess

import pytest


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} not installed (apt-get install poppler-utils chromium)")
    return path


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout
