"""The `deliveries` table: what each channel was sent for each date, one row per part.

A row is keyed by (date, channel, part). `publish` sends only the parts whose row is not
`sent`, so a re-run after a failure sends what is missing and never posts a part twice.
Created by migration `publish_0001_deliveries` (store/migrations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import (
    Column,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)

from . import Store
from .items import now_iso
from .schema import metadata

DeliveryStatus = Literal["sent", "failed", "skipped"]

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("date", String, nullable=False, index=True),  # edition date, YYYY-MM-DD
    Column("channel", String, nullable=False),  # the configured channel name
    Column("part", Integer, nullable=False),  # 1-based
    Column("total", Integer, nullable=False),
    Column("label", String, nullable=False, default=""),
    Column("status", String, nullable=False),  # sent | failed | skipped
    Column("remote_id", Text),  # what the service answered (message id, media_id, ...)
    Column("error", Text),  # one line, secrets removed
    Column("note", Text),  # e.g. "account not verified (48001): saved as a draft"
    Column("digest", String, nullable=False, default=""),  # sha256 prefix of the body sent
    Column("attempts", Integer, nullable=False, default=0),
    Column("updated", String, nullable=False),
    UniqueConstraint("date", "channel", "part"),
)


@dataclass
class Delivery:
    """One row of `deliveries`, as `publish --status` shows it."""

    date: str
    channel: str
    part: int
    total: int
    label: str
    status: str
    remote_id: str | None
    error: str | None
    note: str | None
    digest: str
    attempts: int
    updated: str


def sent_parts(store: Store, date: str, channel: str) -> set[int]:
    """Part numbers already delivered for this date and channel."""
    table = deliveries
    query = select(table.c.part).where(
        (table.c.date == date) & (table.c.channel == channel) & (table.c.status == "sent")
    )
    with store.engine.connect() as conn:
        return set(conn.execute(query).scalars())


def record_delivery(
    store: Store,
    date: str,
    channel: str,
    part: int,
    total: int,
    status: DeliveryStatus,
    *,
    label: str = "",
    remote_id: str | None = None,
    error: str | None = None,
    note: str | None = None,
    digest: str = "",
    attempts: int = 0,
) -> None:
    """Insert or replace the row of (date, channel, part); attempts add up over runs."""
    table = deliveries
    key = (table.c.date == date) & (table.c.channel == channel) & (table.c.part == part)
    values = {
        "total": total, "label": label, "status": status, "remote_id": remote_id, "error": error, "note": note,
        "digest": digest, "updated": now_iso(),
    }
    with store.engine.begin() as conn:
        before = conn.execute(select(table.c.attempts).where(key)).scalar_one_or_none()
        if before is None:
            conn.execute(table.insert().values(date=date, channel=channel, part=part, attempts=attempts, **values))
        else:
            conn.execute(table.update().where(key).values(attempts=before + attempts, **values))


def list_deliveries(store: Store, date: str | None = None) -> list[Delivery]:
    """Rows for one date (all dates when None), by date, channel and part."""
    table = deliveries
    query = select(table).order_by(table.c.date, table.c.channel, table.c.part)
    if date:
        query = query.where(table.c.date == date)
    with store.engine.connect() as conn:
        return [Delivery(**{k: v for k, v in row._mapping.items() if k != "id"}) for row in conn.execute(query)]
