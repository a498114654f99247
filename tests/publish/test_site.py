"""The archive site: index, edition pages with PDF, tag pages, a feed that feedparser accepts,
a sitemap, absolute links with site.base_url, and the search page in a real headless Chromium."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
import pytest

from dailybrief.config import Settings
from dailybrief.models import Report
from dailybrief.publish.search import tokens
from dailybrief.publish.site import build_site, entry_id
from dailybrief.render import render_report
from dailybrief.render.citations import strip_markers
from render.chromecdp import Browser, find_chromium

BASE = "https://news.example.org/daily/"
SHOTS = os.environ.get("DAILYBRIEF_SCREENSHOTS")
PDF = b"%PDF-1.7\n% stand-in body for the enclosure length\n%%EOF\n"


def editions(report: Report) -> list[Report]:
    """The sample day, an earlier day (a copy with another date) and the English edition."""
    earlier = report.model_copy(update={"date": "2026-04-16", "summary": "前一天的摘要：智能体 框架 发布[1]。"})
    english = report.model_copy(update={"language": "en", "title": "AI Technology Daily Analysis",
                                        "summary": "OpenAI and Anthropic compete on agents [1]."})
    return [earlier, report, english]


@pytest.fixture(scope="module")
def reports_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


def built(report: Report, reports_dir: Path, out: Path, base_url: str = ""):
    reports = editions(report)
    for r in reports[:2]:  # the zh editions were rendered by build; the en one only stored
        folder = reports_dir / r.date
        if not (folder / "report.html").exists():
            assert render_report(r, folder, formats=["html"]).ok
            (folder / "report.json").write_text(r.model_dump_json(), "utf-8")
            (folder / "report.pdf").write_bytes(PDF)
    settings = Settings.model_validate({"site": {"base_url": base_url}})
    return build_site(settings, reports, reports_dir, out)


def test_feed_is_valid_atom_with_stable_ids(report, reports_dir, tmp_path) -> None:
    built(report, reports_dir, tmp_path / "a", BASE)
    feed_bytes = (tmp_path / "a" / "feed.atom").read_bytes()
    built(report, reports_dir, tmp_path / "b", BASE)
    parsed = feedparser.parse(feed_bytes)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and parsed.feed.title == "AI 技术每日分析"
    assert [e.link for e in parsed.entries] == [BASE + "2026-04-17/", BASE + "2026-04-17/en/", BASE + "2026-04-16/"]
    first = parsed.entries[0]
    assert first.id == entry_id(report) == feedparser.parse((tmp_path / "b" / "feed.atom").read_bytes()).entries[0].id
    assert first.summary[:40] == strip_markers(report.summary, report)[:40] and "[1]" not in first.summary
    assert first.published_parsed[:4] == (2026, 4, 17, 0)  # 08:00 Asia/Shanghai
    assert first.updated
    pdf = [link for link in first.links if link.rel == "enclosure"]
    assert pdf == [{"rel": "enclosure", "type": "application/pdf", "length": str(len(PDF)),
                    "href": BASE + "2026-04-17/report.pdf"}]
    assert [t.term for t in first.tags] == [s.id for s in report.sections]
    assert first.tags[0].label == report.sections[0].title.split("：")[0]
    assert [e.id for e in parsed.entries].count(first.id) == 1


def test_every_link_is_absolute_and_resolves(report, reports_dir, tmp_path) -> None:
    out = tmp_path / "site"
    result = built(report, reports_dir, out, BASE)
    assert result.editions == 3
    locs = [el.text for el in ET.parse(out / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert BASE in locs and BASE + "2026-04-16/" in locs and BASE + f"tags/{report.sections[1].id}.html" in locs
    for page in [*out.rglob("*.html")]:
        for url in re.findall(r'(?:href|src)="([^"#]+)', page.read_text("utf-8")):
            if url.startswith(BASE):
                target = out / url[len(BASE):]
                assert (target / "index.html" if url.endswith("/") else target).is_file(), (page, url)
            else:  # reference links of the report itself, never our own pages
                assert not url.startswith((".", "/")) and "example.org/daily" not in url, (page, url)
    for loc in locs:
        target = out / loc[len(BASE):]
        assert (target / "index.html" if loc.endswith("/") else target).is_file(), loc


def test_pages_show_what_readers_need(report, reports_dir, tmp_path) -> None:
    out = tmp_path / "site"
    result = built(report, reports_dir, out)
    index = (out / "index.html").read_text("utf-8")
    assert index.index("2026-04-17/") < index.index("2026-04-16/")  # newest first
    assert "前一天的摘要：智能体 框架 发布。" in index  # the 摘要, markers removed
    edition = (out / "2026-04-17" / "index.html").read_text("utf-8")
    assert 'href="report.pdf"' not in edition and 'href="../2026-04-17/report.pdf"' in edition
    assert (out / "2026-04-17" / "report.pdf").read_bytes() == PDF
    assert report.sections[0].title in edition and 'type="application/atom+xml"' in edition
    english = (out / "2026-04-17" / "en" / "index.html").read_text("utf-8")
    assert 'lang="en"' in english and "OpenAI and Anthropic compete on agents" in english
    assert not (out / "2026-04-17" / "en" / "report.pdf").exists()  # the folder's PDF is the zh one
    tag = (out / "tags" / report.sections[0].id).with_suffix(".html").read_text("utf-8")
    assert report.sections[0].stories[0].title in tag and "2026-04-16" in tag
    assert "sitemap.xml not written" in result.notes[-1] and not (out / "sitemap.xml").exists()


def test_search_tokens_chinese_bigrams_and_english_words() -> None:
    assert tokens("智能体框架 GPT-5.1 发布, OpenAI's agents!") == {
        "智能", "能体", "体框", "框架", "发布", "gpt-5.1", "openai", "s", "agents"}
    assert tokens("云") == {"云"}


@pytest.fixture(scope="module")
def browser():
    exe = find_chromium()
    assert exe, "chromium is needed for the browser tests (make test-system-deps)"
    b = Browser(exe)
    yield b
    b.close()


def _search(browser: Browser, url: str, query: str) -> dict:
    page = browser.open(url, width=390, height=900, mobile=True)
    page.eval(f"(() => {{ const q = document.getElementById('q'); q.value = {json.dumps(query)}; "
              f"q.dispatchEvent(new Event('input')); }})()")
    found = page.eval("Array.from(document.querySelectorAll('#results a')).map(a => a.href)")
    state = {"links": found, "count": page.eval("document.getElementById('count').textContent"),
             "errors": page.errors(),
             "overflow": page.eval("document.documentElement.scrollWidth > window.innerWidth")}
    if SHOTS:
        page.screenshot(Path(SHOTS) / f"site-search-{len(found)}.png")
    return state


def test_search_page_in_chromium_finds_chinese_and_english(report, reports_dir, tmp_path, browser) -> None:
    out = tmp_path / "site"
    built(report, reports_dir, out)
    url = (out / "search.html").as_uri()
    chinese = _search(browser, url, "智能体")
    assert chinese["errors"] == [] and not chinese["overflow"]
    assert any(link.endswith("2026-04-16/") for link in chinese["links"])
    for link in chinese["links"]:
        assert Path(link.removeprefix("file://").split("#")[0].rstrip("/") + ("/index.html" if link.split("#")[0].endswith("/") else "")).is_file()
    english = _search(browser, url, "openai anthropic")
    assert any("/en/" in link for link in english["links"])
    assert _search(browser, url, "zzzz qqqq")["count"] == "没有找到结果"


def test_archive_pages_in_chromium_without_errors(report, reports_dir, tmp_path, browser) -> None:
    out = tmp_path / "site"
    built(report, reports_dir, out)
    for rel in ("index.html", "tags/index.html", "2026-04-17/index.html", "2026-04-17/en/index.html"):
        page = browser.open((out / rel).as_uri(), width=375, height=800, mobile=True)
        assert page.errors() == [], rel
        assert not page.eval("document.documentElement.scrollWidth > window.innerWidth"), rel
        if SHOTS:
            page.screenshot(Path(SHOTS) / ("site-" + rel.replace("/", "-") + ".png"))
