"""Review state and versions of reports.

Every version of a report body is kept (`report_versions`, numbered per date and language): the
builds as they were seen and every editor's edit, with who and when and what the verifier
flagged in the edited sentences. `report_reviews` holds the current state of a report
(draft | in_review | approved | published) and the digest of the version the state refers to,
so a rebuild after approval is not silently approved; `review_events` is the history.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)

from . import now_iso, schema
from .schema import metadata

STATES = ("draft", "in_review", "approved", "published")

report_versions = Table(
    "report_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("date", String, nullable=False),
    Column("language", String, nullable=False),
    Column("version", Integer, nullable=False),
    Column("digest", String, nullable=False),  # sha256 of the report body
    Column("body", Text, nullable=False),  # report.json
    Column("author", String, nullable=False, default=""),  # "" for a build
    Column("created", String, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("flags", Text, nullable=False, default="[]"),  # JSON: verifier findings on edited sentences
    UniqueConstraint("date", "language", "version"),
)

report_reviews = Table(
    "report_reviews",
    metadata,
    Column("date", String, primary_key=True),
    Column("language", String, primary_key=True),
    Column("state", String, nullable=False),
    Column("digest", String, nullable=False, default=""),  # the version the state refers to
    Column("updated", String, nullable=False),
    Column("actor", String, nullable=False, default=""),
    Column("reason", Text, nullable=False, default=""),
    Column("approved_by", String),
    Column("approved_at", String),
)

review_events = Table(
    "review_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("date", String, nullable=False, index=True),
    Column("language", String, nullable=False),
    Column("state", String, nullable=False),
    Column("actor", String, nullable=False, default=""),
    Column("at", String, nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("version", Integer),
)


def digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass
class Version:
    date: str
    language: str
    version: int
    digest: str
    body: str
    author: str
    created: str
    note: str = ""
    flags: list[dict] = field(default_factory=list)


@dataclass
class ReviewRow:
    date: str
    language: str
    state: str
    digest: str
    updated: str
    actor: str = ""
    reason: str = ""
    approved_by: str | None = None
    approved_at: str | None = None


def _version(row) -> Version:
    return Version(row.date, row.language, row.version, row.digest, row.body, row.author, row.created,
                   row.note, json.loads(row.flags))


def versions(conn: Connection, date: str, language: str) -> list[Version]:
    """Every version of a report, oldest first."""
    t = report_versions
    query = select(t).where((t.c.date == date) & (t.c.language == language)).order_by(t.c.version)
    return [_version(r) for r in conn.execute(query)]


def latest_version(conn: Connection, date: str, language: str) -> Version | None:
    t = report_versions
    query = (select(t).where((t.c.date == date) & (t.c.language == language))
             .order_by(t.c.version.desc()).limit(1))
    row = conn.execute(query).first()
    return _version(row) if row else None


def add_version(conn: Connection, date: str, language: str, body: str, *, author: str = "",
                note: str = "", flags: Sequence[Mapping[str, Any]] | None = None) -> Version:
    last = latest_version(conn, date, language)
    number = (last.version if last else 0) + 1
    values: dict[str, Any] = {"date": date, "language": language, "version": number, "digest": digest(body), "body": body,
              "author": author, "created": now_iso(), "note": note,
              "flags": json.dumps(flags or [], ensure_ascii=False)}
    conn.execute(report_versions.insert().values(**values))
    return Version(date, language, number, values["digest"], body, author, values["created"], note, [dict(f) for f in flags or []])


def report_body(conn: Connection, date: str, language: str) -> str | None:
    """The stored report.json of a date and language (the current version), or None."""
    t = schema.reports
    return conn.execute(select(t.c.report).where((t.c.date == date) & (t.c.language == language))).scalar()


def review_row(conn: Connection, date: str, language: str) -> ReviewRow | None:
    t = report_reviews
    row = conn.execute(select(t).where((t.c.date == date) & (t.c.language == language))).first()
    return ReviewRow(**row._mapping) if row else None


def set_state(conn: Connection, date: str, language: str, state: str, *, digest_: str, actor: str = "",
              reason: str = "", version: int | None = None) -> ReviewRow:
    """Move a report to `state` (recorded as an event); approval keeps who and when."""
    now = now_iso()
    old = review_row(conn, date, language)
    values: dict[str, Any] = {"state": state, "digest": digest_, "updated": now, "actor": actor, "reason": reason}
    if state == "approved":
        values |= {"approved_by": actor, "approved_at": now}
    elif state in ("draft", "in_review"):
        values |= {"approved_by": None, "approved_at": None}
    t = report_reviews
    if old is None:
        conn.execute(t.insert().values(date=date, language=language, **values))
    else:
        conn.execute(t.update().where((t.c.date == date) & (t.c.language == language)).values(**values))
    conn.execute(review_events.insert().values(date=date, language=language, state=state, actor=actor, at=now,
                                               reason=reason, version=version))
    return review_row(conn, date, language)  # type: ignore[return-value]


def events(conn: Connection, date: str, language: str) -> list[dict]:
    t = review_events
    query = select(t).where((t.c.date == date) & (t.c.language == language)).order_by(t.c.id)
    return [dict(r._mapping) for r in conn.execute(query)]


def all_reviews(conn: Connection) -> list[ReviewRow]:
    t = report_reviews
    return [ReviewRow(**r._mapping) for r in conn.execute(select(t).order_by(t.c.date.desc(), t.c.language))]
