"""Editor corrections of a day's stories (split, merge, move, drop, pin): who made each, when,
and whether it was undone. Builds apply the corrections not undone, oldest first
(`store.stories.overrides`); an undone one stays listed with who undid it and when."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from ..errors import InputError
from . import Store, now_iso
from .story_tables import story_overrides

CORRECTION_KINDS = ("split", "merge", "move", "drop", "pin")


@dataclass
class Correction:
    id: int
    kind: str
    urls: list[str]
    date: str = ""
    note: str = ""
    created: str = ""
    author: str = ""
    target: str = ""  # move: the section id
    undone: str | None = None
    undone_by: str | None = None


def _row(row) -> Correction:
    return Correction(row.id, row.kind, json.loads(row.urls), row.date, row.note, row.created,
                      row.author, row.target, row.undone, row.undone_by)


def add_correction(store: Store, kind: str, urls: list[str], *, date: str = "", note: str = "",
                   author: str = "", target: str = "") -> Correction:
    """Record one correction; later builds apply it."""
    if kind not in CORRECTION_KINDS:
        raise InputError(f"correction kind must be one of {', '.join(CORRECTION_KINDS)}, got {kind!r}")
    if kind == "move" and not target:
        raise InputError("move: name the section to move the story to")
    values = {"kind": kind, "urls": json.dumps(urls, ensure_ascii=False), "date": date, "note": note,
              "created": now_iso(), "author": author, "target": target}
    with store.engine.begin() as conn:
        new_id = conn.execute(story_overrides.insert().values(**values)).inserted_primary_key[0]  # type: ignore[index]
    return Correction(int(new_id), kind, urls, date, note, values["created"], author, target)


def corrections(store: Store, date: str | None = None, *, include_undone: bool = True) -> list[Correction]:
    """Corrections oldest first; only those made on `date` when given."""
    query = select(story_overrides).order_by(story_overrides.c.id)
    if date:
        query = query.where(story_overrides.c.date == date)
    if not include_undone:
        query = query.where(story_overrides.c.undone.is_(None))
    with store.engine.connect() as conn:
        return [_row(r) for r in conn.execute(query)]


def undo_correction(store: Store, correction_id: int, by: str = "") -> Correction:
    """Mark a correction undone (kept in the list, no longer applied)."""
    with store.engine.begin() as conn:
        row = conn.execute(select(story_overrides).where(story_overrides.c.id == correction_id)).first()
        if row is None:
            raise InputError(f"correction {correction_id}: no such correction (see `dailybrief stories corrections`)")
        if row.undone:
            raise InputError(f"correction {correction_id}: already undone on {row.undone}")
        conn.execute(story_overrides.update().where(story_overrides.c.id == correction_id)
                     .values(undone=now_iso(), undone_by=by))
        row = conn.execute(select(story_overrides).where(story_overrides.c.id == correction_id)).first()
    return _row(row)
