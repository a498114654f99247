"""`publish`, `site`, `schedule --once` and `runs` as a user runs them (real processes), on the
bundled sample day built once, mailing a real SMTP server on 127.0.0.1 with a login; and a grep
of every artefact for the secrets involved."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from .smtpserver import Mailbox, start_server

PASSWORD = "cli-smtp-pw-4Jx9Qe2w"
BASE = "https://news.example.org/"
SAMPLE = Path(__file__).parents[2] / "src" / "dailybrief" / "samples" / "2026-04-17.jsonl"


def run(home: Path, *args: str, rc: int = 0) -> subprocess.CompletedProcess:
    env = dict(os.environ, SMTP_PASSWORD=PASSWORD)
    proc = subprocess.run([sys.executable, "-m", "dailybrief", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=600, env=env, check=False)
    assert proc.returncode == rc, proc.stdout + proc.stderr
    return proc


def config(port: int) -> str:
    return f"""
sources = []

[site]
base_url = "{BASE}"

[[publish.channels]]
name = "mail"
type = "email"
host = "127.0.0.1"
port = {port}
security = "none"
username = "daily"
password_env = "SMTP_PASSWORD"
sender = "AI Daily <daily@example.org>"
to = ["reader@example.com", "second@example.com"]
unsubscribe_url = "https://news.example.org/unsubscribe?u={{email}}"
attach_pdf = true
"""


@pytest.fixture(scope="module")
def mailbox():
    box = Mailbox()
    server = start_server(box, user="daily", password=PASSWORD)
    yield box, server.port
    server.stop()


@pytest.fixture(scope="module")
def built_home(tmp_path_factory: pytest.TempPathFactory, mailbox) -> Path:
    home = tmp_path_factory.mktemp("home")
    (home / "dailybrief.toml").write_text(config(mailbox[1]), "utf-8")
    run(home, "import", str(SAMPLE))
    run(home, "build", "--date", "2026-04-17")
    return home


def test_report_txt_links_to_the_edition_page(built_home) -> None:
    text = (built_home / "reports" / "2026-04-17" / "report.txt").read_text("utf-8")
    assert text.rstrip().endswith(BASE + "2026-04-17/")


def test_dry_run_then_publish_then_nothing_twice(built_home, mailbox) -> None:
    box, _ = mailbox
    dry = run(built_home, "publish", "--date", "2026-04-17", "--dry-run")
    dump = built_home / "reports" / "2026-04-17" / "publish" / "mail"
    assert f"mail: 2 part(s) written to {dump}" in dry.stdout
    assert {p.name for p in dump.iterdir()} == {"manifest.json", "part-01.eml", "part-02.eml"}
    assert box.received == []
    first = run(built_home, "publish", "--date", "2026-04-17")
    assert "mail: sent 2/2" in first.stdout and len(box.received) == 2
    again = run(built_home, "publish", "--date", "2026-04-17")
    assert "mail: sent 0/2, 2 sent earlier" in again.stdout and len(box.received) == 2
    status = run(built_home, "publish", "--status", "--date", "2026-04-17").stdout
    assert status.count(" sent ") == 2 and "2026-04-17.zh." in status
    html = box.received[0].message.get_body(("html",)).get_content()
    assert f'href="{BASE}2026-04-17/"' in html


def test_a_missing_report_or_unknown_channel_is_one_line_and_exit_1(built_home) -> None:
    bad = built_home.parent / "bad-home"
    bad.mkdir(exist_ok=True)
    (bad / "dailybrief.toml").write_text(config(1).replace('"SMTP_PASSWORD"', '"UNSET_PASSWORD_VAR"'), "utf-8")
    run(bad, "import", str(SAMPLE))
    proc = run(bad, "publish", "--date", "2026-04-17", rc=1)
    assert proc.stderr.strip() == "error: no zh report stored for 2026-04-17: run `dailybrief build --date 2026-04-17` first"
    proc = run(built_home, "publish", "--date", "2026-04-17", "--channel", "nope", rc=1)
    assert proc.stderr.strip().startswith("error: --channel: no channel named 'nope'")


def test_site_and_feed(built_home) -> None:
    out = built_home / "public"
    proc = run(built_home, "site", "--out", str(out))
    assert "1 editions, " in proc.stdout
    feed = feedparser.parse((out / "feed.atom").read_bytes())
    assert feed.bozo == 0 and feed.entries[0].link == BASE + "2026-04-17/"
    assert (out / "2026-04-17" / "report.pdf").stat().st_size > 10_000


def test_schedule_once_logs_the_run(built_home) -> None:
    proc = run(built_home, "schedule", "--once", "--date", "2026-04-17")
    assert "2026-04-17: ok" in proc.stdout
    assert "2026-04-17 publish: ok" in proc.stderr  # the run log
    runs = run(built_home, "runs", "--stages").stdout
    assert "manual" in runs and "ok" in runs and "run 1 deliveries mail: sent 0/2" in runs


def test_no_secret_in_any_artefact(built_home) -> None:
    run(built_home, "publish", "--date", "2026-04-17", "--dry-run")
    outputs = [run(built_home, *args) for args in (("publish", "--status"), ("runs", "--stages"))]
    for path in built_home.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
    for proc in outputs:
        assert PASSWORD not in proc.stdout + proc.stderr
