"""`eval ...`: measure quality on labelled data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..app import evaluate
from ._shared import note, say

group = typer.Typer(help="Measure quality on labelled data.", no_args_is_help=True)


@group.command("clustering")
def clustering(file: Annotated[Path, typer.Argument(help="JSON Lines items with a gold `story` label.")]) -> None:
    """Dedupe and cluster labelled items; print B-cubed precision, recall, F1 and story counts."""
    result = evaluate.clustering(file)
    for rejection in result.rejected:
        note(f"{file}:{rejection.line}: rejected: {rejection.reason}")
    score = result.score
    say(
        f"items {score.items}\nprecision {score.precision:.4f}\nrecall {score.recall:.4f}\n"
        f"f1 {score.f1:.4f}\nstories {score.predicted_stories} (gold {score.gold_stories})\n"
        f"embedder {result.embedder}"
    )


@group.command("report")
def report(
    cases: Annotated[list[Path] | None, typer.Argument(help="Case folders (items.jsonl + labels.json).")] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Also score the bundled sample day.")] = False,
    writer: Annotated[str, typer.Option(help="Writer backend: extractive or openai.")] = "extractive",
    lang: Annotated[str, typer.Option("--lang", help="zh or en.")] = "zh",
    base_url: Annotated[str | None, typer.Option("--base-url", help="Chat Completions endpoint root.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="Model name.")] = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the table as Markdown (for docs/quality.md).")
    ] = False,
) -> None:
    """Build each case day by day in a fresh temporary home and score the reports against the labels."""
    from ..quality.suite import markdown_table, text_table

    scores = evaluate.report(list(cases or []), sample, writer, lang, base_url, model, progress=note)
    say(markdown_table(scores) if markdown else text_table(scores))


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="eval")
