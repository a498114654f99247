"""A paused source is skipped by `collect` until it is resumed (two feeds on 127.0.0.1)."""

from __future__ import annotations

from pytest_httpserver import HTTPServer

from .conftest import cli

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{name}</title><link>http://127.0.0.1/</link><description>d</description>
<item><title>{name}: OpenAI updates the Agents SDK</title><link>{base}/{name}/a1</link>
<pubDate>Thu, 16 Apr 2026 10:00:00 +0000</pubDate>
<description>OpenAI added native sandbox execution to the Agents SDK, so agents run tools more safely.</description></item>
</channel></rss>"""


def test_paused_source_is_skipped_until_resumed(tmp_path, httpserver: HTTPServer):
    base = httpserver.url_for("").rstrip("/")
    for name in ("alpha", "beta"):
        httpserver.expect_request(f"/{name}.xml").respond_with_data(RSS.format(name=name, base=base),
                                                                    content_type="application/rss+xml")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    (tmp_path / "dailybrief.toml").write_text("[collect]\nallow_private = true\n", "utf-8")
    for name in ("alpha", "beta"):
        added = cli(tmp_path, "sources", "add", name, f"{base}/{name}.xml", "--kind", "rss")
        assert added.returncode == 0, added.stderr
    paused = cli(tmp_path, "sources", "pause", "beta")
    assert paused.returncode == 0 and "collect skips it" in paused.stdout
    assert cli(tmp_path, "collect").returncode == 0
    fetched = [req.path for req, _ in httpserver.log]
    assert "/alpha.xml" in fetched and "/beta.xml" not in fetched
    assert "no source named 'gamma'" in cli(tmp_path, "sources", "pause", "gamma").stderr
    assert cli(tmp_path, "sources", "resume", "beta").returncode == 0
    assert "is not paused" in cli(tmp_path, "sources", "resume", "beta").stderr
    assert cli(tmp_path, "collect").returncode == 0
    assert "/beta.xml" in [req.path for req, _ in httpserver.log]
