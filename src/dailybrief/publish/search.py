"""The prebuilt index of the archive's search page, for Chinese and English alike.

Documents are an edition's 摘要 and each of its sections. Tokens: Latin words and numbers
lower-cased (``gpt-5``, ``openai``), and for Chinese every pair of adjacent Han characters (a run
of one character is kept as is), so a query needs no word segmenter. search.html tokenises the
query the same way (the JavaScript mirrors `tokens`) and keeps documents that contain every token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..render.citations import strip_markers
from ..render.text import shorten
from .editions import SiteEdition

_LATIN = re.compile(r"[a-z0-9][a-z0-9+#.-]*[a-z0-9+#]|[a-z0-9]")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def tokens(text: str) -> set[str]:
    """The search tokens of `text` (see the module docstring)."""
    lowered = text.lower()
    found = set(_LATIN.findall(_HAN.sub(" ", lowered)))
    for run in _HAN.findall(lowered):
        found.update([run] if len(run) == 1 else (run[i : i + 2] for i in range(len(run) - 1)))
    return found


def _documents(editions: Iterable[SiteEdition]) -> Iterable[dict[str, str]]:
    for edition in editions:
        report = edition.report
        yield {
            "u": edition.path,
            "t": report.title,
            "d": report.date,
            "l": report.language,
            "s": edition.summary[:160],
            "x": edition.summary,
        }
        for n, section in enumerate(report.sections, 1):
            body = " ".join(strip_markers(f"{p.lead or ''} {p.text}", report) for p in section.paragraphs)
            yield {
                "u": f"{edition.path}#section-{n}",
                "t": section.title,
                "d": report.date,
                "l": report.language,
                "s": shorten(body, 160, report.language),
                "x": f"{section.title} {body}",
            }


def build_search_index(editions: Iterable[SiteEdition]) -> dict[str, Any]:
    """{"docs": [{u, t, d, l, s}], "index": {token: [doc numbers]}}."""
    docs: list[dict[str, str]] = []
    index: dict[str, list[int]] = {}
    for n, doc in enumerate(_documents(editions)):
        text = doc.pop("x")
        docs.append(doc)
        for token in tokens(text):
            index.setdefault(token, []).append(n)
    return {"docs": docs, "index": dict(sorted(index.items()))}
