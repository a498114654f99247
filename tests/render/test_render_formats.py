"""Static checks of the HTML, WeChat HTML and charts files."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from dailybrief.render import render_report
from dailybrief.render.html import safe_url


def test_html_is_self_contained_and_escaped(rendered):
    out, _ = rendered
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<link" not in html and not re.search(r'\ssrc="(?!data:)', html)
    assert html.count("<script") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "<img src=x" not in html
    assert "prefers-color-scheme: dark" in html and "@media print" in html
    assert 'href="#ref-8"' in html and 'id="ref-8"' in html
    assert 'href="https://example.com/ising?a=1&amp;b=&lt;2&gt;"' in html


def test_safe_url():
    assert safe_url("https://a.b/c") == "https://a.b/c"
    assert safe_url("javascript:alert(1)") == "#"
    assert safe_url(" JaVaScRiPt:alert(1)") == "#"
    assert safe_url("data:text/html,x") == "#"


def test_wechat_inline_only(rendered):
    out, _ = rendered
    html = (out / "report.wechat.html").read_text(encoding="utf-8")
    for banned in ("<style", "<link", "<script", "@font-face", "@import", "class="):
        assert banned not in html.lower()
    srcs = re.findall(r'<img src="([^"]+)"', html)
    assert len(srcs) == 4 and all(s.startswith("data:image/png;base64,") for s in srcs)  # 2 charts + 2 QR
    assert "&lt;script&gt;alert(1)" in html
    assert "<sup style=" in html and "参考文献" in html and "联系我们" in html


def test_charts_files(rendered):
    out, _ = rendered
    for name in ("sections", "history"):
        png = (out / "charts" / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 5000
        root = ET.fromstring((out / "charts" / f"{name}.svg").read_bytes())
        assert root.tag.endswith("svg")


def test_no_history_no_history_chart(sample_report, tmp_path):
    result = render_report(sample_report, tmp_path, formats=["charts"], history=[("2026-04-17", {"x": 2})])
    assert sorted(p.name for p in result.written) == ["sections.png", "sections.svg"]


def test_charts_failure_keeps_html_and_pdf(sample_report, tmp_path, monkeypatch):
    import dailybrief.render.charts as charts

    def boom(*a, **k):
        raise RuntimeError("no matplotlib")

    monkeypatch.setattr(charts, "build_charts", boom)
    result = render_report(sample_report, tmp_path, formats=["html", "pdf", "wechat"])
    assert sorted(p.name for p in result.written) == ["report.html", "report.pdf", "report.wechat.html"]
    assert result.errors == ["charts/: charts omitted: no matplotlib"]
    assert "data:image/png" not in (tmp_path / "report.wechat.html").read_text(encoding="utf-8").split("联系")[0]


def test_markdown_renders_without_raw_item_html(rendered):
    from markdown_it import MarkdownIt

    out, _ = rendered
    html = MarkdownIt("commonmark").render((out / "report.md").read_text(encoding="utf-8"))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a href="#ref-2">[2]</a>' in html and "<em>The next evolution of the Agents SDK</em>" in html
