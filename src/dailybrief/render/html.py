"""HTML: one self-contained file (CSS, charts and QR codes inline) with the same content as the PDF.

Everything that comes from items (titles, sources, URLs) is escaped by Jinja2's autoescape; the
only markup built in Python is the citation link, from escaped parts. Reference URLs other than
http(s)/mailto become inert. The page is responsive from 375 px, has a print stylesheet, a dark
scheme, a table of contents and citation previews (hover, keyboard focus, or a first tap).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from dailybrief.models import Report
from dailybrief.render.citations import Cite, segments
from dailybrief.render.context import RenderContext, write_atomic
from dailybrief.render.labels import Labels, html_lang


def safe_url(url: str) -> str:
    """``url`` if it is http(s) or mailto, else ``#`` (no ``javascript:`` or ``data:`` links)."""
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip() if scheme in {"http", "https", "mailto"} else "#"


def cite_html(text: str, report: Report, t: Labels) -> Markup:
    """Escaped paragraph text with each marker as a link to its reference plus a preview."""
    out: list[str] = []
    for seg in segments(text, report):
        if isinstance(seg, Cite):
            ref = seg.reference
            meta = " · ".join(x for x in (ref.source, ref.published[:10]) if x)
            out.append(
                Markup(
                    '<sup class="cite"><a href="#ref-{n}" aria-label="{aria}">[{n}]</a>'
                    '<span class="pop" role="tooltip"><cite>{title}</cite><span class="meta">{meta}</span>'
                    "</span></sup>"
                ).format(n=seg.n, aria=t.fmt("cite_aria", n=seg.n), title=ref.title, meta=meta)
            )
        else:
            out.append(str(escape(seg)))
    return Markup("".join(out))


def html_values(ctx: RenderContext) -> dict[str, object]:
    """Values shared by the HTML and WeChat templates."""
    return {
        **ctx.template_values(),
        "charts": ctx.charts,
        "qr_codes": ctx.qr_codes,
        "safe_url": safe_url,
        "lang": html_lang(ctx.report.language),
    }


class HTMLRenderer:
    name = "html"
    filename = "report.html"

    def render(self, ctx: RenderContext) -> list[Path]:
        values = html_values(ctx)
        text = ctx.render_template(
            "report.html.j2", autoescape=True, cite=lambda text: cite_html(text, ctx.report, ctx.t), **values
        )
        return [write_atomic(ctx.out_dir / self.filename, text)]


RENDERER = HTMLRenderer()
