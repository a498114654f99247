"""The static archive: every stored report as a browsable site with a feed and a search page.

Layout under the output folder (paths as `Settings.edition_path` gives them):

    index.html            every edition, newest first, each with its 摘要
    D/index.html          the edition page (the rendered report.html plus a site bar) and D/report.pdf
    D/en/index.html       editions in a language other than report.language
    tags/index.html       every section tag; tags/ID.html: that section's stories across editions
    search.html           client-side search over search-index.js (Chinese bigrams, English words)
    feed.atom             one entry per edition (stable ids, summary = 摘要, PDF enclosure)
    sitemap.xml           every page (absolute URLs need site.base_url)
    site.css

With `site.base_url` every link is absolute; without it links are relative, so the folder can be
opened from disk.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import tempfile
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import date as date_cls
from pathlib import Path
from xml.etree import ElementTree as ET

import jinja2

from ..config import Settings
from ..errors import DailybriefError
from ..models import Report
from ..render import render_report
from ..render.citations import strip_markers
from ..render.labels import format_date, html_lang
from ..render.text import shorten
from .editions import SiteEdition, edition_folder
from .search import build_search_index

TEMPLATES = Path(__file__).parent / "templates" / "site"
ATOM = "http://www.w3.org/2005/Atom"
_WORDS = {
    "zh": {"archive": "往期归档", "tags": "栏目", "search": "搜索", "feed": "订阅 (Atom)", "pdf": "PDF 版",
           "stories": "篇报道", "editions": "期", "query": "输入关键词，如 智能体 或 OpenAI", "none": "没有找到结果", "results": "共 {n} 条结果",
           "back": "返回归档"},
    "en": {"archive": "Archive", "tags": "Sections", "search": "Search", "feed": "Feed (Atom)", "pdf": "PDF",
           "stories": "stories", "editions": "editions", "query": "Search, e.g. agents or OpenAI", "none": "No results", "results": "{n} results",
           "back": "Back to the archive"},
}


@dataclass
class SiteResult:
    out_dir: Path
    editions: int = 0
    pages: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Site:
    """One build of the archive into `out_dir` from `reports` and their rendered folders."""

    def __init__(self, settings: Settings, reports: list[Report], reports_dir: Path, out_dir: Path):
        self.settings = settings
        self.base = settings.site.base_url
        self.language = settings.report.language
        self.words = _WORDS["zh" if self.language == "zh" else "en"]
        self.title = settings.site.title or settings.report.display_title(self.language)
        self.reports_dir = reports_dir
        self.out = out_dir
        self.result = SiteResult(out_dir)
        ordered = sorted(reports, key=lambda r: (r.date, r.language == self.language, r.language), reverse=True)
        self.editions = [
            SiteEdition(r, settings.edition_path(r.date, r.language), shorten(strip_markers(r.summary, r), 400, r.language))
            for r in ordered
        ]
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                                      undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)

    def link(self, path: str, depth: int) -> str:
        """`path` (relative to the site root) as seen from a page `depth` folders down."""
        return self.base + path if self.base else "../" * depth + (path or "./")

    def build(self) -> SiteResult:
        self.out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(TEMPLATES / "site.css", self.out / "site.css")
        for edition in self.editions:
            self._edition_page(edition)
        self._page("index.html", "index.html.j2", depth=0, editions=self.editions)
        self._tag_pages()
        self._search_page()
        self._write("feed.atom", atom_feed(self))
        if self.base:
            self._write("sitemap.xml", sitemap(self))
        else:
            self.result.notes.append("sitemap.xml not written: it needs absolute URLs (set site.base_url)")
        self.result.editions = len(self.editions)
        return self.result

    def _write(self, rel: str, text: str | bytes) -> Path:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, "utf-8")
        self.result.pages.append(path)
        return path

    def _page(self, rel: str, template: str, depth: int, **values: object) -> Path:
        text = self.env.get_template(template).render(
            site=self, w=self.words, lang=html_lang(self.language), depth=depth,
            link=lambda p: self.link(p, depth), format_date=format_date, **values,
        )
        return self._write(rel, text)

    # -- edition pages ---------------------------------------------------------------------------

    def _edition_page(self, edition: SiteEdition) -> None:
        report = edition.report
        source = edition_folder(self.reports_dir, report.date, report.language, self.settings)
        depth = edition.path.count("/")
        page_html = _read_or_render(report, source, self.result)
        pdf = source / "report.pdf" if source else None
        if pdf is not None and pdf.is_file():
            target = self.out / edition.path / "report.pdf"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pdf, target)
            edition.pdf_bytes = target.stat().st_size
        bar = self.env.get_template("edition_bar.html.j2").render(
            site=self, w=self.words, edition=edition, link=lambda p: self.link(p, depth), format_date=format_date,
        )
        self._write(edition.path + "index.html", _inject(page_html, bar, self.link("feed.atom", depth), self.title))

    # -- tags and search ---------------------------------------------------------------------------

    def _tag_pages(self) -> None:
        tags: dict[str, list[tuple[SiteEdition, int]]] = defaultdict(list)
        names: dict[str, str] = {}
        for edition in self.editions:
            for n, section in enumerate(edition.report.sections, 1):
                tags[section.id].append((edition, n))
                names.setdefault(section.id, _tag_name(section.title))
        for tag, entries in tags.items():
            self._page(f"tags/{_slug(tag)}.html", "tag.html.j2", depth=1, tag=tag, name=names[tag], entries=entries)
        listing = sorted(((t, names[t], len(e)) for t, e in tags.items()), key=lambda x: -x[2])
        self._page("tags/index.html", "tags.html.j2", depth=1, tags=listing, slug=_slug)

    def _search_page(self) -> None:
        index = build_search_index(self.editions)
        self._write("search-index.js", "window.DAILYBRIEF_SEARCH = " + json.dumps(index, ensure_ascii=False, separators=(",", ":")) + ";\n")
        self._page("search.html", "search.html.j2", depth=0)


def _read_or_render(report: Report, source: Path | None, result: SiteResult) -> str:
    """The edition's report.html as `build` rendered it, or rendered now when it is missing."""
    if source is not None and (source / "report.html").is_file():
        return (source / "report.html").read_text("utf-8")
    with tempfile.TemporaryDirectory(prefix="dailybrief-site-") as tmp:
        rendered = render_report(report, Path(tmp), formats=["html"])
        if not rendered.ok:
            raise DailybriefError(f"site: cannot render {report.date} ({report.language}): {rendered.errors[0]}")
        result.notes.append(f"{report.date} ({report.language}): report.html rendered from the stored report")
        return (Path(tmp) / "report.html").read_text("utf-8")


def _inject(page: str, bar: str, feed_url: str, title: str) -> str:
    """The report page with the feed link in <head> and the site bar first in <body>."""
    feed = f'<link rel="alternate" type="application/atom+xml" title="{html.escape(title)}" href="{html.escape(feed_url)}">'
    page = page.replace("</head>", feed + "\n</head>", 1)
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + bar, page, count=1)


def _tag_name(title: str) -> str:
    """The section name without the day's framing: "智能体与开发工具：…" → "智能体与开发工具"."""
    return re.split(r"[：:]", title, maxsplit=1)[0].strip() or title


def _slug(tag: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", tag).strip("-") or "section"


# -- feed and sitemap ------------------------------------------------------------------------------


def _published(report: Report, settings: Settings) -> datetime:
    """When an edition is due: its date at the cut-off in the report's zone (stable across rebuilds)."""
    day = date_cls.fromisoformat(report.date)
    return datetime.combine(day, settings.report.cutoff_time, settings.report.zone)


def _updated(report: Report, settings: Settings) -> datetime:
    """When an edition was last built: `generated_at`, else when it was due."""
    try:
        stamp = datetime.fromisoformat(report.generated_at)
    except ValueError:
        return _published(report, settings)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def entry_id(report: Report) -> str:
    """A stable Atom id: the same date and language always give the same URN."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"dailybrief:edition:{report.date}:{report.language}").urn


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def atom_feed(site: Site) -> str:
    """feed.atom: newest 50 editions."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    feed.set("xml:lang", html_lang(site.language))
    editions = site.editions[:50]
    stamps = [_updated(e.report, site.settings) for e in editions]
    _sub(feed, "id", uuid.uuid5(uuid.NAMESPACE_URL, f"dailybrief:feed:{site.title}").urn)
    _sub(feed, "title", site.title)
    _sub(feed, "updated", max(stamps).isoformat() if stamps else "1970-01-01T00:00:00+00:00")
    _sub(feed, "link", rel="self", href=site.link("feed.atom", 0), type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=site.link("", 0), type="text/html")
    author = _sub(feed, "author")
    _sub(author, "name", site.settings.organisation.name or site.title)
    _sub(feed, "generator", "dailybrief")
    for edition in editions:
        _entry(feed, site, edition)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _entry(feed: ET.Element, site: Site, edition: SiteEdition) -> None:
    report = edition.report
    entry = _sub(feed, "entry")
    entry.set("xml:lang", html_lang(report.language))
    _sub(entry, "id", entry_id(report))
    _sub(entry, "title", f"{report.title} · {format_date(report.date, report.language)}")
    _sub(entry, "published", _published(report, site.settings).isoformat())
    _sub(entry, "updated", _updated(report, site.settings).isoformat())
    _sub(entry, "summary", edition.summary, type="text")
    _sub(entry, "link", rel="alternate", type="text/html", href=site.link(edition.path, 0))
    if edition.pdf_bytes:
        _sub(entry, "link", rel="enclosure", type="application/pdf", length=str(edition.pdf_bytes),
             href=site.link(edition.path + "report.pdf", 0))
    for section in report.sections:
        _sub(entry, "category", term=section.id, label=_tag_name(section.title))


def sitemap(site: Site) -> str:
    ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}urlset")
    pages: list[tuple[str, str | None]] = [("", None), ("tags/index.html", None), ("search.html", None)]
    pages += [(e.path, e.report.date) for e in site.editions]
    pages += sorted({(p.relative_to(site.out).as_posix(), None) for p in site.result.pages
                     if p.parent.name == "tags" and p.name != "index.html"})
    for path, day in pages:
        url = ET.SubElement(root, f"{{{ns}}}url")
        ET.SubElement(url, f"{{{ns}}}loc").text = site.link(path, 0)
        if day:
            ET.SubElement(url, f"{{{ns}}}lastmod").text = day
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def build_site(settings: Settings, reports: list[Report], reports_dir: Path, out_dir: Path) -> SiteResult:
    """Render the archive of `reports` into `out_dir`."""
    return Site(settings, reports, reports_dir, out_dir).build()
