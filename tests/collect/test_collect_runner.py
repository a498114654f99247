"""End-to-end collects against a real server on 127.0.0.1: feed formats, 304s, edits,
charsets, broken documents, full text and the per-source summary."""

from __future__ import annotations

import json

from collecthelpers import LONG, make_settings, rss, spec
from rich.console import Console
from werkzeug import Request, Response

from dailybrief.cli.collect import summary_table
from dailybrief.collect import commands
from dailybrief.store import Store
from dailybrief.store import sources as source_store

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>
<entry><title>Atom entry</title><link href="https://example.com/atom/1"/><id>urn:1</id>
<updated>2025-01-06T09:00:00Z</updated><content type="html">&lt;p&gt;{body}&lt;/p&gt;</content></entry>
</feed>"""
RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://example.com/"><title>RDF</title><link>https://example.com/</link></channel>
<item rdf:about="https://example.com/rdf/1"><title>RDF item</title><link>https://example.com/rdf/1</link>
<description>{body}</description><dc:date>2025-01-06T08:00:00Z</dc:date></item></rdf:RDF>"""
JSONFEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "JSON",
    "items": [{"id": "j1", "url": "https://example.com/json/1", "title": "JSON item",
               "content_text": LONG, "date_published": "2025-01-06T07:00:00Z"}],
}


def run(home, settings, **kwargs):
    return commands.collect(home, settings, **kwargs)


def test_every_feed_format_is_stored(server, home, collect_settings):
    server.expect_request("/rss").respond_with_data(rss([("RSS item", "https://example.com/rss/1", LONG)]), content_type="application/rss+xml")
    server.expect_request("/atom").respond_with_data(ATOM.format(body=LONG), content_type="application/atom+xml")
    server.expect_request("/rdf").respond_with_data(RDF.format(body=LONG), content_type="application/rdf+xml")
    server.expect_request("/json").respond_with_json(JSONFEED)
    settings = make_settings(
        collect_settings,
        *(spec(name, server.url_for(f"/{name}")) for name in ("rss", "atom", "rdf", "json")),
    )
    summary = run(home, settings)
    assert summary.exit_code == 0
    assert [r.new for r in summary.sources] == [1, 1, 1, 1], summary
    with Store.open(home) as store:
        items = {item.title: item for item in store.items()}
    assert set(items) == {"RSS item", "Atom entry", "RDF item", "JSON item"}
    assert items["Atom entry"].published.isoformat() == "2025-01-06T09:00:00+00:00"
    assert items["JSON item"].source == "json" and items["JSON item"].content.startswith("This paragraph")


def test_second_collect_is_one_304_and_edits_update(server, home, collect_settings):
    version = {"n": 1}

    def handler(request: Request) -> Response:
        etag = f'"v{version["n"]}"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        title = "Original title" if version["n"] == 1 else "Edited title"
        body = rss([(title, "https://example.com/a?utm_source=x", LONG), ("Other", "https://example.com/b", LONG)])
        return Response(body, headers={"ETag": etag}, content_type="application/rss+xml")

    server.expect_request("/feed").respond_with_handler(handler)
    settings = make_settings(collect_settings, spec("f", server.url_for("/feed")))
    first = run(home, settings)
    assert (first.sources[0].new, first.sources[0].status) == (2, "ok")
    second = run(home, settings)
    assert second.sources[0].status == "not modified" and second.sources[0].new == 0
    assert server.log[-1][1].status_code == 304
    version["n"] = 2
    third = run(home, settings)
    report = third.sources[0]
    assert (report.new, report.updated, report.unchanged) == (0, 1, 1)
    with Store.open(home) as store:
        titles = sorted(item.title for item in store.items())
        log = source_store.fetch_log(store, "f")
    assert titles == ["Edited title", "Other"]  # updated in place, nothing duplicated
    assert [entry.status for entry in log] == [200, 304, 200]
    assert all(entry.bytes >= 0 and entry.seconds >= 0 for entry in log)


def test_failing_source_does_not_stop_the_run(server, home, collect_settings):
    server.expect_request("/good").respond_with_data(rss([("Good", "https://example.com/g", LONG)]))
    server.expect_request("/bad").respond_with_data("gone", status=404)
    server.expect_request("/html").respond_with_data("<html><body>not a feed</body></html>", content_type="text/html")
    settings = make_settings(
        collect_settings,
        spec("good", server.url_for("/good")),
        spec("bad", server.url_for("/bad")),
        spec("html", server.url_for("/html")),
    )
    summary = run(home, settings)
    assert summary.exit_code == 0
    status = {r.name: r for r in summary.sources}
    assert status["good"].new == 1
    assert status["bad"].status == "error" and "404" in status["bad"].error
    assert status["html"].status == "error" and "not a feed" in status["html"].error
    with Store.open(home) as store:
        health = source_store.source_statuses(store, since=__import__("datetime").datetime(2000, 1, 1))
    assert health["bad"].failures == 1 and "404" in health["bad"].last_error
    assert health["good"].last_success and health["good"].failures == 0
    console = Console(record=True, width=160)
    console.print(summary_table(summary))
    text = console.export_text()
    assert "good" in text and "error" in text and "total" in text


def test_exit_code_only_when_every_source_failed(server, home, collect_settings):
    server.expect_request("/x").respond_with_data("no", status=500)
    settings = make_settings(collect_settings, spec("a", server.url_for("/x")), spec("b", server.url_for("/x")))
    collect_settings.retries = 0
    summary = run(home, settings)
    assert summary.all_failed and summary.exit_code == 1


def test_chinese_charsets(server, home, collect_settings):
    title = "人工智能大模型发布：英伟达与智能体"
    body = "中文正文内容，讨论大模型的训练与推理。" * 40
    gb = rss([(title, "https://example.cn/1", body)], encoding="gb2312").encode("gb18030")
    no_decl = rss([(title, "https://example.cn/2", body)]).replace(' encoding="utf-8"', "").encode("gb18030")
    big5 = rss([("人工智慧模型", "https://example.tw/3", "繁體中文內容，討論模型訓練。" * 40)]).replace(' encoding="utf-8"', "").encode("big5")
    server.expect_request("/gb").respond_with_data(gb, content_type="application/xml")
    # Wrong charset in the header, none in the document:
    server.expect_request("/wrong").respond_with_data(no_decl, content_type="text/xml; charset=utf-8")
    # Charset only in the header:
    server.expect_request("/big5").respond_with_data(big5, content_type="text/xml; charset=big5")
    settings = make_settings(
        collect_settings,
        spec("gb", server.url_for("/gb")),
        spec("wrong", server.url_for("/wrong")),
        spec("big5", server.url_for("/big5")),
    )
    summary = run(home, settings)
    assert [r.new for r in summary.sources] == [1, 1, 1], summary
    with Store.open(home) as store:
        items = {item.source: item for item in store.items()}
    assert items["gb"].title == title and items["gb"].lang == "zh"
    assert items["wrong"].title == title
    assert items["big5"].title == "人工智慧模型"


def test_truncated_and_malformed_xml(server, home, collect_settings):
    whole = rss([("First", "https://example.com/1", LONG), ("Second", "https://example.com/2", LONG)])
    server.expect_request("/cut").respond_with_data(whole[: whole.index("Second") + 20])
    server.expect_request("/bad").respond_with_data(whole.replace("<title>First</title>", "<title>First &amp & <b></title>"))
    server.expect_request("/empty").respond_with_data("")
    settings = make_settings(
        collect_settings,
        spec("cut", server.url_for("/cut")),
        spec("bad", server.url_for("/bad")),
        spec("empty", server.url_for("/empty")),
    )
    summary = run(home, settings)
    status = {r.name: r for r in summary.sources}
    assert status["cut"].new >= 1 and status["cut"].status == "ok"
    assert status["bad"].status == "ok" and status["bad"].new >= 1
    assert status["empty"].status == "error"


def test_huge_feed_is_cut_and_recorded(server, home, collect_settings):
    collect_settings.max_bytes = 50_000
    entries = [(f"Entry {i}", f"https://example.com/h/{i}", LONG) for i in range(200)]
    server.expect_request("/huge").respond_with_data(rss(entries))
    summary = run(home, make_settings(collect_settings, spec("huge", server.url_for("/huge"))))
    report = summary.sources[0]
    assert 0 < report.new < 200 and report.errors == 1
    assert any("size cap" in warning for warning in report.warnings)


ARTICLE = """<html><head><title>Model launch</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> MENU-NAVIGATION</nav>
<div class="ad">BUY-NOW-ADVERT special offer</div>
<article><h1>Model launch</h1>
<p>The laboratory released a new language model on Monday, with weights under an open licence.</p>
<p>Its authors report that the model matches larger systems on reasoning benchmarks while using
a fraction of the compute, a claim that independent researchers have begun to test.</p>
<p>Critics noted that the evaluation suite was chosen by the authors themselves.</p>
</article>
<footer>FOOTER-COPYRIGHT all rights reserved</footer></body></html>"""


def test_teaser_gets_full_text_once(server, home, collect_settings):
    collect_settings.fulltext = True
    article = server.url_for("/post/1")
    server.expect_request("/feed").respond_with_data(rss([("Model launch", article, "Short teaser.")]))
    server.expect_request("/post/1").respond_with_data(ARTICLE, content_type="text/html; charset=utf-8")
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    settings = make_settings(collect_settings, spec("f", server.url_for("/feed")))
    run(home, settings)
    with Store.open(home) as store:
        (item,) = store.items()
    assert "released a new language model" in item.content
    assert "Critics noted" in item.content
    for junk in ("MENU-NAVIGATION", "BUY-NOW-ADVERT", "FOOTER-COPYRIGHT"):
        assert junk not in item.content
    second = run(home, settings)
    article_fetches = [req for req, _ in server.log if req.path == "/post/1"]
    assert len(article_fetches) == 1  # reused from the article cache
    assert second.sources[0].unchanged == 1


def test_full_text_skips_non_html(server, home, collect_settings):
    collect_settings.fulltext = True
    server.expect_request("/feed").respond_with_data(rss([("Data", server.url_for("/file.bin"), "teaser")]))
    server.expect_request("/file.bin").respond_with_data(b"\x00\x01" * 100, content_type="application/octet-stream")
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    summary = run(home, make_settings(collect_settings, spec("f", server.url_for("/feed"))))
    assert summary.sources[0].new == 1 and summary.sources[0].errors == 1
    with Store.open(home) as store:
        log = source_store.fetch_log(store, "f")
    assert any(entry.error and "not an HTML page" in entry.error for entry in log)


def test_hostile_html_never_stored(server, home, collect_settings):
    hostile = ("&lt;p onclick=&quot;steal()&quot;&gt;Hi&lt;script&gt;alert(1)&lt;/script&gt;"
               "&lt;a href=&quot;javascript:alert(2)&quot;&gt;x&lt;/a&gt;&amp;lt;script&amp;gt;bad()&amp;lt;/script&amp;gt;&lt;/p&gt;")
    server.expect_request("/feed").respond_with_data(rss([("Hostile", "https://example.com/h", hostile + LONG)]))
    run(home, make_settings(collect_settings, spec("f", server.url_for("/feed"))))
    with Store.open(home) as store:
        (item,) = store.items()
    text = item.title + item.content + item.summary + json.dumps(item.extra)
    assert "<script" not in text.lower() and "onclick" not in text and "javascript:" not in text.lower()
