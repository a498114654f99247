from datetime import date, datetime, timezone

from dailybrief.config import ReportSettings
from dailybrief.importer import import_file
from dailybrief.process.window import report_window
from itemfiles import item, write_jsonl


def test_window_ends_at_the_cutoff_in_the_configured_zone():
    start, end = report_window(date(2026, 4, 17), ReportSettings())
    assert end == datetime(2026, 4, 17, 0, 0, tzinfo=timezone.utc)  # 08:00 Asia/Shanghai
    assert start == datetime(2026, 4, 16, 0, 0, tzinfo=timezone.utc)


def test_window_hours_and_zone_are_configurable():
    settings = ReportSettings(timezone="America/New_York", cutoff="06:30", window_hours=12)
    start, end = report_window(date(2026, 7, 1), settings)
    assert end == datetime(2026, 7, 1, 10, 30, tzinfo=timezone.utc)  # EDT is UTC-4
    assert (end - start).total_seconds() == 12 * 3600
    _, end = report_window(date(2026, 7, 1), settings, hours=48)
    assert end == datetime(2026, 7, 1, 10, 30, tzinfo=timezone.utc)


def test_items_around_the_cutoff(tmp_path, store):
    rows = [
        item("https://example.com/before-start", "a", published="2026-04-16T07:59:59+08:00"),
        item("https://example.com/at-start", "b", published="2026-04-16T08:00:00+08:00"),
        item("https://example.com/last-minute", "c", published="2026-04-17T07:59:00+08:00"),
        item("https://example.com/at-cutoff", "d", published="2026-04-17T08:00:00+08:00"),
        item("https://example.com/utc-inside", "e", published="2026-04-16T23:30:00Z"),
    ]
    import_file(store, write_jsonl(tmp_path / "in.jsonl", rows))
    start, end = report_window(date(2026, 4, 17), ReportSettings())
    assert sorted(i.title for i in store.items(start, end)) == ["b", "c", "e"]
