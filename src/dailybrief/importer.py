"""`dailybrief import`: items from JSON Lines into the store.

One object a line: `url`, `title`, `published` (ISO 8601) required; `source`, `source_kind`,
`lang`, `content` or `summary`, `score`, `comments` optional; any other key is kept in
`Item.extra` (evaluation sets carry a gold `story` label there). A bad line is reported with its
number and reason and skipped; every good line is stored, in one transaction.

Every line is untrusted: any value-level failure (not JSON, NaN or Infinity, a number too large
for the store, nesting too deep, text that is not valid Unicode, a date outside
`window.EARLIEST`..`window.LATEST`) rejects that line alone. Lines are read one at a time with a
size limit, so one huge line costs no more memory than the limit. Text goes through the same
cleaning as collected items (`normalise` and the collector's `defuse`); a title or text longer
than its limit is cut, and the cut is noted in `ImportResult.truncated` and `Item.extra`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .errors import InputError
from .models import SOURCE_KINDS, Item
from .process.normalise import clean_text, normalise
from .process.window import check_date
from .store import Store, UpsertCounts

KNOWN_KEYS = frozenset(
    {"url", "title", "published", "source", "source_kind", "lang", "content", "summary",
     "score", "comments", "fetched"}
)
MAX_LINE_BYTES = 8_000_000  # a longer line is rejected without being read into memory whole
MAX_URL = 32_768  # characters; longer URLs are rejected (render links only up to a shorter one)
MAX_CHARS = {"title": 1_000, "source": 200, "content": 500_000, "summary": 50_000}
MAX_INT = 2**63 - 1  # SQLite INTEGER


@dataclass
class Rejection:
    line: int
    reason: str


@dataclass
class ImportResult:
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    rejected: list[Rejection] = field(default_factory=list)
    truncated: list[Rejection] = field(default_factory=list)  # stored, with a field cut short


def parse_time(value: object, key: str) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"'{key}' must be an ISO 8601 date-time string")
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{key}' is not ISO 8601: {value[:60]!r}") from None
    check_date(when.date(), f"'{key}'")
    return when


def _int_or_none(data: dict, key: str) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"'{key}' must be a number")
    if isinstance(value, int):
        number = value
    else:
        try:
            real = float(value)
        except ValueError:
            raise ValueError(f"'{key}' must be a number, got {str(value)[:40]!r}") from None
        if not math.isfinite(real):
            raise ValueError(f"'{key}' must be a finite number, got {str(value)[:40]!r}")
        number = int(real) if abs(real) <= MAX_INT else MAX_INT + 1
    if abs(number) > MAX_INT:
        raise ValueError(f"'{key}' is too large (more than {MAX_INT})")
    return number


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be a string")
    return value


def _limited(data: dict, key: str, cut: list[str]) -> str:
    """The text of `key`, cut to its limit (noting the key in `cut`)."""
    value = _text(data, key)
    limit = MAX_CHARS[key]
    if len(value) > limit:
        cut.append(f"'{key}' cut from {len(value):,} to {limit:,} characters")
        value = value[:limit]
    return value


def _extra(data: dict) -> dict:
    extra = {k: v for k, v in data.items() if k not in KNOWN_KEYS}
    try:  # stored as JSON text: it must encode without NaN and as valid UTF-8
        json.dumps(extra, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"extra fields cannot be stored: {str(exc)[:80]}") from None
    return extra


def item_from_dict(data: object, cut: list[str] | None = None) -> Item:
    """Validate one decoded object and return a normalised, sanitised `Item`; ValueError says
    why not. Fields cut to their length limit are named in `cut` and in `extra["truncated"]`."""
    # The collector's sanitiser; imported here because the collector pulls in httpx.
    from .collect.base import defuse

    cut = [] if cut is None else cut
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    for key in ("url", "title", "published"):
        if key not in data or data[key] in (None, ""):
            raise ValueError(f"missing required field '{key}'")
    url = _text(data, "url")
    if len(url) > MAX_URL:
        raise ValueError(f"'url' is longer than {MAX_URL:,} characters ({len(url):,})")
    title = _limited(data, "title", cut)
    kind = _text(data, "source_kind") or "other"
    if kind not in SOURCE_KINDS:
        raise ValueError(f"unknown source_kind {kind!r} (expected one of {', '.join(SOURCE_KINDS)})")
    extra = _extra(data)
    item = Item(
        url=url,
        title=title,
        published=parse_time(data["published"], "published"),
        source=clean_text(_limited(data, "source", cut)).replace("\n", " "),
        source_kind=kind,
        lang=clean_text(_text(data, "lang"))[:16],
        content=_limited(data, "content", cut),
        summary=_limited(data, "summary", cut),
        score=_int_or_none(data, "score"),
        comments=_int_or_none(data, "comments"),
        fetched=parse_time(data["fetched"], "fetched") if data.get("fetched") else None,
        extra=extra | ({"truncated": list(cut)} if cut else {}),
    )
    item = defuse(normalise(item))
    if not item.title:
        raise ValueError("'title' is empty after cleaning")
    return item


def parse_line(line: str, number: int = 1, cut: list[str] | None = None) -> Item | Rejection:
    """One line of an import file: the item, or a Rejection saying why not. Never raises for
    anything the line holds."""
    try:
        data = json.loads(line, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        return Rejection(number, f"invalid JSON: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return Rejection(number, "invalid JSON: nested too deeply")
    except ValueError as exc:  # NaN/Infinity, or an integer with too many digits
        return Rejection(number, f"invalid JSON: {str(exc)[:120]}")
    try:
        return item_from_dict(data, cut)
    except RecursionError:
        return Rejection(number, "nested too deeply")
    except (ValueError, TypeError, OverflowError) as exc:  # pydantic's errors are ValueErrors
        return Rejection(number, " ".join(str(exc).split())[:300])


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def read_jsonl(lines: Iterable[str]) -> Iterator[tuple[int, Item | Rejection]]:
    """Yield (line number, item or rejection) for each non-blank line."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield number, parse_line(line, number)


def _lines(path: Path) -> Iterator[tuple[int, str | None, str]]:
    """(number, text or None, reason) per line, each read with the `MAX_LINE_BYTES` limit; a
    line that is too long or not UTF-8 comes with text None and the reason."""
    with path.open("rb") as fh:
        number = 0
        while True:
            raw = fh.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while (more := fh.readline(1 << 20)) and not more.endswith(b"\n"):
                    pass  # skip the rest of the over-long line without keeping it
                yield number, None, f"line is longer than {MAX_LINE_BYTES:,} bytes"
                continue
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                yield number, raw.decode("utf-8"), ""
            except UnicodeDecodeError as exc:
                yield number, None, f"not UTF-8 text (byte {exc.start})"


def read_file(path: Path) -> tuple[list[Item], list[Rejection]]:
    """Items and rejections of a JSON Lines file (see `read_file_result` for cut fields)."""
    items, rejected, _ = read_file_result(path)
    return items, rejected


def read_file_result(path: Path) -> tuple[list[Item], list[Rejection], list[Rejection]]:
    """(items, rejected lines, lines stored with a field cut short)."""
    items: list[Item] = []
    rejected: list[Rejection] = []
    truncated: list[Rejection] = []
    decoded = 0
    try:
        for number, text, reason in _lines(path):
            if text is None:
                rejected.append(Rejection(number, reason))
                continue
            decoded += 1
            if not text.strip():
                continue
            cut: list[str] = []
            result = parse_line(text, number, cut)
            if isinstance(result, Rejection):
                rejected.append(result)
                continue
            items.append(result)
            if cut:
                truncated.append(Rejection(number, "; ".join(cut)))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, expected a JSON Lines file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if rejected and not decoded and all(r.reason.startswith("not UTF-8") for r in rejected):
        raise InputError(f"{path}: not UTF-8 text ({rejected[0].reason}, line {rejected[0].line})")
    return items, rejected, truncated


def import_file(store: Store, path: Path) -> ImportResult:
    """Read and store one JSON Lines file; idempotent."""
    items, rejected, truncated = read_file_result(path)
    counts = store.upsert_items(items)
    return ImportResult(counts=counts, rejected=rejected, truncated=truncated)
