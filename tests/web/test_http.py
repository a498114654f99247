"""The web app's HTTP contract against a real server on loopback: security headers and CSP,
CSRF on every form, roles, session cookie flags, 404 and field errors, the login rate limit
and the public read-only archive."""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from .conftest import DAY, PASSWORD, start_server, stop_server

T = 60  # seconds: a first search loads jieba and fills the index, slow on a busy machine


def test_headers_and_a_csp_without_inline_scripts(newsroom):
    client = newsroom.login()
    for path in ("/login", "/", f"/report/{DAY}/zh", "/search?q=OpenAI"):
        reply = client.get(path)
        assert reply.status_code == 200, path
        csp = reply.headers["content-security-policy"]
        script = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert "unsafe-inline" not in script and "unsafe-eval" not in script
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["x-frame-options"] == "DENY"
        assert reply.headers["referrer-policy"] == "same-origin"
    report = client.get(f"/report/{DAY}/zh")
    assert "'sha256-" in report.headers["content-security-policy"]  # its own inline script, by hash


def test_session_cookie_flags_and_login_needed(newsroom):
    page = httpx.get(newsroom.url + "/login", timeout=T)
    csrf = page.cookies["db_csrf"]
    reply = httpx.post(newsroom.url + "/login", data={"name": "alice", "password": PASSWORD, "csrf": csrf},
                       cookies={"db_csrf": csrf}, timeout=T)
    cookie = reply.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=lax" in cookie
    anonymous = httpx.get(newsroom.url + f"/stories/{DAY}", timeout=T)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=")
    assert httpx.get(newsroom.url + "/", timeout=T).status_code == 303  # not public unless configured


def test_every_form_needs_its_csrf_token_and_the_role(newsroom):
    alice = newsroom.login("alice")
    posts = [(f"/stories/{DAY}/correct", {"kind": "pin", "refs": "s-0000000000"}),
             (f"/stories/{DAY}/undo/1", {}),
             (f"/review/{DAY}/zh/state", {"action": "approve", "version": "1"}),
             (f"/review/{DAY}/zh/edit", {"version": "1", "summary": "x"}),
             ("/sources/add", {"name": "x", "url": "https://example.org/feed"}),
             ("/logout", {})]
    for path, data in posts:
        reply = alice.post(path, data=data)
        assert reply.status_code == 403 and "CSRF" in reply.text, path
    victor = newsroom.login("victor")
    token = victor.get("/").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    reply = victor.post(f"/stories/{DAY}/correct", data={"kind": "pin", "refs": "s-1", "csrf": token})
    assert reply.status_code == 403 and "editor role" in reply.text


def test_unknown_dates_and_ids_are_404_and_bad_values_are_named(newsroom):
    client = newsroom.login()
    for path in ("/report/2099-01-01/zh", "/report/2026-04-17/fr", "/stories/yesterday",
                 f"/review/{DAY}/zh/diff?a=1&b=999", f"/report/{DAY}/zh/docx", "/nothing-here"):
        reply = client.get(path)
        assert reply.status_code == 404, path
        assert "<h1>Not found</h1>" in reply.text
    builds = client.get("/builds")
    assert builds.status_code == 200 and "<h1>Runs</h1>" in builds.text and "<h1>Builds</h1>" in builds.text
    bad = client.get("/search", params={"q": "OpenAI", "since": "17/04/2026"})
    assert bad.status_code == 400 and "expected a date as YYYY-MM-DD" in bad.text
    assert bad.text.index("expected a date") > bad.text.index('name="since"')  # next to its field


@pytest.fixture(scope="module")
def public_room(built_home, tmp_path_factory):
    home = tmp_path_factory.mktemp("public")
    with sqlite3.connect(built_home / "dailybrief.db") as src, sqlite3.connect(home / "dailybrief.db") as dst:
        src.backup(dst)
    config = (built_home / "dailybrief.toml").read_text("utf-8")
    config = config.replace("public = false", "public = true").replace("login_attempts = 5", "login_attempts = 3")
    (home / "dailybrief.toml").write_text(config, "utf-8")
    room = start_server(home)
    yield room
    stop_server(room)


def test_public_archive_is_read_only_and_logins_are_rate_limited(public_room):
    url = public_room.url
    assert httpx.get(url + "/", timeout=T).status_code == 200
    assert httpx.get(url + f"/report/{DAY}/zh", timeout=T).status_code == 200
    assert httpx.get(url + "/search", params={"q": "智能体"}, timeout=T).status_code == 200
    assert httpx.get(url + f"/stories/{DAY}", timeout=T).status_code == 303  # editors' pages still need a login
    assert httpx.get(url + "/sources", timeout=T).status_code == 303
    csrf = httpx.get(url + "/login", timeout=T).cookies["db_csrf"]

    def attempt(password: str) -> httpx.Response:
        return httpx.post(url + "/login", data={"name": "alice", "password": password, "csrf": csrf},
                          cookies={"db_csrf": csrf}, timeout=T)

    assert [attempt("wrong password").status_code for _ in range(3)] == [401, 401, 401]
    blocked = attempt(PASSWORD)
    assert blocked.status_code == 429 and "too many failed logins" in blocked.text
