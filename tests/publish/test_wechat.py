"""The WeChat Official Account publisher against a loopback WeChat API: token caching and
refresh, image uploads and src rewriting, the cover, draft limits, publishing and mass sending,
and every named error."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from dailybrief.models import Report
from dailybrief.publish.base import Edition
from dailybrief.render import render_report
from dailybrief.store.deliveries import list_deliveries

from .chathelpers import run, settings_for
from .conftest import SAMPLE
from .wechatfake import IP, FakeWeChat, image_kind

APPID = "wx0123456789abcdef"
SECRET = "wechat-app-secret-0042"
URL = "https://news.example.org/2026-04-17/"


def noisy_png(size: int) -> bytes:
    """A PNG that does not compress: well over 1 MB at 700×700."""
    out = io.BytesIO()
    Image.frombytes("RGB", (size, size), os.urandom(size * size * 3)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """The sample report rendered as WeChat HTML once per module, plus what a hostile or careless
    template adds: a script, an event handler, an image over 1 MB and an image from another site."""
    report = Report.model_validate(json.loads(SAMPLE.read_text("utf-8")))
    out = tmp_path_factory.mktemp("wechat") / report.date
    result = render_report(report, out, formats=["wechat", "charts"])
    assert not result.errors, result.errors
    page = out / "report.wechat.html"
    big = base64.b64encode(noisy_png(700)).decode()
    extra = (f'<p onclick="steal()"><img src="data:image/png;base64,{big}" alt="big"></p>'
             '<script>alert(1)</script><p><img src="https://example.com/tracker.png"></p>')
    page.write_text(page.read_text("utf-8").replace("</section>\n</body>", extra + "</section>\n</body>"), "utf-8")
    return out


@pytest.fixture
def edition(report, rendered: Path, tmp_path: Path) -> Edition:
    out = tmp_path / "reports" / report.date
    shutil.copytree(rendered, out)
    return Edition.from_folder(report, out, URL)


def edition_of(report: Report, rendered: Path, tmp_path: Path) -> Edition:
    """Another day's edition with the same rendered files."""
    out = tmp_path / "reports" / report.date
    shutil.copytree(rendered, out)
    return Edition.from_folder(report, out, URL)


def channel(fake: FakeWeChat, tmp_path: Path, **extra: object) -> dict:
    return {"name": "mp", "type": "wechat", "appid": APPID, "secret_env": "WX_SECRET", "api_base": fake.api_base,
            "token_cache": str(tmp_path / "cache" / "token.json"), "poll_interval": 0.01, **extra}


def publish(store, fake, tmp_path, edition, **extra):
    return run(store, settings_for(channel(fake, tmp_path, **extra)), edition, {"WX_SECRET": SECRET})


def test_draft_uploads_every_image_and_keeps_within_limits(store, edition, tmp_path, loopback) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    result = publish(store, fake, tmp_path, edition)
    assert result.ok, result.channels[0].error
    (media_id, article), = fake.drafts.items()
    content = article["content"]
    srcs = re.findall(r'<img[^>]*src="([^"]*)"', content)
    assert srcs and all(src in fake.images for src in srcs)  # every src rewritten to an uploaded URL
    assert "data:" not in content and "<script" not in content and "onclick" not in content
    assert "example.com/tracker.png" not in content
    assert len(content) < 20_000 and len(content.encode()) < 1024 * 1024
    assert all(len(data) < 1024 * 1024 and image_kind(data) in ("PNG", "JPEG") for data in fake.images.values())
    assert any(image_kind(data) == "JPEG" for data in fake.images.values())  # the 2 MB PNG was converted
    assert len(article["title"]) <= 32 and len(article["author"]) <= 16 and len(article["digest"]) <= 128
    assert article["content_source_url"] == URL
    (thumb,) = fake.thumbs.values()
    assert thumb.startswith(b"\xff\xd8\xff") and len(thumb) <= 64 * 1024
    assert article["thumb_media_id"] in fake.thumbs
    rows = list_deliveries(store, edition.date)
    assert [(r.status, r.remote_id) for r in rows] == [("sent", media_id)]
    assert "tracker.png" in (rows[0].note or "")  # the dropped image is named


def test_long_article_is_shortened_to_fit_and_says_so(store, report, tmp_path, loopback) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    sections = [sec.model_copy(update={"id": f"{sec.id}-{n}"}) for n in range(4) for sec in report.sections]
    long = report.model_copy(update={"sections": sections})
    out = tmp_path / "long" / long.date
    render_report(long, out, formats=["wechat"])
    assert len((out / "report.wechat.html").read_text("utf-8")) > 20_000
    result = publish(store, fake, tmp_path, Edition.from_folder(long, out, URL))
    assert result.ok, result.channels[0].error
    (article,) = fake.drafts.values()
    assert len(article["content"]) < 20_000
    note = list_deliveries(store, long.date)[0].note or ""
    assert "reference list was folded" in note and "阅读原文" in article["content"]


def test_token_cached_with_expiry_and_reused(store, edition, rendered, tmp_path, loopback) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    publish(store, fake, tmp_path, edition)
    cache = json.loads((tmp_path / "cache" / "token.json").read_text())
    assert cache["access_token"] == fake.tokens[-1] and cache["expires_at"] > 0
    assert oct((tmp_path / "cache" / "token.json").stat().st_mode & 0o777) == "0o600"
    report = edition.report.model_copy(update={"date": "2026-04-18"})
    publish(store, fake, tmp_path, edition_of(report, rendered, tmp_path))
    assert len(fake.token_requests) == 1  # the second day's run used the cached token
    assert all(req["force_refresh"] is False for req in fake.token_requests)


def test_ordinary_error_never_refreshes_the_token(store, edition, tmp_path, loopback) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    fake.fail("draft/add", 45009)
    result = publish(store, fake, tmp_path, edition)
    error = result.channels[0].error
    assert "45009" in error and "daily quota" in error
    assert len(fake.token_requests) == 1 and fake.drafts == {}


def test_expired_token_42001_is_refreshed_once(store, edition, rendered, tmp_path, loopback) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    publish(store, fake, tmp_path, edition, mode="draft")  # caches TOKEN-0001
    fake.stale.add(fake.tokens[-1])  # WeChat now says it expired
    fake.drafts.clear()
    (edition.out_dir / "publish" / "mp" / "wechat-state.json").unlink()
    store_rows = list_deliveries(store, edition.date)
    assert store_rows[0].status == "sent"
    other = edition.report.model_copy(update={"date": "2026-04-19"})
    result = publish(store, fake, tmp_path, edition_of(other, rendered, tmp_path))
    assert result.ok, result.channels[0].error
    assert len(fake.token_requests) == 2 and fake.token_requests[1]["force_refresh"] is False
    assert len(fake.drafts) == 1


def test_invalid_token_40001_refreshes_once_then_reports(store, edition, tmp_path, loopback) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    fake.fail("media/uploadimg", 40001, "invalid credential")
    fake.fail("media/uploadimg", 40001, "invalid credential")
    result = publish(store, fake, tmp_path, edition)
    error = result.channels[0].error
    assert "40001" in error and "access token is invalid" in error
    # one normal request, one forced (normal mode handed back the same token), nothing more
    assert [r["force_refresh"] for r in fake.token_requests] == [False, False, True]
    assert SECRET not in error and fake.tokens[-1] not in error


def test_ip_not_allowed_40164_prints_the_ip_wechat_saw(store, edition, tmp_path, loopback) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    fake.allowed_ip = False
    result = publish(store, fake, tmp_path, edition)
    error = result.channels[0].error
    assert "40164" in error and f"WeChat saw {IP}" in error and SECRET not in error
    assert list_deliveries(store, edition.date)[0].status == "failed"


def test_publish_polls_to_success_with_the_article_url(store, edition, tmp_path, loopback) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    fake.statuses = [1, 1, 0]
    result = publish(store, fake, tmp_path, edition, mode="publish")
    assert result.ok, result.channels[0].error
    rows = list_deliveries(store, edition.date)
    assert [(r.part, r.status) for r in rows] == [(1, "sent"), (2, "sent")]
    assert rows[1].remote_id == "https://mp.weixin.qq.com/s/fake-article-1"
    assert list(fake.publishes.values()) == [rows[0].remote_id]


@pytest.mark.parametrize(("status", "words"), [(2, "original"), (3, "常规失败"), (4, "review"), (5, "deleted"), (6, "banned")])
def test_publish_failures_are_named(store, edition, tmp_path, loopback, status, words) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    fake.statuses = [1, status]
    result = publish(store, fake, tmp_path, edition, mode="publish")
    error = result.channels[0].error
    assert f"status {status}" in error and words in error
    assert [r.status for r in list_deliveries(store, edition.date)] == ["sent", "failed"]


@pytest.mark.parametrize("mode", ["publish", "masssend"])
def test_48001_falls_back_to_the_draft_and_says_so(store, edition, tmp_path, loopback, mode) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    fake.verified = False
    result = publish(store, fake, tmp_path, edition, mode=mode)
    channel_result = result.channels[0]
    assert channel_result.ok and fake.publishes == {} and fake.mass == {} and len(fake.drafts) == 1
    assert any("48001" in note and "saved as a draft" in note for note in channel_result.notes)
    rows = list_deliveries(store, edition.date)
    assert rows[1].remote_id == f"draft:{rows[0].remote_id}" and "48001" in (rows[1].note or "")


@pytest.mark.parametrize("code", [53503, 53504, 53505])
def test_submit_refusals_are_named(store, edition, tmp_path, loopback, code) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    fake.fail("freepublish/submit", code)
    result = publish(store, fake, tmp_path, edition, mode="publish")
    assert f"{code}:" in result.channels[0].error and "draft" in result.channels[0].error


def test_masssend_once_even_when_run_again(store, edition, tmp_path, loopback) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    first = publish(store, fake, tmp_path, edition, mode="masssend")
    assert first.ok, first.channels[0].error
    (clientmsgid, media_id), = fake.mass.items()
    assert clientmsgid == f"dailybrief-{edition.date}-mp" and media_id in fake.drafts
    second = publish(store, fake, tmp_path, edition, mode="masssend")
    assert second.channels[0].already_sent == 2 and len(fake.mass) == 1


def test_masssend_quota_45028_and_empty_article_44003_named(store, edition, rendered, tmp_path, loopback) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    fake.mass_quota = 0
    result = publish(store, fake, tmp_path, edition, mode="masssend")
    assert "45028" in result.channels[0].error and "mass-send quota" in result.channels[0].error
    fake.fail("draft/add", 44003, "empty news data")
    fake.fail("draft/add", 47001, "data format error")
    for code, words in ((44003, "empty"), (47001, "format")):
        other = edition.report.model_copy(update={"date": f"2026-05-0{code % 10}"})
        failed = publish(store, fake, tmp_path, edition_of(other, rendered, tmp_path))
        assert f"{code}:" in failed.channels[0].error and words in failed.channels[0].error


def test_file_mode_writes_paste_ready_html_without_network(store, edition, tmp_path, loopback) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    settings = settings_for({"name": "mp", "type": "wechat", "mode": "file"})
    result = run(store, settings, edition, {})
    assert result.ok, result.channels[0].error
    path = Path(list_deliveries(store, edition.date)[0].remote_id)
    assert path.read_bytes() == (edition.out_dir / "report.wechat.html").read_bytes()
    assert fake.calls == [] and fake.token_requests == []


def test_missing_secret_and_bad_appid_named_before_sending(store, edition, tmp_path, loopback) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    settings = settings_for(channel(fake, tmp_path), {**channel(fake, tmp_path), "name": "mp2", "appid": "wx-oops"})
    result = run(store, settings, edition, {})
    assert result.channels[0].error == "channel mp: secret_env: environment variable WX_SECRET is not set"
    assert result.channels[1].error.startswith("channel mp2: appid: expected the account's AppID")
    assert fake.token_requests == []


def test_dry_run_dump_has_placeholders_and_no_secret(store, edition, tmp_path, loopback) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    result = run(store, settings_for(channel(fake, tmp_path, mode="publish")), edition, {"WX_SECRET": SECRET}, dry_run=True)
    folder = result.channels[0].dump_dir
    draft = json.loads((folder / "part-01.json").read_text("utf-8"))
    assert "dailybrief-image:" in draft["articles"][0]["content"]
    assert json.loads((folder / "part-02.json").read_text("utf-8")) == {"media_id": "dailybrief-draft"}
    for path in folder.iterdir():
        assert SECRET.encode() not in path.read_bytes()
    assert fake.calls == [] and fake.token_requests == []


def test_masssend_answer_lost_then_retried_is_not_sent_twice(store, edition, tmp_path, loopback) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    fake.mass[f"dailybrief-{edition.date}-mp"] = "DRAFT_0"  # an earlier send went through, its answer was lost
    result = publish(store, fake, tmp_path, edition, mode="masssend")
    assert result.ok, result.channels[0].error
    assert len(fake.mass) == 1 and any("not sent again" in note for note in result.channels[0].notes)


def test_wechat_5xx_is_retried(store, edition, tmp_path, loopback) -> None:
    fake = FakeWeChat(loopback, APPID, SECRET)
    fake.outages["draft/add"].append(502)
    sleeps: list[float] = []
    result = run(store, settings_for(channel(fake, tmp_path)), edition, {"WX_SECRET": SECRET}, sleeps)
    assert result.ok, result.channels[0].error
    assert len(sleeps) == 1 and len(fake.drafts) == 1
