"""Full text: the article behind an entry that carries only a teaser.

An entry whose text is shorter than `teaser_chars` gets its page fetched (HTML only, robots.txt
respected, at most `ARTICLE_MAX_BYTES`) and its main text extracted with trafilatura, which
drops navigation, ads, comments and footers. The text is cached in the `articles` table under
the canonical URL: an article is fetched once, and later collects reuse it. A page that answered
with an HTTP error or was not HTML is cached as empty so it is not asked for again; a network
failure is not cached, so the next collect tries again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timezone

import trafilatura

from ..models import Item
from ..store import Store
from ..store import sources as source_store
from ..tuning import ARTICLE_MAX_BYTES
from .base import Source, SourceContext, plain_text
from .http import FetchError, FetchRecord, HttpClient

HTML_TYPES = ("text/html", "application/xhtml+xml", "")


def extract_article(html: str, url: str | None = None) -> str:
    """The main text of an article page as plain text ('' when none is found)."""
    if not html.strip():
        return ""
    try:
        text = trafilatura.extract(
            html,
            url=url,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            favor_precision=True,
            deduplicate=True,
        )
    except Exception:  # noqa: BLE001 - a hostile page must not stop the run
        return ""
    return plain_text(text or "")


class FullText:
    """Fills in the text of teaser items from their article pages, through the cache."""

    def __init__(self, store: Store, http: HttpClient, teaser_chars: int = 600):
        self.store = store
        self.http = http
        self.teaser_chars = teaser_chars
        self._inflight: dict[str, asyncio.Task[str]] = {}

    def wants(self, item: Item, source: Source | None) -> bool:
        if source is not None and source.always_fulltext:
            return True
        return len(item.content or item.summary) < self.teaser_chars

    async def enrich(
        self, items: Sequence[Item], log: list[FetchRecord], source: Source | None = None
    ) -> list[Item]:
        """Items (normalised, canonical URLs) with `content` filled in where a teaser was."""
        wanted = [item.url for item in items if self.wants(item, source)]
        if not wanted:
            return list(items)
        cached = await asyncio.to_thread(source_store.cached_articles, self.store, wanted)
        missing = [url for url in dict.fromkeys(wanted) if url not in cached]
        texts = await asyncio.gather(*(self._article(url, log, source) for url in missing))
        cached.update(zip(missing, texts, strict=True))
        enriched = []
        for item in items:
            text = cached.get(item.url, "")
            if self.wants(item, source) and len(text) > len(item.content):
                item = item.model_copy(update={"content": text})
            enriched.append(item)
        return enriched

    async def _article(self, url: str, log: list[FetchRecord], source: Source | None) -> str:
        # Two sources linking the same article in one run share one fetch.
        if url not in self._inflight:
            self._inflight[url] = asyncio.ensure_future(self._fetch(url, log, source))
        return await self._inflight[url]

    async def _save(self, url: str, text: str, status: int | None) -> None:
        now = datetime.now(timezone.utc)
        await asyncio.to_thread(source_store.save_article, self.store, url, text, status, now)

    async def _fetch(self, url: str, log: list[FetchRecord], source: Source | None) -> str:
        try:
            special = None
            if source is not None:
                special = await source.article_text(url, SourceContext(http=self.http, log=log))
            if special is not None:
                text, status = special
                await self._save(url, text, status)
                return text
            response = await self.http.get(
                url, log=log, robots=True, max_bytes=ARTICLE_MAX_BYTES, accept="text/html"
            )
        except FetchError as exc:
            if exc.status is not None:  # an HTTP answer: remember it, do not ask again
                await self._save(url, "", exc.status)
            return ""
        if response.content_type not in HTML_TYPES:
            for record in reversed(log):
                if record.url == url:
                    record.error = f"not an HTML page ({response.content_type})"
                    break
            await self._save(url, "", response.status)
            return ""
        text = await asyncio.to_thread(extract_article, response.text(), response.url)
        await self._save(url, text, response.status)
        return text
