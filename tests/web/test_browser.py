"""The newsroom in a real headless Chromium against `dailybrief serve` on loopback: log in,
search in Chinese and English, split and merge stories and see the next build apply them, edit a
paragraph with an unsupported figure and see it flagged, approve past the publish gate; no
console errors, no horizontal overflow at 375 px, hostile item titles do not run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dailybrief.app.review import require_approval
from dailybrief.config import load_settings
from dailybrief.errors import ReviewError
from dailybrief.store import Store
from dailybrief.store.corrections import corrections
from dailybrief.store.stories import latest_story_build
from render.chromecdp import Browser, find_chromium

from .conftest import DAY, HOSTILE, PASSWORD, cli

SHOTS = os.environ.get("DAILYBRIEF_SCREENSHOTS")


@pytest.fixture(scope="module")
def browser():
    exe = find_chromium()
    assert exe, "chromium is needed for the web app tests (make test-system-deps)"
    b = Browser(exe)
    yield b
    b.close()


@pytest.fixture(scope="module")
def page(browser, newsroom):
    p = browser.open(newsroom.url + "/login", width=375, height=800, mobile=True)
    p.eval(f"""document.querySelector('input[name=name]').value = 'alice';
               document.querySelector('input[name=password]').value = {json.dumps(PASSWORD)}; 0""")
    submit(p, "document.querySelector('form[action=\"/login\"] button').click()")
    return p


def submit(p, script: str) -> None:
    """Run `script` (a click or a submit) and wait for the page it loads."""
    since = len(p.browser.events)
    p.eval(script + "; 0")
    p.browser.wait_event("Page.loadEventFired", p.session, since=since)


def goto(p, url: str) -> None:
    since = len(p.browser.events)
    p.call("Page.navigate", {"url": url})
    p.browser.wait_event("Page.loadEventFired", p.session, since=since)


def shot(p, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        p.screenshot(Path(SHOTS) / name)


def fits(p) -> bool:
    return p.eval("document.documentElement.scrollWidth <= window.innerWidth")


def no_xss(p) -> bool:
    return p.eval("typeof window.__xss === 'undefined'")


def test_login_lands_on_the_archive(page, newsroom):
    assert page.eval("location.pathname") == "/"
    assert page.eval(f"!!document.querySelector('a[href=\"/report/{DAY}/zh\"]')")
    assert "alice" in page.eval("document.querySelector('.who').textContent")
    shot(page, "web-archive-375.png")
    assert fits(page) and page.errors() == []


def test_search_in_chinese_and_english(page, newsroom):
    goto(page, newsroom.url + "/search?q=" + "智能体")
    assert page.eval("document.querySelectorAll('.hit').length") > 0
    marks = page.eval("[...document.querySelectorAll('.hit mark')].map(m => m.textContent)")
    assert "智能体" in marks
    assert fits(page)
    goto(page, newsroom.url + "/search?q=sandbox&kind=item")
    titles = page.eval("[...document.querySelectorAll('.hit h3')].map(h => h.textContent)")
    assert HOSTILE["title"] in titles  # shown as text, not markup
    assert page.eval("document.querySelectorAll('.hit mark').length") > 0
    assert no_xss(page) and fits(page) and page.errors() == []


def _story_of(p, url: str) -> list[str]:
    return p.eval(f"""(() => {{ const a = [...document.querySelectorAll('.story .items a')]
        .find(a => a.href === {json.dumps(url)}); if (!a) return null;
        return [...a.closest('.story').querySelectorAll('.items > li > a')].map(x => x.href); }})()""")


def test_split_and_merge_then_the_next_build_applies_them(page, newsroom):
    goto(page, f"{newsroom.url}/stories/{DAY}")
    assert no_xss(page) and page.errors() == []
    stories = page.eval("[...document.querySelectorAll('.story')].map(s => [s.id, "
                        "[...s.querySelectorAll('.items > li > a')].map(a => a.href)])")
    big = next(urls for _, urls in stories if len(urls) >= 3)
    moved = big[-1]
    submit(page, f"""[...document.querySelectorAll('.story .items > li')].find(li =>
        li.querySelector('a').href === {json.dumps(moved)}).querySelector('form button').click()""")
    assert _story_of(page, moved) == [moved]
    singles = [(sid, urls) for sid, urls in stories if len(urls) == 1 and moved not in urls and big[0] not in urls]
    (a, a_urls), (b, b_urls) = singles[:2]
    page.eval(f"document.querySelector('#{a} input[type=checkbox]').click(); "
              f"document.querySelector('#{b} input[type=checkbox]').click(); 0")
    assert page.eval("document.querySelector('#merge-form button').disabled") is False
    submit(page, "document.querySelector('#merge-form button').click()")
    assert sorted(_story_of(page, a_urls[0])) == sorted(a_urls + b_urls)
    shot(page, "web-stories-375.png")
    assert fits(page) and page.errors() == []

    built = cli(newsroom.home, "build", "--date", DAY, "--out", str(newsroom.home / "reports"))
    assert built.returncode == 0, built.stderr
    with Store.open(newsroom.home) as store:
        groups = [set(s.item_urls) for s in latest_story_build(store, DAY).stories]
        report = next(store.reports(DAY, "2026-04-18", "zh"))
        made = corrections(store, DAY)
    assert {moved} in groups and set(a_urls + b_urls) in groups
    assert report.stats["overrides_applied"] >= 2
    assert [(c.kind, c.author) for c in made][-2:] == [("split", "alice"), ("merge", "alice")]


def test_edit_is_verified_and_flagged_then_approval_opens_the_gate(page, newsroom):
    settings = load_settings(newsroom.home)
    with Store.open(newsroom.home) as store, pytest.raises(ReviewError) as refused:
        require_approval(store, settings, DAY, "zh")
    assert f"dailybrief review approve {DAY}" in str(refused.value) and "\n" not in str(refused.value)
    publish = cli(newsroom.home, "publish", "--date", DAY)
    assert publish.returncode == 1 and publish.stderr.count("\n") == 1
    assert publish.stderr.startswith(f"error: {DAY} (zh) is not approved") and f"dailybrief review approve {DAY}" in publish.stderr

    goto(page, f"{newsroom.url}/review/{DAY}/zh")
    version = page.eval("document.querySelector('#edit-form input[name=version]').value")
    added = "该公司估值达到 98765 亿美元。[1]"
    page.eval(f"document.querySelector('textarea[name=\"para:0:0\"]').value += {json.dumps(added)}; 0")
    submit(page, "document.querySelector('#save').click()")
    flags = page.eval("document.querySelector('#flags') && document.querySelector('#flags').textContent")
    assert flags and "98765" in flags
    assert page.eval("document.querySelector('.field.flagged textarea').name") == "para:0:0"
    shot(page, "web-review-flagged.png")
    submit(page, f"""(() => {{ const f = document.querySelector('#edit-form');
        f.querySelector('input[name=version]').value = {json.dumps(version)};
        f.querySelector('textarea[name=summary]').value += ' 改'; f.querySelector('#save').click(); }})()""")
    assert "changed since this page was loaded" in page.eval("document.querySelector('#form-error').textContent")
    goto(page, f"{newsroom.url}/review/{DAY}/zh")
    submit(page, "document.querySelector('#approve').click()")
    assert page.eval("document.querySelector('#state').textContent") == "approved"
    assert "approved by alice" in page.eval("document.querySelector('.state-line').textContent")
    refused = [e for e in page.errors() if "409 (Conflict)" in e]
    assert len(refused) == 1  # the stale save, answered 409; nothing else went wrong
    assert fits(page) and [e for e in page.errors() if e not in refused] == []
    with Store.open(newsroom.home) as store:
        assert require_approval(store, settings, DAY, "zh").approved_by == "alice"
    published = cli(newsroom.home, "publish", "--date", DAY)  # no channels configured: nothing to send
    assert published.returncode == 0, published.stderr


def test_report_page_same_look_no_script_from_items(browser, page, newsroom):
    goto(page, f"{newsroom.url}/report/{DAY}/zh")
    assert page.eval("!!document.querySelector('.masthead h1') && !!document.querySelector('a[href$=\"/pdf\"]')")
    assert page.eval("document.querySelectorAll('sup.cite').length") > 5
    shot(page, "web-report-375.png")
    assert no_xss(page) and fits(page) and [e for e in page.errors() if "409 (Conflict)" not in e] == []
