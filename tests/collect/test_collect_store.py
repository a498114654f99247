"""store.sources: collect writes agree with Store.upsert_items; validators and health."""

from __future__ import annotations

from datetime import datetime, timezone

from dailybrief.models import Item
from dailybrief.store import Store
from dailybrief.store import sources as source_store

WHEN = datetime(2025, 1, 6, tzinfo=timezone.utc)


def make(url: str, title: str, content: str = "body") -> Item:
    return Item(url=url, title=title, published=WHEN, source="s", content=content)


def test_collect_writes_match_store_upsert(tmp_path):
    first = [make("https://e.com/1", "a"), make("https://e.com/2", "b")]
    second = [make("https://e.com/1", "a"), make("https://e.com/2", "b edited"), make("https://e.com/3", "c")]

    def via_collect(store, items):
        write = source_store.SourceWrite(name="s", items=items, when=WHEN, ok=True)
        return source_store.save_fetches(store, [write])[0]

    results = []
    for name, upsert in (("plain", Store.upsert_items), ("collect", via_collect)):
        with Store.open(tmp_path / name) as store:
            counts = [upsert(store, first), upsert(store, second)]
            results.append(([(c.added, c.updated, c.unchanged) for c in counts], [(i.url, i.title) for i in store.items()]))
    assert results[0] == results[1]
    assert results[1][0] == [(2, 0, 0), (1, 1, 1)]


def test_validators_and_health(tmp_path):
    from dailybrief.config import SourceSpec

    with Store.open(tmp_path) as store:
        source_store.sync_config_sources(store, [SourceSpec(name="a", kind="rss", url="https://e.com/f")])
        source_store.record_success(store, "a", WHEN, '"e1"', "Mon, 06 Jan 2025 00:00:00 GMT")
        source_store.record_failure(store, "a", "boom")
        source_store.record_failure(store, "a", "boom again")
        assert source_store.validators(store) == {"a": ('"e1"', "Mon, 06 Jan 2025 00:00:00 GMT")}
        status = source_store.source_statuses(store, WHEN)["a"]
        assert (status.failures, status.last_error) == (2, "boom again")
        source_store.record_success(store, "a", WHEN, None, None)  # a 304 keeps the validators
        assert source_store.validators(store)["a"][0] == '"e1"'
        assert source_store.source_statuses(store, WHEN)["a"].failures == 0
        source_store.sync_config_sources(store, [])
        assert source_store.validators(store) == {}
