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
            cited=lambda t: md_cited(t, r),
            esc=md_escape,
            url=md_url,
            **ctx.template_values(),
        )
        return [write_atomic(ctx.out_dir / self.filename, text)]


RENDERER = MarkdownRenderer()
