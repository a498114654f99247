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
    say(f"items {score.items}\nprecision {score.precision:.4f}\nrecall {score.recall:.4f}\n"
        f"f1 {score.f1:.4f}\nstories {score.predicted_stories} (gold {score.gold_stories})\n"
        f"embedder {result.embedder}")


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="eval")
