"""Helpers shared by the collector tests: feed documents and settings builders."""

from __future__ import annotations

from dailybrief.config import CollectSettings, Settings, SourceSpec


def make_settings(collect: CollectSettings, *specs: SourceSpec) -> Settings:
    """Settings with exactly these sources and collect options."""
    return Settings(sources=list(specs), collect=collect)


def spec(name: str, url: str, kind: str = "rss", **kwargs: object) -> SourceSpec:
    return SourceSpec(name=name, kind=kind, url=url, **kwargs)  # type: ignore[arg-type]


def rss(items: list[tuple[str, str, str]], *, title: str = "Feed", encoding: str = "utf-8") -> str:
    """An RSS 2.0 document; items are (title, link, description)."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{d}</description>"
        f"<pubDate>Mon, 06 Jan 2025 10:0{i % 10}:00 GMT</pubDate><guid>{link}</guid></item>"
        for i, (t, link, d) in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>{title}'
        f"</title><link>https://example.com/</link>{body}</channel></rss>"
    )


LONG = "This paragraph is long enough to count as full content rather than a teaser. " * 12
