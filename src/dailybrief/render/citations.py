"""Citation markers: the one place that parses ``[n]`` in report text.

Writers put markers such as ``[3]`` or ``[2][5]`` into ``Paragraph.text`` and ``Report.summary``;
each resolves to ``Report.references[n-1]``. Renderers never look at the raw markers themselves:
they call :func:`segments` and get plain-text runs and resolved :class:`Cite` objects, so a marker
that does not resolve (``[0]``, ``[99]``, a year like ``[2026]``) stays ordinary text everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dailybrief.models import Reference, Report

_MARKER = re.compile(r"\[(\d{1,4})\]")


@dataclass(frozen=True)
class Cite:
    """One resolved citation marker."""

    n: int
    reference: Reference

    @property
    def preview(self) -> str:
        """A one-line preview: title · source · date (date part of the ISO timestamp)."""
        parts = [self.reference.title, self.reference.source, self.reference.published[:10]]
        return " · ".join(p for p in parts if p)


Segment = str | Cite


def segments(text: str, report: Report) -> list[Segment]:
    """Split ``text`` into plain strings and :class:`Cite` objects, in order.

    Adjacent plain runs are merged; markers outside ``1..len(report.references)`` stay text.
    """
    out: list[Segment] = []
    pos = 0
    for m in _MARKER.finditer(text):
        n = int(m.group(1))
        if not 1 <= n <= len(report.references):
            continue
        if m.start() > pos:
            _append_text(out, text[pos : m.start()])
        out.append(Cite(n, report.reference(n)))
        pos = m.end()
    if pos < len(text):
        _append_text(out, text[pos:])
    return out


def _append_text(out: list[Segment], s: str) -> None:
    if out and isinstance(out[-1], str):
        out[-1] += s
    else:
        out.append(s)


def strip_markers(text: str, report: Report) -> str:
    """The text without resolvable citation markers (for plain-text summaries)."""
    return "".join(s for s in segments(text, report) if isinstance(s, str))


def cited_numbers(text: str, report: Report) -> list[int]:
    """Reference numbers cited in ``text``, first occurrence order, without duplicates."""
    seen: dict[int, None] = {}
    for s in segments(text, report):
        if isinstance(s, Cite):
            seen.setdefault(s.n, None)
    return list(seen)
