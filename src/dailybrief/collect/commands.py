"""What `dailybrief.app.collect` and `dailybrief.app.sources` call: plain functions.

Each takes the home folder and the loaded `Settings`, opens the store itself and raises
`CollectError` (or `ConfigError`/`StoreError`) with a one-line message on bad input; front ends
only print. Sources from dailybrief.toml and sources added by command are merged by name
(the config file wins a clash, and `sources add` refuses a name either already uses).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import quoteattr

import httpx
from lxml import etree
from pydantic import ValidationError

from ..config import Settings, SourceSpec
from ..errors import CollectError, invalid_value
from ..models import Item
from ..process.normalise import canonical_url
from ..store import Store
from ..store import sources as source_store
from ..store.pauses import paused_sources
from ..store.sources import SourceStatus
from .base import FetchOutcome, SourceContext, prepared
from .http import FetchRecord, make_client
from .kinds import known_kinds, source_for
from .runner import CollectSummary, collect_async

DEFAULT_SOURCE_KIND = {
    "rss": "news",
    "page": "news",
    "reddit": "forum",
    "hackernews": "forum",
    "arxiv": "paper",
    "github": "release",
    "youtube": "video",
}


def _open(home: Path, settings: Settings) -> Store:
    store = Store.open(home, settings.store.url or None)
    source_store.sync_config_sources(store, settings.sources)
    return store


def all_sources(store: Store, settings: Settings) -> list[SourceSpec]:
    """Config sources in file order, then command-added ones by name."""
    return source_store.all_sources(store, settings.sources)


def _find(specs: Sequence[SourceSpec], name: str) -> SourceSpec:
    for spec in specs:
        if spec.name == name:
            return spec
    raise CollectError(f"no source named {name!r} (see `dailybrief sources list`)")


def collect(
    home: Path,
    settings: Settings,
    source: str | None = None,
    allow_private: bool = False,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> CollectSummary:
    """Fetch every source (or the one named) into the store of `home`.

    `allow_private` adds to `[collect] allow_private`. Exit with `summary.exit_code`.
    """
    with _open(home, settings) as store:
        specs = all_sources(store, settings)
        if source is not None:
            specs = [_find(specs, source)]
        else:  # paused sources wait (store/pauses.py); naming one with --source still fetches it
            paused = paused_sources(store)
            specs = [spec for spec in specs if spec.name not in paused]
        return asyncio.run(
            collect_async(
                store,
                specs,
                settings.collect,
                transport=transport,
                allow_private=allow_private or settings.collect.allow_private,
            )
        )


def make_spec(
    name: str,
    url: str,
    kind: str,
    weight: float = 1.0,
    lang: str = "",
    source_kind: str | None = None,
    selector: str = "",
    keywords: Iterable[str] = (),
) -> SourceSpec:
    """A validated SourceSpec; raises CollectError naming the bad value."""
    name = name.strip()
    if not name:
        raise CollectError("a source needs a non-empty name")
    if kind not in known_kinds():
        raise CollectError(f"unknown kind {kind!r}; choose one of: {', '.join(known_kinds())}")
    try:
        canonical_url(url)
    except ValueError:
        raise CollectError(f"not an http(s) URL: {url!r}") from None
    try:
        return SourceSpec(
            name=name,
            kind=kind,
            url=url.strip(),
            source_kind=source_kind or DEFAULT_SOURCE_KIND.get(kind, "other"),
            weight=weight,
            lang=lang,
            selector=selector,
            keywords=list(keywords),
        )
    except ValidationError as exc:
        raise CollectError(f"invalid {invalid_value(exc)}") from None


def add_source(home: Path, settings: Settings, spec: SourceSpec) -> SourceSpec:
    """Add a source (made by `make_spec`) to the database; nothing changes when the name is taken."""
    with _open(home, settings) as store:
        if any(existing.name == spec.name for existing in all_sources(store, settings)):
            raise CollectError(f"a source named {spec.name!r} already exists")
        source_store.add_source(store, spec)
    return spec


def remove_source(home: Path, settings: Settings, name: str) -> None:
    """Remove a command-added source (config sources are edited in dailybrief.toml)."""
    if any(spec.name == name for spec in settings.sources):
        raise CollectError(f"{name!r} is defined in dailybrief.toml: remove it there")
    with _open(home, settings) as store:
        if source_store.remove_source(store, name) is None:
            raise CollectError(f"no source named {name!r}")


def list_sources(home: Path, settings: Settings, now: datetime | None = None) -> list[SourceStatus]:
    """Every source with its health and the items it added in the last 7 days."""
    now = now or datetime.now(timezone.utc)
    with _open(home, settings) as store:
        statuses = source_store.source_statuses(store, now - timedelta(days=7))
        return [
            statuses.get(spec.name) or SourceStatus(name=spec.name, kind=spec.kind, url=spec.url, origin="config")
            for spec in all_sources(store, settings)
        ]


@dataclass
class SourceTest:
    """What one fetch of a source would store (nothing is stored)."""

    spec: SourceSpec
    items: list[Item] = field(default_factory=list)
    records: list[FetchRecord] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def test_source(
    home: Path,
    settings: Settings,
    name: str,
    allow_private: bool = False,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> SourceTest:
    """Fetch one source once, unconditionally, and return the normalised items it would add.

    Stores nothing (no items, no validators, no fetch log); full text is not fetched.
    """
    with _open(home, settings) as store:
        spec = _find(all_sources(store, settings), name)
    result = SourceTest(spec=spec)
    private = allow_private or settings.collect.allow_private

    async def run() -> FetchOutcome | None:
        http = make_client(settings.collect, transport=transport, allow_private=private)
        ctx = SourceContext(http=http, log=result.records)
        try:
            return await source_for(spec).fetch(ctx)
        except CollectError as exc:
            result.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - report, do not crash
            result.error = f"unexpected {type(exc).__name__}: {exc}"
        finally:
            await http.aclose()
        return None

    outcome = asyncio.run(run())
    if outcome is not None:
        result.items, dropped = prepared(outcome)
        result.warnings = list(outcome.warnings)
        if dropped:
            result.warnings.append(f"{dropped} entries without a usable URL skipped")
    return result


@dataclass
class OpmlImport:
    added: list[SourceSpec] = field(default_factory=list)
    bad: list[tuple[str, str]] = field(default_factory=list)  # (entry, reason)


def import_opml(home: Path, settings: Settings, path: Path) -> OpmlImport:
    """Add every feed outline of an OPML file; broken entries are listed, the good ones kept.

    An outline's `kind` attribute (as written by `export_opml`) picks the source kind; plain
    OPML outlines are rss. Raises CollectError only when the file itself is unreadable.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CollectError(f"{path}: cannot read: {exc.strerror}") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise CollectError(f"{path}: not an OPML file: {exc}") from None
    if root is None or etree.QName(root).localname.lower() != "opml":
        raise CollectError(f"{path}: not an OPML file (no <opml> root)")
    result = OpmlImport()
    with _open(home, settings) as store:
        taken = {spec.name for spec in all_sources(store, settings)}
        for outline in root.iter("outline"):
            url = outline.get("xmlUrl") or outline.get("xmlurl") or ""
            title = (outline.get("title") or outline.get("text") or "").strip()
            if not url:
                if len(outline):  # a folder of outlines
                    continue
                result.bad.append((title or "(untitled outline)", "no xmlUrl"))
                continue
            name = title or url
            label = f"{name} <{url}>"
            if name in taken:
                result.bad.append((label, f"a source named {name!r} already exists"))
                continue
            try:
                weight = float(outline.get("weight") or 1.0)
                spec = make_spec(name, url, outline.get("kind") or "rss", weight, outline.get("lang") or "")
            except (CollectError, ValueError) as exc:
                result.bad.append((label, str(exc)))
                continue
            source_store.add_source(store, spec)
            taken.add(name)
            result.added.append(spec)
    return result


def export_opml(home: Path, settings: Settings) -> str:
    """Every source as an OPML 2.0 document (non-feed kinds carry a `kind` attribute)."""
    with _open(home, settings) as store:
        specs = all_sources(store, settings)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head><title>dailybrief sources</title></head>",
        "  <body>",
    ]
    for spec in specs:
        attrs = {
            "text": spec.name,
            "title": spec.name,
            "type": "rss",
            "xmlUrl": spec.url,
            "kind": spec.kind,
            "weight": f"{spec.weight:g}",
        }
        if spec.lang:
            attrs["lang"] = spec.lang
        rendered = " ".join(f"{key}={quoteattr(value)}" for key, value in attrs.items())
        lines.append(f"    <outline {rendered}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
