"""The `page` kind: a listing page read with a CSS selector, or a sitemap.

With a `selector`, the page's matching elements (links, or elements containing a link) become
items titled by their text; the article text is then fetched by the full-text step. Without a
selector, the URL must be a sitemap (`<urlset>`, Google News sitemaps included, or a
`<sitemapindex>` whose newest child sitemaps are read). Publication times come from the
sitemap's `lastmod`/`news:publication_date`; where none is known the first time the URL was
seen stands in (`extra["date_guessed"]`). Page fetches respect robots.txt.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urljoin

from dateutil import parser as dateparser
from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from ..errors import CollectError
from ..models import Item
from ..process.normalise import canonical_url
from ..tuning import PAGE_CHILD_SITEMAPS, PAGE_MAX_LINKS
from .base import FetchOutcome, Source, SourceContext, plain_text, register
from .http import Response

_SITEMAP = re.compile(rb"<(?:\w+:)?(urlset|sitemapindex)\b")


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = dateparser.parse(value.strip())
    except (ValueError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def listing_links(html: str, base: str, selector: str) -> list[tuple[str, str]]:
    """(absolute URL, link text) for the elements matching `selector`, first occurrence only."""
    tree = LexborHTMLParser(html)
    found: dict[str, tuple[str, str]] = {}
    for node in tree.css(selector):
        link = node if node.tag == "a" else node.css_first("a[href]")
        href = link.attributes.get("href") if link is not None else None
        if not href:
            continue
        try:
            url = urljoin(base, href.strip())
            key = canonical_url(url)
        except ValueError:
            continue
        text = plain_text(node.text(separator=" ", strip=True) or "")
        if key not in found or (text and not found[key][1]):
            found[key] = (url, text)
        if len(found) >= PAGE_MAX_LINKS:
            break
    return list(found.values())


def sitemap_entries(body: bytes) -> tuple[str, list[dict[str, str]]]:
    """('urlset' | 'sitemapindex', entries with loc, lastmod and news title/date)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise CollectError(f"not a sitemap: {exc}") from None
    if root is None:
        raise CollectError("not a sitemap: empty document")
    kind = etree.QName(root).localname
    entries = []
    for node in root:
        if not isinstance(node.tag, str):
            continue
        fields: dict[str, str] = {}
        for child in node.iter():
            if isinstance(child.tag, str) and child.text and child.text.strip():
                fields.setdefault(etree.QName(child).localname, child.text.strip())
        if fields.get("loc"):
            entries.append(fields)
    return kind, entries


@register
class PageSource(Source):
    kind = "page"
    fulltext = True
    description = "a listing page with a CSS selector for article links, or a sitemap"

    async def fetch(self, ctx: SourceContext) -> FetchOutcome:
        response, outcome = await ctx.get_listing(self.spec.url, robots=True)
        if outcome.not_modified:
            return outcome
        if _SITEMAP.search(response.body[:4096]):
            outcome.items = await self._from_sitemap(ctx, response)
        elif self.spec.selector:
            links = listing_links(response.text(), response.url, self.spec.selector)
            outcome.items = [self._item(url, text, None, ctx.now) for url, text in links]
        else:
            raise CollectError(f"{self.spec.url}: neither a sitemap nor a selector is given")
        return outcome

    async def _from_sitemap(self, ctx: SourceContext, response: Response) -> list[Item]:
        kind, entries = sitemap_entries(response.body)
        if kind == "sitemapindex":
            entries.sort(key=lambda e: e.get("lastmod", ""), reverse=True)
            children = []
            for child in entries[:PAGE_CHILD_SITEMAPS]:
                child_response = await ctx.get(urljoin(response.url, child["loc"]), robots=True)
                children.extend(sitemap_entries(child_response.body)[1])
            entries = children
        dated = [(_parse_time(e.get("publication_date") or e.get("lastmod")), e) for e in entries]
        dated.sort(key=lambda pair: pair[0] or datetime.min.replace(tzinfo=timezone.utc), reverse=True)
        items = []
        for when, entry in dated[:PAGE_MAX_LINKS]:
            try:
                url = urljoin(response.url, entry["loc"])
                canonical_url(url)
            except ValueError:
                continue
            items.append(self._item(url, plain_text(entry.get("title", "")), when, ctx.now))
        return items

    def _item(self, url: str, title: str, when: datetime | None, now: datetime) -> Item:
        extra: dict[str, object] = {}
        if when is None:
            extra["date_guessed"] = True
        return self.item(
            url=url,
            title=title or url,
            published=when or now,
            fetched=now,
            extra=extra,
        )
