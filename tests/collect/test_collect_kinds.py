"""The non-feed source kinds against a loopback server speaking each service's format."""

from __future__ import annotations

import json

from collecthelpers import LONG, make_settings, spec

from dailybrief.collect import commands
from dailybrief.store import Store


def items_by_title(home):
    with Store.open(home) as store:
        return {item.title: item for item in store.items()}


def test_reddit_listing(server, home, collect_settings):
    listing = {"data": {"children": [
        {"data": {"title": "New open model beats GPT", "permalink": "/r/ML/comments/abc/new_model/",
                  "url": "https://example.com/model", "is_self": False, "score": 1234,
                  "num_comments": 321, "created_utc": 1736150400, "subreddit": "ML"}},
        {"data": {"title": "Weekly thread", "permalink": "/r/ML/comments/st/weekly/", "stickied": True,
                  "created_utc": 1736150400}},
        {"data": {"title": "Self post about agents", "permalink": "/r/ML/comments/def/self/",
                  "is_self": True, "selftext": "Body text here", "score": 5, "num_comments": 2,
                  "created_utc": 1736150400}},
    ]}}
    server.expect_request("/r/ML/top.json").respond_with_json(listing)
    settings = make_settings(collect_settings, spec("r", server.url_for("/r/ML"), "reddit", source_kind="forum"))
    summary = commands.collect(home, settings)
    assert summary.sources[0].new == 2
    items = items_by_title(home)
    post = items["New open model beats GPT"]
    assert (post.score, post.comments) == (1234, 321)
    assert post.url.endswith("/r/ML/comments/abc/new_model")
    assert post.extra["link"] == "https://example.com/model"
    assert items["Self post about agents"].content == "Body text here"


def test_hackernews_keywords_points_comments(server, home, collect_settings):
    server.expect_request("/v0/topstories.json").respond_with_json([1, 2, 3, 4])
    stories = {
        1: {"id": 1, "type": "story", "title": "Show HN: an LLM agent runner", "url": "https://example.com/agent",
            "score": 150, "descendants": 42, "time": 1736150400, "by": "a"},
        2: {"id": 2, "type": "story", "title": "Gardening tips", "url": "https://example.com/garden", "time": 1736150400},
        3: {"id": 3, "type": "job", "title": "Hiring AI people", "time": 1736150400},
        4: {"id": 4, "type": "story", "title": "Ask HN: is AI overhyped?", "text": "<p>Discuss</p>",
            "score": 10, "descendants": 5, "time": 1736150400},
    }
    for story_id, story in stories.items():
        server.expect_request(f"/v0/item/{story_id}.json").respond_with_json(story)
    settings = make_settings(
        collect_settings,
        spec("hn", server.url_for("/v0/topstories.json"), "hackernews", keywords=["AI", "LLM", "agent"]),
    )
    summary = commands.collect(home, settings)
    assert summary.sources[0].new == 2
    items = items_by_title(home)
    runner = items["Show HN: an LLM agent runner"]
    assert (runner.score, runner.comments) == (150, 42)
    assert runner.extra["discussion"] == "https://news.ycombinator.com/item?id=1"
    ask = items["Ask HN: is AI overhyped?"]
    assert ask.url == "https://news.ycombinator.com/item?id=4" and ask.content == "Discuss"


ARXIV = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
<title>ArXiv Query</title>
<entry><id>http://arxiv.org/abs/2501.00001v2</id><updated>2025-01-06T00:00:00Z</updated>
<published>2025-01-05T00:00:00Z</published><title>Looped Transformers for Reasoning</title>
<summary>We study looped transformers.</summary>
<author><name>Ada Lovelace</name></author><author><name>Alan Turing</name></author>
<link href="http://arxiv.org/abs/2501.00001v2" rel="alternate" type="text/html"/>
<link title="pdf" href="http://arxiv.org/pdf/2501.00001v2" rel="related" type="application/pdf"/>
<category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/></entry>
</feed>"""


def test_arxiv_listing(server, home, collect_settings):
    server.expect_request("/api/query").respond_with_data(ARXIV, content_type="application/atom+xml")
    settings = make_settings(collect_settings, spec("arxiv", server.url_for("/api/query") + "?search_query=cat:cs.CL", "arxiv", source_kind="paper"))
    summary = commands.collect(home, settings)
    assert summary.sources[0].new == 1
    paper = items_by_title(home)["Looped Transformers for Reasoning"]
    assert paper.url == "https://arxiv.org/abs/2501.00001"
    assert paper.content == "We study looped transformers."
    assert paper.extra["authors"] == ["Ada Lovelace", "Alan Turing"] and paper.source_kind == "paper"


GITHUB = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Release notes from vllm</title>
<entry><id>tag:github.com,2008:Repository/1/v0.7.0</id><updated>2025-01-06T10:00:00Z</updated>
<link rel="alternate" type="text/html" href="https://github.com/vllm-project/vllm/releases/tag/v0.7.0"/>
<title>v0.7.0</title><content type="html">&lt;p&gt;Highlights: faster decoding.&lt;/p&gt;</content></entry>
</feed>"""


def test_github_releases(server, home, collect_settings):
    server.expect_request("/vllm-project/vllm/releases.atom").respond_with_data(GITHUB, content_type="application/atom+xml")
    settings = make_settings(collect_settings, spec("vllm", server.url_for("/vllm-project/vllm"), "github", source_kind="release"))
    summary = commands.collect(home, settings)
    assert summary.sources[0].new == 1
    release = items_by_title(home)["vllm v0.7.0"]
    assert release.content == "Highlights: faster decoding." and release.extra["repository"] == "vllm-project/vllm"


def test_youtube_feed_with_transcript(server, home, collect_settings):
    collect_settings.fulltext = True
    watch = server.url_for("/watch") + "?v=abc"
    feed = f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
<title>Channel</title><entry><id>yt:video:abc</id><title>Paper explained</title>
<link rel="alternate" href="{watch}"/><published>2025-01-06T10:00:00+00:00</published>
<media:group><media:description>Short description.</media:description></media:group></entry></feed>"""
    tracks = [{"baseUrl": server.url_for("/timedtext") + "?v=abc&lang=en", "languageCode": "en"}]
    page = f'<html><script>var ytInitialPlayerResponse = {{"captions":{{"playerCaptionsTracklistRenderer":{{"captionTracks":{json.dumps(tracks)}}}}}}};</script></html>'
    server.expect_request("/feeds/videos.xml").respond_with_data(feed, content_type="application/atom+xml")
    server.expect_request("/watch").respond_with_data(page, content_type="text/html")
    server.expect_request("/timedtext").respond_with_data(
        '<transcript><text start="0" dur="2">Today we look at</text><text start="2" dur="2">looped &amp;amp; deep models</text></transcript>',
        content_type="text/xml",
    )
    settings = make_settings(collect_settings, spec("yt", server.url_for("/feeds/videos.xml") + "?channel_id=UC1", "youtube"))
    commands.collect(home, settings)
    video = items_by_title(home)["Paper explained"]
    assert video.content == "Today we look at looped & deep models"
    commands.collect(home, settings)
    assert sum(1 for req, _ in server.log if req.path == "/watch") == 1  # transcript cached


def test_page_with_selector_and_full_text(server, home, collect_settings):
    collect_settings.fulltext = True
    listing = """<html><body><nav><a href="/about">About</a></nav>
    <ul><li class="post"><a href="/news/one">First story</a></li>
        <li class="post"><a href="/news/two?utm_source=x">Second story</a></li>
        <li class="post"><a href="javascript:alert(1)">Bad</a></li></ul></body></html>"""
    article = "<html><body><nav>NAV</nav><article><h1>T</h1><p>" + LONG + "</p></article><footer>FOOT</footer></body></html>"
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    server.expect_request("/news").respond_with_data(listing, content_type="text/html")
    server.expect_request("/news/one").respond_with_data(article, content_type="text/html")
    server.expect_request("/news/two").respond_with_data(article, content_type="text/html")
    settings = make_settings(collect_settings, spec("page", server.url_for("/news"), "page", selector="li.post a"))
    summary = commands.collect(home, settings)
    assert summary.sources[0].new == 2
    items = items_by_title(home)
    assert "This paragraph" in items["First story"].content and "FOOT" not in items["First story"].content
    assert items["First story"].extra["date_guessed"] is True
    again = commands.collect(home, settings)
    assert again.sources[0].unchanged == 2 and again.sources[0].updated == 0


def test_page_from_sitemap(server, home, collect_settings):
    sitemap = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{server.url_for('/a')}</loc><lastmod>2025-01-06T10:00:00Z</lastmod>
<news:news><news:title>Sitemap story</news:title><news:publication_date>2025-01-06T09:00:00Z</news:publication_date></news:news></url>
<url><loc>{server.url_for('/b')}</loc><lastmod>2025-01-05</lastmod></url></urlset>"""
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    server.expect_request("/sitemap.xml").respond_with_data(sitemap, content_type="application/xml")
    settings = make_settings(collect_settings, spec("sm", server.url_for("/sitemap.xml"), "page"))
    summary = commands.collect(home, settings)
    assert summary.sources[0].new == 2
    story = items_by_title(home)["Sitemap story"]
    assert story.published.isoformat() == "2025-01-06T09:00:00+00:00"


def test_page_disallowed_by_robots(server, home, collect_settings):
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /\n")
    settings = make_settings(collect_settings, spec("p", server.url_for("/news"), "page", selector="a"))
    summary = commands.collect(home, settings)
    assert summary.sources[0].status == "error" and "robots.txt" in summary.sources[0].error
