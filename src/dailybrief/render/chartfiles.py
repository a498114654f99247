"""The ``charts`` format: the day's charts (:mod:`dailybrief.render.charts`) as PNG and SVG files
in ``out_dir/charts/``, shared with the HTML, PDF and WeChat renderers of the same call."""

from __future__ import annotations

from pathlib import Path

from dailybrief.render.charts import build_charts
from dailybrief.render.context import RenderContext, write_atomic


class ChartsRenderer:
    name = "charts"
    filename = "charts/"

    def render(self, ctx: RenderContext) -> list[Path]:
        charts = ctx.__dict__.get("charts") or build_charts(ctx.report, ctx.history, ctx.t)  # errors: this format
        ctx.__dict__["charts"] = charts  # share with html/pdf/wechat (cached_property slot)
        folder = ctx.out_dir / "charts"
        written = []
        for c in charts:
            written.append(write_atomic(folder / f"{c.name}.png", c.png))
            written.append(write_atomic(folder / f"{c.name}.svg", c.svg))
        return written


RENDERER = ChartsRenderer()
