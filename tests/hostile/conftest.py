"""Fixtures of the hostile-input suite: the hostile server, homes with sources, and running a
dailybrief command in a subprocess while measuring its peak memory and time.

Set HOSTILE_FIGURES=path to have each measured case appended to that file as a JSON line
(`python -m pytest tests/hostile` then prints them with `-s`; docs/security.md says how).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .server import SECRET, HostileServer

MEASURE = Path(__file__).with_name("measure.py")
RSS_LIMIT_MB = 500
TIME_LIMIT_S = 60.0  # CPU seconds of the command
WALL_LIMIT_S = 180.0  # wall seconds: a hang, even on a machine shared with other jobs


@pytest.fixture(scope="session")
def secret_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("secret") / "secret.txt"
    path.write_text(SECRET + "\n", "utf-8")
    return path


@pytest.fixture(scope="session")
def hostile(secret_file: Path) -> Iterator[HostileServer]:
    server = HostileServer(str(secret_file)).start()
    yield server
    server.stop()


@dataclass
class Run:
    """A finished subprocess: exit code, output, peak resident memory (MB), wall time and CPU
    time (s). The 60 s target is checked on CPU time, which does not depend on how busy the
    machine is; wall time is checked against a looser bound that still catches a hang."""

    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float
    cpu_seconds: float = 0.0


def run_measured(args: list[str], *, timeout: float = 120.0, env: dict[str, str] | None = None,
                 case: str = "") -> Run:
    """Run `dailybrief args...` in a subprocess; its peak RSS comes from `measure.py` (VmHWM
    of the command's own process and the largest of its children)."""
    with tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch) / "peak"
        with open(Path(scratch) / "out", "w+b") as out, open(Path(scratch) / "err", "w+b") as err:
            start = time.monotonic()
            proc = subprocess.Popen(
                [sys.executable, str(MEASURE), *args], stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                env={**os.environ, "COLUMNS": "200", "HOSTILE_PEAK_FILE": str(peak_file), **(env or {})},
                cwd=scratch,
            )
            status = _wait(proc, timeout)
            seconds = time.monotonic() - start
            out.seek(0)
            err.seek(0)
            peak_kb, cpu = (peak_file.read_text().split() if peak_file.exists() else ["0", "0"])
            run = Run(status, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                      int(peak_kb) / 1024, seconds, float(cpu))
    record(case or " ".join(args[-3:]), run)
    return run


def _wait(proc: subprocess.Popen, timeout: float) -> int:
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"{proc.args} still running after {timeout} s") from None


def record(case: str, run: Run) -> None:
    target = os.environ.get("HOSTILE_FIGURES")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"case": case, "peak_mb": round(run.peak_mb, 1), "seconds": round(run.seconds, 2),
                                 "cpu_seconds": round(run.cpu_seconds, 2), "exit": run.returncode}) + "\n")


def make_home(root: Path, sources: dict[str, str], **collect: object) -> Path:
    """A home folder whose config lists `sources` (name -> URL, all rss) and collect settings."""
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    settings = {"allow_private": True, "fulltext": False, "connect_timeout": 5.0, "read_timeout": 10.0,
                "request_deadline": 10.0, "source_deadline": 30.0, "retries": 0, **collect}
    lines = ["[collect]"] + [f"{key} = {_toml(value)}" for key, value in settings.items()]
    for name, url in sources.items():
        lines += ["", "[[sources]]", f"name = {_toml(name)}", 'kind = "rss"', f"url = {_toml(url)}"]
    (home / "dailybrief.toml").write_text("\n".join(lines) + "\n", "utf-8")
    return home


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value))
