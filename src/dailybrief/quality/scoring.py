"""Scores a case run against its labels: stories (B-cubed, per day and over the whole window),
placement, sections, off-topic and out-of-window items shown, key entities, the prose checks of
`prose.py`, references, and memory across days. docs/quality.md says how each is computed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from ..models import Report
from ..process.evaluate import bcubed
from . import prose
from .cases import Case
from .runner import CaseRun, DayRun

_CITE = re.compile(r"\[(\d+)\]")


@dataclass
class Score:
    name: str
    values: dict[str, float | int | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def _placed_urls(report: Report) -> dict[str, tuple[str, str]]:
    """Item URL → (section id, report story id) for everything the report shows."""
    return {u: (s.id, st.id) for s in report.sections for st in s.stories for u in st.item_urls}


def _gold_in_window(case: Case, day: DayRun) -> list[str]:
    return [u for u in day.window if u in case.items]


def day_clusters(case: Case, run: CaseRun) -> tuple[list[str], list[str]]:
    """Predicted and gold labels of every item, per day (a story that spans days counts once per day)."""
    predicted, gold = [], []
    for day in run.days:
        story_of = {u: s.id for s in day.stories.stories for u in s.item_urls}
        for url in _gold_in_window(case, day):
            predicted.append(f"{day.day}:{story_of.get(day.primary.get(url, url), url)}")
            gold.append(f"{day.day}:{case.items[url].story}")
    return predicted, gold


def placement(case: Case, run: CaseRun) -> dict[str, float | int | None]:
    ai = placed = off_shown = oow_shown = 0
    shown_before: set[str] = set()
    for day in run.days:
        shown = _placed_urls(day.report)
        for url in shown:
            label = case.items.get(url)
            off_shown += bool(label and label.off_topic)
            oow_shown += bool(label and label.out_of_window) or url not in day.window
        for url in _gold_in_window(case, day):
            if case.items[url].off_topic:
                continue
            ai += 1
            primary = day.primary.get(url, url)
            placed += url in shown or primary in shown or url in shown_before
        shown_before |= set(shown)
    return {"ai_items": ai, "placed": _ratio(placed, ai), "offtopic_shown": off_shown, "oow_shown": oow_shown}


def section_agreement(case: Case, run: CaseRun) -> float | None:
    """Rand index over pairs of placed items of one day: same predicted section ⇔ same gold section."""
    agree = total = 0
    for day in run.days:
        shown = _placed_urls(day.report)
        pairs = [(shown[u][0], case.stories[case.items[u].story].section) for u in shown
                 if u in case.items and case.stories[case.items[u].story].section]
        for (p1, g1), (p2, g2) in combinations(pairs, 2):
            total += 1
            agree += (p1 == p2) == (g1 == g2)
    return _ratio(agree, total)


def _report_text(report: Report) -> str:
    parts = [report.summary] + [s.title for s in report.sections]
    parts += [f"{p.lead or ''} {p.text}" for s in report.sections for p in s.paragraphs]
    return "\n".join(parts)


def entities_covered(case: Case, run: CaseRun) -> float | None:
    found = wanted = 0
    for day in run.days:
        text = _report_text(day.report).lower()
        stories = {case.items[u].story for u in _placed_urls(day.report) if u in case.items}
        for sid in stories:
            for entity in case.stories[sid].entities:
                wanted += 1
                found += entity.lower() in text
    return _ratio(found, wanted)


def _cited_text(sentence: str, report: Report, items: dict[str, str]) -> str | None:
    numbers = [int(n) for n in _CITE.findall(sentence)]
    refs = [report.references[n - 1].url for n in numbers if 0 < n <= len(report.references)]
    if not refs:
        return None
    return " ".join(items.get(u, "") for u in refs)


def _figure_supported(figure: str, text: str) -> bool:
    return figure in text.replace(",", "")


def _section_sentences(report: Report) -> list[tuple[str, list[list[str]]]]:
    """(section id, paragraphs as sentence lists) for every section, the summary first."""
    out = [("summary", [prose.sentences(report.summary)])]
    for section in report.sections:
        out.append((section.id, [prose.sentences(p.text) for p in section.paragraphs]))
    return out


def _opener_dangles(paragraph: list[str], k: int) -> bool:
    if not prose.dangling_opener(paragraph[k]):
        return False
    if k == 0:
        return True
    return not set(_CITE.findall(paragraph[k])) & set(_CITE.findall(paragraph[k - 1]))


def prose_checks(run: CaseRun, language: str) -> dict[str, int]:
    counts = dict.fromkeys(("sentences", "foreign", "furniture", "repeated", "dangling", "unsupported_figures"), 0)
    # An item's points and comments are facts about it the data lead may state (write/lead.py).
    texts = {u: f"{it.title} {it.text} {it.score or ''} {it.comments or ''}".replace(",", "")
             for u, it in run.items.items()}
    for day in run.days:
        for section_id, paragraphs in _section_sentences(day.report):
            flat = [s for p in paragraphs for s in p]
            counts["sentences"] += len(flat)
            counts["foreign"] += sum(not prose.in_language(s, language) for s in flat)
            counts["furniture"] += sum(prose.is_furniture(s) for s in flat)
            if section_id != "summary":
                counts["repeated"] += prose.repeated_facts(flat)
            counts["dangling"] += sum(_opener_dangles(p, k) for p in paragraphs for k in range(len(p)))
            counts["dangling"] += sum(prose.incomplete(s) for s in flat)
            for sentence in flat:
                cited = _cited_text(sentence, day.report, texts)
                if cited is not None:
                    counts["unsupported_figures"] += sum(not _figure_supported(f, cited) for f in prose.figures(sentence))
    return counts


def references(case: Case, run: CaseRun) -> dict[str, int]:
    invented = dangling = 0
    for day in run.days:
        report = day.report
        invented += sum(r.url not in run.items for r in report.references)
        texts = [report.summary] + [p.text for s in report.sections for p in s.paragraphs]
        dangling += sum(not 0 < int(n) <= len(report.references) for t in texts for n in _CITE.findall(t))
    return {"invented_refs": invented, "dangling_refs": dangling}


def _status_of(day: DayRun, urls: list[str]) -> list[str]:
    status = {u: s.status for s in day.stories.stories for u in s.item_urls}
    return [status.get(day.primary.get(u, u), "new") for u in urls]


def memory(case: Case, run: CaseRun) -> dict[str, float | int | None]:
    """Continuations recognised (marked update or repeat) and new stories wrongly marked update."""
    reported: set[str] = set()
    cont = recognised = new = false_update = 0
    for day in run.days:
        by_story: dict[str, list[str]] = defaultdict(list)
        for url in _gold_in_window(case, day):
            if not case.items[url].off_topic:
                by_story[case.items[url].story].append(url)
        for sid, urls in by_story.items():
            marked = sum(s in ("update", "repeat") for s in _status_of(day, urls)) * 2 >= len(urls)
            if sid in reported:
                cont += 1
                recognised += marked
            elif not any(case.related_to(sid, r) for r in reported):
                new += 1
                false_update += marked
        reported |= {case.items[u].story for u in _placed_urls(day.report) if u in case.items}
    return {"continuations": cont, "recognised": _ratio(recognised, cont), "new_stories": new,
            "false_update": _ratio(false_update, new)}


def score_run(case: Case, run: CaseRun, language: str) -> Score:
    predicted, gold = day_clusters(case, run)
    day_score = bcubed(predicted, gold)
    values: dict[str, float | int | None] = {
        "items": len(case.items), "stories": len(case.stories),
        "f1_day": day_score.f1, "p_day": day_score.precision, "r_day": day_score.recall,
    }
    values |= placement(case, run)
    values["sections"] = section_agreement(case, run)
    values["entities"] = entities_covered(case, run)
    values |= prose_checks(run, language)
    values |= references(case, run)
    values["verifier_unsupported"] = sum(d.report.stats.get("verification", {}).get("unsupported", 0) for d in run.days)
    values |= memory(case, run)
    return Score(case.name, values)
