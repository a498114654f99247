"""WeCom group robot against a loopback robot: 4,096-byte markdown and 2,048-byte text content,
the 20-a-minute limit (45009) and an invalid key (93000)."""

from __future__ import annotations

import json

from werkzeug import Response

from .chatfakes import WeComRobot
from .chathelpers import edition_for, links_of, long_report, run, settings_for

KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


def channel(**extra: object) -> dict:
    return {"name": "wx", "type": "wecom", "webhook_env": "WECOM_HOOK", **extra}


def test_markdown_parts_within_4096_bytes_and_links_whole(store, report, tmp_path, loopback) -> None:
    robot = WeComRobot(loopback, KEY)
    edition = edition_for(long_report(report), tmp_path)
    result = run(store, settings_for(channel()), edition, {"WECOM_HOOK": robot.url})
    assert result.ok, result.channels[0].error
    contents = [m["markdown"]["content"] for m in robot.messages]
    n = len(contents)
    assert n >= 5 and all(len(c.encode("utf-8")) <= 4096 for c in contents)
    assert [c.split("\n", 1)[0].rsplit(" ", 1)[-1] for c in contents] == [f"({i}/{n})" for i in range(1, n + 1)]
    sent_links = [link for c in contents for link in links_of(c)]
    for link in links_of(edition.report.summary):
        assert link in sent_links  # every link arrived whole, in one part


def test_text_mode_within_2048_bytes(store, report, tmp_path, loopback) -> None:
    robot = WeComRobot(loopback, KEY)
    result = run(store, settings_for(channel(msgtype="text")), edition_for(long_report(report), tmp_path), {"WECOM_HOOK": robot.url})
    assert result.ok, result.channels[0].error
    contents = [m["text"]["content"] for m in robot.messages]
    assert len(contents) >= 10 and all(len(c.encode("utf-8")) <= 2048 for c in contents)
    assert all("](" not in c and "**" not in c for c in contents)  # plain text, links as "text url"
    assert any("https://example.org/news/1?ref=brief&lang=zh" in c for c in contents)


def test_rate_limit_45009_is_waited_and_retried(store, report, tmp_path, loopback) -> None:
    robot = WeComRobot(loopback, KEY)
    robot.script.append(lambda: Response(json.dumps({"errcode": 45009, "errmsg": "api freq out of limit"}), content_type="application/json"))
    sleeps: list[float] = []
    result = run(store, settings_for(channel(rate_limit_wait=0.3)), edition_for(report, tmp_path), {"WECOM_HOOK": robot.url}, sleeps)
    assert result.ok and len(robot.messages) == 1 and len(robot.raw) == 2
    assert sleeps == [0.3]


def test_invalid_key_is_93000_final(store, report, tmp_path, loopback) -> None:
    robot = WeComRobot(loopback, KEY)
    wrong = robot.url.replace(KEY, "0000-wrong-key-0000")
    result = run(store, settings_for(channel()), edition_for(report, tmp_path), {"WECOM_HOOK": wrong})
    error = result.channels[0].error
    assert "93000" in error and "invalid webhook URL" in error and "0000-wrong-key-0000" not in error
    assert len(robot.raw) == 1


def test_content_too_long_40058_is_named(store, report, tmp_path, loopback) -> None:
    robot = WeComRobot(loopback, KEY)
    robot.script.append(lambda: Response(json.dumps(
        {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096. invalid Request Parameter, hint: [1], from ip: 127.0.0.1"}),
        content_type="application/json"))
    result = run(store, settings_for(channel()), edition_for(report, tmp_path), {"WECOM_HOOK": robot.url})
    error = result.channels[0].error
    assert "40058" in error and "content over the length limit" in error and "127.0.0.1" not in error
