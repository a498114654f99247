import sqlite3
from datetime import timezone

import pytest

from dailybrief.errors import InputError
from dailybrief.importer import import_file
from itemfiles import item, write_jsonl


def test_bad_lines_are_reported_with_number_and_reason_and_good_ones_stored(tmp_path, store):
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            item("https://example.com/a", "Good one"),
            "{not json",
            item("https://example.com/b", "No date", published=None),
            item("ftp://example.com/c", "Wrong scheme"),
            {"url": "https://example.com/d", "title": "Bad kind", "published": "2026-04-16T01:00:00Z", "source_kind": "tweet"},
            item("https://example.com/e", "Bad time", published="yesterday"),
            [1, 2, 3],
            "",
            item("https://example.com/f", "Good two", score="12", comments=3),
        ],
    )
    result = import_file(store, path)
    assert result.counts.added == 2
    reasons = {r.line: r.reason for r in result.rejected}
    assert set(reasons) == {2, 3, 4, 5, 6, 7}
    assert "invalid JSON" in reasons[2]
    assert "published" in reasons[3]
    assert "http" in reasons[4]
    assert "source_kind" in reasons[5]
    assert "ISO 8601" in reasons[6]
    assert "object" in reasons[7]
    stored = {i.url: i for i in store.items()}
    assert stored["https://example.com/f"].score == 12 and stored["https://example.com/f"].comments == 3


def test_import_is_idempotent_and_keyed_by_canonical_url(tmp_path, store):
    rows = [
        item("https://Example.com/story/?utm_source=tw", "Story", content="Body text."),
        item("https://example.com/story#comments", "Story", content="Body text."),
        item("https://news.ycombinator.com/item?id=1", "HN one"),
        item("https://news.ycombinator.com/item?id=2&utm_medium=x", "HN two"),
    ]
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    first = import_file(store, path)
    assert (first.counts.added, first.counts.unchanged) == (3, 1)
    second = import_file(store, path)
    assert (second.counts.added, second.counts.updated, second.counts.unchanged) == (0, 0, 4)
    assert sorted(i.url for i in store.items()) == [
        "https://example.com/story",
        "https://news.ycombinator.com/item?id=1",
        "https://news.ycombinator.com/item?id=2",
    ]


def test_changed_entry_updates_its_row(tmp_path, store):
    import_file(store, write_jsonl(tmp_path / "a.jsonl", [item("https://example.com/a", "Old title", score=1)]))
    result = import_file(store, write_jsonl(tmp_path / "b.jsonl", [item("https://example.com/a", "New title", score=1)]))
    assert (result.counts.added, result.counts.updated) == (0, 1)
    result = import_file(store, write_jsonl(tmp_path / "c.jsonl", [item("https://example.com/a", "New title", score=9)]))
    assert result.counts.updated == 1
    [stored] = store.items()
    assert stored.title == "New title" and stored.score == 9


def test_times_are_stored_in_utc(tmp_path, store):
    import_file(store, write_jsonl(tmp_path / "in.jsonl", [
        item("https://example.com/a", "Shanghai", published="2026-04-16T08:30:00+08:00"),
        item("https://example.com/b", "Zulu", published="2026-04-16T00:45:00Z"),
        item("https://example.com/c", "Naive", published="2026-04-16T01:00:00"),
    ]))
    by_title = {i.title: i.published for i in store.items()}
    assert by_title["Shanghai"].utcoffset().total_seconds() == 0
    assert by_title["Shanghai"].hour == 0 and by_title["Shanghai"].minute == 30
    assert by_title["Zulu"].tzinfo is not None and by_title["Zulu"].astimezone(timezone.utc).minute == 45
    assert by_title["Naive"].hour == 1  # naive times are taken as UTC


def test_extra_fields_are_kept(tmp_path, store):
    import_file(store, write_jsonl(tmp_path / "in.jsonl", [item("https://example.com/a", "T", story="gold-1")]))
    [stored] = store.items()
    assert stored.extra == {"story": "gold-1"}


def test_html_in_text_is_cleaned(tmp_path, store):
    import_file(store, write_jsonl(tmp_path / "in.jsonl", [
        item("https://example.com/a", "<b>Bold</b> title", content="<p>Hi<script>alert(1)</script></p>")
    ]))
    [stored] = store.items()
    assert stored.title == "Bold title" and stored.content == "Hi"


@pytest.mark.parametrize("make", ["missing", "folder", "binary"])
def test_unreadable_file_is_one_clear_error(tmp_path, store, make):
    path = tmp_path / "x.jsonl"
    if make == "folder":
        path.mkdir()
    elif make == "binary":
        path.write_bytes(b"\xff\xfe\x00garbage\x80")
    with pytest.raises(InputError) as caught:
        import_file(store, path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_failed_import_loses_nothing(tmp_path, store):
    import_file(store, write_jsonl(tmp_path / "a.jsonl", [item("https://example.com/a", "Kept")]))
    with pytest.raises(InputError):
        import_file(store, tmp_path / "missing.jsonl")
    # A database locked by another writer makes the whole import fail, and rolls it back.
    blocker = sqlite3.connect(store.path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        store.engine.dispose()
        with pytest.raises(Exception):  # noqa: B017 - whichever error the driver raises
            import_file(store, write_jsonl(tmp_path / "b.jsonl", [item("https://example.com/b", "New")]))
    finally:
        blocker.rollback()
        blocker.close()
    assert [i.title for i in store.items()] == ["Kept"]
