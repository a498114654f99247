"""Charts: stories per section today, and a 14-day history when given.

Captions, titles and axis labels are in the report's language (:mod:`dailybrief.render.labels`).
Drawn with matplotlib's Agg backend in ``Noto Sans CJK SC`` (it has Latin glyphs too, and section
titles may be Chinese in any report); a missing font is an error (a chart of empty boxes is worse
than no chart). Each chart exists as PNG (HTML, WeChat) and SVG (PDF,
``charts/``). The ``charts`` format (:mod:`dailybrief.render.chartfiles`) writes them to
``out_dir/charts/``.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from dailybrief.errors import RenderError
from dailybrief.models import Report
from dailybrief.render.labels import Labels, format_date, labels

FONT_FAMILY = "Noto Sans CJK SC"
INK = "#1f2a44"
ACCENT = "#8c1c13"
PALETTE = ["#1f4e79", "#8c1c13", "#5b7f3a", "#b7791f", "#6b4c9a", "#2c7a7b", "#7a7a7a"]

History = list[tuple[str, dict[str, int]]]  # (date, stories per section title), oldest first


@dataclass(frozen=True)
class Chart:
    """One chart: a file stem, a caption in the report's language and its PNG and SVG bytes."""

    name: str
    caption: str
    png: bytes
    svg: bytes

    @property
    def png_data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    try:
        font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False)
    except ValueError:
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)  # fonts came later
        try:
            font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False)
        except ValueError as exc:
            raise RenderError(f"font {FONT_FAMILY!r} not found (install fonts-noto-cjk)") from exc
    plt.rcParams.update(
        {
            "font.family": FONT_FAMILY,
            "axes.unicode_minus": False,
            "svg.fonttype": "path",
            "svg.hashsalt": "dailybrief",
            "axes.edgecolor": "#999999",
            "axes.labelcolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
            "font.size": 9,
        }
    )
    return plt


def _save(fig, name: str, caption: str) -> Chart:
    png, svg = io.BytesIO(), io.BytesIO()
    fig.savefig(png, format="png", dpi=200, bbox_inches="tight", facecolor="white")
    fig.savefig(svg, format="svg", bbox_inches="tight", facecolor="white", metadata={"Date": None})
    return Chart(name, caption, png.getvalue(), svg.getvalue())


def _short(title: str, limit: int = 14, language: str = "zh") -> str:
    """The theme part of a section title, cut to ``limit`` characters (Chinese; 2.5× for others).

    Latin letters are about half as wide as Chinese characters, so an English label gets more.
    """
    limit = limit if language == "zh" else int(limit * 2.5)
    head = title.split("：")[0].split(":")[0].strip()
    return head if len(head) <= limit else head[: limit - 1] + "…"


def sections_chart(report: Report, t: Labels | None = None) -> Chart:
    """Horizontal bars: stories per section in today's report, in section order."""
    t = t or labels(report.language)
    plt = _pyplot()
    names = [f"{i}. {_short(s.title, language=t.language)}" for i, s in enumerate(report.sections, 1)]
    counts = [len(s.stories) for s in report.sections]
    fig, ax = plt.subplots(figsize=(6.4, 0.42 * max(len(names), 2) + 0.6))
    try:
        bars = ax.barh(range(len(names)), counts, color="#1f4e79", height=0.55)
        ax.set_yticks(range(len(names)), names)
        ax.invert_yaxis()
        ax.bar_label(bars, padding=3, color=INK)
        ax.set_xlabel(t.chart_count_axis)
        title = t.fmt("chart_sections_title", date=report.date, date_text=format_date(report.date, t.language))
        ax.set_title(title, loc="left", fontsize=10, color=INK)
        ax.spines[["top", "right"]].set_visible(False)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlim(0, max(counts + [1]) * 1.15)
        return _save(fig, "sections", t.chart_sections_caption)
    finally:
        plt.close(fig)


def history_chart(history: History, t: Labels | None = None) -> Chart:
    """Stacked bars: stories per section over the last (up to) 14 days."""
    t = t or labels("zh")
    plt = _pyplot()
    days = sorted(history, key=lambda d: d[0])[-14:]
    titles: list[str] = []
    for _, per in days:
        for title in per:
            if title not in titles:
                titles.append(title)
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    try:
        bottom = [0] * len(days)
        x = range(len(days))
        for i, title in enumerate(titles):
            vals = [per.get(title, 0) for _, per in days]
            ax.bar(x, vals, bottom=bottom, color=PALETTE[i % len(PALETTE)], width=0.7, label=_short(title, 10, t.language))
            bottom = [b + v for b, v in zip(bottom, vals)]
        ax.set_xticks(list(x), [d[5:] if len(d) >= 10 else d for d, _ in days], rotation=45, ha="right")
        ax.set_ylabel(t.chart_count_axis)
        ax.set_title(t.fmt("chart_history_title", n=len(days)), loc="left", fontsize=10, color=INK)
        ax.spines[["top", "right"]].set_visible(False)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize=7, frameon=False, ncol=min(3, max(1, len(titles))), loc="upper left",
                  bbox_to_anchor=(0, -0.28))
        return _save(fig, "history", t.fmt("chart_history_caption", n=len(days)))
    finally:
        plt.close(fig)


def build_charts(report: Report, history: History | None = None, t: Labels | None = None) -> list[Chart]:
    """Today's chart, plus the history chart when ``history`` has at least two days.

    (A one-day "history" is the same information as today's chart, drawn as one wide bar.)
    """
    t = t or labels(report.language)
    charts = [sections_chart(report, t)] if report.sections else []
    if history and len({d for d, _ in history}) >= 2:
        charts.append(history_chart(history, t))
    return charts
