"""Labels, dates and the document language follow ``report.language`` in every format.

An English version of the sample report (English title, summary, sections and paragraphs; the
organisation texts stay Chinese as configured) must contain no Chinese outside those organisation
texts, and must show the English labels; the Chinese sample keeps its Chinese labels.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from dailybrief.models import Report
from dailybrief.render import render_report
from dailybrief.render.charts import build_charts
from dailybrief.render.labels import LABELS, format_date, labels, typst_lang
from dailybrief.render.markdown import md_escape

from .conftest import HISTORY
from .renderhelpers import need, run

# Han ideographs, CJK punctuation (except U+3013 〓, the PDF's placeholder for an emoji), fullwidth forms.
CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u3012\u3014-\u303f\uff00-\uffef]")
MARKER = re.compile(r"\[\d+\]")
SENTENCES = (
    "The company announced a new model and said it would reach customers next month.",
    "Developers discussed the price, the context window and how the release compares with rivals.",
    "Analysts expect the change to matter most for enterprise buyers.",
)


def _english_text(chinese: str, k: int) -> str:
    """An English paragraph citing the same references as ``chinese``."""
    markers = MARKER.findall(chinese)
    parts = []
    for i, sentence in enumerate(SENTENCES[: max(1, min(3, len(markers)))]):
        parts.append(sentence + "".join(markers[i::3]))
    return f"Story {k}. " + " ".join(parts)


@pytest.fixture(scope="module")
def english_report(sample_report: Report) -> Report:
    r = sample_report.model_copy(deep=True)
    r.language = "en"
    r.title = "AI Technology Daily Analysis"
    r.summary = _english_text(r.summary, 0)
    for j, s in enumerate(r.sections, 1):
        s.title = f"Theme {j}: what happened in section {j}"
        for k, p in enumerate(s.paragraphs, 1):
            p.text = _english_text(p.text, k)
            if p.lead:
                p.lead = f"Lead-in {j}.{k}"
    for ref in r.references:  # item titles are not labels; the sample has one Chinese title
        ref.title = CJK.sub("", ref.title).replace("  ", " ") or "Untitled"
    return r


@pytest.fixture(scope="module")
def english_out(english_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rendered-en")
    result = render_report(english_report, out, formats=["all"], history=HISTORY)
    assert not result.errors, result.errors
    return out


def org_texts(report: Report) -> list[str]:
    """Texts that come from the configuration and stay as configured (longest first)."""
    org = report.organisation
    texts = [org.name, org.partner, org.contact_title]
    for c in org.contacts:
        texts += [c.name, c.description, c.qr_label]
    return sorted({t for t in texts if t}, key=len, reverse=True)


def leftover_chinese(text: str, report: Report, squash: bool = False) -> list[str]:
    """Chinese characters in ``text`` once the organisation texts are taken out."""
    if squash:  # PDF text: line breaks and spaces may fall anywhere
        text = re.sub(r"\s+", "", text)
    for t in org_texts(report):
        variants = {t, md_escape(t)}
        for v in variants:
            text = text.replace(re.sub(r"\s+", "", v) if squash else v, "")
    return [m.group() + repr(text[max(0, m.start() - 30) : m.end() + 30]) for m in CJK.finditer(text)][:5]


def pdf_lang(pdf: Path) -> str:
    """The document language in the PDF catalog (``/Lang``)."""
    m = re.search(rb"/Lang\s*\(([^)]*)\)", pdf.read_bytes())
    return m[1].decode() if m else ""


def test_labels_table():
    assert set(LABELS["zh"]) == set(LABELS["en"])
    assert labels("zh").summary == "摘要" and labels("zh-CN").language == "zh"
    assert labels("en").summary == "Summary" and labels("en")["references"] == "References"
    for unknown in ("fr", "de-AT", "xx-YY"):
        assert labels(unknown).language == "en"
    assert labels(None).language == "zh"  # the report default
    assert labels("en").fmt("figure", n=1, caption="Stories per section today") == "Figure 1. Stories per section today"
    assert labels("en").full_text_line(1, "u") == "Full report (1 reference): u"
    assert labels("en").full_text_line(12, "u") == "Full report (12 references): u"
    assert labels("zh").full_text_line(12, "u") == "全文（含 12 条参考文献）：u"


def test_format_date():
    assert format_date("2026-04-17", "zh") == "2026 年 4 月 17 日"
    assert format_date("2026-04-17", "en") == "17 April 2026"
    assert format_date("2026-01-02T08:00:00Z", "fr") == "2 January 2026"
    assert format_date("yesterday", "en") == "yesterday"
    assert format_date("2026-13-40", "en") == "2026-13-40"


def test_typst_lang():
    assert typst_lang("zh") == ("zh", "cn")
    assert typst_lang("en") == ("en", None)
    assert typst_lang("de-AT") == ("de", None)
    assert typst_lang("not a language") == ("en", None)


def test_english_markdown(english_out: Path, english_report: Report):
    md = (english_out / "report.md").read_text(encoding="utf-8")
    assert not leftover_chinese(md, english_report)
    for label in ("## Summary", "## Contents", "[References](#references)", "## 6 References",
                  "17 April 2026", "Website: <https://gyznsw.cn>", "**Lead-in 4.1**: Story 1."):
        assert label in md, label
    assert "**新质生产力工作委员会** (官方公众号): 中国高技术产业" in md  # organisation texts as configured


def test_english_html(english_out: Path, english_report: Report):
    page = (english_out / "report.html").read_text(encoding="utf-8")
    assert not leftover_chinese(html.unescape(page), english_report)
    for label in ('<html lang="en">', ">Summary</h2>", ">Contents</h2>", "References</h2>",
                  '<span class="t">References</span>', ">17 April 2026</time>", 'aria-label="Reference 1"',
                  "<figcaption>Figure 1. Stories per section today</figcaption>",
                  "<figcaption>Figure 2. Stories per section, last 14 days</figcaption>",
                  'alt="QR code: 新质生产力工作委员会"', "<dt>新质生产力工作委员会: </dt>",
                  '<p class="site">Website: <a', "<strong>Lead-in 4.1</strong>: Story 1."):
        assert label in page, label


def test_english_wechat(english_out: Path, english_report: Report):
    page = (english_out / "report.wechat.html").read_text(encoding="utf-8")
    assert not leftover_chinese(html.unescape(page), english_report)
    for label in (">Summary</p>", ">Contents</p>", "&nbsp;&nbsp;References</p>", ">17 April 2026</p>",
                  "Figure 1. Stories per section today", "Website: https://gyznsw.cn",
                  "<strong>Lead-in 4.1</strong>: Story 1."):
        assert label in page, label
    assert "text-indent:2em" not in page and "letter-spacing" not in page
    assert "justify" not in page  # ragged right throughout, the contact descriptions too


def test_english_text(english_out: Path, english_report: Report):
    txt = (english_out / "report.txt").read_text(encoding="utf-8")
    assert not leftover_chinese(txt, english_report)
    assert txt.startswith("AI Technology Daily Analysis | 17 April 2026\n")
    assert "\nToday's sections:\n1. Theme 1: what happened in section 1\n" in txt
    assert txt.rstrip().endswith("Full report (12 references): report.html")


def test_english_charts(english_report: Report):
    captions = [c.caption for c in build_charts(english_report, HISTORY)]
    assert captions == ["Stories per section today", "Stories per section, last 14 days"]


def test_english_pdf(english_out: Path, english_report: Report):
    need("pdftotext")
    pdf = english_out / "report.pdf"
    text = run("pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-")
    assert not leftover_chinese(text, english_report, squash=True)
    first, *rest = text.split("\f")
    for label in ("Summary", "Contents", "References", "17 April 2026"):
        assert label in first, label
    assert re.search(r"6\s+References", text)
    assert "Website: https://gyznsw.cn" in text
    assert "Lead-in 4.1: Story 1." in re.sub(r"\s+", " ", text)
    assert "AI Technology Daily Analysis · 中国高技术产业发展促进会" in rest[0]  # running header
    assert "17 April 2026" in rest[0]
    need("pdffonts")
    fonts = run("pdffonts", str(pdf))
    assert "LibertinusSerif-Regular" in fonts  # Latin body text
    assert "NotoSansCJK" in fonts  # Chinese organisation names still render
    assert pdf_lang(pdf) == "en"


def test_chinese_keeps_its_labels(rendered, sample_report: Report):
    out, result = rendered
    assert not result.errors, result.errors
    md = (out / "report.md").read_text(encoding="utf-8")
    for label in ("## 摘要", "## 目录", "[参考文献](#references)", "## 6 参考文献", "2026 年 4 月 17 日",
                  "网站地址：<https://gyznsw.cn>", "**Parcae 架构（循环语言模型）**：",
                  "**新质生产力工作委员会**（官方公众号）：中国高技术产业"):
        assert label in md, label
    page = (out / "report.html").read_text(encoding="utf-8")
    for label in ('<html lang="zh-CN">', ">摘要</h2>", ">目录</h2>", 'aria-label="参考文献 1"',
                  "<figcaption>图 1　今日各板块报道数</figcaption>", "<figcaption>图 2　近 14 日各板块报道数</figcaption>",
                  'alt="新质生产力工作委员会 二维码"', "<dt>新质生产力工作委员会：</dt>", '<p class="site">网站地址：<a'):
        assert label in page, label
    wechat = (out / "report.wechat.html").read_text(encoding="utf-8")
    for label in (">摘要</p>", ">目录</p>", "&nbsp;&nbsp;参考文献</p>", "图 1　今日各板块报道数", "网站地址：https://gyznsw.cn",
                  "text-indent:2em;", "letter-spacing:0.5px;"):
        assert label in wechat, label
    txt = (out / "report.txt").read_text(encoding="utf-8")
    assert txt.startswith(f"{sample_report.title}｜2026 年 4 月 17 日\n")
    assert "\n今日板块：\n" in txt and "全文（含 12 条参考文献）：report.html" in txt
    need("pdftotext")
    text = run("pdftotext", "-layout", "-enc", "UTF-8", str(out / "report.pdf"), "-")
    first = text.split("\f")[0]
    for label in ("摘要", "目录", "参考文献", "2026 年 4 月 17 日"):
        assert label in first, label
    assert "网站地址：https://gyznsw.cn" in re.sub(r"\s+", "", text)
    assert pdf_lang(out / "report.pdf") == "zh-CN"


def test_date_cn_still_works_in_custom_templates(english_report: Report, tmp_path: Path):
    tpl = tmp_path / "templates"
    tpl.mkdir()
    (tpl / "report.txt.j2").write_text("{{ date_cn }} / {{ date_text }} / {{ t.references }}\n", encoding="utf-8")
    result = render_report(english_report, tmp_path / "out", formats=["txt"], template_dir=tpl)
    assert not result.errors, result.errors
    assert (tmp_path / "out" / "report.txt").read_text(encoding="utf-8") == "17 April 2026 / 17 April 2026 / References\n"


def test_unknown_language_gets_english_labels(english_report: Report, tmp_path: Path):
    r = english_report.model_copy(update={"language": "fr"})
    result = render_report(r, tmp_path, formats=["md", "html", "pdf"])
    assert not result.errors, result.errors
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## Summary" in md and "17 April 2026" in md
    assert '<html lang="fr">' in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert pdf_lang(tmp_path / "report.pdf") == "fr"
