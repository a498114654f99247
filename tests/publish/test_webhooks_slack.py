"""Slack incoming webhook against a loopback webhook: 50 blocks, 3,000 characters a section,
429 rate_limited with Retry-After, and invalid_blocks."""

from __future__ import annotations

from werkzeug import Response

from .chatfakes import SlackWebhook
from .chathelpers import edition_for, long_report, run, settings_for


def channel(**extra: object) -> dict:
    return {"name": "sl", "type": "slack", "webhook_env": "SLACK_HOOK", **extra}


def test_blocks_and_sections_within_limits(store, report, tmp_path, loopback) -> None:
    hook = SlackWebhook(loopback)
    edition = edition_for(long_report(report, 70), tmp_path)
    result = run(store, settings_for(channel(per_second=20)), edition, {"SLACK_HOOK": hook.url})
    assert result.ok, result.channels[0].error
    assert len(hook.messages) >= 2
    for message in hook.messages:
        assert len(message["blocks"]) <= 50
        assert all(len(b["text"]["text"]) <= 3000 for b in message["blocks"])
    text = "\n".join(b["text"]["text"] for m in hook.messages for b in m["blocks"])
    assert "<https://example.org/news/7?ref=brief&amp;lang=zh|第 7 篇报道 · 原文>" in text or \
        "<https://example.org/news/7?ref=brief&lang=zh|第 7 篇报道 · 原文>" in text
    assert "*智能体基础设施*" in text and "**" not in text


def test_rate_limited_429_honours_retry_after(store, report, tmp_path, loopback) -> None:
    hook = SlackWebhook(loopback)
    hook.script.append(lambda: SlackWebhook.rate_limited(1))
    sleeps: list[float] = []
    result = run(store, settings_for(channel()), edition_for(report, tmp_path), {"SLACK_HOOK": hook.url}, sleeps)
    assert result.ok and len(hook.messages) == 1 and len(hook.raw) == 2
    assert sleeps == [1.0]


def test_invalid_blocks_is_final_and_named(store, report, tmp_path, loopback) -> None:
    hook = SlackWebhook(loopback)
    hook.script.append(lambda: Response("invalid_blocks", status=400))
    result = run(store, settings_for(channel()), edition_for(report, tmp_path), {"SLACK_HOOK": hook.url})
    error = result.channels[0].error
    assert "invalid_blocks" in error and "400" in error and len(hook.raw) == 1
    assert "Xsecret0001" not in error


def test_removed_webhook_is_named(store, report, tmp_path, loopback) -> None:
    hook = SlackWebhook(loopback)
    result = run(store, settings_for(channel()), edition_for(report, tmp_path), {"SLACK_HOOK": hook.url.replace("Xsecret0001", "Xgone0002")})
    assert "no_service" in result.channels[0].error and "removed" in result.channels[0].error
