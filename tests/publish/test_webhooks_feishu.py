"""Feishu/Lark custom bot against a loopback bot that checks signatures, sizes and rate limits."""

from __future__ import annotations

import json

from dailybrief.publish.deliver import publish_edition, select_channels
from dailybrief.publish.feishu import FeishuChannel
from dailybrief.store.deliveries import list_deliveries

from .chatfakes import FeishuBot
from .chathelpers import edition_for, links_of, long_report, run, settings_for

TOKEN = "3f1c9a77-bot-token-0001"
SECRET = "feishu-signing-secret-42"
FIXED = 1_700_000_000


def channel(**extra: object) -> dict:
    return {"name": "lark", "type": "feishu", "webhook_env": "LARK_HOOK", "secret_env": "LARK_SECRET", **extra}


def env_for(bot: FeishuBot) -> dict:
    return {"LARK_HOOK": bot.url, "LARK_SECRET": SECRET}


def test_long_message_split_signed_and_within_20kb(store, report, tmp_path, loopback) -> None:
    bot = FeishuBot(loopback, TOKEN, SECRET)
    edition = edition_for(long_report(report), tmp_path)
    result = run(store, settings_for(channel()), edition, env_for(bot))
    assert result.ok, result.channels[0].error
    n = len(bot.messages)
    assert n >= 2 and result.channels[0].sent == n
    assert all(len(body) <= 20_000 for body in bot.bodies)  # measured on the wire, signature included
    headers = [m["card"]["header"]["title"]["content"] for m in bot.messages]
    assert [h.rsplit(" ", 1)[-1] for h in headers] == [f"({i}/{n})" for i in range(1, n + 1)]
    sent_text = "\n".join(m["card"]["elements"][0]["content"] for m in bot.messages)
    assert links_of(edition.report.summary) == links_of(sent_text.replace("\n\n", "\n"))[: len(links_of(edition.report.summary))]
    assert "[阅读全文](https://news.example.org/2026-04-17/)" in sent_text


def test_signature_byte_for_byte_with_a_fixed_timestamp(store, report, tmp_path, loopback, monkeypatch) -> None:
    bot = FeishuBot(loopback, TOKEN, SECRET, clock=lambda: FIXED + 30)
    monkeypatch.setattr(FeishuChannel, "now", lambda self: FIXED)
    result = run(store, settings_for(channel()), edition_for(report, tmp_path), env_for(bot))
    assert result.ok, result.channels[0].error
    sent = json.loads(bot.bodies[0])
    assert sent["timestamp"] == "1700000000"
    assert sent["sign"] == FeishuBot.expected_sign("1700000000", SECRET)
    assert sent["sign"] == "TEGnzW/fE0I3H2vILObnnPydZdm9UJqSKsXkubHpGxg="  # known answer of the documented algorithm


def test_stale_timestamp_is_code_19021_named_and_secret_free(store, report, tmp_path, loopback, monkeypatch) -> None:
    bot = FeishuBot(loopback, TOKEN, SECRET, clock=lambda: FIXED + 2 * 3600)
    monkeypatch.setattr(FeishuChannel, "now", lambda self: FIXED)
    result = run(store, settings_for(channel()), edition_for(report, tmp_path), env_for(bot))
    error = result.channels[0].error
    assert not result.ok and "19021" in error and "signature" in error
    assert bot.messages == [] and len(bot.raw) == 1  # a final refusal is not retried
    rows = list_deliveries(store, report.date)
    assert [r.status for r in rows] == ["failed"]
    for text in (error, rows[0].error or ""):
        assert SECRET not in text and TOKEN not in text


def test_pacer_keeps_under_5_per_second(store, report, tmp_path, loopback) -> None:
    bot = FeishuBot(loopback, TOKEN)  # counts 5/s itself and would answer 11232
    edition = edition_for(long_report(report, 10), tmp_path)
    spec = {"name": "lark", "type": "feishu", "webhook_env": "LARK_HOOK", "max_bytes": 2500, "rate_limit_wait": 0.1}
    result = run(store, settings_for(spec), edition, {"LARK_HOOK": bot.url})
    assert result.ok, result.channels[0].error
    assert len(bot.messages) >= 6 and len(bot.raw) == len(bot.messages)  # no 11232, no retry
    assert all(len(body) <= 2500 for body in bot.bodies)


def test_frequency_limit_11232_is_retried(store, report, tmp_path, loopback) -> None:
    bot = FeishuBot(loopback, TOKEN)
    bot.script.append(lambda: bot_answer(11232, "frequency limited"))
    sleeps: list[float] = []
    spec = {"name": "lark", "type": "feishu", "webhook_env": "LARK_HOOK", "rate_limit_wait": 0.2}
    result = run(store, settings_for(spec), edition_for(report, tmp_path), {"LARK_HOOK": bot.url}, sleeps)
    assert result.ok and len(bot.messages) == 1 and len(bot.raw) == 2
    assert sleeps == [0.2]


def test_missing_secret_named_before_anything_is_sent(store, report, tmp_path, loopback) -> None:
    bot = FeishuBot(loopback, TOKEN, SECRET)
    settings = settings_for(channel())
    result = publish_edition(store, settings, lambda lang: edition_for(report, tmp_path), select_channels(settings),
                             env={"LARK_HOOK": bot.url}, sleep=lambda s: None)
    assert result.channels[0].error == "channel lark: secret_env: environment variable LARK_SECRET is not set"
    assert bot.raw == []


def bot_answer(code: int, msg: str):
    from werkzeug import Response

    return Response(json.dumps({"code": code, "msg": msg, "data": {}}), content_type="application/json")


def test_body_over_the_bots_limit_is_9499_named(store, report, tmp_path, loopback) -> None:
    bot = FeishuBot(loopback, TOKEN, max_bytes=20_000)
    spec = {"name": "lark", "type": "feishu", "webhook_env": "LARK_HOOK", "max_bytes": 60_000}  # misconfigured
    result = run(store, settings_for(spec), edition_for(long_report(report), tmp_path), {"LARK_HOOK": bot.url})
    error = result.channels[0].error
    assert "9499" in error and "Bad Request" in error and len(bot.bodies[0]) > 20_000
    assert bot.messages == [] and len(bot.raw) == 1
