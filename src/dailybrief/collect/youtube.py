"""The `youtube` kind: a channel's video feed, with the transcript when the page offers one.

The source URL is the channel feed (`https://www.youtube.com/feeds/videos.xml?channel_id=UC...`)
or a channel page `https://www.youtube.com/channel/UC...`, turned into that feed. For each new
video the watch page is read once for a caption track (`"captionTracks"` in the player data);
when there is one, its timed text becomes the item's content. Transcripts are cached in the
article cache like any full text, so a video is asked for once.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlsplit

from ..tuning import WATCH_MAX_BYTES
from .base import FetchOutcome, Source, SourceContext, plain_text, register
from .feeds import FEED_ACCEPT, feed_items, parse_feed
from .http import FetchError

_CHANNEL = re.compile(r"/channel/(UC[\w-]+)")
_CAPTIONS = re.compile(r'"captionTracks"\s*:\s*(\[.*?\])', re.S)
_TEXT = re.compile(r"<text[^>]*>(.*?)</text>", re.S)


def channel_feed(url: str) -> str:
    """The videos feed URL for a channel page URL (other URLs unchanged)."""
    match = _CHANNEL.search(urlsplit(url).path)
    if match and "feeds/videos.xml" not in url:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}/feeds/videos.xml?channel_id={match.group(1)}"
    return url


def caption_url(watch_html: str, lang: str = "") -> str | None:
    """The timed-text URL of the best caption track on a watch page: the source's language
    first, then English, then the first listed."""
    match = _CAPTIONS.search(watch_html)
    if not match:
        return None
    try:
        tracks = json.loads(match.group(1))
    except ValueError:
        return None
    tracks = [t for t in tracks if isinstance(t, dict) and t.get("baseUrl")]
    if not tracks:
        return None
    for wanted in (lang, "en"):
        for track in tracks:
            if wanted and str(track.get("languageCode", "")).startswith(wanted):
                return str(track["baseUrl"])
    return str(tracks[0]["baseUrl"])


def transcript_text(timed_text: str) -> str:
    """Plain text of a timed-text XML document."""
    parts = [html.unescape(html.unescape(segment)) for segment in _TEXT.findall(timed_text)]
    return plain_text(" ".join(part.replace("\n", " ") for part in parts))


@register
class YouTubeSource(Source):
    kind = "youtube"
    always_fulltext = True
    description = "a YouTube channel's video feed, with transcripts when offered"

    async def fetch(self, ctx: SourceContext) -> FetchOutcome:
        url = channel_feed(self.spec.url)
        response, outcome = await ctx.get_listing(url, accept=FEED_ACCEPT)
        if outcome.not_modified:
            return outcome
        parsed = parse_feed(response.body, response.headers.get("content-type"))
        outcome.items = feed_items(parsed, self.spec, response.url, ctx.now)
        return outcome

    async def article_text(self, url: str, ctx: SourceContext) -> tuple[str, int | None] | None:
        try:
            page = await ctx.get(url, max_bytes=WATCH_MAX_BYTES, accept="text/html")
        except FetchError as exc:
            if exc.status is None:
                raise
            return "", exc.status
        track = caption_url(page.text(), self.spec.lang)
        if track is None:
            return "", page.status
        track = html.unescape(track.replace("\\u0026", "&"))
        try:
            timed = await ctx.get(track, accept="text/xml")
        except FetchError as exc:
            if exc.status is None:
                raise
            return "", exc.status
        return transcript_text(timed.text()), timed.status
