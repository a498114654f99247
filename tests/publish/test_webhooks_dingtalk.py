"""DingTalk custom robot against a loopback robot: signatures in the URL, 20,000-byte bodies, the
20-a-minute limit with its 10-minute block, resume after a failed part, bad configuration."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from dailybrief.publish import pacer
from dailybrief.publish.dingtalk import DingTalkChannel
from dailybrief.store.deliveries import list_deliveries

from .chatfakes import DingTalkRobot, WeComRobot
from .chathelpers import edition_for, long_report, run, settings_for

TOKEN = "a1b2c3d4e5f6robot"
SECRET = "dingtalk-secret-SEC0001"
FIXED = 1_700_000_000


def channel(**extra: object) -> dict:
    return {"name": "ding", "type": "dingtalk", "webhook_env": "DING_HOOK", "secret_env": "DING_SECRET", **extra}


def test_signed_parts_within_20000_bytes(store, report, tmp_path, loopback) -> None:
    robot = DingTalkRobot(loopback, TOKEN, SECRET)
    result = run(store, settings_for(channel()), edition_for(long_report(report), tmp_path),
                 {"DING_HOOK": robot.url, "DING_SECRET": SECRET})
    assert result.ok, result.channels[0].error
    n = len(robot.messages)
    assert n >= 2 and all(len(body) <= 20_000 for body in robot.bodies)
    assert [m["markdown"]["title"].rsplit(" ", 1)[-1] for m in robot.messages] == [f"({i}/{n})" for i in range(1, n + 1)]
    assert all(m["msgtype"] == "markdown" for m in robot.messages)


def test_signature_byte_for_byte_with_a_fixed_timestamp(store, report, tmp_path, loopback, monkeypatch) -> None:
    robot = DingTalkRobot(loopback, TOKEN, SECRET, clock=lambda: FIXED + 5)
    monkeypatch.setattr(DingTalkChannel, "now", lambda self: FIXED)
    result = run(store, settings_for(channel()), edition_for(report, tmp_path), {"DING_HOOK": robot.url, "DING_SECRET": SECRET})
    assert result.ok, result.channels[0].error
    query = robot.raw[0].query_string.decode()
    assert "timestamp=1700000000000&" in query  # milliseconds
    expected = "C5hNJLZcx0FMwpi1MgDo8jOnb0yONu/9e1AJ6qZFiJY="  # documented algorithm, computed once
    assert expected == DingTalkRobot.expected_sign("1700000000000", SECRET)
    assert query.endswith("&sign=C5hNJLZcx0FMwpi1MgDo8jOnb0yONu%2F9e1AJ6qZFiJY%3D")  # URL-encoded
    assert parse_qs(query)["sign"] == [expected]


def test_wrong_secret_is_310000_and_never_printed(store, report, tmp_path, loopback) -> None:
    robot = DingTalkRobot(loopback, TOKEN, SECRET)
    result = run(store, settings_for(channel()), edition_for(report, tmp_path),
                 {"DING_HOOK": robot.url, "DING_SECRET": "another-secret-value"})
    error = result.channels[0].error
    assert "310000" in error and "security check failed" in error
    assert "another-secret-value" not in error and TOKEN not in error
    assert robot.messages == []


def test_rate_limit_130101_fails_fast_and_the_next_run_sends_only_missing_parts(store, report, tmp_path, loopback) -> None:
    robot = DingTalkRobot(loopback, TOKEN, per_minute=2)  # the robot's limit is lower than we assume
    edition = edition_for(long_report(report), tmp_path)
    spec = {"name": "ding", "type": "dingtalk", "webhook_env": "DING_HOOK", "max_bytes": 6000}
    env = {"DING_HOOK": robot.url}
    sleeps: list[float] = []
    first = run(store, settings_for(spec), edition, env, sleeps)
    row = first.channels[0]
    assert row.sent == 2 and row.failed == 1 and row.skipped == row.parts - 3
    assert "130101" in row.error and "next run" in row.error
    assert sleeps == [] and len(robot.raw) == 3  # the 10-minute block is not waited out in this run
    statuses = [r.status for r in list_deliveries(store, report.date)]
    assert statuses == ["sent", "sent", "failed"] + ["skipped"] * (row.parts - 3)

    # The next run, ten minutes later: a new process (no pacer holding the block) and a robot
    # whose block has been lifted.
    pacer._PACERS.clear()
    robot.blocked_until = 0.0
    robot.window.limits = ((100, 60.0),)
    second = run(store, settings_for(spec), edition, env)
    assert second.ok and second.channels[0].already_sent == 2 and second.channels[0].sent == row.parts - 2
    titles = [m["markdown"]["title"].rsplit(" ", 1)[-1] for m in robot.messages]
    assert titles == [f"({i}/{row.parts})" for i in range(1, row.parts + 1)]  # each part once, in order


def test_malformed_url_named_in_one_line_before_anything_is_sent(store, report, tmp_path, loopback) -> None:
    robot = DingTalkRobot(loopback, TOKEN)
    wecom = WeComRobot(loopback, "key-0001")
    settings = settings_for(
        {"name": "ding", "type": "dingtalk", "webhook_env": "DING_HOOK"},
        {"name": "wx", "type": "wecom", "webhook_env": "WECOM_HOOK"},
    )
    bad = robot.url.replace("access_token=", "token=")
    result = run(store, settings, edition_for(report, tmp_path), {"DING_HOOK": bad, "WECOM_HOOK": wecom.url})
    error = result.channels[0].error
    assert error.startswith("channel ding: webhook_env: malformed webhook URL (host 127.0.0.1)")
    assert "\n" not in error and TOKEN not in error
    assert robot.raw == [] and result.channels[1].ok and len(wecom.messages) == 1


def test_dry_run_dump_is_the_exact_body_without_secrets(store, report, tmp_path, loopback) -> None:
    robot = DingTalkRobot(loopback, TOKEN, SECRET)
    edition = edition_for(long_report(report), tmp_path)
    result = run(store, settings_for(channel()), edition, {"DING_HOOK": robot.url, "DING_SECRET": SECRET}, dry_run=True)
    folder = result.channels[0].dump_dir
    assert robot.raw == [] and folder is not None
    dumps = sorted(folder.glob("part-*.json"))
    assert len(dumps) == result.channels[0].parts >= 2
    for path in [*dumps, folder / "manifest.json"]:
        data = path.read_bytes()
        assert SECRET.encode() not in data and TOKEN.encode() not in data
    assert json.loads(dumps[0].read_bytes())["msgtype"] == "markdown"
