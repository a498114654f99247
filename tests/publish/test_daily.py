"""The daily job: stages logged in `runs`, the review gate, the database lock between processes,
no second run of a finished date, and exactly one alert (to a real SMTP server) when a run fails."""

from __future__ import annotations

import multiprocessing
import time
from datetime import date
from pathlib import Path

import pytest

from dailybrief.app import Workspace
from dailybrief.app.publish import review_gate
from dailybrief.app.review import approve
from dailybrief.config import Settings
from dailybrief.errors import DailybriefError
from dailybrief.publish.base import Edition
from dailybrief.publish.deliver import publish_edition, select_channels
from dailybrief.publish.registry import register
from dailybrief.schedule.job import DailySteps, GateResult, run_daily
from dailybrief.store import Store
from dailybrief.store.runs import acquire_lock, list_runs, release_lock

from .hook import LoopbackHook
from .smtpserver import Mailbox, start_server

register(LoopbackHook)
TOKEN = "tok-daily-5b2d4e6f"


def steps_for(store, settings, edition, calls: list[str], fail_build: str = "", gate=None) -> DailySteps:
    def build(day: str) -> str:
        calls.append(f"build {day}")
        if fail_build:
            raise DailybriefError(fail_build)
        return "6 sections, 18 stories"

    def publish(day: str):
        calls.append(f"publish {day}")
        return publish_edition(store, settings, lambda language: edition, select_channels(settings),
                               env={"HOOK_TOKEN": TOKEN}, sleep=lambda s: None)

    return DailySteps(collect=lambda: calls.append("collect") or "96 items", build=build, publish=publish,
                      gate=gate or (lambda day: GateResult(True, "review off")))


@pytest.fixture
def edition(report, tmp_path: Path) -> Edition:
    out = tmp_path / "reports" / report.date
    out.mkdir(parents=True)
    return Edition.from_folder(report, out, "https://news.example.org/2026-04-17/")


def hook_settings(url: str, **schedule: object) -> Settings:
    return Settings.model_validate({
        "publish": {"channels": [{"name": "hook", "type": "test-hook", "url": url, "token_env": "HOOK_TOKEN", "parts": 2}],
                    "retries": 0},
        "schedule": schedule,
    })


def test_a_run_is_logged_with_stages_and_deliveries_and_never_repeated(store, edition, loopback) -> None:
    loopback.expect_request("/h", method="POST").respond_with_json({"id": "m"})
    settings = hook_settings(loopback.url_for("/h"))
    calls: list[str] = []
    result = run_daily(store, settings, "2026-04-17", steps_for(store, settings, edition, calls))
    assert result.status == "ok" and result.exit_code == 0
    assert calls == ["collect", "build 2026-04-17", "publish 2026-04-17"]
    [run] = list_runs(store)
    assert (run.date, run.trigger, run.status) == ("2026-04-17", "schedule", "ok")
    assert [(s.name, s.status) for s in run.stages] == [("collect", "ok"), ("build", "ok"), ("review", "ok"), ("publish", "ok")]
    assert run.stages[1].detail == "6 sections, 18 stories" and run.stages[2].detail == "review off"
    assert run.deliveries["hook"]["sent"] == 2 and run.finished
    again = run_daily(store, settings, "2026-04-17", steps_for(store, settings, edition, calls))
    assert again.status == "skipped" and len(calls) == 3 and len(list_runs(store)) == 1


def test_review_gate_holds_publishing_until_the_edition_is_approved(store, home, report, edition) -> None:
    (home / "dailybrief.toml").write_text('review = "on"\n', "utf-8")
    ws = Workspace(home)
    store.save_report(report)
    settings = hook_settings("http://127.0.0.1:9/h")
    calls: list[str] = []
    gate = lambda day: review_gate(ws, date.fromisoformat(day))  # noqa: E731
    result = run_daily(store, settings, "2026-04-17", steps_for(store, settings, edition, calls, gate=gate))
    assert result.status == "held" and calls == ["collect", "build 2026-04-17"]
    held = list_runs(store)[0].stages[-1]
    assert held.status == "held" and held.detail.startswith("2026-04-17 (zh) is not approved (review = on")
    with ws.store() as db:
        approve(db, ws.settings, "2026-04-17", "zh", "editor")
    assert review_gate(ws, date(2026, 4, 17)) == GateResult(True, "approved (review = on)")
    (home / "dailybrief.toml").write_text('review = "off"\n', "utf-8")
    assert review_gate(Workspace(home), date(2026, 4, 18)) == GateResult(True, "review off")


def test_a_failed_run_exits_non_zero_and_sends_one_alert(store, edition, tmp_path) -> None:
    box = Mailbox()
    server = start_server(box)
    try:
        settings = Settings.model_validate({
            "publish": {"channels": [{"name": "ops", "type": "email", "host": "127.0.0.1", "port": server.port,
                                      "security": "none", "sender": "bot@example.org", "to": ["ops@example.org"],
                                      "enabled": False}]},
            "schedule": {"alert_channel": "ops"},
        })
        calls: list[str] = []
        steps = steps_for(store, settings, edition, calls, fail_build="build: no items in the window 2026-04-16 08:00 – 2026-04-17 08:00")
        result = run_daily(store, settings, "2026-04-17", steps)
    finally:
        server.stop()
    assert result.status == "failed" and result.exit_code == 1 and "publish 2026-04-17" not in calls
    assert result.alerted.startswith("sent to ops (<alert.")
    [mail] = box.received
    body = mail.message.get_content()
    assert mail.message["Subject"] == "dailybrief: the run of 2026-04-17 failed (run 1)"
    assert "build: failed build: no items in the window" in body
    [run] = list_runs(store)
    assert run.status == "failed" and run.error.startswith("build: no items")


def _contender(home: str, out: str, day: str) -> None:
    """One process running the day's job with a slow build, as a second scheduler would."""
    with Store.open(Path(home)) as db:
        def build(d: str) -> str:
            with open(out, "a") as fh:
                fh.write(f"build {d}\n")
            time.sleep(1.5)
            return "built"

        steps = DailySteps(collect=lambda: "", build=build, publish=lambda d: _no_channels(db, d),
                           gate=lambda d: GateResult(True, "review off"))
        run_daily(db, Settings(), day, steps)


def _no_channels(store, day):
    from dailybrief.publish.deliver import PublishResult

    return PublishResult(date=day, dry_run=False)


def test_two_processes_never_build_one_date_twice(store, home, tmp_path) -> None:
    out = tmp_path / "builds.txt"
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_contender, args=(str(home), str(out), "2026-04-17")) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert out.read_text().splitlines() == ["build 2026-04-17"]
    assert [r.status for r in list_runs(store)] == ["ok"]


def test_a_manual_run_waits_for_no_one_but_respects_the_lock(store, edition) -> None:
    settings = hook_settings("http://127.0.0.1:9/h")
    acquire_lock(store, "2026-04-17", "other-host:123:abc")
    calls: list[str] = []
    result = run_daily(store, settings, "2026-04-17", steps_for(store, settings, edition, calls), trigger="manual")
    assert result.status == "skipped" and calls == []
    assert "2026-04-17 is being built or published by other-host:123:abc since" in result.error
    release_lock(store, "2026-04-17", "other-host:123:abc")


def test_a_manual_run_command_stops_at_the_lock_of_a_scheduled_run(store, home) -> None:
    import subprocess
    import sys

    acquire_lock(store, "2026-04-17", "scheduler-host:4242:5e1f")
    proc = subprocess.run([sys.executable, "-m", "dailybrief", "--home", str(home), "run", "--date", "2026-04-17"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: 2026-04-17 is being built or published by scheduler-host:4242:5e1f since ")
    assert proc.stderr.count("\n") == 1
