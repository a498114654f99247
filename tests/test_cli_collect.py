"""The collecting commands as a user runs them, against a feed served on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pytest_httpserver import HTTPServer

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Loopback AI</title><link>http://127.0.0.1/</link><description>d</description>
<item><title>OpenAI updates the Agents SDK</title><link>{base}/a1</link>
<pubDate>Thu, 16 Apr 2026 10:00:00 +0000</pubDate>
<description>OpenAI added native sandbox execution to the Agents SDK and separated the harness from compute, so agents can run across files and tools more safely.</description></item>
<item><title>NVIDIA launches Ising open models for quantum computing</title><link>{base}/a2?utm_source=rss</link>
<pubDate>Thu, 16 Apr 2026 12:00:00 +0000</pubDate>
<description>NVIDIA released Ising, open AI models for calibrating quantum processors and decoding quantum error correction on GPUs, with training recipes and data.</description></item>
</channel></rss>"""


def run(home, *args, rc=0):
    proc = subprocess.run([sys.executable, "-m", "dailybrief", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == rc, proc.stdout + proc.stderr
    return proc


@pytest.fixture
def feed(httpserver: HTTPServer):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_data(RSS.format(base=base), content_type="application/rss+xml")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    for path in ("/a1", "/a2"):
        httpserver.expect_request(path).respond_with_data("<html><body><p>teaser</p></body></html>", content_type="text/html")
    return httpserver.url_for("/feed.xml")


def test_sources_add_collect_list_build(tmp_path, feed):
    home = tmp_path / "home"
    # only the loopback source: a config with no default sources
    home.mkdir()
    (home / "dailybrief.toml").write_text("sources = []\n[collect]\nallow_private = true\n", "utf-8")
    assert "added loop (rss)" in run(home, "sources", "add", "loop", feed, "--kind", "rss", "--lang", "en").stdout
    run(home, "sources", "add", "loop", feed, "--kind", "rss", rc=1)
    tested = run(home, "sources", "test", "loop").stdout
    assert "OpenAI updates the Agents SDK" in tested and "2 items" in tested

    first = run(home, "collect").stdout
    assert "loop" in first
    items = run(home, "items", "--json").stdout
    assert "OpenAI updates the Agents SDK" in items and "utm_source" not in items

    listed = run(home, "sources", "list").stdout
    assert "loop" in listed
    opml = run(home, "sources", "export-opml").stdout
    assert "<opml" in opml and feed.replace("&", "&amp;") in opml

    built = run(home, "run", "--date", "2026-04-17").stdout
    assert "report.pdf" in built
    assert "removed loop" in run(home, "sources", "remove", "loop").stdout


def test_collect_fails_only_when_every_source_fails(tmp_path, httpserver: HTTPServer):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dailybrief.toml").write_text("sources = []\n[collect]\nallow_private = true\nretries = 0\n", "utf-8")
    httpserver.expect_request("/gone.xml").respond_with_data("nope", status=404)
    run(home, "sources", "add", "gone", httpserver.url_for("/gone.xml"), "--kind", "rss")
    proc = run(home, "collect", rc=1)
    assert "gone" in proc.stdout
