"""A separate package adds a source kind, a writer and a renderer through entry points: the test
builds a real wheel of a tiny plugin package, pip-installs it (into a folder put on the path of
the command it runs, so the shared venv is left as it was) and uses all three from the CLI."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from clirun import run_cli

NAME = "dailybrief_testplugin"

MODULE = '''
"""A test plugin for dailybrief: a source kind, a writer and a renderer."""
from datetime import datetime, timezone

from dailybrief.collect.base import FetchOutcome, Source
from dailybrief.models import Item
from dailybrief.write.extractive import ExtractiveWriter


class StaticSource(Source):
    kind = "static"
    description = "two fixed items, no network"

    async def fetch(self, ctx):
        when = datetime(2026, 4, 16, 10, tzinfo=timezone.utc)
        return FetchOutcome(items=[
            Item(url=f"{self.spec.url}/{n}", title=title, published=when, source=self.spec.name,
                 content=title + " The company said the model runs on a single GPU and costs less to serve.")
            for n, title in enumerate(["Acme releases Roadrunner 2 open model",
                                       "Roadrunner 2 from Acme tops the open leaderboard"])
        ])


class ShoutyWriter(ExtractiveWriter):
    id = "shouty"


class PlainRenderer:
    name = "plain"
    filename = "report.plain.txt"

    def render(self, ctx):
        path = ctx.out_dir / self.filename
        path.write_text(ctx.report.title + "\\n" + ctx.report.summary, "utf-8")
        return [path]
'''

ENTRY_POINTS = f"""[dailybrief.sources]
static = {NAME}:StaticSource

[dailybrief.writers]
shouty = {NAME}:ShoutyWriter

[dailybrief.renderers]
plain = {NAME}:PlainRenderer
"""


def build_wheel(folder: Path) -> Path:
    """A minimal, valid pure-Python wheel (module, METADATA, WHEEL, entry_points.txt, RECORD)."""
    dist = f"{NAME}-0.1.dist-info"
    files = {
        f"{NAME}.py": MODULE,
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {NAME}\nVersion: 0.1\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: dailybrief-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{dist}/entry_points.txt": ENTRY_POINTS,
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(text.encode())}")
    files[f"{dist}/RECORD"] = "\n".join(record + [f"{dist}/RECORD,,"]) + "\n"
    wheel = folder / f"{NAME}-0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return wheel


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("plugin")
    target = folder / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(build_wheel(folder)),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (target / f"{NAME}-0.1.dist-info" / "entry_points.txt").is_file()
    return target


def run(home, plugin_path, *args, rc=0):
    paths = [str(plugin_path), *filter(None, [os.environ.get("PYTHONPATH")])]
    return run_cli(home, *args, rc=rc, PYTHONPATH=os.pathsep.join(paths))


def test_a_plugin_package_adds_a_source_kind_a_writer_and_a_renderer(tmp_path, plugin_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dailybrief.toml").write_text("sources = []\n", "utf-8")
    run(home, plugin_path, "sources", "add", "fixed", "https://example.com/static", "--kind", "static")
    collected = run(home, plugin_path, "collect").stdout
    assert "fixed" in collected and "1 of 1 sources fetched; 2 new" in collected
    titles = [row["title"] for row in json.loads(run(home, plugin_path, "items", "--json").stdout)]
    assert "Acme releases Roadrunner 2 open model" in titles

    run(home, plugin_path, "build", "--date", "2026-04-17", "--writer", "shouty", "--out", str(tmp_path / "out"))
    day = tmp_path / "out" / "2026-04-17"
    report = json.loads((day / "report.json").read_text("utf-8"))
    assert report["stats"]["writer"]["writer"] == "shouty"
    assert (day / "report.plain.txt").read_text("utf-8").startswith(report["title"])


def test_without_the_plugin_its_names_are_unknown(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "dailybrief",
            "--home",
            str(tmp_path),
            "build",
            "--date",
            "2026-04-17",
            "--writer",
            "shouty",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: --writer: expected one of ") and "extractive" in proc.stderr
