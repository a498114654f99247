"""Rendering a :class:`~dailybrief.models.Report` into files readers open.

One renderer per format, registered by name in :data:`RENDERERS` (built-in ones exactly like a
renderer a user adds with :func:`register`):

=========  ==========================  ==============================================
format     file(s)                     module
=========  ==========================  ==============================================
md         report.md                   :mod:`dailybrief.render.markdown`
html       report.html                 :mod:`dailybrief.render.html` (self-contained)
pdf        report.pdf                  :mod:`dailybrief.render.pdf` (typst, A4)
wechat     report.wechat.html          :mod:`dailybrief.render.wechat` (inline styles)
txt        report.txt                  :mod:`dailybrief.render.text` (short summary)
charts     charts/*.png, charts/*.svg  :mod:`dailybrief.render.chartfiles`
=========  ==========================  ==============================================

:func:`render_report` renders each requested format independently: a format that fails (a missing
font, a broken custom template, an unwritable folder) adds one error line naming its file to
:class:`RenderResult` and the other formats are still written.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from dailybrief.errors import InputError, invalid_value
from dailybrief.models import Report
from dailybrief.render.context import (
    DEFAULT_FILE_MODE,
    History,
    RenderContext,
    RenderError,
    remove_stale_temps,
)

__all__ = [
    "RENDERERS",
    "DEFAULT_FORMATS",
    "ALL_FORMATS",
    "Renderer",
    "RenderContext",
    "RenderError",
    "RenderResult",
    "ReportLoadError",
    "load_report",
    "register",
    "render_report",
]


class Renderer(Protocol):
    """A format: a name, the file it writes (for error lines) and one method."""

    name: str
    filename: str

    def render(self, ctx: RenderContext) -> list[Path]:
        """Write the format's file(s) into ``ctx.out_dir`` and return their paths."""
        ...


RENDERERS: dict[str, Renderer] = {}
DEFAULT_FORMATS: tuple[str, ...] = ("md", "html", "pdf")


def register(renderer: Renderer) -> Renderer:
    """Add (or replace) a renderer under ``renderer.name``."""
    RENDERERS[renderer.name] = renderer
    return renderer


@dataclass
class RenderResult:
    """What one ``render_report`` call wrote, what failed, and how long each format took."""

    written: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class ReportLoadError(InputError):
    """A report.json file could not be read or is not a valid Report."""


def load_report(path: str | Path) -> Report:
    """Read a ``report.json`` file; raise :class:`ReportLoadError` with a one-line reason."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportLoadError(f"{p}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ReportLoadError(f"{p}: not UTF-8 text: {exc}") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ReportLoadError(f"{p}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        raise ReportLoadError(f"{p}: not a valid report: {invalid_value(exc)}") from exc


def _expand(formats: Iterable[str]) -> list[str]:
    out: list[str] = []
    for f in formats:
        names = list(ALL_FORMATS) if f == "all" else [f]
        for name in names:
            if name not in out:
                out.append(name)
    return out


def render_report(
    report: Report,
    out_dir: Path,
    formats: Iterable[str] = DEFAULT_FORMATS,
    template_dir: Path | None = None,
    history: History | None = None,
    file_mode: int = DEFAULT_FILE_MODE,
) -> RenderResult:
    """Render ``report`` into ``out_dir`` in each of ``formats`` (``"all"`` means every format).

    ``template_dir`` holds custom templates that override the packaged ones by file name.
    ``history`` is ``[(date, {section title: stories}), ...]`` for the 14-day chart.
    ``file_mode`` is the permission of every file written (default 0644).
    Temporary files that an earlier, killed render left behind are removed first.
    Never raises for a failing format: see :attr:`RenderResult.errors`.
    """
    out_dir = Path(out_dir)
    remove_stale_temps(out_dir)
    ctx = RenderContext(report=report, out_dir=out_dir, template_dir=template_dir, history=history)
    result = RenderResult()
    for name in _expand(formats):
        renderer = RENDERERS.get(name)
        if renderer is None:
            result.errors.append(f"unknown format {name!r} (known: {', '.join(RENDERERS)})")
            continue
        start = time.perf_counter()
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            result.written.extend(renderer.render(ctx))
        except RenderError as exc:
            result.errors.append(f"{out_dir / renderer.filename}: {exc}")
        except OSError as exc:
            result.errors.append(f"{out_dir / renderer.filename}: cannot write: {exc.strerror or exc}")
        except Exception as exc:  # one broken format must not stop the others
            result.errors.append(f"{out_dir / renderer.filename}: {type(exc).__name__}: {exc}")
        result.timings[name] = time.perf_counter() - start
    if file_mode != DEFAULT_FILE_MODE:
        for path in result.written:
            path.chmod(file_mode)
    for note in ctx.notes:
        if note not in result.errors:
            result.errors.append(note)
    return result


def _register_builtins() -> None:
    """The built-in formats, then any a plugin declares under `dailybrief.renderers` (a renderer
    object, or a class constructed without arguments, whose `name` is the entry point's)."""
    from dailybrief import plugins
    from dailybrief.render import chartfiles, html, markdown, pdf, text, wechat

    for mod in (markdown, html, pdf, wechat, text, chartfiles):
        register(mod.RENDERER)
    for name, found in plugins.load(plugins.RENDERERS).objects.items():
        renderer = found() if isinstance(found, type) else found
        if name not in RENDERERS and getattr(renderer, "name", None) == name:
            register(renderer)


_register_builtins()
ALL_FORMATS: tuple[str, ...] = tuple(RENDERERS)
