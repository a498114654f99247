"""render_report and load_report: formats are independent, errors are one clear line each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dailybrief.render import ALL_FORMATS, RENDERERS, ReportLoadError, load_report, render_report
from dailybrief.render.citations import Cite, cited_numbers, segments, strip_markers


def test_all_formats_written(rendered):
    out, result = rendered
    assert result.errors == []
    names = {p.relative_to(out).as_posix() for p in result.written}
    assert {"report.md", "report.html", "report.pdf", "report.wechat.html", "report.txt"} <= names
    assert {"charts/sections.png", "charts/sections.svg", "charts/history.png", "charts/history.svg"} <= names
    assert set(result.timings) == set(ALL_FORMATS)


def test_default_formats(sample_report, tmp_path):
    result = render_report(sample_report, tmp_path)
    assert sorted(p.name for p in result.written) == ["report.html", "report.md", "report.pdf"]


def test_broken_custom_template_fails_only_its_format(sample_report, tmp_path):
    tpl = tmp_path / "templates"
    tpl.mkdir()
    (tpl / "report.html.j2").write_text("{% for x in %}broken", encoding="utf-8")
    (tpl / "report.typ").write_text('#let data = json("data.json")\n#text(font: "No Such Font")[x]\n')
    result = render_report(sample_report, tmp_path / "out", formats=["md", "html", "pdf", "txt"], template_dir=tpl)
    assert sorted(p.name for p in result.written) == ["report.md", "report.txt"]
    assert len(result.errors) == 2
    html_err = next(e for e in result.errors if "report.html" in e)
    pdf_err = next(e for e in result.errors if "report.pdf" in e)
    assert "report.html.j2" in html_err and "\n" not in html_err
    assert "font" in pdf_err.lower() and "\n" not in pdf_err
    assert not (tmp_path / "out" / "report.html").exists()


def test_custom_template_overrides_packaged(sample_report, tmp_path):
    tpl = tmp_path / "templates"
    tpl.mkdir()
    (tpl / "report.txt.j2").write_text("自定义：{{ report.title }} {{ url }}\n", encoding="utf-8")
    (tpl / "report.css").write_text("body { color: rebeccapurple; }\n", encoding="utf-8")
    result = render_report(sample_report, tmp_path / "o", formats=["txt", "html"], template_dir=tpl)
    assert result.ok, result.errors
    assert (tmp_path / "o" / "report.txt").read_text(encoding="utf-8") == "自定义：AI 技术每日分析 report.html\n"
    assert "rebeccapurple" in (tmp_path / "o" / "report.html").read_text(encoding="utf-8")


def test_unwritable_folder(sample_report):
    # /proc refuses new folders even to root, so this runs the same as root and as a user.
    ro = Path("/proc/self/dailybrief-out")
    result = render_report(sample_report, ro, formats=["md", "txt"])
    assert result.written == []
    assert len(result.errors) == 2 and all(str(ro) in e and "\n" not in e for e in result.errors)


def test_out_dir_is_a_file(sample_report, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = render_report(sample_report, blocker, formats=["md", "txt"])
    assert result.written == []
    assert [e.split(":")[0] for e in result.errors] == [str(blocker / "report.md"), str(blocker / "report.txt")]


def test_one_failing_renderer_does_not_stop_others(sample_report, tmp_path, monkeypatch):
    class Boom:
        name = "md"
        filename = "report.md"

        def render(self, ctx):
            raise RuntimeError("kaputt")

    monkeypatch.setitem(RENDERERS, "md", Boom())
    result = render_report(sample_report, tmp_path, formats=["md", "txt", "nope"])
    assert [p.name for p in result.written] == ["report.txt"]
    assert result.errors[0] == f"{tmp_path / 'report.md'}: RuntimeError: kaputt"
    assert "unknown format 'nope'" in result.errors[1]


def test_load_report_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"date": "2026-04-17",\n "title": }', encoding="utf-8")
    with pytest.raises(ReportLoadError, match=r"bad.json: invalid JSON at line 2"):
        load_report(bad)
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"date": "2026-04-17", "title": "x", "summary": "y", "sections": 3}))
    with pytest.raises(ReportLoadError, match=r"not a valid report: (sections|references)"):
        load_report(wrong)
    with pytest.raises(ReportLoadError, match="cannot read"):
        load_report(tmp_path / "missing.json")


def test_citation_segments(sample_report):
    segs = segments("见[2][5]，另见[99]与[2026]。", sample_report)
    assert [type(s).__name__ for s in segs] == ["str", "Cite", "Cite", "str"]
    assert segs[1] == Cite(2, sample_report.references[1]) and segs[3] == "，另见[99]与[2026]。"
    assert strip_markers("甲[1]乙[3]", sample_report) == "甲乙"
    assert cited_numbers("[3] [1][3]", sample_report) == [3, 1]
    assert "AP News" in segs[1].preview and "2026-04-16" in segs[1].preview


def test_markdown_and_text(rendered, sample_report):
    out, _ = rendered
    md = (out / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# AI 技术每日分析")
    assert "## 摘要" in md and "参考文献" in md and "[\\[2\\]](#ref-2)" in md
    assert "<script>" not in md and "\\<script\\>" in md
    assert "1. **Parcae 架构（循环语言模型）**：" in md
    txt = (out / "report.txt").read_text(encoding="utf-8")
    assert "[2]" not in txt and "report.html" in txt
    assert 150 <= len(txt) <= 700


def test_text_uses_report_url(sample_report, tmp_path):
    rep = sample_report.model_copy(update={"stats": {"report_url": "https://example.org/2026-04-17/"}})
    render_report(rep, tmp_path, formats=["txt"])
    assert "https://example.org/2026-04-17/" in (tmp_path / "report.txt").read_text(encoding="utf-8")
