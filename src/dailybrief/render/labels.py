"""Every fixed word the renderers print, per report language, in one place.

Renderers and templates never hard-code a label: they get ``t = labels(report.language)`` and
write ``{{ t.summary }}`` (Jinja2), ``data.t.summary`` (typst) or ``t.fmt("figure", ...)``
(Python). A language without its own table falls back to English. Organisation texts (names,
descriptions, the contact title) come from the configuration and are printed as configured; only
an empty contact title is replaced by :attr:`contact`.

Keys (``{name}`` fields are filled with :meth:`Labels.fmt` or ``str.format`` in a template):

====================  ==================================================================
summary, contents,    section headings
references, contact
website               before the website URL on the contact page (includes its colon)
colon                 after a bold list lead-in or a contact name
paren                 a QR label after a contact name in Markdown (``{label}``)
figure                a chart caption line (``{n}``, ``{caption}``)
cite_aria             accessible name of a citation link (``{n}``)
qr_alt                alt text of a QR code (``{name}``)
title_sep             between title and date in report.txt
header_sep            between title and organisation in the PDF running header
sections_today        heading of the section list in report.txt
full_text             the link line of report.txt (``{n}`` references, ``{url}``);
                      ``full_text_one`` when there is exactly one reference; templates
                      call ``t.full_text_line(n, url)``, which picks the right one
chart_*               chart captions, titles and axis labels (``{date}`` ISO, ``{date_text}``,
                      ``{n}`` days)
====================  ==================================================================
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date as _date

DEFAULT_LANGUAGE = "en"

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "summary": "摘要",
        "contents": "目录",
        "references": "参考文献",
        "contact": "联系我们",
        "website": "网站地址：",
        "colon": "：",
        "paren": "（{label}）",
        "figure": "图 {n}　{caption}",
        "cite_aria": "参考文献 {n}",
        "qr_alt": "{name} 二维码",
        "title_sep": "｜",
        "header_sep": "　",
        "sections_today": "今日板块：",
        "full_text": "全文（含 {n} 条参考文献）：{url}",
        "full_text_one": "全文（含 {n} 条参考文献）：{url}",
        "chart_sections_caption": "今日各板块报道数",
        "chart_sections_title": "{date} 各板块报道数",
        "chart_history_caption": "近 {n} 日各板块报道数",
        "chart_history_title": "近 {n} 日各板块报道数",
        "chart_count_axis": "报道数（条）",
    },
    "en": {
        "summary": "Summary",
        "contents": "Contents",
        "references": "References",
        "contact": "Contact us",
        "website": "Website: ",
        "colon": ": ",
        "paren": " ({label})",
        "figure": "Figure {n}. {caption}",
        "cite_aria": "Reference {n}",
        "qr_alt": "QR code: {name}",
        "title_sep": " | ",
        "header_sep": " · ",
        "sections_today": "Today's sections:",
        "full_text": "Full report ({n} references): {url}",
        "full_text_one": "Full report ({n} reference): {url}",
        "chart_sections_caption": "Stories per section today",
        "chart_sections_title": "Stories per section, {date_text}",
        "chart_history_caption": "Stories per section, last {n} days",
        "chart_history_title": "Stories per section, last {n} days",
        "chart_count_axis": "Stories",
    },
}

_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def base_language(language: str | None) -> str:
    """``"zh-CN"`` → ``"zh"``; empty → ``"zh"`` (the report default)."""
    return (language or "zh").strip().lower().replace("_", "-").split("-")[0] or "zh"


class Labels(Mapping[str, str]):
    """The label table of one language; ``t.summary`` and ``t["summary"]`` both work."""

    def __init__(self, language: str, table: Mapping[str, str]) -> None:
        self.language = language
        self._table = dict(table)

    def __getitem__(self, key: str) -> str:
        return self._table[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __getattr__(self, key: str) -> str:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._table[key]
        except KeyError:
            raise AttributeError(f"no label {key!r}") from None

    def fmt(self, key: str, /, **values: object) -> str:
        """The label ``key`` with its ``{fields}`` filled in."""
        return self._table[key].format(**values)

    def full_text_line(self, n: int, url: str) -> str:
        """The report.txt link line for ``n`` references."""
        return self.fmt("full_text_one" if n == 1 else "full_text", n=n, url=url)

    def as_dict(self) -> dict[str, str]:
        return dict(self._table)


def labels(language: str | None) -> Labels:
    """Labels for ``language`` (``"zh"``, ``"zh-CN"``, ``"en"``...); unknown ones get English."""
    lang = base_language(language)
    if lang not in LABELS:
        lang = DEFAULT_LANGUAGE
    return Labels(lang, LABELS[lang])


TITLE_STOPS = tuple("?？!！。.…")


def title_stop(title: str) -> str:
    """The period after a reference title, or nothing when the title ends in a stop of its own."""
    return "" if title.rstrip().endswith(TITLE_STOPS) else "."


def format_date(iso: str, language: str | None) -> str:
    """``2026-04-17`` → ``2026 年 4 月 17 日`` (zh) or ``17 April 2026`` (others).

    Text that does not start with a valid ``YYYY-MM-DD`` date is returned unchanged.
    """
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2}).*", iso or "", flags=re.S)
    if not m:
        return iso
    try:
        d = _date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return iso
    if labels(language).language == "zh":
        return f"{m[1]} 年 {d.month} 月 {d.day} 日"
    return f"{d.day} {_MONTHS_EN[d.month - 1]} {m[1]}"


def html_lang(language: str | None) -> str:
    """The ``<html lang>`` value: ``zh`` → ``zh-CN``, others as given (default ``zh-CN``)."""
    return {"zh": "zh-CN"}.get(language or "zh", language or "zh-CN")


def typst_lang(language: str | None) -> tuple[str, str | None]:
    """typst ``lang`` and ``region`` for the report language (an invalid code becomes ``en``)."""
    lang = base_language(language)
    if not re.fullmatch(r"[a-z]{2,3}", lang):
        return "en", None
    return lang, ("cn" if lang == "zh" else None)
