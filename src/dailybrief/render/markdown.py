"""Markdown: the report as plain CommonMark, citations kept as ``[n]`` links to the references."""

from __future__ import annotations

import re
from pathlib import Path

from dailybrief.models import Report
from dailybrief.render.citations import Cite, segments
from dailybrief.render.context import RenderContext, write_atomic

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md_escape(text: str) -> str:
    """Escape characters Markdown would treat as markup (including raw HTML's ``<``)."""
    return _SPECIAL.sub(r"\\\1", text)


def md_url(url: str) -> str:
    """A URL safe inside ``<...>`` autolink brackets."""
    return url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")


def md_cited(text: str, report: Report) -> str:
    """Paragraph text with markers as ``[[n]](#ref-n)`` links and everything else escaped."""
    out = []
    for seg in segments(text, report):
        out.append(f"[\\[{seg.n}\\]](#ref-{seg.n})" if isinstance(seg, Cite) else md_escape(seg))
    return "".join(out)


class MarkdownRenderer:
    name = "md"
    filename = "report.md"

    def render(self, ctx: RenderContext) -> list[Path]:
        r = ctx.report
        text = ctx.render_template(
            "report.md.j2",
            autoescape=False,
            report=r,
            cited=lambda t: md_cited(t, r),
            esc=md_escape,
            url=md_url,
            date_cn=date_cn(r.date),
        )
        return [write_atomic(ctx.out_dir / self.filename, text)]


def date_cn(iso: str) -> str:
    """``2026-04-17`` → ``2026 年 4 月 17 日`` (unchanged if not a date)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2}).*", iso)
    return f"{m[1]} 年 {int(m[2])} 月 {int(m[3])} 日" if m else iso


RENDERER = MarkdownRenderer()
