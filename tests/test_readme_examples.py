"""Every command the README shows under "Using it" runs as written (exit 0), in a fresh folder
with the README's placeholders filled in: items.jsonl is the bundled sample day, URL an item of
it, NAME URL a source; sources are emptied after `init` so nothing leaves the machine, and the
LLM endpoint the README names is on 127.0.0.1 (nothing listens there: the build falls back).
A command that asks for a password (`users add`) gets it typed twice on its standard input.
`eval report` is left out here: it is `make eval`, and tests/test_quality.py runs it on a case."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys

from itemfiles import ROOT, SAMPLE

README = (ROOT / "README.md").read_text("utf-8")
# `eval report` is `make eval` (tests/test_quality.py runs it on a case); `serve` and `schedule`
# run until stopped (tests/web and tests/publish/test_scheduler.py start and stop them).
NOT_HERE = ("dailybrief eval report", "dailybrief serve", "dailybrief schedule")
PASSWORD = "correct horse battery"
STORY_URLS = [
    "https://apnews.com/article/openai-chatgpt-spud-sam-altman-anthropic-mythos-3c2674f5cdf67ac6d88eedb207de117c",
    "https://abcnews.go.com/Business/wireStory/chatgpt-maker-openai-shifts-focus-business-users-amid-131912347",
]


def readme_commands() -> list[str]:
    block = README.split("## Using it", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    lines = [line.split("  #")[0].strip() for line in block.splitlines()]
    return [line for line in lines if line.startswith("dailybrief ") and not line.startswith(NOT_HERE)]


def filled(command: str) -> list[str]:
    args = shlex.split(command)[1:]
    if args[:2] == ["sources", "add"]:
        args[2:4] = ["mine", "https://example.com/feed.xml"]
    urls = iter(STORY_URLS)
    args = [next(urls) if a == "URL" else a for a in args]
    return [str(ROOT / a) if a.startswith("tests/") else a for a in args]


def test_the_readme_shows_the_commands_it_should():
    names = {shlex.split(c)[1] for c in readme_commands()}
    assert {"init", "collect", "run", "import", "items", "build", "verify", "render", "stories", "sources"} <= names


def test_every_readme_command_runs(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "items.jsonl")
    env = dict(os.environ, DAILYBRIEF_HOME=str(tmp_path / ".dailybrief"), COLUMNS="100")
    for command in readme_commands():
        args = filled(command)
        proc = subprocess.run(
            [sys.executable, "-m", "dailybrief", *args],
            cwd=tmp_path,
            env=env,
            input=f"{PASSWORD}\n{PASSWORD}\n",
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, f"{command}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        if args[0] == "init":  # keep the run offline: no sources to fetch
            config = tmp_path / ".dailybrief" / "dailybrief.toml"
            text = config.read_text("utf-8")
            kept = re.sub(r"(?ms)^\[\[sources\]\].*?(?=^\[(?!\[sources)|\Z)", "", text)
            config.write_text("sources = []\n" + kept, "utf-8")
    assert (tmp_path / "reports" / "2026-04-17" / "report.pdf").is_file()
