"""The e-mail channel against a real SMTP server on 127.0.0.1 (aiosmtpd): STARTTLS with login,
implicit TLS, the message structure and headers as parsed on arrival, the short form over the
size limit, refused recipients and a refused login."""

from __future__ import annotations

from pathlib import Path

import pytest

from dailybrief.config import Settings
from dailybrief.publish.base import Edition
from dailybrief.publish.deliver import publish_edition, select_channels
from dailybrief.store.deliveries import list_deliveries

from .smtpserver import Mailbox, make_certificate, start_server

PASSWORD = "smtp-pw-Q8v2Lk9x"
URL = "https://news.example.org/2026-04-17/"


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def edition(report, tmp_path: Path) -> Edition:
    out = tmp_path / "reports" / report.date
    out.mkdir(parents=True)
    (out / "report.pdf").write_bytes(b"%PDF-1.7\n% a stand-in PDF body\n%%EOF\n")
    return Edition.from_folder(report, out, URL)


def mail_channel(port: int, cert: Path, **extra: object) -> dict:
    return {
        "name": "mail", "type": "email", "host": "127.0.0.1", "port": port, "security": "starttls",
        "username": "daily", "password_env": "SMTP_PASSWORD", "sender": "AI Daily <daily@example.org>",
        "to": ["b@example.com", "a@example.com"], "list_id": "ai-daily.example.org",
        "unsubscribe_url": "https://news.example.org/unsubscribe?u={email}",
        "unsubscribe_mailto": "leave@example.org", "ca_file": str(cert), **extra,
    }


def publish(store, channel: dict, edition: Edition, dry_run: bool = False):
    settings = Settings.model_validate({"publish": {"channels": [channel], "retries": 0}})
    return publish_edition(store, settings, lambda language: edition, select_channels(settings),
                           dry_run=dry_run, env={"SMTP_PASSWORD": PASSWORD}, sleep=lambda s: None)


def test_starttls_login_and_what_the_server_parsed(store, edition, cert, tmp_path) -> None:
    box = Mailbox()
    server = start_server(box, cert, user="daily", password=PASSWORD)
    listed = tmp_path / "subscribers.txt"
    listed.write_text("# readers\nc@example.com\nA@example.com  # duplicate of a@, other case\n", "utf-8")
    try:
        result = publish(store, mail_channel(server.port, cert[0], to_file=str(listed), attach_pdf=True), edition)
    finally:
        server.stop()
    assert result.ok, result.channels[0].error
    assert box.logins == [("daily", PASSWORD)]
    assert sorted(r.recipients[0] for r in box.received) == ["a@example.com", "b@example.com", "c@example.com"]
    got = box.received[0]
    msg = got.message
    assert got.sender == "daily@example.org" and msg["To"] == "a@example.com"
    assert msg["Subject"] == "AI 技术每日分析 · 2026 年 4 月 17 日"
    assert msg["Message-ID"].startswith("<2026-04-17.zh.") and msg["Message-ID"].endswith("@example.org>")
    assert msg["Date"] and msg["List-Id"] == "AI 技术每日分析 <ai-daily.example.org>"
    assert msg["List-Unsubscribe"] == ("<https://news.example.org/unsubscribe?u=a%40example.com>, "
                                       "<mailto:leave@example.org?subject=unsubscribe>")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg.get_content_type() == "multipart/mixed"
    alternative, attachment = msg.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html = (p.get_content() for p in alternative.iter_parts())
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert attachment.get_filename() == "2026-04-17-zh.pdf" and attachment.get_content().startswith(b"%PDF")
    assert edition.report.summary[:30] in plain and URL in plain and "参考文献" in plain
    assert "<style" not in html and 'style="' in html and f'href="{URL}"' in html
    assert "u=a%40example.com" in html  # the footer's unsubscribe link is the recipient's own
    ids = {r.remote_id for r in list_deliveries(store)}
    assert msg["Message-ID"] in ids and len(ids) == 3


def test_implicit_tls(store, edition, cert) -> None:
    box = Mailbox()
    server = start_server(box, cert, implicit_tls=True, user="daily", password=PASSWORD)
    try:
        result = publish(store, mail_channel(server.port, cert[0], security="tls", to=["x@example.com"]), edition)
    finally:
        server.stop()
    assert result.ok, result.channels[0].error
    assert [r.recipients for r in box.received] == [["x@example.com"]]


def test_over_the_size_limit_sends_summary_heads_and_link(store, edition, cert) -> None:
    box = Mailbox()
    server = start_server(box, cert, user="daily", password=PASSWORD)
    try:
        result = publish(store, mail_channel(server.port, cert[0], to=["x@example.com"], max_html_bytes=5000), edition)
    finally:
        server.stop()
    assert result.ok
    plain, html = (p.get_content() for p in box.received[0].message.iter_parts())
    assert len(html.encode()) <= 5000
    assert "参考文献" not in html and "参考文献" not in plain
    for n, section in enumerate(edition.report.sections, 1):
        assert section.title in html and f"{n}. {section.title}" in plain
    assert f'href="{URL}#section-1"' in html and URL in plain


def test_refused_recipient_holds_back_no_one_and_only_it_is_resent(store, edition, cert) -> None:
    box = Mailbox(refuse={"b@example.com"})
    server = start_server(box, cert, user="daily", password=PASSWORD)
    try:
        channel = mail_channel(server.port, cert[0], to=["a@example.com", "b@example.com", "c@example.com"])
        first = publish(store, channel, edition)
        box.refuse.clear()
        second = publish(store, channel, edition)
    finally:
        server.stop()
    assert (first.channels[0].sent, first.channels[0].failed) == (2, 1)
    assert first.channels[0].error == "channel mail: b@example.com refused (550 5.1.1 mailbox unavailable)"
    assert second.channels[0].sent == 1 and second.channels[0].already_sent == 2
    assert [r.recipients[0] for r in box.received] == ["a@example.com", "c@example.com", "b@example.com"]


def test_refused_login_names_the_key_and_hides_the_password(store, edition, cert) -> None:
    box = Mailbox()
    server = start_server(box, cert, user="daily", password="something-else")
    try:
        result = publish(store, mail_channel(server.port, cert[0]), edition)
    finally:
        server.stop()
    c = result.channels[0]
    assert c.failed == 2 and c.error == "channel mail: password_env: the server refused the login (535)"
    assert box.received == [] and PASSWORD not in repr(list_deliveries(store))


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"password_env": "NO_SUCH_VAR"}, "channel mail: password_env: environment variable NO_SUCH_VAR is not set"),
        ({"to": ["not-an-address"]}, "channel mail: to: not an e-mail address: 'not-an-address'"),
        ({"to": []}, "channel mail: to: no recipients (set `to` or `to_file`)"),
        ({"unsubscribe_url": "http://x.org/u"}, "channel mail: unsubscribe_url: one-click unsubscribe needs an https URL"),
        ({"security": "none", "host": "mail.example.org"},
         "channel mail: security: refusing to send a password without TLS to a remote server"),
        ({"smtp_host": "x"}, "channel mail: smtp_host: unknown key"),
    ],
)
def test_configuration_errors_are_one_line(store, edition, cert, change, error) -> None:
    result = publish(store, mail_channel(1, cert[0]) | change, edition)
    assert result.channels[0].error == error


def test_dry_run_writes_each_message(store, edition, cert) -> None:
    result = publish(store, mail_channel(1, cert[0]), edition, dry_run=True)
    folder = result.channels[0].dump_dir
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "part-01.eml", "part-02.eml"]
    assert b"To: a@example.com" in (folder / "part-01.eml").read_bytes()
    assert PASSWORD.encode() not in b"".join(p.read_bytes() for p in folder.iterdir())
