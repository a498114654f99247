"""`dailybrief eval report`: runs cases, scores them, adds the story engine's whole-window
clustering score and the TF-IDF baseline on the same items, and formats one table.
"""

from __future__ import annotations

from ..models import Item
from ..process.evaluate import evaluate_clustering
from .baseline import baseline_score
from .cases import Case
from .runner import CaseRun, RunOptions, run_case
from .scoring import Score, score_run


def _window_items(case: Case, run: CaseRun) -> list[list[Item]]:
    """The labelled items of each report day's window."""
    return [[run.items[u] for u in day.window if u in case.items] for day in run.days]


def clustering_scores(case: Case, run: CaseRun) -> dict[str, float]:
    """The story engine over the whole window at once, and the baseline per day and per window."""
    days = _window_items(case, run)
    window = [it for items in days for it in items]
    gold = {u: label.story for u, label in case.items.items()}
    labelled = [it.model_copy(update={"extra": {**it.extra, "story": gold[it.url]}}) for it in window]
    engine = evaluate_clustering(labelled)
    return {
        "f1": engine.f1, "p": engine.precision, "r": engine.recall,
        "base_f1": baseline_score([window], gold).f1, "base_f1_day": baseline_score(days, gold).f1,
    }


def evaluate_case(case: Case, options: RunOptions | None = None) -> Score:
    options = options or RunOptions()
    run = run_case(case, options)
    score = score_run(case, run, options.language)
    score.values |= clustering_scores(case, run)
    return score


COLUMNS = [
    ("f1", "F1"), ("p", "P"), ("r", "R"), ("base_f1", "base F1"), ("f1_day", "F1 day"), ("base_f1_day", "base day"),
    ("placed", "placed"), ("sections", "sect"), ("offtopic_shown", "off"), ("oow_shown", "oow"),
    ("entities", "ent"), ("foreign", "foreign"), ("furniture", "furn"), ("repeated", "rep"),
    ("dangling", "dangl"), ("unsupported_figures", "unsup fig"), ("verifier_unsupported", "unsup ver"),
    ("invented_refs", "inv ref"), ("dangling_refs", "dangl ref"), ("recognised", "cont rec"),
    ("false_update", "false upd"),
]


def _cell(value: float | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def table_rows(scores: list[Score]) -> tuple[list[str], list[list[str]]]:
    """Header and rows: one row per case; `sentences` and `continuations` go in the case cell."""
    header = ["case"] + [title for _, title in COLUMNS]
    rows = []
    for score in scores:
        v = score.values
        name = f"{score.name} ({v.get('items')} items, {v.get('sentences')} sent, {v.get('continuations')} cont)"
        rows.append([name] + [_cell(v.get(key)) for key, _ in COLUMNS])
    return header, rows


def markdown_table(scores: list[Score]) -> str:
    header, rows = table_rows(scores)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def text_table(scores: list[Score]) -> str:
    """The table as aligned plain text (wide: one column per metric)."""
    header, rows = table_rows(scores)
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(cells, widths)))

    return "\n".join([line(header), *(line(r) for r in rows)])
