"""The PostgreSQL cases of the storage tests fail, with the reason, when the server cannot be
reached: a machine without PostgreSQL must not pass them by skipping."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_postgresql_cases_fail_when_the_server_is_unreachable() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/store/test_nearest.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DAILYBRIEF_TEST_PG": "postgresql://postgres@127.0.0.1:1/postgres"},
    )
    assert proc.returncode == 1, proc.stdout
    assert "1 passed, 1 error" in proc.stdout  # the SQLite case still runs; the PostgreSQL one errors
    assert "PostgreSQL at postgresql://postgres@127.0.0.1:1/postgres is unreachable" in proc.stdout
    assert "skipped" not in proc.stdout
