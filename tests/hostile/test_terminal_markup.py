"""Text from items, sources and servers is printed as written, never as rich markup (issue 14,
bug 3): a title or URL holding `[/]` must not crash a command, `[link=...]` must not become a
terminal hyperlink, and control characters must not reach the terminal."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer

from clirun import run_cli

CLOSE_TAG = "Model [/] ships [bold]today"
LINK = "[link=file:///etc/passwd]click me[/link]"
ESCAPE = "Title \x1b]8;;file:///etc/passwd\x07with a hidden link"


def run(home, *args, rc=0, force_color=False):
    env = {"COLUMNS": "300"}  # no wrapping, so each string can be found whole
    if force_color:
        env["FORCE_COLOR"] = "1"  # rich then writes styles and hyperlinks as it would to a terminal
    return run_cli(home, *args, rc=rc, **env)


def write_items(path, titles):
    rows = [
        {"url": f"https://example.com/{n}", "title": title, "published": "2026-04-16T10:00:00Z", "source": title}
        for n, title in enumerate(titles)
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), "utf-8")
    return path


def test_items_prints_titles_literally(tmp_path):
    home = tmp_path / "home"
    run(home, "import", str(write_items(tmp_path / "in.jsonl", [CLOSE_TAG, LINK, ESCAPE])))
    out = run(home, "items", force_color=True).stdout
    assert "Traceback" not in out
    assert "[/]" in out and "[bold]today" in out  # shown, not interpreted
    assert "[link=file:///etc/passwd]click me" in out
    assert "\x1b]8;" not in out  # no OSC 8 hyperlink, neither from markup nor smuggled in raw
    assert "\x07" not in out


@pytest.fixture
def failing(httpserver: HTTPServer) -> str:
    """A feed URL holding `[/]` that answers 404, so the error text holds `[/]` too."""
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/x[/]").respond_with_data("gone", status=404)
    return httpserver.url_for("/x[/]")


def test_collect_summary_and_sources_list_survive_markup_in_errors(tmp_path, failing):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dailybrief.toml").write_text("sources = []\n[collect]\nallow_private = true\n", "utf-8")
    run(home, "sources", "add", "bad [/] name", failing, "--kind", "rss")
    collected = run(home, "collect", rc=1)  # the only source failed
    assert "Traceback" not in collected.stdout + collected.stderr
    assert "bad [/] name" in collected.stdout and "HTTP 404" in collected.stdout
    listed = run(home, "sources", "list", "--verbose")
    assert "Traceback" not in listed.stdout + listed.stderr
    assert "bad [/] name" in listed.stdout and "/x[/]: HTTP 404" in listed.stdout
