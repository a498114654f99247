"""The publish loop against a real loopback webhook: each part once, resume, retries, isolation,
dry run, and secrets kept out of every artefact."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from dailybrief.config import Settings
from dailybrief.errors import PublishError
from dailybrief.publish.base import Edition
from dailybrief.publish.deliver import publish_edition, select_channels
from dailybrief.publish.registry import register
from dailybrief.store.deliveries import list_deliveries

from .hook import LoopbackHook

register(LoopbackHook)
TOKEN = "tok-7f3a9c1e5b2d4e6f"


class Hook:
    """Loopback webhook that answers per part from a script and records what it accepted."""

    def __init__(self, server: HTTPServer, path: str):
        self.accepted: list[int] = []
        self.script: dict[int, list[Response]] = {}
        self.url = server.url_for(path)
        server.expect_request(path, method="POST").respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        part = json.loads(request.data)["part"]
        queued = self.script.get(part)
        if queued:
            return queued.pop(0)
        self.accepted.append(part)
        return Response(json.dumps({"id": f"msg-{len(self.accepted)}"}), content_type="application/json")


def settings_for(*channels: dict) -> Settings:
    return Settings.model_validate({"publish": {"channels": list(channels), "retries": 2, "backoff": 0.5}})


def channel(name: str, url: str, **extra: object) -> dict:
    return {"name": name, "type": "test-hook", "url": url, "token_env": "HOOK_TOKEN", **extra}


def run(store, settings, edition, names=(), dry_run=False, sleeps=None):
    return publish_edition(
        store, settings, lambda language: edition, select_channels(settings, names), dry_run=dry_run,
        env={"HOOK_TOKEN": TOKEN}, sleep=(sleeps.append if sleeps is not None else lambda s: None),
    )


@pytest.fixture
def edition(report, tmp_path: Path) -> Edition:
    out = tmp_path / "reports" / report.date
    out.mkdir(parents=True)
    (out / "report.html").write_text("<p>x</p>", "utf-8")
    return Edition.from_folder(report, out, "https://news.example.org/2026-04-17/")


def test_every_part_sent_once_and_a_rerun_sends_nothing(store, edition, loopback: HTTPServer) -> None:
    hook = Hook(loopback, "/a")
    settings = settings_for(channel("a", hook.url))
    first = run(store, settings, edition)
    assert first.ok and first.channels[0].sent == 3
    second = run(store, settings, edition)
    assert second.channels[0].sent == 0 and second.channels[0].already_sent == 3
    assert hook.accepted == [1, 2, 3]
    rows = list_deliveries(store, "2026-04-17")
    assert [(r.part, r.status, r.remote_id, r.label) for r in rows] == [
        (1, "sent", "msg-1", "(1/3)"), (2, "sent", "msg-2", "(2/3)"), (3, "sent", "msg-3", "(3/3)")]


def test_failed_part_stops_its_channel_only_and_the_next_run_resumes(store, edition, loopback) -> None:
    bad, good = Hook(loopback, "/bad"), Hook(loopback, "/good")
    bad.script[2] = [Response("no such chat", status=400)]
    settings = settings_for(channel("bad", bad.url), channel("good", good.url))
    result = run(store, settings, edition)
    by_name = {c.channel: c for c in result.channels}
    assert (by_name["bad"].sent, by_name["bad"].failed, by_name["bad"].skipped) == (1, 1, 1)
    assert "HTTP 400: no such chat" in by_name["bad"].error
    assert by_name["good"].sent == 3 and not result.ok
    statuses = {(r.channel, r.part): r.status for r in list_deliveries(store)}
    assert statuses[("bad", 2)] == "failed" and statuses[("bad", 3)] == "skipped"
    again = run(store, settings, edition)
    assert again.ok
    assert bad.accepted == [1, 2, 3] and good.accepted == [1, 2, 3]  # nothing posted twice
    assert {c.channel: c.sent for c in again.channels} == {"bad": 2, "good": 0}


def test_retry_after_is_honoured_then_the_part_is_sent(store, edition, loopback) -> None:
    hook = Hook(loopback, "/slow")
    hook.script[1] = [Response("slow down", status=429, headers={"Retry-After": "7"})]
    hook.script[2] = [Response("busy", status=429, headers={"Retry-After": "3"})] * 3
    sleeps: list[float] = []
    result = run(store, settings_for(channel("slow", hook.url)), edition, sleeps=sleeps)
    c = result.channels[0]
    assert (c.sent, c.failed, c.skipped) == (1, 1, 1)  # part 2 stayed limited past 2 retries
    assert sleeps == [7.0, 3.0, 3.0]
    rows = {r.part: r for r in list_deliveries(store)}
    assert rows[1].attempts == 2 and rows[2].attempts == 3 and rows[2].status == "failed"


def test_missing_secret_is_one_line_before_anything_is_sent(store, edition, loopback) -> None:
    hook = Hook(loopback, "/h")
    settings = settings_for(
        channel("nokey", hook.url, token_env="NOT_SET_ANYWHERE"),
        channel("badurl", "ftp://example.org/hook"),
        channel("typo", hook.url, colour="red"),
        {"name": "ghost", "type": "carrier-pigeon"},
        channel("fine", hook.url),
    )
    result = run(store, settings, edition)
    errors = {c.channel: c.error for c in result.channels}
    assert errors["nokey"] == "channel nokey: token_env: environment variable NOT_SET_ANYWHERE is not set"
    assert errors["badurl"] == "channel badurl: url: expected a loopback http URL, got 'ftp://example.org/hook'"
    assert errors["typo"] == "channel typo: colour: unknown key"
    assert errors["ghost"].startswith("channel ghost: type: unknown channel type 'carrier-pigeon' (known: ")
    assert errors["fine"] == "" and hook.accepted == [1, 2, 3]


def test_unknown_channel_name_is_an_error() -> None:
    with pytest.raises(PublishError, match=r"--channel: no channel named 'x'"):
        select_channels(settings_for(), ["x"])


def test_dry_run_writes_exact_payloads_and_records_nothing(store, edition, loopback) -> None:
    hook = Hook(loopback, "/d")
    result = run(store, settings_for(channel("d", hook.url, parts=2)), edition, dry_run=True)
    folder = edition.out_dir / "publish" / "d"
    assert result.channels[0].dump_dir == folder
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert [m["file"] for m in manifest] == ["part-01.json", "part-02.json"]
    body = (folder / "part-02.json").read_bytes()
    assert json.loads(body)["part"] == 2 and manifest[1]["bytes"] == len(body)
    assert hook.accepted == [] and list_deliveries(store) == []
    assert "publish/d/part-01.json" not in Edition.from_folder(edition.report, edition.out_dir).files


def test_secret_never_reaches_the_database_logs_or_dumps(store, edition, loopback, caplog) -> None:
    hook = Hook(loopback, "/leak")
    # A hostile or careless service echoes the credential in its error and in its message id.
    hook.script[1] = [Response(f"invalid token {TOKEN}", status=401)]
    settings = settings_for(channel("leak", hook.url))
    caplog.set_level(logging.DEBUG, logger="dailybrief")
    first = run(store, settings, edition)
    hook.script[1] = [Response(json.dumps({"id": f"id-{TOKEN}", "note": f"token {TOKEN} ok"}), content_type="application/json")]
    second = run(store, settings, edition)
    run(store, settings, edition, dry_run=True)
    assert "***" in first.channels[0].error and second.channels[0].notes == ["token *** ok"]
    artefacts = [p for p in Path(store.path).parent.rglob("*") if p.is_file()]
    artefacts += [p for p in edition.out_dir.rglob("*") if p.is_file()]
    for path in artefacts:
        assert TOKEN.encode() not in path.read_bytes(), path
    assert TOKEN not in caplog.text and "***" in caplog.text
    assert TOKEN not in repr([vars(c) for c in first.channels + second.channels])
