"""The `arxiv` kind: a category listing through the arXiv API (an Atom feed).

The source URL is an API query such as
`https://export.arxiv.org/api/query?search_query=cat:cs.CL&sortBy=submittedDate&...`. Each
paper is an item keyed by its abstract page without the version suffix (v2 updates the v1
row); the abstract is the content, authors and categories go to `extra`.
"""

from __future__ import annotations

import re

from .base import FetchOutcome, Source, SourceContext, register
from .feeds import FEED_ACCEPT, _get, entry_link, feed_items, parse_feed

_VERSION = re.compile(r"v\d+$")


def abstract_url(url: str) -> str:
    """https, /abs/ page, no version suffix."""
    url = url.replace("http://", "https://", 1)
    return _VERSION.sub("", url)


@register
class ArxivSource(Source):
    kind = "arxiv"
    description = "an arXiv API query (category listing)"

    async def fetch(self, ctx: SourceContext) -> FetchOutcome:
        response, outcome = await ctx.get_listing(self.spec.url, accept=FEED_ACCEPT)
        if outcome.not_modified:
            return outcome
        parsed = parse_feed(response.body, response.headers.get("content-type"))
        items = feed_items(parsed, self.spec, response.url, ctx.now)
        for item, entry in zip(items, _linked(parsed.entries), strict=False):
            authors = [_get(a, "name", "") for a in _get(entry, "authors", []) or []]
            tags = [_get(t, "term", "") for t in _get(entry, "tags", []) or []]
            extra = dict(item.extra, authors=[a for a in authors if a], categories=[t for t in tags if t])
            outcome.items.append(
                item.model_copy(
                    update={
                        "url": abstract_url(item.url),
                        "content": item.content or item.summary,
                        "summary": "",
                        "extra": extra,
                    }
                )
            )
        return outcome


def _linked(entries: list) -> list:
    # feed_items skips entries without a link; keep the same entries in the same order.
    return [entry for entry in entries if entry_link(entry, "https://arxiv.org/") is not None]
