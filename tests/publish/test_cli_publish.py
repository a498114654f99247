"""`publish`, `site`, `schedule --once` and `runs` as a user runs them (real processes), on the
bundled sample day built once, mailing a real SMTP server on 127.0.0.1 with a login and
publishing to the loopback WeChat API of an account that is not verified (48001 → draft); and a
grep of every artefact for the secrets involved.

Set DAILYBRIEF_DEMO_LOG to a file to keep the scheduler's run log of the 48001 case.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from pytest_httpserver import HTTPServer

from .smtpserver import Mailbox, start_server
from .wechatfake import FakeWeChat

PASSWORD = "cli-smtp-pw-4Jx9Qe2w"
APPID, WX_SECRET = "wx0123456789abcdef", "wechat-app-secret-0042"
BASE = "https://news.example.org/"
SAMPLE = Path(__file__).parents[2] / "src" / "dailybrief" / "samples" / "2026-04-17.jsonl"


def run(home: Path, *args: str, rc: int = 0) -> subprocess.CompletedProcess:
    env = dict(os.environ, SMTP_PASSWORD=PASSWORD, WX_SECRET=WX_SECRET)
    proc = subprocess.run([sys.executable, "-m", "dailybrief", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=600, env=env, check=False)
    assert proc.returncode == rc, proc.stdout + proc.stderr
    return proc


def config(port: int, wechat_api: str = "http://127.0.0.1:9", cache: str = "/nonexistent/token.json") -> str:
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

[[publish.channels]]
name = "mp"
type = "wechat"
mode = "publish"
appid = "{APPID}"
secret_env = "WX_SECRET"
api_base = "{wechat_api}"
token_cache = "{cache}"
poll_interval = 0.05
"""


@pytest.fixture(scope="module")
def mailbox():
    box = Mailbox()
    server = start_server(box, user="daily", password=PASSWORD)
    yield box, server.port
    server.stop()


@pytest.fixture(scope="module")
def wechat():
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    fake = FakeWeChat(server, APPID, WX_SECRET)
    fake.verified = False  # freepublish/submit answers 48001
    yield fake
    server.clear()
    server.stop()


@pytest.fixture(scope="module")
def built_home(tmp_path_factory: pytest.TempPathFactory, mailbox, wechat) -> Path:
    home = tmp_path_factory.mktemp("home")
    cache = home / "cache" / "token.json"
    (home / "dailybrief.toml").write_text(config(mailbox[1], wechat.api_base, str(cache)), "utf-8")
    run(home, "import", str(SAMPLE))
    run(home, "build", "--date", "2026-04-17")
    return home


def test_report_txt_links_to_the_edition_page(built_home) -> None:
    text = (built_home / "reports" / "2026-04-17" / "report.txt").read_text("utf-8")
    assert text.rstrip().endswith(BASE + "2026-04-17/")


def test_scheduled_run_log_shows_48001_handled_as_a_draft(built_home, mailbox, wechat) -> None:
    box, _ = mailbox
    proc = run(built_home, "schedule", "--once", "--date", "2026-04-17")
    log = proc.stderr
    if os.environ.get("DAILYBRIEF_DEMO_LOG"):
        Path(os.environ["DAILYBRIEF_DEMO_LOG"]).write_text(log + proc.stdout, "utf-8")
    assert "2026-04-17: ok" in proc.stdout
    for stage in ("collect", "build", "review", "publish"):
        assert f"2026-04-17 {stage}: ok" in log
    assert "48001" in log and "saved as a draft" in log
    assert len(wechat.drafts) == 1 and wechat.publishes == {}
    assert len(box.received) == 2
    runs = run(built_home, "runs", "--stages").stdout
    assert "run 1 deliveries mp: sent 2/2;" in runs and "WeChat freepublish/submit 48001" in runs
    assert "access_token" not in log  # request URLs (with the token) are not logged
    again = run(built_home, "schedule", "--once", "--date", "2026-04-17")
    assert "2026-04-17: skipped (already done)" in again.stdout and len(box.received) == 2


def test_dry_run_then_publish_sends_nothing_twice(built_home, mailbox, wechat) -> None:
    box, _ = mailbox
    dry = run(built_home, "publish", "--date", "2026-04-17", "--dry-run")
    dump = built_home / "reports" / "2026-04-17" / "publish" / "mail"
    assert f"mail: 2 part(s) written to {dump}" in dry.stdout
    assert {p.name for p in dump.iterdir()} == {"manifest.json", "part-01.eml", "part-02.eml"}
    again = run(built_home, "publish", "--date", "2026-04-17")
    assert "mail: sent 0/2, 2 sent earlier" in again.stdout and "mp: sent 0/2, 2 sent earlier" in again.stdout
    assert len(box.received) == 2 and len(wechat.drafts) == 1
    status = run(built_home, "publish", "--status", "--date", "2026-04-17").stdout
    assert status.count(" sent ") == 4 and "2026-04-17.zh." in status and "draft:" in status
    html = box.received[0].message.get_body(("html",)).get_content()
    assert f'href="{BASE}2026-04-17/"' in html


def test_a_missing_report_or_unknown_channel_is_one_line_and_exit_1(built_home) -> None:
    bad = built_home.parent / "bad-home"
    bad.mkdir(exist_ok=True)
    (bad / "dailybrief.toml").write_text(config(1), "utf-8")
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


def test_no_secret_in_any_artefact(built_home) -> None:
    run(built_home, "publish", "--date", "2026-04-17", "--dry-run")
    outputs = [run(built_home, *args) for args in (("publish", "--status"), ("runs", "--stages"))]
    for path in built_home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert PASSWORD.encode() not in data and WX_SECRET.encode() not in data, path
    for proc in outputs:
        assert PASSWORD not in proc.stdout + proc.stderr and WX_SECRET not in proc.stdout + proc.stderr
