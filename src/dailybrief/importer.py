"""`dailybrief import`: items from JSON Lines into the store.

One object a line: `url`, `title`, `published` (ISO 8601) required; `source`, `source_kind`,
`lang`, `content` or `summary`, `score`, `comments` optional; any other key is kept in
`Item.extra` (evaluation sets carry a gold `story` label there). A bad line is reported with its
number and reason and skipped; every good line is stored, in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .errors import InputError
from .models import SOURCE_KINDS, Item
from .process.normalise import normalise
from .store import Store, UpsertCounts

KNOWN_KEYS = frozenset(
    {"url", "title", "published", "source", "source_kind", "lang", "content", "summary",
     "score", "comments", "fetched"}
)


@dataclass
class Rejection:
    line: int
    reason: str


@dataclass
class ImportResult:
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    rejected: list[Rejection] = field(default_factory=list)


def parse_time(value: object, key: str) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"'{key}' must be an ISO 8601 date-time string")
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{key}' is not ISO 8601: {value!r}") from None


def _int_or_none(data: dict, key: str) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"'{key}' must be a number")
    try:
        return int(float(value))
    except ValueError:
        raise ValueError(f"'{key}' must be a number, got {value!r}") from None


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be a string")
    return value


def item_from_dict(data: object) -> Item:
    """Validate one decoded object and return a normalised `Item`; ValueError says why not."""
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    for key in ("url", "title", "published"):
        if key not in data or data[key] in (None, ""):
            raise ValueError(f"missing required field '{key}'")
    title = _text(data, "title")
    kind = _text(data, "source_kind") or "other"
    if kind not in SOURCE_KINDS:
        raise ValueError(f"unknown source_kind {kind!r} (expected one of {', '.join(SOURCE_KINDS)})")
    item = Item(
        url=_text(data, "url"),
        title=title,
        published=parse_time(data["published"], "published"),
        source=_text(data, "source"),
        source_kind=kind,
        lang=_text(data, "lang"),
        content=_text(data, "content"),
        summary=_text(data, "summary"),
        score=_int_or_none(data, "score"),
        comments=_int_or_none(data, "comments"),
        fetched=parse_time(data["fetched"], "fetched") if data.get("fetched") else None,
        extra={k: v for k, v in data.items() if k not in KNOWN_KEYS},
    )
    item = normalise(item)
    if not item.title:
        raise ValueError("'title' is empty after cleaning")
    return item


def read_jsonl(lines: Iterable[str]) -> Iterator[tuple[int, Item | Rejection]]:
    """Yield (line number, item or rejection) for each non-blank line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, Rejection(number, f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        try:
            yield number, item_from_dict(data)
        except ValueError as exc:
            yield number, Rejection(number, str(exc))


def read_file(path: Path) -> tuple[list[Item], list[Rejection]]:
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, expected a JSON Lines file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    items: list[Item] = []
    rejected: list[Rejection] = []
    for _, result in read_jsonl(text.splitlines()):
        (rejected if isinstance(result, Rejection) else items).append(result)
    return items, rejected


def import_file(store: Store, path: Path) -> ImportResult:
    """Read and store one JSON Lines file; idempotent."""
    items, rejected = read_file(path)
    counts = store.upsert_items(items)
    return ImportResult(counts=counts, rejected=rejected)
