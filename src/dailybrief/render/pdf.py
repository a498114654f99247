"""PDF: an A4 report typeset by typst with embedded Noto CJK fonts.

The report never becomes typst markup: :func:`pdf_data` turns it into plain JSON (strings and
citation numbers), which the template ``report.typ`` reads with ``json("data.json")`` and inserts
as text. Charts (SVG) and QR codes (SVG) sit next to it in a temporary root folder. Any typst
warning (an unknown font family above all) is an error, so a PDF with substituted fonts is never
published. Output: title block, summary, contents with dot leaders and page numbers (clickable),
numbered sections, numbered story lists, references with italic titles and clickable URLs, contact
page with QR codes; running header, page numbers, bookmarks and document metadata. Labels, the date
and the document language follow ``report.language`` (:mod:`dailybrief.render.labels`).
"""

from __future__ import annotations

import json
import re
import tempfile
from datetime import date as _date
from pathlib import Path
from typing import Any

from dailybrief.models import Report
from dailybrief.render.citations import Cite, segments
from dailybrief.render.context import RenderContext, RenderError, write_atomic
from dailybrief.render.fonts import printable
from dailybrief.render.labels import title_stop, typst_lang

_COMPILER: Any = None


def _rich(text: str, report: Report) -> list[dict[str, Any]]:
    return [{"c": s.n} if isinstance(s, Cite) else {"t": printable(s)} for s in segments(text, report)]


MAX_LINK_URL = 2_000  # characters; typst refuses longer link targets ("URL is too long")
SHOWN_URL = 200  # characters of an unlinked long URL that are printed


def _reference_url(url: str) -> dict[str, str]:
    """The link target and display text of a reference: a URL longer than MAX_LINK_URL is
    printed shortened and not linked (``url`` empty), so one such item cannot fail the PDF."""
    if len(url) <= MAX_LINK_URL:
        return {"url": url, "url_display": _breakable_url(url)}
    return {"url": "", "url_display": _breakable_url(url[:SHOWN_URL]) + "…"}


def _breakable_url(url: str) -> str:
    """Display form of a URL with zero-width break opportunities after / ? & = - _ ."""
    return re.sub(r"([/?&=_\-.])", "\\1\u200b", printable(url))


def pdf_data(ctx: RenderContext, charts: list[dict[str, str]], qr_files: dict[int, str]) -> dict[str, Any]:
    """The JSON document the typst template reads (``qr_files``: contact index → image file)."""
    r = ctx.report
    t = ctx.t
    org = r.organisation
    lang, region = typst_lang(r.language)
    try:
        d = _date.fromisoformat(r.date[:10])
        ymd = {"year": d.year, "month": d.month, "day": d.day}
    except ValueError:
        ymd = None
    contacts = []
    for n, c in enumerate(org.contacts):
        contacts.append(
            {
                "name": printable(c.name),
                "description": printable(c.description),
                "qr_label": printable(c.qr_label),
                "qr": qr_files.get(n, ""),
            }
        )
    return {
        "title": printable(r.title),
        "date": r.date,
        "date_text": ctx.date_text,
        "date_cn": ctx.date_text,  # old name of date_text, kept for custom templates
        "ymd": ymd,
        "lang": lang,
        "region": region,
        "t": t.as_dict(),
        "org": {
            "name": printable(org.name),
            "partner": printable(org.partner),
            "website": org.website,
            "contact_title": printable(org.contact_title or t.contact),
            "contacts": contacts,
        },
        "summary": _rich(r.summary, r),
        "sections": [
            {
                "title": printable(s.title),
                "layout": s.layout,
                "paragraphs": [
                    {"lead": printable(p.lead) if p.lead else "", "text": _rich(p.text, r)} for p in s.paragraphs
                ],
            }
            for s in r.sections
        ],
        "references": [
            {
                "n": ref.n,
                "title": printable(ref.title),
                "stop": title_stop(ref.title),
                "source": printable(ref.source),
                **_reference_url(ref.url),
            }
            for ref in r.references
        ],
        "charts": charts,
        "keywords": [printable(_keyword(s.title, lang)) for s in r.sections],
    }


def _keyword(title: str, lang: str) -> str:
    """The theme part of a section title: before the first ``：`` (and ``: `` if not Chinese)."""
    head = title.split("：")[0]
    return head if lang == "zh" else head.split(": ")[0]


def _compiler():
    global _COMPILER
    if _COMPILER is None:
        import typst

        _COMPILER = typst.Compiler()  # font discovery once per process
    return _COMPILER


def compile_pdf(ctx: RenderContext) -> bytes:
    """Typeset the report and return the PDF bytes; typst errors and warnings raise RenderError."""
    import typst

    template = ctx.read_template("report.typ")
    with tempfile.TemporaryDirectory(prefix="dailybrief-pdf-") as tmp:
        root = Path(tmp)
        chart_files = []
        for c in ctx.charts:
            (root / f"chart-{c.name}.svg").write_bytes(c.svg)
            place = "front" if c.name == "sections" else "end"
            chart_files.append({"file": f"chart-{c.name}.svg", "caption": c.caption, "place": place})
        qr_files = {}
        for q in ctx.qr_codes:
            ext, image = q.file()
            (root / f"qr-{q.index}.{ext}").write_bytes(image)
            qr_files[q.index] = f"qr-{q.index}.{ext}"
        data = pdf_data(ctx, chart_files, qr_files)
        (root / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        (root / "report.typ").write_text(template, encoding="utf-8")
        try:
            pdf, warnings = _compiler().compile_with_warnings(
                input=str(root / "report.typ"), root=str(root), format="pdf"
            )
        except typst.TypstError as exc:
            raise RenderError(f"typst: {_one_line(str(exc))}") from exc
        except RuntimeError as exc:
            raise RenderError(f"typst: {_one_line(str(exc))}") from exc
        if warnings:
            raise RenderError("typst warning treated as error: " + "; ".join(_one_line(str(w)) for w in warnings))
    return quiet_mark_info(pdf)


# typst writes ``/MarkInfo<</Marked true/Suspects false>>`` in the catalog: valid PDF, but
# poppler up to 25.11 (the pdfinfo of Debian 12 among them) reads any ``Suspects`` that is
# not ``true`` as the wrong type and prints "Syntax Error: Suspects object is wrong type
# (boolean)" for every file. ``false`` is the default of the key, so leaving it out says the same.
_SUSPECTS_FALSE = re.compile(rb"(/MarkInfo\s*<<[^<>]*?)/Suspects\s+false")


def quiet_mark_info(pdf: bytes) -> bytes:
    """``pdf`` without the redundant ``/Suspects false`` of its mark-info dictionary. The entry is
    blanked with spaces of the same length, so every byte offset of the cross-reference table
    stays right; a PDF without it (or with the catalog compressed) is returned unchanged."""
    return _SUSPECTS_FALSE.sub(lambda m: m[1] + b" " * (len(m[0]) - len(m[1])), pdf, count=1)


def _one_line(msg: str) -> str:
    return " ".join(msg.split())[:400]


class PDFRenderer:
    name = "pdf"
    filename = "report.pdf"

    def render(self, ctx: RenderContext) -> list[Path]:
        return [write_atomic(ctx.out_dir / self.filename, compile_pdf(ctx))]


RENDERER = PDFRenderer()
