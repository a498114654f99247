"""`store.items.item_rows` (what parse workers send back) holds `_item_row`'s values."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dailybrief.models import Item, Mirror
from dailybrief.store import _item_row
from dailybrief.store.items import ITEM_COLUMNS, item_rows

UTC = timezone.utc


def test_item_rows_equal_item_row():
    now = datetime(2025, 1, 6, 8, 30, 15, 123456, tzinfo=UTC)
    items = [
        Item(url="https://a.example/1", title="T", published=now, fetched=now, lang="en", content="body"),
        Item(url="https://a.example/2", title="标题", published=now - timedelta(hours=3), fetched=now,
             summary="摘要 & more", source="s", source_kind="news", score=5, comments=2,
             extra={"guid": "g-2", "date_guessed": True, "z": [1, "二"]}),
        Item(url="https://a.example/3", title="M", published=now.astimezone(timezone(timedelta(hours=8))),
             mirrors=[Mirror(url="https://b.example/3", source="b", title="M b")], extra={"k": None}),
        Item(url="https://a.example/4", title="no fetch time", published=now, fetched=None),
    ]
    rows = item_rows(items)
    for item, row in zip(items, rows, strict=True):
        assert row[: len(ITEM_COLUMNS)] == tuple(_item_row(item).values())
        assert row[len(ITEM_COLUMNS)] is bool(item.extra.get("date_guessed"))
    assert ITEM_COLUMNS == tuple(_item_row(items[0]))
