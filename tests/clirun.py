"""Run the `dailybrief` command line as a user does: a real process, its exit code checked."""

from __future__ import annotations

import os
import subprocess
import sys


def run_cli(home, *args: str, rc: int | None = 0, **env: str) -> subprocess.CompletedProcess:
    """`dailybrief --home HOME ARGS...`; `env` adds environment variables (e.g. COLUMNS="80")."""
    proc = subprocess.run(
        [sys.executable, "-m", "dailybrief", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )
    if rc is not None:
        assert proc.returncode == rc, proc.stdout + proc.stderr
    return proc
