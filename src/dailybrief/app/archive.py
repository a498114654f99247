"""The archive as readers see it: the stored reports by date, one report as the same HTML page
`render` writes (rendered from the current version, cached by its digest), and the other formats
rendered on demand into the home folder's cache."""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from ..errors import InputError
from ..models import Report
from ..store import Store, schema
from ..store.review import digest, report_body

FORMATS = {"pdf": "report.pdf", "md": "report.md", "txt": "report.txt", "json": "report.json",
           "wechat": "report.wechat.html"}
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


@dataclass
class Entry:
    date: str
    language: str
    title: str
    summary: str
    sections: list[str]
    stories: int


def archive(store: Store, limit: int = 400) -> list[Entry]:
    """Stored reports, newest first."""
    t = schema.reports
    query = select(t.c.report).order_by(t.c.date.desc(), t.c.language).limit(limit)
    with store.engine.connect() as conn:
        bodies = conn.execute(query).scalars().all()
    out = []
    for body in bodies:
        r = Report.model_validate_json(body)
        out.append(Entry(r.date, r.language, r.title, r.summary, [s.title for s in r.sections],
                         sum(len(s.stories) for s in r.sections)))
    return out


def stored_report(store: Store, day: str, language: str) -> tuple[Report, str]:
    """The current report and the digest of its body; InputError when there is none."""
    with store.engine.connect() as conn:
        body = report_body(conn, day, language)
    if body is None:
        raise InputError(f"{day} ({language}): no report for this date")
    return Report.model_validate_json(body), digest(body)


@dataclass
class Page:
    html: str
    script_hashes: list[str]  # sha256 of each inline script, for the Content-Security-Policy
    style_hashes: list[str]


class PageCache:
    """Rendered report pages by body digest (a rendered page costs charts; a cached one nothing)."""

    def __init__(self, size: int = 64):
        self.size = size
        self.pages: OrderedDict[str, Page] = OrderedDict()
        self.lock = threading.Lock()

    def page(self, store: Store, day: str, language: str, template_dir: Path | None) -> Page:
        with store.engine.connect() as conn:
            body = report_body(conn, day, language)
        if body is None:
            raise InputError(f"{day} ({language}): no report for this date")
        key = digest(body)  # a cached page costs this query and a hash, not a parse
        with self.lock:
            if key in self.pages:
                self.pages.move_to_end(key)
                return self.pages[key]
        page = render_page(store, Report.model_validate_json(body), template_dir)
        with self.lock:
            self.pages[key] = page
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)
        return page


def render_page(store: Store, report: Report, template_dir: Path | None) -> Page:
    # Loaded with the first page, not when the web app starts (the pipeline pulls in the engine).
    from ..pipeline import section_history
    from ..render.context import RenderContext
    from ..render.html import cite_html, html_values

    ctx = RenderContext(report=report, out_dir=Path("."), template_dir=template_dir,
                        history=section_history(store, report))
    html = ctx.render_template("report.html.j2", autoescape=True, cite=lambda text: cite_html(text, report, ctx.t),
                               **html_values(ctx))
    def hashes(pattern: re.Pattern[str]) -> list[str]:
        return [base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() for m in pattern.findall(html)]

    return Page(html, hashes(_SCRIPT), hashes(_STYLE))


def format_file(store: Store, day: str, language: str, fmt: str, cache_dir: Path,
                template_dir: Path | None) -> Path:
    """The report in format `fmt`, rendered once per version into `cache_dir`."""
    # Loaded with the first download, not when the web app starts (as in render_page).
    from ..pipeline import section_history
    from ..render import render_report

    if fmt not in FORMATS:
        raise InputError(f"{fmt}: unknown format (known: {', '.join(FORMATS)})")
    report, key = stored_report(store, day, language)
    out = cache_dir / key[:24]
    path = out / FORMATS[fmt]
    if fmt == "json":
        out.mkdir(parents=True, exist_ok=True)
        path.write_text(report.model_dump_json(indent=2), "utf-8")
        return path
    if not path.exists():
        result = render_report(report, out, formats=[fmt], template_dir=template_dir,
                               history=section_history(store, report))
        if not path.exists():
            raise InputError(f"{day} ({language}) {fmt}: {'; '.join(result.errors) or 'not rendered'}")
    return path
