"""Plain text: a summary of a few hundred characters with a link to the full report."""

from __future__ import annotations

from pathlib import Path

from dailybrief.models import Report
from dailybrief.render.citations import strip_markers
from dailybrief.render.context import RenderContext, write_atomic
from dailybrief.render.labels import base_language

SUMMARY_LIMIT = 260


_ENDS_ZH = ("。", "！", "？")
_ENDS_LATIN = (". ", "! ", "? ")


def shorten(text: str, limit: int = SUMMARY_LIMIT, language: str = "zh") -> str:
    """Cut ``text`` at the last sentence end before ``limit``, else hard with an ellipsis.

    Sentence ends are 。！？ and, for reports not in Chinese, also ``.``/``!``/``?`` before a space.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    ends = _ENDS_ZH if base_language(language) == "zh" else _ENDS_ZH + _ENDS_LATIN
    cut = max(text.rfind(p, 0, limit) for p in ends)
    return text[: cut + 1] if cut >= limit // 2 else text[: limit - 1] + "…"


def report_url(report: Report) -> str:
    """Where the full report is: ``stats["report_url"]`` or a relative path to report.html."""
    url = report.stats.get("report_url")
    return str(url) if url else "report.html"


class TextRenderer:
    name = "txt"
    filename = "report.txt"

    def render(self, ctx: RenderContext) -> list[Path]:
        r = ctx.report
        text = ctx.render_template(
            "report.txt.j2",
            autoescape=False,
            summary=shorten(strip_markers(r.summary, r), language=r.language),
            url=report_url(r),
            **ctx.template_values(),
        )
        return [write_atomic(ctx.out_dir / self.filename, text)]


RENDERER = TextRenderer()
