"""The `github` kind: the releases of one repository, read from its releases Atom feed.

The source URL may be the repository (`https://github.com/OWNER/REPO`), its releases page, or
the feed itself (`.../releases.atom`); the feed needs no API token and has no rate limit worth
the name. Each release is an item titled "REPO TAG-TITLE" with the release notes as content.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .base import FetchOutcome, Source, SourceContext, register
from .feeds import FEED_ACCEPT, feed_items, parse_feed


def releases_feed(url: str) -> tuple[str, str]:
    """(feed URL, "OWNER/REPO") for a repository, releases page or releases feed URL."""
    parts = urlsplit(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    if parts.path.endswith(".atom") or len(segments) < 2:
        repo = "/".join(segments[:2]) if len(segments) >= 2 else parts.netloc
        return url, repo
    repo = f"{segments[0]}/{segments[1]}"
    return f"{parts.scheme}://{parts.netloc}/{repo}/releases.atom", repo


@register
class GitHubReleasesSource(Source):
    kind = "github"
    description = "releases of a GitHub repository (its releases.atom feed)"

    async def fetch(self, ctx: SourceContext) -> FetchOutcome:
        url, repo = releases_feed(self.spec.url)
        response, outcome = await ctx.get_listing(url, accept=FEED_ACCEPT)
        if outcome.not_modified:
            return outcome
        parsed = parse_feed(response.body, response.headers.get("content-type"))
        name = repo.split("/")[-1]
        for item in feed_items(parsed, self.spec, response.url, ctx.now, repository=repo):
            title = item.title if item.title.lower().startswith(name.lower()) else f"{name} {item.title}"
            outcome.items.append(item.model_copy(update={"title": title}))
        return outcome
