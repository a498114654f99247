"""The PDF as a reader sees it, checked with poppler: order, fonts, contents page numbers."""

from __future__ import annotations

import re
import subprocess

import pytest

from dailybrief.render.fonts import PLACEHOLDER, printable
from dailybrief.render.pdf import quiet_mark_info

from .renderhelpers import need, run


@pytest.fixture(scope="module")
def pdf(rendered):
    out, result = rendered
    assert not result.errors, result.errors
    need("pdftotext")
    return out / "report.pdf"


def pages(pdf) -> list[str]:
    return run("pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-").split("\f")


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_headings_in_order(pdf, sample_report):
    text = squash("".join(pages(pdf)))
    body = text[text.index("参考文献") + 4 :]  # after the contents listing
    positions = [body.index(squash(f"{i}{s.title}")) for i, s in enumerate(sample_report.sections, 1)]
    assert positions == sorted(positions)
    assert body.index(squash(f"{len(sample_report.sections) + 1}参考文献")) > positions[-1]
    assert text.index("摘要") < text.index("目录") < positions[0] + text.index("参考文献")


def test_title_block_and_contact_page(pdf, sample_report):
    ps = pages(pdf)
    first = squash(ps[0])
    for want in ("AI技术每日分析", "中国高技术产业发展促进会", "博雅云创", "2026年4月17日", "摘要"):
        assert want in first
    last = squash([p for p in ps if p.strip()][-1])
    assert "联系我们" in last and "工业智能算网" in last and "https://gyznsw.cn" in last


def test_fonts_embedded(pdf):
    need("pdffonts")
    lines = run("pdffonts", str(pdf)).splitlines()[2:]
    assert lines
    assert any("CJK" in ln for ln in lines)
    for ln in lines:
        assert " yes " in ln[ln.index("Identity") if "Identity" in ln else 0 :], ln  # emb column


def test_contents_page_numbers_match(pdf, sample_report):
    ps = pages(pdf)
    toc = {}
    for ln in ps[0].splitlines():
        m = re.match(r"\s*(\d+)\s+(.+?)[\s.\u2060]+(\d+)\s*$", ln)
        if m:
            toc[int(m[1])] = int(m[3])
    n_sections = len(sample_report.sections) + 1
    assert sorted(toc) == list(range(1, n_sections + 1)), toc
    titles = [s.title for s in sample_report.sections] + ["参考文献"]
    for i, title in enumerate(titles, 1):
        page = toc[i]
        heading = squash(f"{i}{title}")[:12]
        found = [k + 1 for k, p in enumerate(ps) if k > 0 and heading in squash(p)]
        assert found and found[0] == page, (title, page, found)


def test_metadata_and_bookmarks(pdf, sample_report):
    info = run("pdfinfo", str(pdf))
    assert "AI 技术每日分析" in info and "2026" in info
    assert re.search(r"Page size:.*A4", info)
    raw = pdf.read_bytes()
    assert b"/Outlines" in raw
    assert b"/Lang" in raw


def test_pdfinfo_reads_it_without_complaint(pdf):
    # poppler up to 25.11 printed "Syntax Error: Suspects object is wrong type (boolean)" for the
    # /Suspects false typst writes; the entry is blanked and the file stays tagged and valid
    proc = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert re.search(r"Tagged:\s+yes", proc.stdout) and re.search(r"Suspects:\s+no", proc.stdout)
    assert b"/Suspects" not in pdf.read_bytes()
    assert "参考文献" in "".join(pages(pdf))  # the cross-reference offsets still hold


def test_mark_info_blanking_keeps_every_offset():
    raw = b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/MarkInfo<</Marked true/Suspects false>>>>\nendobj\n"
    quiet = quiet_mark_info(raw)
    assert len(quiet) == len(raw) and b"Suspects" not in quiet and b"/Marked true" in quiet
    assert quiet_mark_info(b"%PDF-1.7 no mark info") == b"%PDF-1.7 no mark info"


def test_links_in_pdf(pdf):
    raw = pdf.read_bytes()
    assert b"/URI" in raw and b"gyznsw.cn" in raw
    assert raw.count(b"/Dest") + raw.count(b"/GoTo") > 5  # contents and citations jump inside


def test_emoji_does_not_become_tofu(pdf):
    text = "".join(pages(pdf))
    assert "NVIDIA Ising" in text and PLACEHOLDER in text
    assert printable("量子 AI é “引号”") == "量子 AI é “引号”"
    assert printable("火箭🚀") == "火箭" + PLACEHOLDER
