"""The `hackernews` kind: top, best or new stories through the public Firebase API.

The source URL is a story list (`.../v0/topstories.json`, `beststories.json`,
`newstories.json`); the first `HACKERNEWS_STORIES` ids are fetched as `.../v0/item/ID.json`
concurrently, kept when they are live stories matching the source's keywords, with points and
comment count. The item URL is the linked article (whose full text is then fetched), or the
discussion page for Ask/Show HN posts without a link; the discussion is in `extra`.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone

from ..errors import CollectError
from ..models import Item
from ..tuning import HACKERNEWS_STORIES
from .base import FetchOutcome, Source, SourceContext, plain_text, register
from .http import FetchError

DISCUSSION = "https://news.ycombinator.com/item?id={id}"


@register
class HackerNewsSource(Source):
    kind = "hackernews"
    fulltext = True
    description = "Hacker News top/best/new stories (public API), keyword filter"

    async def fetch(self, ctx: SourceContext) -> FetchOutcome:
        url = self.spec.url
        response, outcome = await ctx.get_listing(url, accept="application/json")
        if outcome.not_modified:
            return outcome
        try:
            ids = [int(value) for value in json.loads(response.text())][:HACKERNEWS_STORIES]
        except (ValueError, TypeError) as exc:
            raise CollectError(f"{url}: not a list of story ids ({type(exc).__name__})") from None
        base = url.rsplit("/", 1)[0]
        results = await asyncio.gather(*(self._story(ctx, f"{base}/item/{story_id}.json") for story_id in ids))
        failed = sum(1 for result in results if result is False)
        if ids and failed == len(ids):
            raise CollectError(f"{url}: every story request failed")
        if failed:
            outcome.warnings.append(f"{failed} of {len(ids)} story requests failed")
        outcome.items = [result for result in results if isinstance(result, Item)]
        return outcome

    async def _story(self, ctx: SourceContext, url: str) -> Item | None | bool:
        try:
            story = json.loads((await ctx.get(url, accept="application/json")).text())
        except (FetchError, ValueError):
            return False
        if not isinstance(story, dict) or story.get("type") != "story":
            return None
        if story.get("dead") or story.get("deleted") or not story.get("title"):
            return None
        title = plain_text(str(story["title"]))
        text = plain_text(str(story.get("text") or ""))
        if not self.keep(title, text):
            return None
        discussion = DISCUSSION.format(id=story.get("id"))
        try:
            published = datetime.fromtimestamp(float(story.get("time")), timezone.utc)  # type: ignore[arg-type]  # None: TypeError
        except (TypeError, ValueError, OverflowError):
            published = datetime.now(timezone.utc)
        link = story.get("url") or discussion
        return self.item(
            url=str(link),
            title=title,
            published=published,
            content=text,
            score=_int(story.get("score")),
            comments=_int(story.get("descendants")),
            fetched=ctx.now,
            extra={"discussion": discussion, "by": story.get("by", "")},
        )


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
