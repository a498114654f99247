"""The HTML in a real headless Chromium: no errors, no overflow at 375 px, previews, no XSS."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dailybrief.render import render_report

from .chromecdp import Browser, find_chromium

SHOTS = os.environ.get("DAILYBRIEF_SCREENSHOTS")  # a folder to keep screenshots for review


@pytest.fixture(scope="module")
def browser():
    exe = find_chromium()
    if exe is None:
        pytest.skip("chromium not installed")
    b = Browser(exe)
    yield b
    b.close()


@pytest.fixture(scope="module")
def html_url(rendered) -> str:
    out, result = rendered
    assert not result.errors, result.errors
    return (out / "report.html").as_uri()


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(Path(SHOTS) / name)


def test_mobile_375_no_errors_no_overflow(browser, html_url):
    page = browser.open(html_url, width=375, height=740, mobile=True)
    shot(page, "html-375.png")
    assert page.errors() == []
    assert page.eval("window.innerWidth") == 375
    assert page.eval("document.documentElement.scrollWidth") <= 375
    # open every preview (what a tap does) and check again
    page.eval("document.querySelectorAll('sup.cite').forEach(c => c.classList.add('open')); 0")
    assert page.eval("document.documentElement.scrollWidth") <= 375
    page.eval("document.querySelectorAll('sup.cite').forEach(c => c.classList.remove('open')); 0")
    widest = page.eval(
        "Math.max(...[...document.querySelectorAll('body *')].map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= 375.5


def test_citations_link_to_references(browser, html_url, sample_report):
    page = browser.open(html_url, width=1280)
    n_cites = page.eval("document.querySelectorAll('sup.cite > a').length")
    assert n_cites >= 20
    dangling = page.eval(
        "[...document.querySelectorAll('sup.cite > a')].filter(a => !document.getElementById(a.hash.slice(1))).length"
    )
    assert dangling == 0
    assert page.eval("document.querySelectorAll('ol.refs > li').length") == len(sample_report.references)
    toc = page.eval("[...document.querySelectorAll('nav.toc a')].map(a => a.hash)")
    assert toc[-1] == "#references" and len(toc) == len(sample_report.sections) + 1
    assert page.errors() == []


def test_citation_preview_on_hover(browser, html_url):
    page = browser.open(html_url, width=1280, height=900)
    box = page.eval(
        "(() => { const a = document.querySelector('#summary sup.cite > a'); a.scrollIntoView({block: 'center'});"
        " const r = a.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
    )
    pop = "getComputedStyle(document.querySelector('#summary sup.cite .pop')).display"
    assert page.eval(pop) == "none"
    page.hover(*box)
    assert page.eval(pop) == "block"
    text = page.eval("document.querySelector('#summary sup.cite .pop').textContent")
    assert "AP News" in text and "2026-04-16" in text
    shot(page, "html-1280-hover.png")
    page.hover(5, 5)
    page.eval("window.scrollTo(0, 0); 0")
    shot(page, "html-1280.png")


def test_injected_markup_is_inert(browser, html_url):
    page = browser.open(html_url, width=1280)
    assert page.errors() == []  # an alert() would show up here as a dialog
    assert page.eval("document.scripts.length") == 1  # only our own preview script
    assert page.eval("document.querySelector('[onerror]')") is None
    ref8 = page.eval("document.getElementById('ref-8').textContent")
    assert "<script>alert(1)</script>" in ref8 and "onerror=alert(2)" in ref8 and "🚀" in ref8


def test_dark_mode_and_print(browser, html_url):
    page = browser.open(html_url, width=1280)
    light = page.eval("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(features=[{"name": "prefers-color-scheme", "value": "dark"}])
    dark = page.eval("getComputedStyle(document.body).backgroundColor")
    assert light == "rgb(255, 255, 255)" and dark != light
    shot(page, "html-1280-dark.png")
    page.emulate_media(media="print")
    assert page.eval("getComputedStyle(document.querySelector('.contact')).breakBefore") == "page"
    assert page.eval("getComputedStyle(document.querySelector('.pop')).display") == "none"


def test_wechat_html_loads_clean(browser, rendered):
    out, _ = rendered
    page = browser.open((out / "report.wechat.html").as_uri(), width=375, mobile=True)
    shot(page, "wechat-375.png")
    assert page.errors() == []
    assert page.eval("document.documentElement.scrollWidth") <= 375
    assert page.eval("[...document.images].every(i => i.complete && i.naturalWidth > 0)")


def test_first_tap_previews_second_follows(browser, html_url):
    page = browser.open(html_url, width=375, height=740, mobile=True)
    page.emulate_media(features=[{"name": "hover", "value": "none"}])
    seen = len(browser.events)
    page.call("Page.reload")
    browser.wait_event("Page.loadEventFired", page.session, since=seen)
    if not page.eval("matchMedia('(hover: none)').matches"):
        pytest.skip("this Chromium cannot emulate (hover: none)")
    page.eval("document.querySelector('#summary sup.cite > a').click(); 0")
    assert page.eval("document.querySelector('#summary sup.cite').classList.contains('open')")
    assert page.eval("location.hash") == ""
    assert page.eval("document.documentElement.scrollWidth") <= 375
    shot(page, "html-375-tap.png")
    page.eval("document.querySelector('#summary sup.cite > a').click(); 0")
    assert page.eval("location.hash") == "#ref-2"
    assert page.errors() == []


def test_qr_captions_sit_centred_under_their_codes(browser, html_url):
    page = browser.open(html_url, width=1280)
    offsets = page.eval(
        "[...document.querySelectorAll('figure.qr')].map(f => {"
        " const i = f.querySelector('img').getBoundingClientRect(),"
        " c = f.querySelector('figcaption').getBoundingClientRect();"
        " const r = document.createRange(); r.selectNodeContents(f.querySelector('figcaption'));"
        " const t = r.getBoundingClientRect();"
        " return Math.abs((t.left + t.right) / 2 - (i.left + i.right) / 2); })"
    )
    assert len(offsets) == 2 and max(offsets) < 2, offsets  # the caption's text, not only its box


def test_chinese_names_in_english_text_are_not_spread_by_justification(browser, tmp_path, sample_report):
    report = sample_report.model_copy(deep=True)
    report.language = "en"
    report.summary = (
        "虎嗅 reported Anthropic first, followed by CBS Mornings, Marcus on AI and others, and the debate "
        "about the model went on for many more words than fit on one line of this narrow page.[1]"
    )
    render_report(report, tmp_path, formats=["html"])
    page = browser.open((tmp_path / "report.html").as_uri(), width=700)
    # the width of "虎嗅" at the start of a justified line equals its natural width
    spread = page.eval(
        "(() => { const p = document.querySelector('section.summary p');"
        " const r = document.createRange(); r.setStart(p.firstChild, 0); r.setEnd(p.firstChild, 2);"
        " const s = document.createElement('span'); s.textContent = '虎嗅';"
        " s.style.font = getComputedStyle(p).font; document.body.append(s);"
        " return r.getBoundingClientRect().width - s.getBoundingClientRect().width; })()"
    )
    assert abs(spread) < 1, spread
