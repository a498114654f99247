"""The standing hostile-input suite: each hostile source is collected by a real `dailybrief
collect` subprocess beside a good source, against the hostile server on 127.0.0.1.

Every case asserts: peak RSS under 500 MB and wall time under 60 s (measured on the subprocess),
no traceback, the good source's items stored (the rest of the run completed) and nothing leaked;
then what the hostile source should have become (cut, error with a reason, or items).
"""

from __future__ import annotations

import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dailybrief.store import Store
from dailybrief.store.sources import source_statuses

from .conftest import RSS_LIMIT_MB, TIME_LIMIT_S, WALL_LIMIT_S, make_home, run_measured
from .server import SECRET, HostileServer, bomb

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def collect(hostile: HostileServer, tmp_path: Path, path: str, case: str, **settings: object):
    home = make_home(tmp_path, {"hostile": hostile.url(path), "good": hostile.url("/good.xml")}, **settings)
    run = run_measured(["--home", str(home), "collect"], case=case)
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.peak_mb < RSS_LIMIT_MB, f"{case}: peak {run.peak_mb:.0f} MB"
    assert run.cpu_seconds < TIME_LIMIT_S and run.seconds < WALL_LIMIT_S, f"{case}: {run.seconds:.1f} s"
    assert run.returncode == 0, run.stdout + run.stderr
    with Store.open(home) as store:
        items = store.items()
        health = source_statuses(store, since=_epoch())
    good = [item for item in items if item.source == "good"]
    assert len(good) == 3, "the good source must still be collected"
    assert health["good"].last_error is None
    raw = Path(home / "dailybrief.db").read_bytes() if (home / "dailybrief.db").exists() else b""
    assert SECRET.encode() not in raw
    return home, [item for item in items if item.source == "hostile"], health["hostile"], run


def _epoch():
    from datetime import datetime, timezone

    return datetime(1970, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("kind", ["gzip", "deflate", "br"])
def test_compression_bomb_is_cut_at_the_size_cap(hostile, tmp_path, kind):
    bomb(kind)  # built (and cached) before the measured run, not while the collector waits
    _, items, health, _ = collect(hostile, tmp_path, f"/bomb/{kind}", f"{kind} bomb", max_bytes=2_000_000)
    assert items == []
    assert health.last_error and "not a feed" in health.last_error


def test_drip_feed_hits_the_request_deadline(hostile, tmp_path):
    _, items, health, run = collect(hostile, tmp_path, "/drip", "drip feed (1 byte/s)", request_deadline=3.0)
    assert items == [] and "request_deadline" in (health.last_error or "")
    assert run.seconds < 60  # the drip would go on for ten minutes


def test_drip_feed_hits_the_source_deadline(hostile, tmp_path):
    _, items, health, run = collect(
        hostile, tmp_path, "/drip", "drip feed, source deadline", request_deadline=120.0, source_deadline=3.0
    )
    assert items == [] and "source_deadline" in (health.last_error or "")
    assert run.seconds < 60


def test_endless_chunked_body_is_cut(hostile, tmp_path):
    _, items, health, run = collect(hostile, tmp_path, "/endless", "endless chunked body", max_bytes=3_000_000)
    assert [item.title for item in items] == ["Endless"]  # one URL: the cut body's entries, deduplicated
    assert health.last_error is None
    assert "cut" in run.stdout or "size cap" in run.stdout


def test_50_mb_feed_is_cut_at_the_size_cap(hostile, tmp_path):
    _, items, _, _ = collect(hostile, tmp_path, "/big50", "50 MB feed")
    assert [item.title for item in items] == ["Big entry about AI"]


def test_20000_entries_are_all_stored(hostile, tmp_path):
    _, items, health, _ = collect(hostile, tmp_path, "/many", "20,000 entries")
    assert len(items) == 20_000 and health.last_error is None


def test_billion_laughs_is_not_expanded(hostile, tmp_path):
    home, items, _, _ = collect(hostile, tmp_path, "/laughs", "billion laughs")
    assert all(len(item.title) + len(item.content) + len(item.summary) < 100_000 for item in items)
    assert (home / "dailybrief.db").stat().st_size < 5_000_000


def test_xxe_does_not_read_local_files(hostile, tmp_path):
    _, items, _, _ = collect(hostile, tmp_path, "/xxe", "XXE to a local file")
    assert all(SECRET not in f"{item.title} {item.content} {item.summary}" for item in items)


def test_truncated_feed_is_an_error_in_source_health(hostile, tmp_path):
    home, items, health, _ = collect(hostile, tmp_path, "/truncated", "truncated feed")
    assert items == [] and health.last_error and "no readable entries" in health.last_error
    listing = run_measured(["--home", str(home), "sources", "list"], case="sources list")
    assert listing.returncode == 0 and "no readable entries" in listing.stdout


class _Tags(HTMLParser):
    """Live markup a hostile item could have smuggled in: elements that run code, event
    handler attributes, script URLs, and script blocks other than the template's own."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("iframe", "object", "embed", "img") and any(n.startswith("on") for n, _ in attrs):
            self.bad.append(tag)
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append("")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith(("javascript:", "file:")):
                self.bad.append(f"{tag} {name}={value}")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def test_injection_in_every_field_stays_text(hostile, tmp_path):
    home, items, _, _ = collect(hostile, tmp_path, "/inject", "injection: collect")
    assert len(items) == 3
    for item in items:
        for text in (item.title, item.content, item.summary):
            assert not CONTROL.search(text), repr(text)
            assert "<script" not in text.lower() and "javascript:" not in text.lower()
    con = sqlite3.connect(home / "dailybrief.db")
    try:
        stored = " ".join(" ".join(row) for row in con.execute("select title, content, summary, source from items"))
    finally:
        con.close()
    assert not CONTROL.search(stored)
    listing = run_measured(["--home", str(home), "items", "--date", "2026-04-17"], case="injection: items")
    assert listing.returncode == 0 and "Traceback" not in listing.stderr, listing.stderr[-2000:]
    assert "OpenAI releases GPT model" in listing.stdout and not CONTROL.search(listing.stdout)
    out = tmp_path / "out"
    run = run_measured(["--home", str(home), "build", "--date", "2026-04-17",
                        "--out", str(out), "--lang", "en"], case="injection: build", timeout=180)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stdout + run.stderr[-3000:]
    assert run.peak_mb < RSS_LIMIT_MB and run.cpu_seconds < TIME_LIMIT_S and run.seconds < WALL_LIMIT_S
    day = out / "2026-04-17"
    assert "inject-" in (day / "report.json").read_text("utf-8"), "the hostile items must reach the report"
    for name in ("report.md", "report.html", "report.txt", "report.json", "report.wechat.html"):
        path = day / name
        if path.exists():
            assert not CONTROL.search(path.read_text("utf-8")), name
    for name in ("report.html", "report.wechat.html"):
        if (day / name).exists():
            tags = _Tags()
            tags.feed((day / name).read_text("utf-8"))
            assert tags.bad == [], name
            assert len(tags.scripts) <= 1 and not any("alert(" in code for code in tags.scripts), name
    from subprocess import run as sub

    text = sub(["pdftotext", str(day / "report.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "root:x:0" not in text and SECRET not in text
    assert "OpenAI" in text
