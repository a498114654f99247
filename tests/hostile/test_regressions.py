"""One regression test per bug and weakness of issue 14 that the subprocess suite
(test_suite.py) does not already reproduce; each failed on the code before its fix."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import httpx
import pytest

from dailybrief.collect.http import FetchError, make_client
from dailybrief.collect.safety import is_public_address
from dailybrief.config import CollectSettings, ReportSettings
from dailybrief.importer import import_file
from dailybrief.process.normalise import canonical_url, clean_text
from dailybrief.process.window import report_window
from dailybrief.render import load_report, render_report
from dailybrief.render.context import write_atomic

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_REPORT = ROOT / "tests" / "data" / "report-sample.json"
GOOD = {"url": "https://example.com/good", "title": "Good line", "published": "2026-04-16T10:00:00Z"}


def _line(**fields: object) -> str:
    return json.dumps({**GOOD, **fields}, ensure_ascii=False)


# -- 1: bombs are decoded with an output limit ----------------------------------------------


def test_bounded_decoder_never_returns_more_than_the_cap():
    from dailybrief.collect.decompress import BoundedDecoder

    comp = brotli.Compressor(quality=5)
    bomb = b"".join(comp.process(b"\0" * (1 << 20)) for _ in range(1024)) + comp.finish()  # 1 GiB
    decoder = BoundedDecoder("br", 1_000_000)
    got = sum(len(decoder.feed(bomb[i : i + 512])) for i in range(0, len(bomb), 512) if not decoder.overflow)
    assert got == 1_000_000 and decoder.overflow


# -- 4: import keeps the good lines whatever the bad ones hold ------------------------------

HOSTILE_LINES = {
    "year 1 shifted": _line(url="https://example.com/y1", published="0001-01-01T00:00:00+05:00"),
    "year 9999 shifted": _line(url="https://example.com/y9", published="9999-12-31T23:00:00-05:00"),
    "score Infinity": '{"url": "https://example.com/inf", "title": "T", "published": "2026-04-16T10:00:00Z", "score": Infinity}',
    "score NaN": '{"url": "https://example.com/nan", "title": "T", "published": "2026-04-16T10:00:00Z", "score": NaN}',
    "huge integer": '{"url": "https://example.com/big", "title": "T", "published": "2026-04-16T10:00:00Z", "score": '
    + "9" * 5000 + "}",
    "deep nesting": '{"url": "https://example.com/deep", "title": "T", "published": "2026-04-16T10:00:00Z", "x": '
    + "[" * 100_000 + "]" * 100_000 + "}",
    "comments 1e300": _line(url="https://example.com/e300", comments=1e300),
    "score 2**70": _line(url="https://example.com/p70", score=2**70),
    "lone surrogate in title": '{"url": "https://example.com/sur", "title": "bad \\ud800 title", "published": "2026-04-16T10:00:00Z"}',
    "lone surrogate in extra": '{"url": "https://example.com/sux", "title": "T", "published": "2026-04-16T10:00:00Z", "note": "\\udfff"}',
    "lone surrogate in url": '{"url": "https://example.com/\\ud800", "title": "T", "published": "2026-04-16T10:00:00Z"}',
    "url too long": _line(url="https://example.com/" + "u" * 40_000),
    "title not a string": _line(url="https://example.com/ts", title={"a": 1}),
}


def test_import_rejects_each_hostile_line_and_stores_the_good_ones(tmp_path, store):
    lines = [_line(url="https://example.com/first")] + list(HOSTILE_LINES.values()) + [_line(url="https://example.com/last")]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = import_file(store, path)
    stored = {item.url for item in store.items()}
    assert {"https://example.com/first", "https://example.com/last"} <= stored
    # A lone surrogate in the title is removed (like a control character); in a URL it is
    # percent-encoded: both lines are stored. Every other hostile line is rejected, alone.
    assert "https://example.com/sur" in stored and "https://example.com/%ED%A0%80" in stored
    rejected_lines = {r.line for r in result.rejected}
    names = list(HOSTILE_LINES)
    expected = {names.index(n) + 2 for n in names if not n.startswith(("lone surrogate in title", "lone surrogate in url"))}
    assert rejected_lines == expected, result.rejected
    assert all("\n" not in r.reason and len(r.reason) < 400 for r in result.rejected)


def test_import_cuts_long_fields_and_rejects_huge_lines(tmp_path, store):
    path = tmp_path / "in.jsonl"
    rows = [
        _line(url="https://example.com/long", title="T" * 5000, content="c" * 2_000_000),
        _line(url="https://example.com/huge", content="h" * 9_000_000),
        _line(url="https://example.com/after"),
    ]
    path.write_text("\n".join(rows) + "\n", "utf-8")
    result = import_file(store, path)
    items = {item.url: item for item in store.items()}
    assert len(items["https://example.com/long"].title) == 1000
    assert len(items["https://example.com/long"].content) == 500_000
    assert "truncated" in items["https://example.com/long"].extra
    assert [r.line for r in result.truncated] == [1]
    assert "https://example.com/huge" not in items and "https://example.com/after" in items
    assert [(r.line, "longer than" in r.reason) for r in result.rejected] == [(2, True)]


def test_import_applies_the_collector_sanitiser(tmp_path, store):
    path = tmp_path / "in.jsonl"
    path.write_text(
        _line(
            title="&lt;script&gt;alert(1)&lt;/script&gt;Real title \x1b[31m\u202e",
            content="See javascript:alert(1) and &lt;img src=x onerror=alert(2)&gt; here.",
            source="<b>Source</b>\x07 name",
        )
        + "\n",
        "utf-8",
    )
    import_file(store, path)
    (item,) = store.items()
    assert "<script" not in item.title and "\x1b" not in item.title and "\u202e" not in item.title
    assert "Real title" in item.title
    assert "javascript:" not in item.content.lower() and "<img" not in item.content
    assert item.source == "Source name"


# -- 5: a URL too long for a link does not fail the PDF -------------------------------------


def test_long_reference_url_is_printed_without_a_link(tmp_path):
    report = load_report(SAMPLE_REPORT)
    report.references[0].url = "https://example.com/" + "a" * 10_000
    result = render_report(report, tmp_path, formats=["pdf"])
    assert result.ok, result.errors
    text = subprocess.run(["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = "".join(text.replace("\u200b", "").split())
    assert "example.com/" + "a" * 100 in flat and "a" * 1000 not in flat  # shown shortened


# -- 8: dates outside a sane range ----------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "items", "stories"])
def test_date_out_of_range_is_one_line(tmp_path, command):
    proc = subprocess.run([sys.executable, "-m", "dailybrief", "--home", str(tmp_path), command, "--date", "0001-01-01"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "0001-01-01" in proc.stderr and "range" in proc.stderr


def test_report_window_refuses_dates_that_overflow():
    with pytest.raises(ValueError, match="outside the supported range"):
        report_window(date(1, 1, 1), ReportSettings(timezone="Asia/Shanghai"))
    start, end = report_window(date(2026, 4, 17), ReportSettings())
    assert end > start


# -- 9: IPv6 literals keep their brackets ---------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [("http://[::1]:8080/x", "http://[::1]:8080/x"), ("https://[2001:DB8::1]/a/", "https://[2001:db8::1]/a"),
     ("http://[::ffff:127.0.0.1]:80/", "http://[::ffff:127.0.0.1]")],
)
def test_canonical_url_keeps_ipv6_brackets(url, expected):
    assert canonical_url(url) == expected
    httpx.URL(canonical_url(url))  # and it is a URL a client can fetch


# -- weaknesses: IPv4 inside IPv6, site-local -----------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["2002:7f00:1::1", "2002:a9fe:a9fe::", "2002:0a00:0001::5", "fec0::1", "feff::1", "64:ff9b::7f00:1",
     "64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1", "2001:0:4136:e378:8000:63bf:80ff:fffe", "::127.0.0.1"],
)
def test_ipv6_forms_of_private_addresses_are_private(address):
    assert is_public_address(address) is False


@pytest.mark.parametrize("address", ["2002:0808:0808::1", "64:ff9b::808:808", "2606:4700::1111"])
def test_public_ipv6_forms_stay_public(address):
    assert is_public_address(address) is True


# -- weakness: DNS rebinding between the check and the connection --------------------------


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = b"internal secret"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


def test_dns_rebinding_to_loopback_is_refused(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    real = socket.getaddrinfo
    answers = iter(["93.184.215.14"])  # first answer public (the guard's look-up), then loopback

    def rebinding(host, port, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if host in ("rebind.test", b"rebind.test"):  # anyio passes the name IDNA-encoded
            address = next(answers, "127.0.0.1")
            return real(address, port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)

    async def go():
        async with make_client(CollectSettings(retries=0, connect_timeout=2)) as http:
            return await http.get(f"http://rebind.test:{server.server_address[1]}/")

    try:
        with pytest.raises(FetchError, match="private, loopback"):
            asyncio.run(go())
    finally:
        server.shutdown()
        server.server_close()


# -- weakness: redirects into private space, every spelling --------------------------------

PRIVATE_SPELLINGS = [
    "http://127.0.0.1/", "http://localhost/", "http://0x7f000001/", "http://2130706433/", "http://0177.0.0.1/",
    "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[2002:7f00:1::1]/", "http://[64:ff9b::a9fe:a9fe]/",
    "http://169.254.169.254/latest/meta-data/", "http://[fec0::1]/", "http://10.0.0.1/", "http://[fe80::1]/",
]


@pytest.mark.parametrize("target", PRIVATE_SPELLINGS)
def test_redirect_into_private_space_is_refused(monkeypatch, target):
    real = socket.getaddrinfo
    seen: list[str] = []

    def dns(host, port, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if host in ("news.example", b"news.example"):
            return real("93.184.215.14", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host)
        return httpx.Response(302, headers={"Location": target})

    monkeypatch.setattr(socket, "getaddrinfo", dns)

    async def go():
        async with make_client(CollectSettings(retries=0), transport=httpx.MockTransport(handler)) as http:
            return await http.get("https://news.example/feed")

    with pytest.raises(FetchError, match="private|resolve"):
        asyncio.run(go())
    assert seen == ["news.example"]  # the private target was never requested


# -- weaknesses: control characters, temp files, file modes --------------------------------


def test_control_characters_are_stripped_from_text():
    assert clean_text("a\x1b[31mb\x07c\x00d\u202ee&#27;f\x9bg") == "a[31mbcdefg"


def test_written_text_files_carry_no_control_characters(tmp_path):
    path = write_atomic(tmp_path / "report.txt", "title \x1b]8;;file:///etc/passwd\x07x\n")
    assert path.read_text("utf-8") == "title ]8;;file:///etc/passwdx\n"


def test_leftover_temp_files_are_removed_at_the_next_render(tmp_path):
    report = load_report(SAMPLE_REPORT)
    old = tmp_path / ".report.pdf.ab12_xyz"  # the name a killed build left before this fix
    old.write_bytes(b"")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = tmp_path / f".report.md.{dead.pid}.k3j4h5g6"
    orphan.write_bytes(b"half")
    running = tmp_path / f".report.html.{os.getpid()}.q1w2e3r4"  # a build still writing
    running.write_bytes(b"")
    render_report(report, tmp_path, formats=["txt"])
    assert not old.exists() and not orphan.exists() and running.exists()


def test_report_files_are_world_readable_and_the_mode_is_configurable(tmp_path):
    report = load_report(SAMPLE_REPORT)
    render_report(report, tmp_path / "a", formats=["md", "txt"])
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "a").glob("report.*")} == {0o644}
    render_report(report, tmp_path / "b", formats=["md"], file_mode=0o640)
    assert stat.S_IMODE((tmp_path / "b" / "report.md").stat().st_mode) == 0o640
    with pytest.raises(ValueError):
        ReportSettings(file_mode="rw-r--r--")
