"""WeChat article HTML: inline styles only, no <style>/<link>/<script>, no external fonts.

The WeChat editor keeps little more than inline ``style`` attributes and data-URI images, so the
charts and QR codes are inlined as PNG data URIs, citations are plain superscripts (the article
cannot link inside itself) and references show their URLs as text.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup, escape

from dailybrief.models import Report
from dailybrief.render.citations import Cite, segments
from dailybrief.render.context import RenderContext, write_atomic
from dailybrief.render.html import html_values

CITE_STYLE = "font-size:11px;color:#1f4e79;vertical-align:super;line-height:0;"


def cite_wechat(text: str, report: Report) -> Markup:
    """Escaped text with markers as styled superscripts."""
    out = []
    for seg in segments(text, report):
        if isinstance(seg, Cite):
            out.append(Markup('<sup style="{s}">[{n}]</sup>').format(s=CITE_STYLE, n=seg.n))
        else:
            out.append(escape(seg))
    return Markup("".join(str(x) for x in out))


class WeChatRenderer:
    name = "wechat"
    filename = "report.wechat.html"

    def render(self, ctx: RenderContext) -> list[Path]:
        text = ctx.render_template(
            "report.wechat.html.j2",
            autoescape=True,
            cite=lambda t: cite_wechat(t, ctx.report),
            **html_values(ctx),
        )
        return [write_atomic(ctx.out_dir / self.filename, text)]


RENDERER = WeChatRenderer()
