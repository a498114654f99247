"""Telegram bot against a loopback Bot API: 4,096 UTF-16 units after entity parsing, HTML that
parses, 429 with parameters.retry_after, "message is too long", resume, and the token kept out
of every artefact."""

from __future__ import annotations

import json
import logging

from dailybrief.store.deliveries import list_deliveries

from .chatfakes import TelegramBot, _json
from .chathelpers import edition_for, long_report, run, settings_for

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def channel(bot: TelegramBot, **extra: object) -> dict:
    return {"name": "tg", "type": "telegram", "token_env": "TG_TOKEN", "chat_id": "-1001234567890",
            "api_base": bot.api_base, "per_second": 30, **extra}


def test_parts_within_4096_utf16_units_and_valid_html(store, report, tmp_path, loopback) -> None:
    bot = TelegramBot(loopback, TOKEN)
    result = run(store, settings_for(channel(bot)), edition_for(long_report(report), tmp_path), {"TG_TOKEN": TOKEN})
    assert result.ok, result.channels[0].error
    n = len(bot.messages)
    assert n >= 2 and len(bot.raw) == n  # the fake parsed every part's HTML and counted its units
    assert all(m["parse_mode"] == "HTML" for m in bot.messages)
    assert '<a href="https://example.org/news/3?ref=brief&amp;lang=zh">第 3 篇报道 · 原文</a>' in "".join(m["text"] for m in bot.messages)
    rows = list_deliveries(store, report.date)
    assert [r.remote_id for r in rows] == [str(101 + i) for i in range(n)]  # message ids recorded


def test_flood_429_honours_parameters_retry_after(store, report, tmp_path, loopback) -> None:
    bot = TelegramBot(loopback, TOKEN)
    bot.script.append(lambda: TelegramBot.flood(1))
    sleeps: list[float] = []
    result = run(store, settings_for(channel(bot)), edition_for(report, tmp_path), {"TG_TOKEN": TOKEN}, sleeps)
    assert result.ok and len(bot.messages) == 1 and sleeps == [1.0]


def test_message_too_long_fails_the_part_and_a_rerun_resumes(store, report, tmp_path, loopback, caplog) -> None:
    bot = TelegramBot(loopback, TOKEN)
    edition = edition_for(long_report(report), tmp_path)
    bot.script += [lambda: bot.handle_ok(), lambda: _json(
        {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}, status=400)]
    bot.handle_ok = lambda: _json({"ok": True, "result": {"message_id": 1}})
    caplog.set_level(logging.INFO)
    first = run(store, settings_for(channel(bot)), edition, {"TG_TOKEN": TOKEN})
    row = first.channels[0]
    assert row.sent == 1 and row.failed == 1 and "message is too long" in row.error
    second = run(store, settings_for(channel(bot)), edition, {"TG_TOKEN": TOKEN})
    assert second.ok and second.channels[0].already_sent == 1 and second.channels[0].sent == row.parts - 1
    statuses = [r.status for r in list_deliveries(store, report.date)]
    assert statuses == ["sent"] * row.parts
    # The token is in the URL of every request: never in errors, rows or logs.
    secret_part = TOKEN.split(":")[1]
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("dailybrief"))
    assert "message is too long" in ours
    artefacts = [row.error, ours, *(json.dumps(r.__dict__, default=str) for r in list_deliveries(store, report.date))]
    assert all(secret_part not in text for text in artefacts)


def test_malformed_token_named_before_sending(store, report, tmp_path, loopback) -> None:
    bot = TelegramBot(loopback, TOKEN)
    result = run(store, settings_for(channel(bot)), edition_for(report, tmp_path), {"TG_TOKEN": "not-a-token"})
    assert result.channels[0].error.startswith("channel tg: token_env: the bot token in TG_TOKEN is malformed")
    assert "not-a-token" not in result.channels[0].error and bot.raw == []


def test_wrong_token_is_401(store, report, tmp_path, loopback) -> None:
    bot = TelegramBot(loopback, TOKEN)
    other = "987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDzzz"
    result = run(store, settings_for(channel(bot)), edition_for(report, tmp_path), {"TG_TOKEN": other})
    assert "401" in result.channels[0].error and other.split(":")[1] not in result.channels[0].error


def test_alert_is_one_message_through_the_same_channel(loopback) -> None:
    from dailybrief.config import ChannelSpec, Settings
    from dailybrief.publish.telegram import TelegramChannel

    bot = TelegramBot(loopback, TOKEN)
    spec = ChannelSpec.model_validate(channel(bot))
    publisher = TelegramChannel(spec, Settings(), {"TG_TOKEN": TOKEN})
    publisher.check()
    (part,) = publisher.build_alert("run 2026-04-17 failed: build: no items in the window")
    assert publisher.send(part).remote_id == "101"
    assert "run 2026-04-17 failed" in bot.messages[0]["text"] and "dailybrief alert" in bot.messages[0]["text"]
    publisher.close()


def test_english_edition_links_and_heads(store, report, tmp_path, loopback) -> None:
    bot = TelegramBot(loopback, TOKEN)
    english = report.model_copy(update={"language": "en", "title": "AI Technology Daily Analysis"})
    result = run(store, settings_for(channel(bot)), edition_for(english, tmp_path), {"TG_TOKEN": TOKEN})
    assert result.ok, result.channels[0].error
    text = bot.messages[0]["text"]
    assert "<b>In this edition</b>" in text and ">Read the full edition</a>" in text
