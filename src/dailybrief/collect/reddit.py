"""The `reddit` kind: a subreddit's JSON listing (`/r/NAME/top.json?t=day`, `/hot.json`, ...).

Each post becomes an item whose URL is the discussion thread (the score and the comment count
belong to it); a link post keeps its target in `extra["link"]`. Stickied posts are skipped.
A subreddit URL without `.json` gets `/top.json?t=day&limit=50` appended.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

from ..errors import CollectError
from ..models import Item
from .base import FetchOutcome, Source, SourceContext, plain_text, register


def listing_url(url: str) -> str:
    """The JSON listing URL for a subreddit or listing URL."""
    parts = urlsplit(url)
    if parts.path.endswith(".json"):
        return url
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}/top.json?t=day&limit=50"


@register
class RedditSource(Source):
    kind = "reddit"
    description = "a subreddit's JSON listing; score and comment count kept"

    async def fetch(self, ctx: SourceContext) -> FetchOutcome:
        url = listing_url(self.spec.url)
        response, outcome = await ctx.get_listing(url, accept="application/json")
        if outcome.not_modified:
            return outcome
        try:
            listing = json.loads(response.text())
            posts = [child["data"] for child in listing["data"]["children"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise CollectError(f"{url}: not a Reddit listing ({type(exc).__name__})") from None
        origin = f"{urlsplit(response.url).scheme}://{urlsplit(response.url).netloc}"
        for post in posts:
            item = self._item(post, origin, ctx.now)
            if item is not None:
                outcome.items.append(item)
        return outcome

    def _item(self, post: dict, origin: str, now: datetime) -> Item | None:
        if not isinstance(post, dict) or post.get("stickied") or not post.get("permalink"):
            return None
        title = plain_text(str(post.get("title") or ""))
        body = plain_text(str(post.get("selftext") or ""))
        if not title or not self.keep(title, body):
            return None
        thread = urljoin(origin, str(post["permalink"]))
        extra: dict[str, object] = {"subreddit": post.get("subreddit", "")}
        link = post.get("url_overridden_by_dest") or post.get("url")
        if link and not post.get("is_self") and str(link).startswith(("http://", "https://")):
            extra["link"] = str(link)
        try:
            published = datetime.fromtimestamp(float(post.get("created_utc")), timezone.utc)  # type: ignore[arg-type]  # None: TypeError
        except (TypeError, ValueError, OverflowError):
            published = now
        return self.item(
            url=thread,
            title=title,
            published=published,
            content=body,
            score=_int(post.get("score")),
            comments=_int(post.get("num_comments")),
            fetched=now,
            extra=extra,
        )


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
